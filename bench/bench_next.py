"""How fast is `flowday next` (a status bar calls it every few seconds) against `flowday
list` of the same day, measured in the same run?

Run by hand (not in CI):  python bench/bench_next.py [--runs 15] [--years 2]

Both are real `flowday` runs as a bar starts them (a new process each time: the interpreter
start and imports are most of it). Interleaved runs, medians and minimums; the ratio
next/list is what to compare across machines (the issue's target: next under 60 ms on an
idle machine). Stores: empty, and `--years` of history with a day of eight blocks.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_store import build_history, time_command  # noqa: E402

from flowday.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--years", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty, history = Path(tmp) / "empty", Path(tmp) / "history"
        Store(empty)
        blocks = build_history(history, options.years)
        print(f"history: {blocks} blocks over {options.years} years\n")
        commands = {"flowday list": ["list"], "flowday next": ["next"],
                    "flowday next --json": ["next", "--json"]}  # fmt: skip
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(options.runs):  # interleaved: load changes hit every command alike
            for store_name, store in (("empty", empty), ("history", history)):
                for name, args in commands.items():
                    times.setdefault((name, store_name), []).append(time_command(store, *args))
        print(f"{'command':<22}{'store':<9}{'median ms':>10}{'min ms':>8}{'/ list':>8}")
        for (name, store_name), runs in times.items():
            baseline = statistics.median(times[("flowday list", store_name)])
            median = statistics.median(runs)
            print(f"{name:<22}{store_name:<9}{median * 1000:>10.1f}{min(runs) * 1000:>8.1f}"
                  f"{median / baseline:>8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
