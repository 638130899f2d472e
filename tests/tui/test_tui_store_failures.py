"""A store that fails never ends the planner (issue #17): every key that writes or reads
another day, with a write that fails or a month damaged by another process, says what
failed in one line, keeps the screen, and the next action works."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pendulum
import pytest
from textual.pilot import Pilot

from flowday.application.planner import Planner
from flowday.store import Store, StoreError
from flowday.tui.app import FlowdayApp
from flowday.tui.screens.main import POLL_SECONDS, MainScreen
from flowday.tui.screens.reflection import ReflectionScreen
from flowday.tui.screens.review import WeeklyReviewScreen
from flowday.tui.widgets.quick_add import QuickAddBar
from flowday.tui.widgets.timeline import Timeline

TODAY = pendulum.date(2026, 11, 25)  # tests/tui/conftest.py: the seeded day
LAST_OF_NOVEMBER = pendulum.date(2026, 11, 30)
DECEMBER = pendulum.date(2026, 12, 1)
NO_SPACE = "cannot write months/2026-11.json: No space left on device; nothing was changed"
Paste = Callable[..., Awaitable[None]]  # the paste fixture (tests/conftest.py)
WaitFor = Callable[..., Awaitable[None]]


def fail_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    def transaction(self: Store) -> Any:
        raise StoreError(NO_SPACE)

    monkeypatch.setattr(Store, "transaction", transaction)


def damage(planner: Planner, date: pendulum.Date) -> None:
    planner.store.month_path(date).parent.mkdir(parents=True, exist_ok=True)
    planner.store.month_path(date).write_text("{not json", encoding="utf-8")


def errors(app: FlowdayApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def assert_survived(app: FlowdayApp, said: str) -> None:
    """Running, the planner's screen there, and one toast of one line naming the failure."""
    assert app.is_running and app.return_code is None
    assert any(isinstance(s, MainScreen) for s in app.screen_stack)
    found = [m for m in errors(app) if said in m]
    assert found, errors(app)
    assert all("\n" not in m for m in found)


def spans_of(blocks: Any) -> list[tuple[str, str, int, int, str]]:
    return sorted((b.id, b.title, b.start, b.end, b.outcome.value) for b in blocks)


def selected(app: FlowdayApp) -> str | None:
    block = app.main.query_one(Timeline).selected_block
    return block.title if block else None


async def add(pilot: Pilot[Any], paste: Paste, text: str) -> None:
    await pilot.press("a")
    await paste(pilot, text)
    await pilot.press("enter")


async def _quick_add_block(pilot: Pilot[Any], paste: Paste) -> None:
    await add(pilot, paste, "Walk 20:00-20:30 #personal")


async def _quick_add_task(pilot: Pilot[Any], paste: Paste) -> None:
    await pilot.press("A")
    await paste(pilot, "Buy milk")
    await pilot.press("enter")


async def _edit(pilot: Pilot[Any], paste: Paste) -> None:
    await pilot.press("e", "ctrl+u")
    await paste(pilot, "Standup, renamed")
    await pilot.press("enter")


async def _mode(pilot: Pilot[Any], paste: Paste) -> None:
    await pilot.press("m", "enter")


async def _hours(pilot: Pilot[Any], paste: Paste) -> None:
    await pilot.press("H", "ctrl+u")
    await paste(pilot, "10:00-18:00")
    await pilot.press("enter")


async def _schedule(pilot: Pilot[Any], paste: Paste) -> None:
    await pilot.press("tab", "s")


async def _plan(pilot: Pilot[Any], paste: Paste) -> None:
    await pilot.press("p")  # worked out in a worker; the write comes after it
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _keys(*keys: str) -> Callable[[Pilot[Any], Paste], Awaitable[None]]:
    async def press(pilot: Pilot[Any], paste: Paste) -> None:
        await pilot.press(*keys)

    return press


