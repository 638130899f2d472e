"""How fast is `flowday next` (a status bar calls it every few seconds) against `flowday
list` of the same day and an empty Python start (`python -c pass`), measured in the same run?

Run by hand (not in CI):  python bench/bench_next.py [--runs 15] [--years 2]
                          [--baseline ../other-checkout/src]  (its `list`, in the same run)

Each is a real process, as a bar starts it (the interpreter start and imports are most of
it). Interleaved runs, medians and minimums. `next` answers from the snapshot of today the
previous `next` left in the cache folder while nothing it read changed (the status bar's
case: "warm"); "cold" removes the snapshot before each run (the first call after a change).
The issue's target: `next` under 60 ms on an idle machine; compare the ratios across
machines. Stores: empty, and `--years` of history with a day of eight blocks. Bytecode is
written to a temporary folder (PYTHONPYCACHEPREFIX): an installed flowday has its .pyc files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_store import build_history, time_command  # noqa: E402

from flowday.store import Store  # noqa: E402


def time_pass() -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument(
        "--baseline", type=Path,
        help="another checkout's src: its `list` is timed in the same runs (before/after)",
    )  # fmt: skip
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pyc")
        os.environ["FLOWDAY_CACHE_DIR"] = str(cache)  # the snapshot: never the user's cache
        empty, history = Path(tmp) / "empty", Path(tmp) / "history"
        Store(empty)
        blocks = build_history(history, options.years)
        print(f"history: {blocks} blocks over {options.years} years\n")
        commands = {"flowday list": ["list"], "flowday next (cold)": ["next"],
                    "flowday next": ["next"],
                    "flowday next --json": ["next", "--json"]}  # fmt: skip
        extra: dict[str, dict[str, str]] = {}
        if options.baseline:
            commands["baseline: list"] = ["list"]
            extra["baseline: list"] = {"PYTHONPATH": str(options.baseline.resolve())}
        for store in (empty, history):  # bytecode written, snapshots left: not timed
            for name, args in commands.items():
                time_command(store, *args, env_extra=extra.get(name))
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(options.runs):  # interleaved: load changes hit every command alike
            times.setdefault(("python -c pass", "-"), []).append(time_pass())
            for store_name, store in (("empty", empty), ("history", history)):
                for name, args in commands.items():
                    if name.endswith("(cold)"):
                        shutil.rmtree(cache / "status", ignore_errors=True)
                    taken = time_command(store, *args, env_extra=extra.get(name))
                    times.setdefault((name, store_name), []).append(taken)
        base = statistics.median(times[("python -c pass", "-")])
        print(f"{'command':<22}{'store':<9}{'median ms':>10}{'min ms':>8}{'/ list':>8}"
              f"{'- pass ms':>10}")  # fmt: skip
        for (name, store_name), runs in times.items():
            listed = times.get(("flowday list", store_name))
            median = statistics.median(runs)
            ratio = f"{median / statistics.median(listed):>8.2f}" if listed else f"{'':>8}"
            print(f"{name:<22}{store_name:<9}{median * 1000:>10.1f}{min(runs) * 1000:>8.1f}"
                  f"{ratio}{(median - base) * 1000:>10.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
