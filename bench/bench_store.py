"""Does the cost of `flowday list` and `flowday add` grow with history?

Run by hand (not in CI):  python bench/bench_store.py [--runs 15] [--years 10]

Builds an empty store and a store with ten years of generated history (about 55,000
blocks, written straight into month files in the store's format), then times the real
command, as a user runs it, against both — interleaved, in the same run, so machine noise
hits both sides alike. Prints medians and the ratio history/empty (target <= 1.2).
"""

from __future__ import annotations

import argparse
import compileall
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pendulum

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from flowday.domain.model import Block, Sphere  # noqa: E402
from flowday.store import SCHEMA_VERSION, Store, write_atomically  # noqa: E402

TODAY = pendulum.date(2026, 11, 25)
DAY_PLAN = [  # 15 blocks a day
    (420, 465, "Run", Sphere.PERSONAL), (480, 510, "Breakfast", Sphere.BREAK),
    (540, 555, "Standup", Sphere.WORK), (555, 660, "Deep work", Sphere.WORK),
    (660, 675, "Walk", Sphere.BREAK), (675, 720, "Reviews", Sphere.WORK),
    (720, 765, "Lunch", Sphere.BREAK), (765, 840, "Meetings", Sphere.WORK),
    (840, 900, "Write", Sphere.WORK), (900, 915, "Tea", Sphere.BREAK),
    (915, 1020, "Project", Sphere.WORK), (1050, 1110, "Kids", Sphere.PERSONAL),
    (1110, 1170, "Dinner", Sphere.PERSONAL), (1200, 1260, "Read", Sphere.PERSONAL),
    (1260, 1320, "Music", Sphere.PERSONAL),
]  # fmt: skip


def build_history(root: Path, years: int) -> int:
    Store(root)
    now = pendulum.datetime(2026, 1, 1, tz="UTC")
    day = TODAY.subtract(years=years)
    count = 0
    while day <= TODAY.end_of("month"):
        month_end = day.end_of("month")
        docs: dict[str, dict] = {}
        while day <= month_end:
            for start, end, title, sphere in DAY_PLAN:
                block = Block.create(date=day, start=start, end=end, title=title,
                                     sphere=sphere, now=now)  # fmt: skip
                docs[str(len(docs) + 1)] = block.to_dict()
            day = day.add(days=1)
        count += len(docs)
        data = {"_meta": {"1": {"schema_version": SCHEMA_VERSION}}, "blocks": docs}
        write_atomically(root / "months" / f"{month_end.year:04d}-{month_end.month:02d}.json", data)
    return count


@functools.cache
def compile_sources() -> None:
    """As installed: byte-compiled (PYTHONDONTWRITEBYTECODE, often set for tests, would have
    each run compile every changed module again, ~30 ms a command)."""
    compileall.compile_dir(ROOT / "src", quiet=1)


def time_command(data_dir: Path, *args: str, env_extra: dict[str, str] | None = None) -> float:
    """Wall time of one real `flowday` run, as a user starts it."""
    compile_sources()
    env = {**os.environ, "FLOWDAY_DATA_DIR": str(data_dir), "FLOWDAY_NOW": "2026-11-25T10:00",
           "FLOWDAY_TZ": "Europe/Berlin", "PYTHONPATH": str(ROOT / "src"),
           **(env_extra or {})}  # fmt: skip
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "flowday", *args], env=env,
                            capture_output=True, text=True)  # fmt: skip
    elapsed = time.perf_counter() - began
    if result.returncode != 0:
        raise SystemExit(f"flowday {' '.join(args)} failed: {result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--years", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty, history = Path(tmp) / "empty", Path(tmp) / "history"
        Store(empty)
        began = time.perf_counter()
        blocks = build_history(history, options.years)
        print(f"history: {blocks} blocks over {options.years} years "
              f"(built in {time.perf_counter() - began:.1f} s)\n")  # fmt: skip
        samples: dict[tuple[str, str], list[float]] = {}
        for run in range(options.runs):
            minute = 5 + run  # each add lands in a free minute of the evening
            for label, data_dir in (("empty", empty), ("history", history)):
                for name, args in (
                    ("flowday list", ("list",)),
                    (
                        "flowday add",
                        ("add", f"Note 23:{minute:02d}-23:{minute + 1:02d}", "--force"),
                    ),
                ):
                    samples.setdefault((name, label), []).append(time_command(data_dir, *args))
        print(f"{'command':<14} {'empty ms':>9} {'history ms':>11} {'ratio':>6}")
        for name in ("flowday list", "flowday add"):
            base = statistics.median(samples[(name, "empty")]) * 1000
            hist = statistics.median(samples[(name, "history")]) * 1000
            print(f"{name:<14} {base:>9.1f} {hist:>11.1f} {hist / base:>6.2f}")
        print(f"\nmedians of {options.runs} interleaved runs; target: ratio <= 1.2, list < 100 ms")


if __name__ == "__main__":
    main()
