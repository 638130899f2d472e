"""The app's links to the other parts: the main screen's reactive date and day, the
work-hours and calendar-import commands, and the reflection prompt that waits to be offered."""

from __future__ import annotations

from pathlib import Path

import pendulum
from textual.widgets import Input

from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.model import Sphere
from flowday.tui.app import FlowdayApp
from flowday.tui.screens.main import MainScreen
from flowday.tui.screens.reflection import ReflectionScreen
from flowday.tui.screens.shutdown import GlanceScreen
from flowday.tui.widgets.day_header import DayHeader
from flowday.tui.widgets.timeline import Timeline

from .conftest import TODAY


def main(app: FlowdayApp) -> MainScreen:
    return app.main


async def test_setting_the_date_reads_and_redraws_that_date(seeded: Planner, make_app) -> None:
    """The date is the one way to another day: data, header and timeline all follow it."""
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = main(app)
        assert screen.day is not None and screen.day.date == TODAY and screen.day.blocks
        screen.date = TODAY.add(days=1)
        await pilot.pause()
        assert screen.day.date == TODAY.add(days=1) and screen.day.blocks == []
        assert screen.query_one(Timeline).blocks == []
        assert "Thu 26 Nov 2026" in str(screen.query_one(DayHeader).render())
        screen.date = TODAY
        await pilot.pause()
        assert [b.id for b in screen.query_one(Timeline).blocks] == [
            b.id
            for b in sorted(seeded.store.blocks_on(TODAY), key=lambda b: (b.start, b.end, b.id))
        ]


async def test_every_read_of_the_day_redraws(seeded: Planner, make_app) -> None:
    """A change written by someone else shows once the screen reads the day again."""
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = main(app)
        before = len(screen.query_one(Timeline).blocks)
        seeded.add_block(TODAY, title="Walk", start=21 * 60, end=21 * 60 + 30,
                         sphere=Sphere.PERSONAL)  # fmt: skip
        screen.reload()
        await pilot.pause()
        assert screen.day is not None and "Walk" in {b.title for b in screen.day.blocks}
        assert len(screen.query_one(Timeline).blocks) == before + 1


async def test_hours_on_an_integration_day_move_the_window(seeded: Planner, make_app) -> None:
    seeded.set_mode(TODAY, "integration")
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("H")
        await pilot.press("ctrl+u")  # clear the prefilled window
        await pilot.press(*"9:00-18:30", "enter")  # later, to fit the evening: no crossing
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert seeded.window_of(seeded.store.day(TODAY)) == (540, 1110)
        await pilot.press("u")
        assert seeded.window_of(seeded.store.day(TODAY)) == (540, 1020)


async def test_hours_on_a_balance_day_ask_before_crossing(seeded: Planner, make_app) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("H", "ctrl+u", *"10:00-18:00", "enter")
        await pilot.pause()
        assert seeded.window_of(seeded.store.day(TODAY)) == (540, 1020)  # refused so far
        assert "Cross the boundary" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("y")
        await pilot.pause()
        day = seeded.store.day(TODAY)
        assert seeded.window_of(day) == (600, 1080)
        assert "fixed-hours" in {c.rule for c in day.crossings}


