"""The planner's week and month views and its routine dialog, driven by keys: one app
start per group (a start costs ~0.6 s CPU)."""

from __future__ import annotations

import re

import pendulum

from flowday.application import reviews
from flowday.application.planner import Planner
from flowday.application.week import set_days_off, summaries
from flowday.domain.model import Sphere
from flowday.store import Store
from flowday.tui.app import FlowdayApp
from flowday.tui.screens.confirm import ConfirmScreen
from flowday.tui.screens.main import MainScreen
from flowday.tui.screens.mode import ModeScreen
from flowday.tui.screens.month import MonthScreen
from flowday.tui.screens.routine import RoutineScreen
from flowday.tui.screens.week import WeekModeScreen, WeekScreen
from flowday.tui.widgets.month_grid import MonthGrid, cell_lines
from flowday.tui.widgets.timeline import Timeline
from flowday.tui.widgets.week_grid import GUTTER, WeekGrid

TODAY = pendulum.date(2026, 11, 25)  # a Wednesday
THURSDAY = TODAY.add(days=1)
SATURDAY = TODAY.add(days=3)


def _titles(planner: Planner, date: pendulum.Date) -> list[str]:
    return [b.title for b in planner.store.blocks_on(date)]


def _titles_shown(grid: WeekGrid, day: int) -> list[str]:
    return [b.title for b in grid.columns[day].blocks]


def _month_work(month: MonthScreen, date: pendulum.Date) -> int:
    grid = month.query_one(MonthGrid)
    return next(d.figures["work"] for d in grid.days if d.date == date)


