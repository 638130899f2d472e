"""How long `flowday plan` takes with a big inbox (run by hand: ``python bench/bench_plan.py``).

Plans 10, 100 and 1,000 inbox tasks into an empty day and into a day of 200 fixed blocks,
stored (``plan``) and not (``plan --dry-run``), through the planner the CLI uses, on a store
in a temporary folder; then 1,000 tasks into a week, day after day, as a person runs
``flowday plan --date D`` for each day (target: under 2 s). The baseline, measured in the
same run, is what any plan must do anyway: read the inbox and the day once. Each case runs
on a fresh copy of its store; ``--cap`` seconds stop a case that would take minutes (the
code before issue 17 took 65 s for 1,000 tasks on the 200-block day).
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pendulum

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from flowday.application.planner import Planner  # noqa: E402
from flowday.config import from_mapping  # noqa: E402
from flowday.domain.clock import FixedClock  # noqa: E402
from flowday.domain.model import Block, Sphere, Task  # noqa: E402
from flowday.store import Store  # noqa: E402

TZ = "Europe/Berlin"
MONDAY = pendulum.date(2026, 11, 23)
NOW = pendulum.datetime(2026, 11, 23, 6, 0, tz=TZ)  # before the planning hours: a whole day
SPHERES = (Sphere.WORK, Sphere.WORK, Sphere.PERSONAL, Sphere.BREAK)
ESTIMATES = (15, 30, 45, 60, 90)


def planner_on(root: Path) -> Planner:
    return Planner(Store(root), from_mapping({"timezone": TZ}), FixedClock(NOW))


def build_store(root: Path, tasks: int, blocks: int) -> None:
    """``tasks`` in the inbox; ``blocks`` fixed 2-minute blocks on Monday from 06:00, one
    every 4 minutes (each in the sphere its time suggests): 200 of them leave 2-minute gaps
    until 19:20 and the evening free, so most tasks are left in the inbox with a reason."""
    store = Store(root)
    day_blocks = []
    for index in range(blocks):
        start = 6 * 60 + index * 4
        sphere = Sphere.WORK if 9 * 60 <= start < 17 * 60 - 2 else Sphere.PERSONAL
        day_blocks.append(
            Block.create(
                date=MONDAY,
                start=start,
                end=start + 2,
                title=f"Block {index}",
                sphere=sphere,
                now=NOW,
            )
        )
    with store.transaction() as txn:
        txn.add_blocks(day_blocks)
        for index in range(tasks):
            txn.put_task(
                Task.create(
                    title=f"Task {index}",
                    sphere=SPHERES[index % 4],
                    estimate=ESTIMATES[index % 5],
                    priority=1 + index % 3,
                    now=NOW,
                )
            )


def build_mode_store(root: Path) -> None:
    """An integration Monday of 60 flexible 15-minute blocks from 06:00, 17 minutes apart,
    two work to one personal: switching it to balance with --fix moves what it can."""
    store = Store(root)
    blocks = [
        Block.create(
            date=MONDAY,
            start=6 * 60 + index * 17,
            end=6 * 60 + index * 17 + 15,
            title=f"Flex {index}",
            sphere=Sphere.WORK if index % 3 else Sphere.PERSONAL,
            flexible=True,
            now=NOW,
        )
        for index in range(60)
    ]
    with store.transaction() as txn:
        txn.add_blocks(blocks)
        txn.put_day(replace(txn.day(MONDAY), mode="integration"))


def fix_mode(root: Path) -> int:
    return len(planner_on(root).set_mode(MONDAY, "balance", fix=True).moves)


def plan_day(root: Path, dry_run: bool) -> int:
    return len(planner_on(root).plan(MONDAY, dry_run=dry_run).placed)


def plan_week(root: Path) -> int:
    planner = planner_on(root)
    return sum(len(planner.plan(MONDAY.add(days=n)).placed) for n in range(7))


def read_once(root: Path) -> int:
    store = Store(root)
    return len(store.tasks()) + len(store.blocks_on(MONDAY))


def _run(work: Callable[[Path], int], root: Path, answer: multiprocessing.Queue) -> None:
    started = time.perf_counter()
    result = work(root)
    answer.put(((time.perf_counter() - started) * 1000, result))


def timed(work: Callable[[Path], int], source: Path, cap: float) -> tuple[float | None, int]:
    """Milliseconds of ``work`` on a fresh copy of ``source`` (None: over ``cap`` seconds),
    in a child process so a slow case can be stopped."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "data"
        shutil.copytree(source, root)
        forking = multiprocessing.get_context("fork")  # the lambdas below need no pickling
        answer: multiprocessing.Queue = forking.Queue()
        child = forking.Process(target=_run, args=(work, root, answer))
        child.start()
        child.join(cap)
        if child.is_alive():
            child.kill()
            child.join()
            return None, 0
        return answer.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds before a case stops")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        print(f"{'case':<44} {'median ms':>10} {'placed':>7} {'x baseline':>11}")  # moved, for mode
        cases: list[tuple[str, Path, Callable[[Path], int]]] = []
        for blocks in (0, 200):
            for tasks in (10, 100, 1000):
                source = base / f"{tasks}-{blocks}"
                build_store(source, tasks, blocks)
                day = "an empty day" if not blocks else "a 200-block day"
                cases.append(
                    (f"{tasks} tasks, {day}, dry-run", source, lambda r: plan_day(r, True))
                )
                cases.append((f"{tasks} tasks, {day}, plan", source, lambda r: plan_day(r, False)))
        week = base / "week"
        build_store(week, 1000, 200)
        cases.append(("1000 tasks into a week (target < 2 s)", week, plan_week))
        flexible = base / "mode"
        build_mode_store(flexible)
        cases.append(("mode balance --fix, 60 flexible blocks", flexible, fix_mode))
        baselines = [timed(read_once, week, options.cap)[0] or 0.0 for _ in range(options.runs)]
        baseline = statistics.median(baselines)
        for name, source, work in cases:
            runs = [timed(work, source, options.cap) for _ in range(options.runs)]
            if any(ms is None for ms, _ in runs):
                print(f"{name:<44} {'> ' + str(int(options.cap * 1000)):>10} {'-':>7} {'-':>11}")
                continue
            ms = statistics.median(ms for ms, _ in runs if ms is not None)
            print(f"{name:<44} {ms:>10.1f} {runs[0][1]:>7} {ms / baseline:>11.1f}")
        print(f"  baseline: reading 1,000 tasks and a 200-block day once = {baseline:.1f} ms")


if __name__ == "__main__":
    main()
