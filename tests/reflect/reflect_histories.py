"""Generated histories with known answers, for the insights and stats tests."""

from __future__ import annotations

from collections.abc import Sequence
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
) -> list[DayRecord]:
    """One day per rating triple (None = a day without reflection)."""
    return [
        DayRecord(
            date=start.add(days=i),
            mode=mode,
            figures={**QUIET, **(figures or {})},
            reflection=None if r is None else reflection(r, mode),
            last_work_end=last_work_end,
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
