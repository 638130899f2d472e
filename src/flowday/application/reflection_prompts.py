"""When the planner offers the end-of-day reflection by itself: the prompt policy (the
evening prompt once per day, yesterday's at launch, a skip remembered). No Textual here."""

from __future__ import annotations

import pendulum

from flowday.application.planner import Planner
from flowday.domain import insights


def reflection_due_now(planner: Planner) -> bool:
    """Whether the evening prompt for today is due now (the app asks once per day)."""
    today = planner.today()
    day = planner.store.day(today)
    return insights.reflection_due(
        planner.now(),
        day,
        planner.mode_of(day),
        planner.window_of(day),
        planner.config.reflection,
    )


def yesterday_to_reflect(planner: Planner) -> pendulum.Date | None:
    """At launch: yesterday's date when it was planned but neither reflected nor skipped."""
    today = planner.today()
    yesterday = today.subtract(days=1)
    day = planner.store.day(yesterday)
    if insights.needs_yesterday_prompt(
        today, day, had_blocks=bool(planner.store.blocks_on(yesterday)),
        config=planner.config.reflection,
    ):  # fmt: skip
        return yesterday
    return None


class ReflectionPrompts:
    """When an open app should show the reflection prompt by itself.

    The app makes one at start-up and asks :meth:`at_launch` once, then :meth:`due` every
    half minute or so; each returns the date to ask about, or None. Every date is offered at
    most once per run (escape means "not now", not "ask again in 30 seconds"); a skip is
    stored on the day, so it also holds across runs."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.offered: set[pendulum.Date] = set()

    def _offer(self, date: pendulum.Date | None) -> pendulum.Date | None:
        if date is None or date in self.offered:
            return None
        self.offered.add(date)
        return date

    def at_launch(self) -> pendulum.Date | None:
        return self._offer(yesterday_to_reflect(self.planner))

    def due(self) -> pendulum.Date | None:
        return self._offer(self.planner.today() if reflection_due_now(self.planner) else None)
