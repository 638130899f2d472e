"""When the planner offers the ritual at a work → personal switch (the screen shows it)."""

from __future__ import annotations

from pathlib import Path

import pendulum

from flowday.application.planner import Planner
from flowday.application.switch_ritual import SwitchRitual
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.model import Sphere
from flowday.store import Store

WED = pendulum.date(2026, 11, 25)


def at(clock: FixedClock, hour: int, minute: int) -> None:
    object.__setattr__(
        clock, "at", pendulum.datetime(2026, 11, 25, hour, minute, tz="Europe/Berlin")
    )


def test_offered_once_while_the_clock_crosses_from_work_into_personal_time(
    planner: Planner, clock: FixedClock, tmp_path: Path
) -> None:
    planner.add_block(WED, title="Code", start=9 * 60, end=17 * 60, sphere=Sphere.WORK)
    planner.add_block(WED, title="Dinner", start=18 * 60, end=19 * 60, sphere=Sphere.PERSONAL)
    ritual = SwitchRitual(planner)
    offered = []
    for hour, minute in [(16, 59), (17, 0), (17, 30), (18, 10), (18, 15)]:
        at(clock, hour, minute)
        switch = ritual.due()
        offered.append(f"{hour}:{minute:02d}" if switch else "")
    assert offered == ["", "17:00", "", "", ""]  # from work's end, once
    at(clock, 18, 14)
    assert SwitchRitual(planner).due() is not None  # a new run: within the grace minutes
    at(clock, 18, 15)
    assert SwitchRitual(planner).due() is None
    quiet = from_mapping({"timezone": "Europe/Berlin", "reminders": {"enabled": False}})
    at(clock, 17, 30)
    assert SwitchRitual(Planner(Store(tmp_path / "data"), quiet, clock)).due() is None
