"""Days whose midnight does not exist, in the planner: it opens them, `]`/`[` and go-to
cross them, a day the clocks skip entirely is shown as skipped and refuses an add in one
line. One start of the app (a start costs ~0.6 s): the zone is switched under it halfway,
as when a laptop travels from Santiago to Samoa."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

import pendulum

from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.frozen import replace
from flowday.domain.model import Sphere
from flowday.store import Store
from flowday.tui.app import FlowdayApp
from flowday.tui.widgets.day_header import DayHeader
from flowday.tui.widgets.quick_add import QuickAddBar
from flowday.tui.widgets.timeline import SKIPPED_DAY, Timeline

Paste = Callable[..., Awaitable[None]]  # the paste fixture (tests/conftest.py)
SANTIAGO_EVE = pendulum.date(2022, 9, 10)  # its 24:00 is 01:00 on the 11th
SANTIAGO_SPRING = pendulum.date(2022, 9, 11)  # 00:00-00:59 do not exist
APIA_BEFORE, APIA_SKIPPED = pendulum.date(2011, 12, 29), pendulum.date(2011, 12, 30)


def shown(app: FlowdayApp) -> str:
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


async def test_midnight_dst_and_a_skipped_day_open_and_step(tmp_path, paste: Paste) -> None:
    config = from_mapping({"timezone": "America/Santiago"})
    clock = FixedClock(pendulum.datetime(2022, 9, 9, 10, 0, tz="America/Santiago"))
    planner = Planner(Store(tmp_path / "data"), config, clock)
    planner.add_block(SANTIAGO_EVE, title="Late", start=22 * 60, end=1440, sphere=Sphere.PERSONAL)
    app = FlowdayApp(planner, SANTIAGO_EVE)
    async with app.run_test(size=(110, 36)) as pilot:
        main = app.main
        timeline = main.query_one(Timeline)
        assert timeline.layout_data is not None
        assert len(timeline.layout_data.rows) == 96
        assert main.day is not None
        assert main.day.figures["personal"] == 120  # 22:00-24:00 lasts its real 2 hours

        await pilot.press("right_square_bracket")
        assert main.date == SANTIAGO_SPRING
        rows = timeline.layout_data.rows
        assert len(rows) == 92 and rows[0].label == "01:00"

        # the person lands in Samoa: the same planner, another zone
        planner.config = replace(config, timezone=pendulum.timezone("Pacific/Apia"))
        planner.clock = FixedClock(pendulum.datetime(2011, 12, 28, 10, 0, tz="Pacific/Apia"))
        planner.add_block(APIA_BEFORE, title="Eve", start=22 * 60, end=1440, sphere=Sphere.BREAK)
        await pilot.press("g")
        await paste(pilot, APIA_SKIPPED.to_date_string())
        await pilot.press("enter")
        assert main.date == APIA_SKIPPED
        assert timeline.layout_data.skipped
        assert "skipped" in str(main.query_one(DayHeader).render())
        assert SKIPPED_DAY in timeline.render_line(1).text and SKIPPED_DAY in shown(app)
        await pilot.press("j", "end")  # nothing to select or scroll to
        await pilot.press("a")
        await paste(pilot, "Walk 9:00-10:00")
        await pilot.press("enter")
        bar = main.query_one(QuickAddBar)
        assert "does not exist in Pacific/Apia" in str(bar.query_one("#quick-preview").render())
        assert planner.store.blocks_on(APIA_SKIPPED) == []
        await pilot.press("escape", "right_square_bracket")
        assert main.date == APIA_SKIPPED.add(days=1)
        assert len(timeline.layout_data.rows) == 96
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert main.date == APIA_BEFORE
        assert timeline.layout_data.rows_of(timeline.selected_id or "") == (88, 96)
        assert main.day.figures["break"] == 120  # 22:00 Dec 29 to 00:00 Dec 31: 2 hours
        await pilot.press("right_square_bracket")
        assert main.date == APIA_SKIPPED and timeline.layout_data.skipped
