"""The planner's keys for what happened, in one start: x marks the selected block done
(again: planned), u undoes, X records when it ran (an overrun is said), the header and the
edit dialog show it, x typed into the quick-add line is text, never a mark, and reminders
wait for an idle planner; then the shutdown ritual at 80x24, in a second start."""

from __future__ import annotations

import pendulum

from flowday.application.planner import Planner
from flowday.domain.model import Outcome, Sphere
from flowday.tui.app import FlowdayApp
from flowday.tui.widgets.day_header import DayHeader
from flowday.tui.widgets.timeline import Timeline

TODAY = pendulum.date(2026, 11, 25)


async def test_x_marks_done_u_undoes_and_x_records_when_it_ran(planner: Planner, clock) -> None:
    added = planner.add_block(
        TODAY, title="Report", start=16 * 60, end=17 * 60, sphere=Sphere.WORK
    ).block
    assert added is not None
    planner.add_block(TODAY, title="Call", start=17 * 60 + 30, end=18 * 60, sphere=Sphere.PERSONAL)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.main.query_one(Timeline)
        assert timeline.selected_block is not None and timeline.selected_block.id == added.id

        def stored() -> Outcome:
            block = planner.store.find_block(added.id)
            assert block is not None
            return block.outcome

        def header() -> str:
            return str(app.main.query_one(DayHeader).render())

        await pilot.press("x")
        assert stored() is Outcome.DONE and "✓ 1" in header()
        await pilot.press("u")
        assert stored() is Outcome.PLANNED and "✓" not in header()
        await pilot.press("x", "x")  # done, then planned again
        assert stored() is Outcome.PLANNED
        await pilot.press("S")  # it did not happen
        assert stored() is Outcome.SKIPPED and "✗ 1" in header()
        await pilot.press("S")  # again: back to planned
        assert stored() is Outcome.PLANNED
        await pilot.press("X")
        await pilot.pause()
        field = app.screen.query_one("#actual-input")
        assert getattr(field, "value", "") == "16:00-17:00"  # the plan, to change
        setattr(field, "value", "16:00-17:45")  # noqa: B010 (an Input's value)
        await pilot.press("enter")
        await pilot.pause()
        block = planner.store.find_block(added.id)
        assert block is not None and block.actual == (960, 1065)
        assert "1 overrun" in header() and "work ran 1h45" in header()
        figures = [
            line.split() for line in str(app.main.query_one("#figures").render()).split("\n")
        ]
        assert ["work", "ran", "1h45"] in figures and ["»", "overruns", "1"] in figures
        assert timeline.layout_data is not None
        cells = [c for r in timeline.layout_data.rows for c in r.cells if c.block == block]
        assert "» ran on to 17:45 (overrun)" in [c.text for c in cells]
        assert all(c.overrun for c in cells)  # the block's own rows are marked too
        toasts = [str(n.message) for n in app._notifications]
        assert any(t.startswith("Overrun recorded: Work block 'Report'") for t in toasts), toasts
        await pilot.press("e")
        await pilot.pause()
        said = str(app.screen.query_one("#edit-outcome").render())
        assert "Done at 16:00-17:45 (planned 16:00-17:00)" in said
        await pilot.press("escape")
        await pilot.pause()
        # typed into the quick-add line, x is a letter: nothing marked
        await pilot.press("u")  # back to planned
        assert stored() is Outcome.PLANNED
        await pilot.press("a", "x")
        await pilot.pause()
        assert stored() is Outcome.PLANNED

        # reminders (same start): they wait while the quick-add line is open, then are
        # said once the planner is idle, and never twice for the same block
        def reminders() -> list[str]:
            return [str(n.message) for n in app._notifications if n.title == "Starting soon"]

        later = pendulum.datetime(2026, 11, 25, 17, 26, tz="Europe/Berlin")
        object.__setattr__(clock, "at", later)
        app.last_key_at -= 60
        app.main.check_reminders()
        await pilot.pause()
        assert reminders() == []
        await pilot.press("escape")
        await pilot.pause()
        app.last_key_at -= 60
        app.main.check_reminders()
        await pilot.pause()
        assert reminders() == ["Call starts at 17:30 (in 4 min)"]
        app.main.check_reminders()
        await pilot.pause()
        assert len(reminders()) == 1


async def test_the_offered_reflection_is_the_shutdown_ritual_at_80x24(planner: Planner) -> None:
    from time import monotonic

    from flowday.tui.screens.reflection import ReflectionScreen
    from flowday.tui.screens.shutdown import GlanceScreen, UnfinishedScreen

    left = planner.add_block(TODAY, title="Stretch", start=7 * 60, end=7 * 60 + 30,
                             sphere=Sphere.PERSONAL, flexible=True).block  # fmt: skip
    assert left is not None
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(80, 24)) as pilot:

        def fits() -> None:
            step = app.screen.query_one("#shutdown-step")
            assert step.region.height <= 24 and step.region.width <= 80

        app.main.offered = (TODAY, monotonic())
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, GlanceScreen)
        fits()
        said = " ".join(str(s.render()) for s in app.screen.query(".shutdown-line"))
        assert "0 of 1 blocks done" in said
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UnfinishedScreen)
        fits()
        await pilot.press("3")  # inbox
        await pilot.press("escape")  # with an answer picked: asks first
        await pilot.pause()
        assert "Discard" in str(app.screen.query_one("Label").render())
        await pilot.press("n")  # keep editing
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)
        form = app.screen.query_one("#reflection-dialog")
        assert form.region.height <= 24 and form.max_scroll_y == 0  # no scrolling at 80x24
        assert "What stressed me today?" in str(app.screen.query(".question")[1].render())
        assert planner.store.find_block(left.id) is None
        assert [t.title for t in planner.store.tasks()] == ["Stretch"]
        await pilot.press("1", "tab", "3", "tab", "4", "tab", "4", "tab", "4", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GlanceScreen)
        fits()
        assert "Saved" in str(app.screen.query_one(".dialog-title").render())
        assert planner.store.day(TODAY).reflection is not None
        said = " ".join(str(s.render()) for s in app.screen.query(".shutdown-line"))
        assert "shutdown: 09:50-10:00 added as done (break)" in said  # and on the timeline:
        assert [(b.title, b.outcome) for b in planner.store.blocks_on(TODAY)] == [
            ("Shutdown", Outcome.DONE)
        ]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.main
