"""The planner's day view over routines: occurrences drawn with the routine mark, `d` on one
skips that date (remembered), and a day off said in the header, in one start."""

from __future__ import annotations

import pendulum

from flowday.application import routines as use
from flowday.application.planner import Planner
from flowday.application.week import set_days_off
from flowday.tui.app import FlowdayApp
from flowday.tui.widgets.day_header import DayHeader
from flowday.tui.widgets.timeline import Timeline

TODAY = pendulum.date(2026, 11, 25)


async def test_occurrences_show_marked_and_d_skips_one(planner: Planner) -> None:
    routine = use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays").routine
    assert routine is not None
    set_days_off(planner, TODAY.add(days=1), TODAY.add(days=1), note="Sick")
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.main.query_one(Timeline)
        assert timeline.layout_data is not None
        texts = [c.text for row in timeline.layout_data.rows for c in row.cells if c.first]
        assert any(text.startswith("■ ↻ Standup") for text in texts), texts
        assert timeline.selected_block is not None and timeline.selected_block.routine
        await pilot.press("d")
        assert planner.store.blocks_on(TODAY) == []
        assert "2026-11-25" in planner.store.routines()[0].skipped  # never made again
        assert planner.store.blocks_on(TODAY.add(days=2))[0].routine == routine.id
        await pilot.press("]")  # the next day: a day off, said in the header
        await pilot.pause()
        header = str(app.main.query_one(DayHeader).render())
        assert "day off: Sick" in header and app.main.query_one(Timeline).blocks == []