async def test_bad_hours_stay_in_the_dialog(seeded: Planner, make_app) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("H", "ctrl+u", *"25:00-26:00", "enter")
        assert "not" in str(app.screen.query_one("#hours-error").render())
        await pilot.press("escape", "y")  # what was typed: asked first, then thrown away
        assert isinstance(app.screen, MainScreen)


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:team-sync@example.com
DTSTAMP:20261120T090000Z
DTSTART:20261126T100000Z
DTEND:20261126T110000Z
SUMMARY:Team [sync]
END:VEVENT
END:VCALENDAR
"""


async def test_import_calendar_from_the_app(seeded: Planner, make_app, tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    path.write_text(ICS.replace("\n", "\r\n"))
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("I")
        app.screen.query_one(Input).value = str(tmp_path / "missing.ics")  # typing is slow
        await pilot.press("enter")
        assert "no such file" in str(app.screen.query_one("#import-error").render())
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        tomorrow = seeded.store.blocks_on(TODAY.add(days=1))
        assert [(b.title, b.span) for b in tomorrow] == [("Team [sync]", "11:00-12:00")]
        await pilot.press("u")  # an import is undone like any change
        assert seeded.store.blocks_on(TODAY.add(days=1)) == []


def evening_planner(store, hour: int, minute: int = 0) -> Planner:
    clock = FixedClock(pendulum.datetime(2026, 11, 25, hour, minute, tz="Europe/Berlin"))
    return Planner(store, from_mapping({"timezone": "Europe/Berlin"}), clock)


def idle(app: FlowdayApp) -> None:
    """As if the person had not pressed a key for a minute."""
    app.last_key_at -= 60


def offers(app: FlowdayApp) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Reflection"]


async def test_the_evening_reflection_waits_for_idle_and_is_offered_not_forced(store) -> None:
    planner = evening_planner(store, 17, 20)  # balance: 15 minutes after 17:00
    planner.add_block(TODAY, title="Work", start=540, end=600, sphere=Sphere.WORK)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = main(app)
        await pilot.press("a", *"Gym 1")  # half-typed when the prompt falls due
        idle(app)  # even after a pause: the open input is what the person is doing
        screen.check_reflection_due()
        await pilot.press(*"8:00")
        assert offers(app) == [] and app.screen is screen
        assert screen.query_one("#quick-input", Input).value == "Gym 18:00"
        await pilot.press("escape")
        screen.check_reflection_due()  # a key a moment ago: still waits
        assert offers(app) == []
        idle(app)
        screen.check_reflection_due()
        await pilot.pause()
        assert offers(app) == ["Time to reflect on today: press r to answer"]
        assert app.screen is screen  # offered, nothing opened
        await pilot.press("r")  # offered: the shutdown ritual, the day at a glance first
        assert isinstance(app.screen, GlanceScreen)
        await pilot.press("enter")  # nothing unfinished: on to the questions
        assert isinstance(app.screen, ReflectionScreen) and app.screen.date == TODAY
        await pilot.press("escape")  # nothing answered: closes, nothing saved
        idle(app)
        screen.check_reflection_due()  # offered once per run
        await pilot.pause()
        assert len(offers(app)) == 1 and app.screen is screen
    assert store.day(TODAY).reflection is None


async def test_no_prompt_before_the_evening(store) -> None:
    planner = evening_planner(store, 16, 0)
    planner.add_block(TODAY, title="Work", start=540, end=600, sphere=Sphere.WORK)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        idle(app)
        main(app).check_reflection_due()
        await pilot.pause()
        assert offers(app) == [] and isinstance(app.screen, MainScreen)


async def test_yesterday_is_offered_at_launch_and_a_skip_is_remembered(store) -> None:
    planner = evening_planner(store, 9, 0)
    yesterday = TODAY.subtract(days=1)
    planner.add_block(yesterday, title="Work", start=540, end=600, sphere=Sphere.WORK)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        idle(app)
        main(app).check_reflection_due()
        await pilot.pause()
        assert offers(app) == ["Time to reflect on Tuesday 24 November: press r to answer"]
        await pilot.press("r", "enter")  # the offer's day (its ritual), though today is shown
        assert isinstance(app.screen, ReflectionScreen) and app.screen.date == yesterday
        await pilot.press("ctrl+n")  # skip
        await pilot.pause()
        await pilot.press("r")  # the offer is answered: r is the shown day again
        assert isinstance(app.screen, ReflectionScreen) and app.screen.date == TODAY
    assert store.day(yesterday).reflection_skipped
    again = FlowdayApp(planner, TODAY)
    async with again.run_test(size=(100, 30)) as pilot:
        idle(again)
        main(again).check_reflection_due()
        await pilot.pause()
        assert offers(again) == [] and isinstance(again.screen, MainScreen)
