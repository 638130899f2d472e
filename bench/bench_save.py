"""Does the cost of one saved edit grow with the blocks of its month, or with history?

Run by hand (not in CI):  python bench/bench_save.py [--runs 130] [--cli-runs 12] [--src DIR]

Builds four stores in the store's own format: "empty" (the month holds only the block
that is edited), "one day" (the edited day's 15 blocks beside it, the rest of the month
empty: the issue's baseline, and what the judge of a day costs), "busy month" (450 blocks in
the edited month: 15 a day) and "ten years" (about 55,000 blocks, the edited month busy
too). Then times, interleaved in one run so machine noise hits every side alike:

- in process: ``Planner.edit_block`` moving one block by 15 minutes (what J/K runs in the
  planner: judge, ``Store.transaction()``, commit with its fsync);
- as a user runs it: ``flowday edit ID --start --end`` in a fresh process.

Prints medians, p90, means (the in-process runs cross two foldings of the month's log into
its file, one edit in 64: the mean carries their cost) and each median's ratio against the
empty store and against "one day" (target <= 1.1: what the month holds must not count).
``--src`` times another checkout's code (e.g. main's, for a before/after table).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pendulum

ROOT = Path(__file__).resolve().parents[1]
TODAY = pendulum.date(2026, 11, 25)
NOW = "2026-11-25T06:00"
DAY_PLAN = [  # 15 blocks a day (the edited block moves in the free 06:00-07:00 hour)
    (420, 465, "Run", "personal"), (480, 510, "Breakfast", "break"),
    (540, 555, "Standup", "work"), (555, 660, "Deep work", "work"),
    (660, 675, "Walk", "break"), (675, 720, "Reviews", "work"),
    (720, 765, "Lunch", "break"), (765, 840, "Meetings", "work"),
    (840, 900, "Write", "work"), (900, 915, "Tea", "break"),
    (915, 1020, "Project", "work"), (1050, 1110, "Kids", "personal"),
    (1110, 1170, "Dinner", "personal"), (1200, 1260, "Read", "personal"),
    (1260, 1320, "Music", "personal"),
]  # fmt: skip
STORES = ("empty", "one day", "busy month", "ten years")


def build(root: Path, years: int | None, *, one_day: bool = False) -> str:
    """A store whose edited month (November 2026) holds only the edited block (``None``;
    ``one_day``: and its day's 15 blocks), or is busy, with ``years`` of busy months before
    it; the edited block's id."""
    from flowday.domain.model import Block, Sphere
    from flowday.store import SCHEMA_VERSION, Store, write_atomically

    Store(root)
    now = pendulum.datetime(2026, 1, 1, tz="UTC")
    target = Block.create(date=TODAY, start=360, end=375, title="Moved", sphere=Sphere.WORK,
                          now=now)  # fmt: skip
    first = TODAY.start_of("month").subtract(years=years or 0)
    month = first
    while month <= TODAY:
        docs: dict[str, dict[str, object]] = {}
        if one_day and month.month == TODAY.month and month.year == TODAY.year:
            for start, end, title, sphere in DAY_PLAN:
                block = Block.create(date=TODAY, start=start, end=end, title=title,
                                     sphere=Sphere(sphere), now=now)  # fmt: skip
                docs[str(len(docs) + 1)] = block.to_dict()
        if years is not None:
            day = month
            while day <= month.end_of("month"):
                for start, end, title, sphere in DAY_PLAN:
                    block = Block.create(date=day, start=start, end=end, title=title,
                                         sphere=Sphere(sphere), now=now)  # fmt: skip
                    docs[str(len(docs) + 1)] = block.to_dict()
                day = day.add(days=1)
        if month.month == TODAY.month and month.year == TODAY.year:
            docs[str(len(docs) + 1)] = target.to_dict()
        data = {"_meta": {"1": {"schema_version": SCHEMA_VERSION}}, "blocks": docs}
        write_atomically(root / "months" / f"{month.year:04d}-{month.month:02d}.json", data)
        month = month.add(months=1)
    return target.id


def env_for(data: Path, src: Path) -> dict[str, str]:
    return {**os.environ, "FLOWDAY_DATA_DIR": str(data), "FLOWDAY_NOW": NOW,
            "FLOWDAY_TZ": "Europe/Berlin", "PYTHONPATH": str(src)}  # fmt: skip


def p90(samples: list[float]) -> float:
    return sorted(samples)[int(0.9 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=130, help="in-process edits per store")
    parser.add_argument("--cli-runs", type=int, default=12, help="flowday edit runs per store")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the code to time")
    options = parser.parse_args()
    sys.path.insert(0, str(options.src))
    from flowday.application.planner import Planner
    from flowday.config import from_mapping
    from flowday.domain.clock import FixedClock
    from flowday.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        roots = {name: Path(tmp) / name.replace(" ", "-") for name in STORES}
        began = time.perf_counter()
        ids = {
            "empty": build(roots["empty"], None),
            "one day": build(roots["one day"], None, one_day=True),
            "busy month": build(roots["busy month"], 0),
            "ten years": build(roots["ten years"], options.years),
        }
        print(f"stores built in {time.perf_counter() - began:.1f} s (code: {options.src})\n")
        config = from_mapping({"timezone": "Europe/Berlin"})
        clock = FixedClock(pendulum.datetime(2026, 11, 25, 5, tz="UTC"))
        planners = {n: Planner(Store(roots[n]), config, clock) for n in STORES}
        samples: dict[tuple[str, str], list[float]] = {}
        for run in range(options.runs + 3):  # the first three warm the caches up
            start = 360 + 15 * (run % 2)
            for name in STORES:
                began = time.perf_counter()
                planners[name].edit_block(ids[name], start=start, end=start + 15, force=True)
                if run >= 3:
                    samples.setdefault(("Planner.edit_block", name), []).append(
                        time.perf_counter() - began
                    )
        for run in range(options.cli_runs):
            start = 360 + 15 * (run % 2)
            args = ["edit", "--start", f"06:{15 * (run % 2):02d}",
                    "--end", f"06:{15 * (run % 2) + 15:02d}", "--force"]  # fmt: skip
            for name in STORES:
                began = time.perf_counter()
                result = subprocess.run(
                    [sys.executable, "-m", "flowday", *args, ids[name]],
                    env=env_for(roots[name], options.src), capture_output=True, text=True,
                )  # fmt: skip
                elapsed = time.perf_counter() - began
                if result.returncode != 0:
                    raise SystemExit(f"flowday edit failed ({name}): {result.stderr}")
                samples.setdefault(("flowday edit", name), []).append(elapsed)
        print(f"{'what':<20} {'store':<11} {'median ms':>10} {'p90 ms':>8} {'mean ms':>8} "
              f"{'ratio':>6} {'/1 day':>7}")  # fmt: skip
        for what in ("Planner.edit_block", "flowday edit"):
            base = statistics.median(samples[(what, "empty")])
            day = statistics.median(samples[(what, "one day")])
            for name in STORES:
                values = samples[(what, name)]
                median = statistics.median(values)
                mean = statistics.fmean(values)
                print(f"{what:<20} {name:<11} {median * 1000:>10.2f} {p90(values) * 1000:>8.2f}"
                      f" {mean * 1000:>8.2f} {median / base:>6.2f}"
                      f" {median / day:>7.2f}")  # fmt: skip
        print(f"\n{options.runs} in-process edits and {options.cli_runs} commands per store, "
              "interleaved; ratio: median / the empty store's median, /1 day: / the one-day "
              "store's (target <= 1.1)")  # fmt: skip


if __name__ == "__main__":
    main()
