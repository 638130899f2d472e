"""Found by using the planner at 80x24 as a terminal person would: each test is a bug that
was seen on screen, kept so it stays fixed."""

from __future__ import annotations

from textual.widgets import Button, Static

from flowday.domain.model import Sphere
from flowday.domain.timeparse import parse_clock
from flowday.planner import Planner
from flowday.tui.screens.confirm import ConfirmScreen
from flowday.tui.screens.review import WeeklyReviewScreen
from flowday.tui.widgets.quick_add import QuickAddBar

from .conftest import TODAY


def add_work(planner: Planner, *hours: int) -> None:
    for hour in hours:
        planner.add_block(
            TODAY, title=f"Work {hour}", start=parse_clock(f"{hour}:00"),
            end=parse_clock(f"{hour}:45"), sphere=Sphere.WORK,
        )  # fmt: skip


async def test_confirm_buttons_stay_on_screen_with_many_reasons(planner: Planner, make_app):
    """Hours of 12:00-12:30 on a full balance day broke six rules at once: the reasons
    pushed "Cross (y)" and "Cancel (n)" below the bottom of an 80x24 terminal."""
    add_work(planner, 9, 10, 11, 13, 14, 15, 16)
    app = make_app(planner)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("H", "ctrl+u", *"12:00-12:30", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        dialog = app.screen.query_one(".dialog")
        for button in app.screen.query(Button):
            assert dialog.region.contains_region(button.region), button.id


async def test_quick_add_verdict_does_not_name_an_internal_id(planner: Planner, make_app):
    """The live verdict said "... and 'Clash' 09:00-09:30 (id preview) overlap"."""
    add_work(planner, 9)
    app = make_app(planner)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a", *"Clash 9:00-9:30 #work")
        await pilot.pause()
        preview = app.screen.query_one("#quick-preview", Static)
        shown = str(preview.render())
        assert "refused by no-overlap" in shown
        assert "preview" not in shown
        assert app.screen.query_one(QuickAddBar).display


async def test_weekly_review_rows_fit_80_columns(planner: Planner, make_app):
    """At 80x24 every day's row of the review wrapped its ratings onto a second line."""
    add_work(planner, 9, 10)
    app = make_app(planner)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, WeeklyReviewScreen)
        days = app.screen.query_one("#review-days", Static)
        lines = str(days.render()).split("\n")  # the last one is empty
        assert max(len(line) for line in lines) <= days.content_region.width
        assert days.size.height == len(lines)  # no row wrapped
