"""Building days for rule tests: blocks by time text, a context for a mode."""

from __future__ import annotations

import itertools

import pendulum

from flowday.domain.model import Block, Sphere
from flowday.domain.modes import BUILTIN_MODES, Mode
from flowday.domain.rules import DayContext
from flowday.domain.timeparse import parse_span

TZ = pendulum.timezone("Europe/Berlin")
WEDNESDAY = pendulum.date(2026, 11, 25)
SATURDAY = pendulum.date(2026, 11, 28)
SPRING_FORWARD = pendulum.date(2026, 3, 29)  # a Sunday: 02:00-03:00 does not exist
FALL_BACK = pendulum.date(2026, 10, 25)  # a Sunday: 02:00-03:00 happens twice
_ids = itertools.count()


def block(
    span: str,
    sphere: str = "work",
    title: str | None = None,
    *,
    flexible: bool = False,
    date: pendulum.Date = WEDNESDAY,
    block_id: str | None = None,
) -> Block:
    start, end = parse_span(span)
    return Block(
        id=block_id or f"b{next(_ids):05d}",
        date=date,
        start=start,
        end=end,
        title=title or f"{sphere} {span}",
        sphere=Sphere(sphere),
        flexible=flexible,
    )


def day(
    *blocks: Block,
    mode: str | Mode = "balance",
    date: pendulum.Date = WEDNESDAY,
    window: str = "09:00-17:00",
    default_window: str = "09:00-17:00",
    working_day: bool | None = None,
) -> DayContext:
    resolved = BUILTIN_MODES[mode] if isinstance(mode, str) else mode
    start, end = parse_span(window)
    default_start, default_end = parse_span(default_window)
    return DayContext(
        date=date,
        mode=resolved.name,
        work_start=start,
        work_end=end,
        blocks=tuple(blocks),
        tz=TZ,
        working_day=date.weekday() < 5 if working_day is None else working_day,
        rules=resolved.rules,
        default_start=default_start,
        default_end=default_end,
    )