async def test_week_month_and_routine_keys(seeded: Planner, paste, wait_for) -> None:
    """One start (each costs ~0.6 s CPU). W opens the week on today with the day view's
    selection;
    h/l/j/k move it; L/H move a block to another day (refused → cross anyway → recorded);
    u undoes; m/M switch a day's or the week's mode; ] the next week; enter opens a day.
    M: the month, moved by day and week, enter opens a day. R: the selected block made a
    routine (undone with u), then its routine changed from an occurrence."""
    planner = seeded
    planner.add_block(THURSDAY, title="Client call", start=600, end=660, sphere=Sphere.WORK)
    set_days_off(planner, SATURDAY, SATURDAY, note="Lisbon")
    monday = pendulum.date(2026, 11, 23)  # a work and a personal block on one row (crossed)
    planner.add_block(monday, title="Sprint", start=600, end=660, sphere=Sphere.WORK)
    planner.add_block(monday, title="Dentist", start=600, end=645, sphere=Sphere.PERSONAL,
                      force=True)  # fmt: skip
    next_monday = pendulum.date(2026, 11, 30)
    for title, start in (("Early", 480), ("Catch-up", 780)):
        planner.add_block(next_monday, title=title, start=start, end=start + 15,
                          sphere=Sphere.PERSONAL, force=True)  # fmt: skip
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "W")  # the day view's selection (Deep work) is the week's
        week = app.screen
        assert isinstance(week, WeekScreen) and week.day_index == 2
        deep = next(b for b in planner.store.blocks_on(TODAY) if b.title == "Deep work")
        assert week.block_id == deep.id
        await pilot.press("k")
        grid = week.query_one(WeekGrid)
        assert grid.columns[0].summary.date == monday
        width, cw = grid.scrollable_content_region.width, grid.column_width()
        shown = grid._row_strip(10 * 4, width).text[GUTTER : GUTTER + cw]  # 10:00, Monday
        assert "■ Spr" in shown and shown.endswith("●")  # narrow: the second as its glyph
        # zoom: the day view's keys and remembered setting; the whole week at 60 min a row
        await pilot.press("Z", "Z")
        assert grid.row_minutes == 60 and app.main.zoom == "60"
        assert planner.store.state()["timeline_zoom"] == "60"
        assert grid.columns[0].layout.row_minutes == 60
        await pilot.press("z", "z")
        assert grid.row_minutes == 15 and app.main.zoom == "15"
        await pilot.press("f")
        assert app.main.zoom == "fit" and grid.open_wall is not None
        await pilot.press("f")
        assert app.main.zoom == "15"
        # another process's change shows in the open week (the day view's poll)
        other = Planner(Store(planner.store.root), planner.config, planner.clock)
        other.add_block(SATURDAY.add(days=1), title="Brunch", start=660, end=720,
                        sphere=Sphere.PERSONAL)  # fmt: skip
        await wait_for(pilot, lambda: _titles_shown(grid, 6) == ["Brunch"])
        # the palette lists the view's own actions, and Textual's (theme, quit)
        palette = [c.title for c in app.get_system_commands(week)]
        assert "Move the selected block to the next day" in palette and "Theme" in palette
        assert "Switch the whole week's mode" in palette
        assert week.block_id == planner.store.blocks_on(TODAY)[0].id  # Standup, 09:00
        await pilot.press("j")  # Deep work 09:30
        deep = next(b for b in planner.store.blocks_on(TODAY) if b.title == "Deep work")
        assert week.block_id == deep.id
        await pilot.press("l")  # Thursday: the block nearest in time, the call at 10:00
        assert week.day_index == 3 and week.block_id is not None
        await pilot.press("h", "k")
        assert week.day_index == 2 and grid.block_id == week.block_id
        # Deep work (09:30-11:30) to Thursday: overlaps the call → asked, crossed, recorded
        await pilot.press("j", "L")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert "Deep work" in _titles(planner, THURSDAY)
        assert planner.store.day(THURSDAY).crossings  # the crossing is on Thursday
        assert week.day_index == 3 and week.block_id == deep.id  # the selection followed
        await pilot.press("u")  # undone: back on Wednesday
        await pilot.pause()
        assert "Deep work" in _titles(planner, TODAY)
        assert "Deep work" not in _titles(planner, THURSDAY)
        assert not planner.store.day(THURSDAY).crossings
        assert week.day_index == 2  # the selection follows the block back
        # one day's mode through the day view's dialog
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ModeScreen) and not isinstance(app.screen, WeekModeScreen)
        await pilot.press("enter")  # the first other mode: integration
        await pilot.pause()
        assert planner.mode_of(planner.store.day(TODAY)) == "integration"
        # the whole week, day by day (what breaks per day is previewed)
        await pilot.press("M")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, WeekModeScreen)
        assert dialog.chosen == "balance"  # the week is mixed: the list starts on the first
        preview = str(dialog.query_one("#mode-preview").render())
        assert "Mon 23" in preview and "Sun 29" in preview
        await pilot.press("enter")
        await pilot.pause()
        days = summaries(planner, pendulum.date(2026, 11, 23), pendulum.date(2026, 11, 29))
        assert {d.mode for d in days} == {"balance"}  # Wednesday too
        await pilot.press("u")  # the week's switch undone as one change
        await pilot.pause()
        assert planner.mode_of(planner.store.day(TODAY)) == "integration"
        # past Sunday into the next week: still the block nearest in time (Sunday's
        # Brunch at 11:00 → Monday's 13:00, not its first, at 08:00)
        await pilot.press("l", "l", "l", "l", "l")
        catch_up = next(b for b in planner.store.blocks_on(next_monday) if b.start == 780)
        assert week.monday == next_monday and week.block_id == catch_up.id
        await pilot.press("h", "h", "h", "h", "h")  # back to Wednesday
        await pilot.press("right_square_bracket")
        assert week.monday == pendulum.date(2026, 11, 30) and week.block_id is None
        await pilot.press("left_square_bracket", "l", "enter")  # Thursday
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.main.date == THURSDAY
        assert app.main.query_one(Timeline).selected_block is not None
        await pilot.press("t", "M")
        month = app.screen
        assert isinstance(month, MonthScreen) and month.date == TODAY
        assert "The next month" in [c.title for c in app.get_system_commands(month)]
        other.add_block(TODAY.add(days=5), title="Report", start=600, end=720,
                        sphere=Sphere.WORK)  # fmt: skip
        await wait_for(pilot, lambda: _month_work(month, TODAY.add(days=5)) == 120)
        await pilot.press("l", "j", "k", "k", "h")
        assert month.date == pendulum.date(2026, 11, 18)
        await pilot.press("right_square_bracket")
        assert month.date == pendulum.date(2026, 12, 18) and month.shown is not None
        assert month.shown[0] == pendulum.date(2026, 12, 1)
        await pilot.press("left_square_bracket", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.main.date == pendulum.date(2026, 11, 18)
        await pilot.press("t")  # back to today, Standup selected
        await pilot.pause()
        standup = app.main.selected
        assert standup is not None and standup.title == "Standup"
        await pilot.press("R")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RoutineScreen)
        await paste(pilot, "every")  # not a repeat: said inline, nothing made
        await pilot.press("enter")
        assert "unknown repeat" in str(dialog.query_one("#routine-error").render())
        assert planner.store.routines() == []
        dialog.query_one("#routine-every").value = ""
        await paste(pilot, "weekdays")
        await pilot.press("enter")
        await pilot.pause()
        (routine,) = planner.store.routines()
        shown = planner.store.blocks_on(TODAY)
        assert [b.routine for b in shown if b.title == "Standup"] == [routine.id]
        assert not any(b.id == standup.id for b in shown)  # the block became the occurrence
        assert planner.store.blocks_on(pendulum.date(2026, 11, 27))[0].routine == routine.id
        await pilot.press("u")
        await pilot.pause()
        assert planner.store.routines() == []
        assert any(b.id == standup.id for b in planner.store.blocks_on(TODAY))
        await pilot.press("ctrl+r")  # redone: the routine again, from an occurrence
        await pilot.pause()
        occurrence = app.main.selected
        assert occurrence is not None and occurrence.routine == routine.id
        await pilot.press("R")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RoutineScreen) and dialog.routine is not None
        every = dialog.query_one("#routine-every")
        every.focus()
        every.value = ""
        await paste(pilot, "mon,wed,fri")  # this and following, from today
        for field, bad, said in (("until", "2026-11-01", "Until 2026-11-01 is before"),
                                 ("modes", "nosuch", "unknown mode 'nosuch'")):  # fmt: skip
            dialog.query_one(f"#routine-{field}").value = bad
            await pilot.press("enter")  # said in the dialog, which keeps what was typed
            assert app.screen is dialog and said in str(dialog.query_one("#routine-error").render())
            assert every.value == "mon,wed,fri"
            dialog.query_one(f"#routine-{field}").value = ""
        await pilot.press("enter")
        await pilot.pause()
        (changed,) = planner.store.routines()
        assert changed.every == "mon,wed,fri" and changed.first == TODAY
        assert not any(b.routine for b in planner.store.blocks_on(THURSDAY))
        # refused on many days: the first day's rules, then its days as the CLI counts them
        await pilot.press("R")
        await pilot.pause()
        text = app.screen.query_one("#routine-text")
        text.value = "Standup 21:00-21:15 #work"  # after hours on balance days
        await pilot.press("enter")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        said = str(question.query_one("#confirm-days").render())
        assert said.startswith("Broken on Wed 2026-11-25 (as above), Fri 2026-11-27, Mon")
        assert re.search(r" and \d+ more days$", said), said
        await pilot.press("n")


