"""Timing of the rules engine (run by hand: ``python bench/bench_rules.py``).

Evaluating a 1,000-block day (target < 20 ms) and planning 100 tasks into a week
(target < 200 ms), each with a baseline measured in the same run (sorting the blocks, which
every evaluation must do anyway), so the ratio says something on any machine.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

import pendulum

from flowday.domain.model import Block, Sphere
from flowday.domain.modes import BUILTIN_MODES
from flowday.domain.rules import DayContext, evaluate
from flowday.domain.scheduler import Request, place

TZ = pendulum.timezone("Europe/Berlin")
MONDAY = pendulum.date(2026, 11, 23)


def timed(run: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def thousand_blocks(mode: str) -> DayContext:
    rng = random.Random(7)
    blocks = []
    for index in range(1000):  # 1-minute blocks, a few apart: a dense but valid day
        start = index + index // 3
        blocks.append(
            Block(
                id=f"b{index:04d}",
                date=MONDAY,
                start=start,
                end=start + 1,
                title=f"Block {index}",
                sphere=rng.choice(list(Sphere)),
            )
        )
    return DayContext(
        MONDAY, mode, 9 * 60, 17 * 60, tuple(blocks), TZ, rules=BUILTIN_MODES[mode].rules
    )


def week_days(mode: str) -> list[DayContext]:
    """A week with lunch and dinner fixed each day; Saturday and Sunday are days off."""
    days = []
    for offset in range(7):
        date = MONDAY.add(days=offset)
        fixed = (
            Block(
                id=f"l{offset}",
                date=date,
                start=12 * 60,
                end=12 * 60 + 45,
                title="Lunch",
                sphere=Sphere.BREAK,
            ),
            Block(
                id=f"k{offset}",
                date=date,
                start=18 * 60,
                end=19 * 60,
                title="Dinner",
                sphere=Sphere.PERSONAL,
            ),
        )
        days.append(
            DayContext(
                date,
                mode,
                9 * 60,
                17 * 60,
                fixed,
                TZ,
                working_day=offset < 5,
                rules=BUILTIN_MODES[mode].rules,
            )
        )
    return days


def plan_week(mode: str) -> int:
    rng = random.Random(11)
    requests = [
        Request(
            Block(
                id=f"t{index:03d}",
                date=MONDAY,
                start=0,
                end=30,
                title=f"Task {index}",
                sphere=rng.choice((Sphere.WORK, Sphere.WORK, Sphere.PERSONAL)),
                flexible=True,
            ),
            rng.choice((15, 30, 45, 60, 90)),
        )
        for index in range(100)
    ]
    placed = 0
    for ctx in week_days(mode):
        outcome = place(ctx, requests, earliest=7 * 60, latest=22 * 60, explain=False)
        placed += len(outcome.placed)
        done = {id(r) for r, _ in outcome.placed}
        requests = [r for r in requests if id(r) not in done]
    return placed


def main() -> None:
    print(f"{'case':<52} {'median ms':>10} {'target':>7} {'x baseline':>11}")
    for mode in BUILTIN_MODES:
        ctx = thousand_blocks(mode)
        base = timed(lambda ctx=ctx: sorted(ctx.blocks, key=lambda b: (b.start, b.end, b.id)), 50)
        ms = timed(lambda ctx=ctx: evaluate(ctx), 50)
        name = f"evaluate a 1,000-block day ({mode})"
        print(f"{name:<52} {ms:>10.2f} {20:>7} {ms / base:>11.1f}")
    print(f"  baseline: sorting the 1,000 blocks = {base:.3f} ms")
    for mode in BUILTIN_MODES:
        days = week_days(mode)
        base = timed(lambda days=days: [evaluate(d) for d in days], 50)
        placed = plan_week(mode)
        ms = timed(lambda mode=mode: plan_week(mode), 7)
        name = f"plan 100 tasks into a week ({mode}, {placed} placed)"
        print(f"{name:<52} {ms:>10.2f} {200:>7} {ms / base:>11.1f}")
    print(f"  baseline: evaluating the week's 7 days once = {base:.3f} ms")


if __name__ == "__main__":
    main()
