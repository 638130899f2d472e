"""Does `flowday stats` over ten years of history stay under one second?

Run by hand (not in CI):  python bench/bench_stats.py [--runs 7] [--years 10]

Builds a store with ten years of generated history (15 blocks a day, every day with a
mode, about two days in three reflected, some forced crossings), written straight into
month files in the store's format. Then times, interleaved in the same run:
  - `flowday list` (baseline: process start plus one day),
  - `flowday stats --json` over the whole history (the figure that must stay < 1 s),
`stats` is timed twice over: warm (the usual case: month summaries cached in the user
cache folder, see stats_cache.MonthCache) and cold (cache emptied before each run: the first
run ever, or after a settings change). In-process, it also shows where a cold run spends
its time. Prints medians, the target check and the ratios against `list`.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pendulum

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bench_store import DAY_PLAN, TODAY  # noqa: E402
from bench_store import time_command as time_store_command  # noqa: E402  (one generated history for every bench)

from flowday.application import reviews  # noqa: E402
from flowday.application.planner import Planner  # noqa: E402
from flowday.config import from_mapping  # noqa: E402
from flowday.domain import questions  # noqa: E402
from flowday.domain.clock import FixedClock  # noqa: E402
from flowday.domain.model import Block, Crossing, Day, Reflection  # noqa: E402
from flowday.store import SCHEMA_VERSION, Store, write_atomically  # noqa: E402

TARGET_SECONDS = 1.0


def build_history(root: Path, years: int) -> tuple[int, int]:
    Store(root)
    rng = random.Random(5)
    now = pendulum.datetime(2026, 1, 1, tz="UTC")
    day = TODAY.subtract(years=years)
    block_count = reflected = 0
    while day <= TODAY.end_of("month"):
        month_end = day.end_of("month")
        blocks: dict[str, dict] = {}
        days: dict[str, dict] = {}
        while day <= month_end:
            mode = "integration" if day.weekday() in (4, 5) else "balance"
            for start, end, title, sphere in DAY_PLAN:
                block = Block.create(date=day, start=start, end=end, title=title,
                                     sphere=sphere, now=now)  # fmt: skip
                blocks[str(len(blocks) + 1)] = block.to_dict()
            reflection = None
            if rng.random() < 0.66:
                reflected += 1
                reflection = Reflection.from_dict({
                    "present": rng.choice(questions.PRESENT_CHOICES),
                    "stress": rng.choice(questions.STRESS_CHOICES),
                    **{name: rng.randint(1, 5) for name in questions.RATINGS},
                    "note": "", "at": "2026-01-01T20:00:00Z", "mode": mode,
                })  # fmt: skip
            crossings = tuple(
                Crossing("work-window", "", "2026-01-01T20:00:00Z")
                for _ in range(rng.randint(0, 1))
            )
            record = Day(date=day, mode=mode, reflection=reflection, crossings=crossings)
            days[str(len(days) + 1)] = record.to_dict()
            day = day.add(days=1)
        block_count += len(blocks)
        data = {"_meta": {"1": {"schema_version": SCHEMA_VERSION}}, "blocks": blocks, "days": days}
        write_atomically(root / "months" / f"{month_end.year:04d}-{month_end.month:02d}.json", data)
    return block_count, reflected


def time_command(data_dir: Path, cache: Path, *args: str) -> float:
    return time_store_command(data_dir, *args, env_extra={"FLOWDAY_CACHE_DIR": str(cache)})


def phases(data_dir: Path, cache: Path) -> dict[str, float]:
    """Where one in-process stats call spends its time, cold and then warm."""
    os.environ["FLOWDAY_CACHE_DIR"] = str(cache)
    shutil.rmtree(cache, ignore_errors=True)
    config = from_mapping({"timezone": "Europe/Berlin"})
    clock = FixedClock(pendulum.datetime(2026, 11, 25, 10, tz="Europe/Berlin"))
    planner = Planner(Store(data_dir), config, clock)
    first = reviews.history_start(planner)
    began = time.perf_counter()
    planner.store.days_between(first, TODAY)
    planner.store.blocks_between(first, TODAY)
    read = time.perf_counter()
    reviews.compute_records(planner, first, TODAY)
    computed = time.perf_counter()
    reviews.records_between(planner, first, TODAY)  # fills the cache
    filled = time.perf_counter()
    records = reviews.records_between(planner, first, TODAY)
    cached = time.perf_counter()
    reviews.stats_of(records, first, TODAY, min_days=5)
    done = time.perf_counter()
    return {
        "store: read days + blocks": read - began,
        "cold: read + figures for every day": computed - read,
        "cold: the same, filling the cache": filled - computed,
        "warm: records from the cache": cached - filled,
        "aggregate + recommend + JSON dict": done - cached,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "history"
        blocks, reflected = build_history(data, options.years)
        months = len(list((data / "months").glob("*.json")))
        print(f"history: {options.years} years, {months} month files, {blocks} blocks, "
              f"{reflected} reflected days; {os.cpu_count()} cores")  # fmt: skip
        cache = Path(tmp) / "cache"
        timings: dict[str, list[float]] = {
            "list (baseline)": [], "stats --json, warm": [], "stats --json, cold": [],
        }  # fmt: skip
        for _ in range(options.runs):
            timings["list (baseline)"].append(time_command(data, cache, "list"))
            shutil.rmtree(cache, ignore_errors=True)
            timings["stats --json, cold"].append(time_command(data, cache, "stats", "--json"))
            timings["stats --json, warm"].append(time_command(data, cache, "stats", "--json"))
        print(f"\n{'command':<24} {'median s':>9} {'min s':>7} {'max s':>7} {'/ list':>7}")
        base = statistics.median(timings["list (baseline)"])
        for name, values in timings.items():
            median = statistics.median(values)
            print(f"{name:<24} {median:>9.3f} {min(values):>7.3f} {max(values):>7.3f} "
                  f"{median / base:>7.2f}")  # fmt: skip
        for kind in ("warm", "cold"):
            median = statistics.median(timings[f"stats --json, {kind}"])
            verdict = "OK" if median < TARGET_SECONDS else "over"
            print(f"stats over the whole history, {kind}: {median:.3f} s "
                  f"(target < {TARGET_SECONDS} s) {verdict}")  # fmt: skip
        print("\nin-process phases (one run):")
        for name, seconds in phases(data, cache).items():
            print(f"  {name:<36} {seconds:.3f} s")


if __name__ == "__main__":
    main()