def test_month_cell_lines(planner: Planner) -> None:
    """A month cell: mode, work planned, crossings and broken rules, the score, day off."""
    planner.add_block(TODAY, title="Deep", start=540, end=720, sphere=Sphere.WORK)
    planner.add_block(TODAY, title="Late", start=1260, end=1320, sphere=Sphere.WORK, force=True)
    answers = {"present": "people", "stress": "neither", "energy": 4, "peace": 3, "meaning": 5}
    reviews.save_reflection(planner, TODAY, answers)
    set_days_off(planner, THURSDAY, THURSDAY, note="Lisbon")
    today, thursday = summaries(planner, TODAY, THURSDAY)
    head, middle, last = cell_lines(today, 9)
    assert head == "25 bal" and middle.startswith("■4h⚑1") and last == "★4.0"
    assert cell_lines(thursday, 9)[0] == "26 off"
    assert cell_lines(thursday, 20) == ("26 balance · off", "■-", "Lisbon")


def test_the_week_title_fits_the_screen_dropping_the_legend_first() -> None:
    from flowday.tui.screens.week import week_title

    monday = pendulum.date(2026, 11, 30)
    wide = week_title(monday, 615, 200)
    assert wide.endswith("· ■ work ● personal ◌ break ↻ routine") and "Mon 30 Nov" in wide
    for width in (78, 60, 40):
        title = week_title(monday, 615, width)
        assert len(title) <= width and "work 10h15" in title, (width, title)
    assert week_title(monday, 615, 30) == week_title(monday, 615, 40)  # the shortest, cut
    assert week_title(monday, 615, 40) == "Week of 30 Nov – 6 Dec 2026 · work 10h15"
    assert week_title(pendulum.date(2026, 11, 23), 0, 40) == "Week of 23–29 Nov 2026 · work 0h00"