WRITES = {
    "a+enter": _quick_add_block,
    "A+enter": _quick_add_task,
    "e": _edit,
    "d": _keys("d"),
    "x": _keys("x"),  # S, X: the same path
    "J": _keys("J"),
    "K": _keys("K"),
    "plus": _keys("plus"),
    "minus": _keys("j", "minus"),  # Deep work: Standup is as short as a block gets
    "m": _mode,
    "H": _hours,
    "s": _schedule,
    "p": _plan,
}


async def test_a_write_that_fails_is_reported_and_the_planner_goes_on(
    seeded: Planner, make_app: Any, paste: Paste, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every writing action in one run of the planner (each start costs the suite CPU),
    # each from the same selection, and nothing stored after any of them
    before = seeded.snapshot(TODAY)
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        first = app.main.query_one(Timeline).selected_block
        assert first is not None
        for action, write in WRITES.items():
            app.main.query_one(Timeline).select(first.id)
            app.clear_notifications()  # each action must say it failed itself
            fail_writes(monkeypatch)
            await write(pilot, paste)
            try:
                assert_survived(app, "No space left on device")
            except AssertionError as failure:
                raise AssertionError(f"{action}: {failure}") from None
            assert seeded.snapshot(TODAY) == before, action
            # the screen answers before the write: a failed one is taken back
            shown = app.main.query_one(Timeline).blocks
            assert spans_of(shown) == spans_of(seeded.store.blocks_on(TODAY)), action
            monkeypatch.undo()
            while not isinstance(app.screen, MainScreen):  # a dialog left open to try again
                await pilot.press("escape")
            app.main.query_one(QuickAddBar).action_close()
            app.main.query_one(Timeline).focus()
        block = app.main.query_one(Timeline).selected_block
        assert block is not None
        await pilot.press("J")  # the next change works
        moved = next(b for b in seeded.store.blocks_on(TODAY) if b.id == block.id)
        assert moved.start == block.start + 15


async def test_undo_and_redo_that_fail_keep_the_change_to_undo_and_redo(
    seeded: Planner, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("J")
        assert seeded.store.blocks_on(TODAY)[0].start == 9 * 60 + 15
        fail_writes(monkeypatch)
        await pilot.press("u")
        assert_survived(app, "cannot undo: " + NO_SPACE)
        # painted before it was stored: the screen goes back to what is stored
        assert spans_of(app.main.query_one(Timeline).blocks) == spans_of(
            seeded.store.blocks_on(TODAY)
        )
        monkeypatch.undo()
        await pilot.press("u")  # the failed attempt left the move to undo
        assert seeded.store.blocks_on(TODAY)[0].start == 9 * 60
        fail_writes(monkeypatch)
        await pilot.press("ctrl+r")
        assert_survived(app, "cannot redo: " + NO_SPACE)
        monkeypatch.undo()
        await pilot.press("ctrl+r")
        assert seeded.store.blocks_on(TODAY)[0].start == 9 * 60 + 15
        assert any("Redid move" in n.message for n in app._notifications)


async def test_the_reflection_that_cannot_be_saved_stays_open_with_its_answers(
    seeded: Planner, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, ReflectionScreen)
        fail_writes(monkeypatch)
        await pilot.press("3", "tab", "1", "tab", "4", "tab", "2", "tab", "5", "enter")
        dialog = app.screen
        assert isinstance(dialog, ReflectionScreen) and app.is_running
        assert NO_SPACE in str(dialog.query_one("#reflection-error").render())
        await pilot.press("ctrl+n")  # skipping writes too
        assert isinstance(app.screen, ReflectionScreen) and app.is_running
        monkeypatch.undo()
        await pilot.press("enter")  # the answers stayed: saving again works
        assert isinstance(app.screen, MainScreen)
        assert seeded.store.day(TODAY).reflection is not None


async def test_next_day_into_a_damaged_month_stays_on_the_day_and_says_why(
    seeded: Planner, make_app: Any
) -> None:
    app = make_app(seeded, LAST_OF_NOVEMBER)
    async with app.run_test(size=(100, 30)) as pilot:
        damage(seeded, DECEMBER)
        await pilot.press("right_square_bracket")
        assert_survived(app, "cannot read Tue 1 Dec 2026")
        assert "damaged" in errors(app)[-1]
        assert app.main.date == LAST_OF_NOVEMBER and app.main.day is not None
        assert app.main.day.date == LAST_OF_NOVEMBER
        await pilot.press("left_square_bracket")  # the next move works
        assert app.main.date == LAST_OF_NOVEMBER.subtract(days=1)


@pytest.mark.parametrize("keys", [["left_square_bracket"], ["t"], ["g", *"2026-11-25", "enter"]])
async def test_moves_into_a_damaged_month_stay_on_the_day_and_say_why(
    seeded: Planner, make_app: Any, keys: list[str]
) -> None:
    app = make_app(seeded, DECEMBER)
    async with app.run_test(size=(100, 30)) as pilot:
        damage(seeded, TODAY)
        await pilot.press(*keys)
        assert_survived(app, "damaged")
        assert app.main.date == DECEMBER and app.main.day is not None
        assert app.main.day.date == DECEMBER
        await pilot.press("right_square_bracket")
        assert app.main.date == DECEMBER.add(days=1)


async def test_a_launch_on_a_damaged_month_says_so_and_other_days_open(
    seeded: Planner, make_app: Any, paste: Paste
) -> None:
    damage(seeded, TODAY)
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert_survived(app, "cannot read Wed 25 Nov 2026")
        await pilot.press("g")
        await paste(pilot, "2026-12-01")
        await pilot.press("enter")
        assert app.main.day is not None and app.main.day.date == DECEMBER


async def test_the_weekly_review_of_a_damaged_week_says_so_and_closes(
    seeded: Planner, make_app: Any, wait_for: WaitFor
) -> None:
    app = make_app(seeded, DECEMBER)
    async with app.run_test(size=(100, 30)) as pilot:
        damage(seeded, TODAY)
        await pilot.press("w")
        await wait_for(pilot, lambda: any("no recommendation" in m for m in errors(app)))
        assert isinstance(app.screen, WeeklyReviewScreen) and app.is_running
        await pilot.press("left_square_bracket")  # the week of the 25th: damaged
        assert any("cannot read the week of 23 Nov 2026" in m for m in errors(app))
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen) and app.is_running


async def test_dialogs_over_a_day_damaged_meanwhile_say_so_and_the_planner_goes_on(
    seeded: Planner, make_app: Any, wait_for: WaitFor, paste: Paste
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        damage(seeded, TODAY)
        await wait_for(pilot, lambda: any("damaged" in m for m in errors(app)))  # the poll
        await pilot.press("m")  # the mode dialog's preview reads the day
        preview = str(app.screen.query_one("#mode-preview").render())
        assert "no preview" in preview and "damaged" in preview
        await pilot.press("enter")  # switching reads it too
        assert_survived(app, "damaged")
        app.clear_notifications()
        await pilot.press("r")  # the reflection reads the day before it opens
        assert_survived(app, "damaged")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("g")
        await paste(pilot, "2026-12-01")  # a month that reads
        await pilot.press("enter")
        assert app.main.day is not None and app.main.day.date == DECEMBER


async def test_a_folder_that_cannot_be_looked_at_is_said_once_by_the_poll(
    seeded: Planner, make_app: Any, monkeypatch: pytest.MonkeyPatch, wait_for: WaitFor
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()

        def unreadable(self: Store, *dates: pendulum.Date) -> tuple[float, ...]:
            raise PermissionError(13, "Permission denied", str(self.root / "months"))

        monkeypatch.setattr(Store, "mtime_signature", unreadable)
        await wait_for(pilot, lambda: any("Permission denied" in m for m in errors(app)))
        await pilot.pause(3 * POLL_SECONDS)
        assert_survived(app, "Permission denied")
        assert len([m for m in errors(app) if "Permission denied" in m]) == 1
