"""Generated histories with known answers, for the insights and stats tests."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import pendulum

from flowday.domain.insights import DayRecord
from flowday.domain.model import Block, Day, Reflection, Sphere
from flowday.store import Store

START = pendulum.date(2026, 9, 1)  # well before NOW (2026-11-25) in tests/conftest.py
QUIET = {
    "work": 480, "personal": 120, "break": 60, "work_outside_window": 0, "switches": 2,
    "crossings": 0, "mode_switches": 0, "work_span": 480, "longest_off": 900,
}  # fmt: skip


def answers(energy: int, peace: int, meaning: int, **extra: Any) -> dict[str, Any]:
    return {
        "present": extra.get("present", "people"),
        "stress": extra.get("stress", "neither"),
        "energy": energy,
        "peace": peace,
        "meaning": meaning,
        "note": extra.get("note", ""),
    }


def reflection(ratings: tuple[int, int, int], mode: str, **extra: Any) -> Reflection:
    """A stored reflection with these energy, peace and meaning ratings (and other answers
    as in :func:`answers`)."""
    return Reflection.from_dict({**answers(*ratings, **extra), "mode": mode})


def records(
    mode: str,
    ratings: Sequence[tuple[int, int, int] | None],
    *,
    start: pendulum.Date = START,
    figures: dict[str, int] | None = None,
    last_work_end: int | None = 17 * 60,
    first_work_start: int | None = None,
) -> list[DayRecord]:
    """One day per rating triple (None = a day without reflection)."""
    return [
        DayRecord(
            date=start.add(days=i),
            mode=mode,
            figures={**QUIET, **(figures or {})},
            reflection=None if r is None else reflection(r, mode),
            last_work_end=last_work_end,
            first_work_start=first_work_start,
        )
        for i, r in enumerate(ratings)
    ]


def write_history(store: Store, plan: Sequence[tuple[str, tuple[int, int, int] | None]]) -> None:
    """Store one day per entry from START: a 9-17 work block, the mode, the reflection."""
    with store.transaction() as txn:
        for offset, (mode, rating) in enumerate(plan):
            date = START.add(days=offset)
            txn.put_block(Block(f"b{offset:07d}", date, 9 * 60, 17 * 60, "Work", Sphere.WORK))
            stored = None if rating is None else reflection(rating, mode)
            txn.put_day(Day(date=date, mode=mode, reflection=stored))


# Ratings with real spread, so the t-test has something to weigh.
HIGH = [(4, 5, 4), (5, 4, 4), (4, 4, 3), (5, 5, 4), (4, 4, 5), (3, 4, 4), (4, 5, 5), (5, 4, 3)]
LOW = [(2, 3, 2), (3, 2, 3), (2, 2, 2), (3, 3, 2), (2, 1, 3), (3, 2, 2), (2, 3, 3), (1, 2, 2)]


MONDAY = pendulum.date(2026, 8, 31)


def _clamped(rng: random.Random, centre: float, spread: float) -> int:
    return max(1, min(5, round(rng.gauss(centre, spread)))) if spread else round(centre)


def persona(
    weeks: int,
    mean_a: tuple[float, float, float],
    mean_b: tuple[float, float, float],
    *,
    spread: float = 0.8,
    days_a_week: int = 5,
    seed: int = 7,
    mode_a: str = "balance",
    mode_b: str = "integration",
    assign: Callable[[int, int], bool] | None = None,
) -> list[DayRecord]:
    """Working days from MONDAY, modes alternating so every weekday sees both (unless
    ``assign(week, day)`` says which days are ``mode_a``), ratings drawn around the means.
    With ``spread`` 0 the ratings are the means rounded, except that a fractional mean is
    met on average by mixing its floor and ceiling."""
    rng = random.Random(seed)
    days = []
    for week in range(weeks):
        for day in range(days_a_week):
            is_a = assign(week, day) if assign else (week + day) % 2 == 0
            mode = mode_a if is_a else mode_b
            centres = mean_a if is_a else mean_b
            if spread:
                triple = tuple(_clamped(rng, c, spread) for c in centres)
            else:  # deterministic: floor or ceiling in the right share
                triple = tuple(
                    math.floor(c)
                    + (1 if (week * days_a_week + day) % 10 < round((c % 1) * 10) else 0)
                    for c in centres
                )
            days.append(
                DayRecord(MONDAY.add(weeks=week, days=day), mode, QUIET,
                          reflection(triple, mode), 17 * 60, 9 * 60)  # type: ignore[arg-type]
            )  # fmt: skip
    return days


def mixed(plan: Sequence[tuple[str, tuple[int, int, int] | None]]) -> list[DayRecord]:
    """One working day per entry, Monday to Friday from MONDAY."""
    return [
        DayRecord(MONDAY.add(weeks=i // 5, days=i % 5), mode, QUIET,
                  None if r is None else reflection(r, mode), 17 * 60, 9 * 60)
        for i, (mode, r) in enumerate(plan)
    ]  # fmt: skip


def alternating(good: list, bad: list, days: int = 42, good_mode: str = "balance") -> list:
    """Modes alternate day by day from Tuesday START (so every weekday sees both); the
    ``good_mode`` days get ``good`` ratings. Weekends are days off in the default config."""
    other = "integration" if good_mode == "balance" else "balance"
    return [
        (good_mode, good[i % len(good)]) if i % 2 == 0 else (other, bad[i % len(bad)])
        for i in range(days)
    ]
