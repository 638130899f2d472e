"""Pilot tests: the reflection dialog, the prompt flow a host app wires up, and the review."""

from __future__ import annotations

import pendulum
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from flowday.application import reflection_prompts, reviews
from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.model import Sphere
from flowday.domain.questions import Answers
from flowday.store import Store
from flowday.tui.screens.confirm import ConfirmScreen
from flowday.tui.screens.reflection import Choice, ReflectionScreen
from flowday.tui.screens.review import WeeklyReviewScreen

from .reflect_histories import HIGH, LOW, START, alternating, write_history

TODAY = pendulum.date(2026, 11, 25)
YESTERDAY = TODAY.subtract(days=1)


class Host(App[None]):
    """A tiny app that opens one screen and records what it was dismissed with."""

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), callback=self.results.append)


def text_of(screen: Screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_digits_pick_tab_moves_enter_saves(planner: Planner) -> None:
    app = Host(lambda: ReflectionScreen(planner, TODAY))
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.press("3", "tab", "1", "tab", "4", "tab", "2", "tab", "5", "tab")
        await pilot.press(*"calm", "enter")
        await pilot.pause()
    assert app.results == ["saved"]
    reflection = planner.store.day(TODAY).reflection
    assert reflection is not None
    assert reflection.answers == Answers("self", "boundaries", 4, 2, 5, "calm")


async def test_escape_asks_before_throwing_answers_away(planner: Planner) -> None:
    app = Host(lambda: ReflectionScreen(planner, TODAY))
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.press("1", "tab", "1", "tab", "3", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # answers in it: asked first
        await pilot.press("n")  # keep editing: the answers are all still there
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReflectionScreen)
        assert screen.answers()["stress"] is not None and screen.answers()["energy"] == 3
        assert app.results == []
        await pilot.press("escape", "y")  # discard: closed, nothing saved
        await pilot.pause()
        assert app.results == [None]
    assert not planner.store.month_path(TODAY).exists()
    untouched = Host(lambda: ReflectionScreen(planner, TODAY))
    async with untouched.run_test(size=(90, 40)) as pilot:
        await pilot.press("escape")  # nothing answered: closes at once
        await pilot.pause()
    assert untouched.results == [None]


async def test_enter_with_missing_answers_says_what_is_left(planner: Planner) -> None:
    app = Host(lambda: ReflectionScreen(planner, TODAY))
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.press("2", "tab", "3", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReflectionScreen)
        assert text_of(screen, "#reflection-error") == "still to answer: energy, peace, meaning"
        assert screen.focused is screen.query_one("#energy", Choice)
        await pilot.press("9", "right", "right")  # 9 is no answer; arrows step
        assert screen.query_one("#energy", Choice).value == 2
    assert app.results == []
    assert planner.store.day(TODAY).reflection is None


async def test_an_earlier_answer_is_shown_for_editing(planner: Planner) -> None:
    reviews.save_reflection(planner, TODAY, {"present": "work", "stress": "rules", "energy": 1,
                                             "peace": 2, "meaning": 3, "note": "x"})  # fmt: skip
    app = Host(lambda: ReflectionScreen(planner, TODAY))
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.press("tab", "tab", "5", "enter")
        await pilot.pause()
    assert app.results == ["saved"]
    reflection = planner.store.day(TODAY).reflection
    assert reflection is not None
    assert (reflection.answers.energy, reflection.answers.peace) == (5, 2)


async def test_skip_is_remembered(planner: Planner) -> None:
    planner.add_block(YESTERDAY, title="Work", start=540, end=1020, sphere=Sphere.WORK)
    app = Host(lambda: ReflectionScreen(planner, YESTERDAY))
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
    assert app.results == ["skipped"]
    assert planner.store.day(YESTERDAY).reflection_skipped
    assert reflection_prompts.ReflectionPrompts(planner).at_launch() is None  # not asked again


class Prompting(App[None]):
    """The wiring the planner app does: yesterday at launch, the evening prompt once."""

    def __init__(self, planner: Planner) -> None:
        super().__init__()
        self.planner = planner
        self.prompts = reflection_prompts.ReflectionPrompts(planner)
        self.opened: list[pendulum.Date] = []

    def on_mount(self) -> None:
        self.open(self.prompts.at_launch())

    def tick(self) -> None:  # the real app calls this from set_interval
        self.open(self.prompts.due())

    def open(self, date: pendulum.Date | None) -> None:
        if date is not None:
            self.opened.append(date)
            self.push_screen(ReflectionScreen(self.planner, date))


def evening_planner(store: Store, hour: int, minute: int) -> Planner:
    clock = FixedClock(pendulum.datetime(2026, 11, 25, hour, minute, tz="Europe/Berlin"))
    return Planner(store, from_mapping({"timezone": "Europe/Berlin"}), clock)


async def test_yesterday_is_asked_at_launch_and_a_skip_holds(store: Store) -> None:
    planner = evening_planner(store, 9, 0)
    planner.add_block(YESTERDAY, title="Work", start=540, end=1020, sphere=Sphere.WORK)
    app = Prompting(planner)
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.pause()
        assert app.opened == [YESTERDAY]
        assert isinstance(app.screen, ReflectionScreen)
        await pilot.press("ctrl+n")
        await pilot.pause()
    again = Prompting(planner)
    async with again.run_test(size=(90, 40)) as pilot:
        await pilot.pause()
        assert again.opened == []


async def test_evening_prompt_opens_once(store: Store) -> None:
    early = Prompting(evening_planner(store, 17, 0))
    async with early.run_test(size=(90, 40)) as pilot:
        early.tick()
        await pilot.pause()
        assert early.opened == []
    app = Prompting(evening_planner(store, 17, 20))
    async with app.run_test(size=(90, 40)) as pilot:
        app.tick()
        await pilot.pause()
        assert app.opened == [TODAY]
        await pilot.press("escape")  # not now: nothing saved, and not asked again this run
        app.tick()
        await pilot.pause()
        assert app.opened == [TODAY]
        assert not isinstance(app.screen, ReflectionScreen)
    assert store.day(TODAY).reflection is None


# --- the weekly review -----------------------------------------------------------------
async def test_review_draws_bars_ratings_and_navigates(planner: Planner) -> None:
    write_history(planner.store, alternating(HIGH, LOW))
    app = Host(lambda: WeeklyReviewScreen(planner, START))  # Tue 1 Sep 2026
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert "Week of 31 Aug 2026" in text_of(screen, "#review-title")
        days = text_of(screen, "#review-days").splitlines()
        monday = next(line for line in days if line.startswith("Mon 31 Aug"))
        assert "- - -" in monday  # nothing that day
        tuesday = next(line for line in days if line.startswith("Tue 1 Sep"))
        assert "balance" in tuesday and "█" * 16 in tuesday and "   8h     0     0" in tuesday
        assert tuesday.endswith("4 5 4")
        assert "balance: 2 days, 2 reflected" in text_of(screen, "#review-modes")
        # Saturday's work crosses balance's days-off line, and integration's 2-hour stretch
        assert "what if under the other mode: fences crossed 1 → 1, limits broken 3 → 3" in (
            text_of(screen, "#review-modes")
        )
        recommendation = text_of(screen, "#review-recommendation")
        assert "Balance days seem to suit you better" in recommendation
        pictures = text_of(screen, "#review-evidence").splitlines()
        assert any(line.startswith("peace    ") and "clear" in line for line in pictures)
        assert any(line.startswith("  energy  ") for line in pictures)  # the trend
        assert max(map(len, pictures)) <= 78
        await pilot.press("]")
        assert "Week of 7 Sep 2026" in text_of(screen, "#review-title")
        assert "integration: 2 days" in text_of(screen, "#review-modes")
        await pilot.press("left", "left")
        assert "Week of 24 Aug 2026" in text_of(screen, "#review-title")
        assert "nothing planned" in text_of(screen, "#review-modes")
        await pilot.press("t")
        assert "Week of 23 Nov 2026" in text_of(screen, "#review-title")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_a_future_day_says_so_and_saves_nothing(planner: Planner) -> None:
    app = Host(lambda: ReflectionScreen(planner, TODAY.add(days=1)))
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.pause()
        assert "has not happened yet" in text_of(app.screen, "#reflection-error")
        await pilot.press("1", "tab", "1", "tab", "1", "tab", "1", "tab", "1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)
    assert app.results == []
    assert planner.store.day(TODAY.add(days=1)).reflection is None
