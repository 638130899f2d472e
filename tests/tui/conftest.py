"""Fixtures for the planner's UI tests: a fixed day of blocks and an app over it."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest

from flowday.application.planner import Planner
from flowday.domain.clock import FixedClock
from flowday.domain.model import Sphere
from flowday.domain.wallclock import parse_clock
from flowday.tui.app import FlowdayApp

TODAY = pendulum.date(2026, 11, 25)  # conftest.NOW's date: a Wednesday, balance by default

DAY = [
    ("Standup", "09:00", "09:15", Sphere.WORK, False),
    ("Deep work", "09:30", "11:30", Sphere.WORK, True),
    ("Lunch", "12:00", "12:45", Sphere.BREAK, False),
    ("Code review", "14:00", "15:30", Sphere.WORK, False),
    ("Run", "18:00", "19:00", Sphere.PERSONAL, False),
]


@pytest.fixture
def clock() -> FixedClock:
    """08:30 on TODAY: before the day's first block, so the planner opens on Standup (it
    opens on the block under way or next; tests of that set their own clock)."""
    return FixedClock(pendulum.datetime(2026, 11, 25, 8, 30, tz="Europe/Berlin"))


@pytest.fixture
def seeded(planner: Planner) -> Planner:
    for title, start, end, sphere, flexible in DAY:
        planner.add_block(
            TODAY, title=title, start=parse_clock(start), end=parse_clock(end), sphere=sphere,
            flexible=flexible,
        )  # fmt: skip
    planner.add_task("Write report 1h #work")
    planner.add_task("Call mum 20m #personal")
    return planner


@pytest.fixture
def make_app() -> Callable[[Planner], FlowdayApp]:
    def make(planner: Planner, date: pendulum.Date = TODAY) -> FlowdayApp:
        return FlowdayApp(planner, date)

    return make
