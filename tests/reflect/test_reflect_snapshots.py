"""How the reflection dialog and the weekly review look (pytest-textual-snapshot)."""

from __future__ import annotations

from textual.app import App

from flowday.application import reviews
from flowday.application.planner import Planner
from flowday.tui.screens.reflection import ReflectionScreen
from flowday.tui.screens.review import WeeklyReviewScreen

from .reflect_histories import HIGH, LOW, START, alternating, answers, write_history


class Host(App[None]):
    def __init__(self, screen) -> None:
        super().__init__()
        self.first_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self.first_screen)


def test_reflection_dialog_half_answered(snap_compare, planner: Planner) -> None:
    write_history(planner.store, [("integration", None)])
    app = Host(ReflectionScreen(planner, START))
    assert snap_compare(app, press=["2", "tab", "1", "tab", "4"], terminal_size=(80, 34))


def test_weekly_review(snap_compare, planner: Planner) -> None:
    write_history(planner.store, alternating(HIGH, LOW))
    reviews.save_reflection(planner, START.add(days=9), answers(1, 1, 1, stress="boundaries"))
    app = Host(WeeklyReviewScreen(planner, START.add(days=7)))

    async def wait_for_history(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(90, 34), run_before=wait_for_history)
