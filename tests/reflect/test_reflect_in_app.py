"""The planner app's `r` and `w` keys open these screens over the day on show."""

from __future__ import annotations

import pendulum

from flowday.application.planner import Planner
from flowday.domain.model import Sphere
from flowday.tui.app import FlowdayApp
from flowday.tui.screens.reflection import ReflectionScreen
from flowday.tui.screens.review import WeeklyReviewScreen

TODAY = pendulum.date(2026, 11, 25)


async def test_r_reflects_on_the_day_and_w_reviews_its_week(planner: Planner) -> None:
    planner.add_block(TODAY, title="Standup", start=540, end=555, sphere=Sphere.WORK)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)
        await pilot.press("1", "tab", "3", "tab", "5", "tab", "4", "tab", "3", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ReflectionScreen)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WeeklyReviewScreen)
        assert app.screen.monday == pendulum.date(2026, 11, 23)
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, WeeklyReviewScreen)
    reflection = planner.store.day(TODAY).reflection
    assert reflection is not None
    answers = reflection.answers
    assert (answers.present, answers.stress, answers.energy) == ("work", "neither", 5)
    assert reflection.figures["work"] == 15
