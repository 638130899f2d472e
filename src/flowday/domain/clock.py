"""The clock is injected everywhere, so tests never depend on today's real date."""

from __future__ import annotations

import os
from typing import Protocol

import pendulum

from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define


class Clock(Protocol):
    def now(self) -> pendulum.DateTime: ...


@define
class SystemClock(Record):
    tz: pendulum.Timezone | pendulum.FixedTimezone

    def now(self) -> pendulum.DateTime:
        return pendulum.DateTime.now(self.tz)  # = pendulum.now, whose hints refuse a FixedTimezone


@define
class FixedClock(Record):
    """A clock stopped at one instant (tests, and ``FLOWDAY_NOW`` for scripted runs)."""

    at: pendulum.DateTime

    def now(self) -> pendulum.DateTime:
        return self.at


def clock_from_env(tz: pendulum.Timezone | pendulum.FixedTimezone) -> Clock:
    """``FLOWDAY_NOW=2026-03-02T10:00`` pins "now" (read as local time in ``tz``)."""
    pinned = os.environ.get("FLOWDAY_NOW")
    if pinned:
        try:
            at = pendulum.parse(pinned, tz=tz)
        except ValueError:  # pendulum's ParserError too
            at = None
        if not isinstance(at, pendulum.DateTime):
            raise InputError(f"FLOWDAY_NOW={pinned!r} is not a date and time like 2026-03-02T10:00")
        return FixedClock(at.in_timezone(tz))
    return SystemClock(tz)
