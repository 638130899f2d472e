"""Do routines make a day cost more as they age? `flowday list` and opening a day with 50
routines begun ten years ago (with skips and hand edits) over ten years of history, against
an empty store.

Run by hand (not in CI):  python bench/bench_routines.py [--runs 15] [--years 10]

Occurrences are made on read: a day asks each routine one O(1) question (is this date in
your rule?), never walking the rule from its start, so the age of a routine should not
show. `flowday list` is the real command, as a user runs it; "open a day" is what the
planner does to show a date (`load_day_screen` over a fresh store: files read and parsed
cold), timed in-process. Interleaved runs, medians; target: list < 100 ms, ratio <= 1.2.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pendulum

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_store import TODAY, build_history, time_command  # noqa: E402

from flowday.application.day_screen import load_day_screen  # noqa: E402
from flowday.application.planner import Planner  # noqa: E402
from flowday.config import from_mapping  # noqa: E402
from flowday.domain.clock import FixedClock  # noqa: E402
from flowday.domain.model import Sphere, new_id  # noqa: E402
from flowday.domain.recurrence import parse_every  # noqa: E402
from flowday.domain.routines import Routine  # noqa: E402
from flowday.store import SCHEMA_VERSION, Store, write_atomically  # noqa: E402

SPECS = ["day", "weekdays", "weekends", "mon,wed,fri", "2 weeks on tue", "month on 1",
         "month on last fri", "3 days", "tue,thu", "4 weeks on sat"]  # fmt: skip


def build_routines(root: Path, count: int, years: int) -> None:
    """``count`` routines begun ``years`` ago, each with a skip and a hand edit a month
    (``years`` 0: begun today, no exceptions)."""
    began = TODAY.subtract(years=years)
    docs = {}
    for index in range(count):
        spec = SPECS[index % len(SPECS)]
        repeat = parse_every(spec, began)
        first = repeat.first_on_or_after(began)
        assert first is not None
        start = 5 * 60 + (index * 17) % (17 * 60)
        month = first
        skipped = []
        while month < TODAY:  # ten years of exceptions: ~120 dates a routine
            skipped.append(month.add(days=index % 27).to_date_string())
            month = month.add(months=1)
        routine = Routine(
            id=new_id(), text="", title=f"Routine {index}", start=start, end=start + 15,
            sphere=list(Sphere)[index % 3], rrule=repeat.rrule(), every=spec, first=first,
            skipped=frozenset(skipped[::2]), edited=frozenset(skipped[1::2]),
        )  # fmt: skip
        docs[str(index + 1)] = routine.to_dict()
    data = {"_meta": {"1": {"schema_version": SCHEMA_VERSION}}, "routines": docs}
    write_atomically(root / "routines.json", data)


def open_a_day(root: Path) -> float:
    config = from_mapping({"timezone": "Europe/Berlin"})
    clock = FixedClock(pendulum.datetime(2026, 11, 25, 10, tz="Europe/Berlin"))
    began = time.perf_counter()
    load_day_screen(Planner(Store(root), config, clock), TODAY)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--routines", type=int, default=50)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stores = {
            "empty": Path(tmp) / "empty",
            "new": Path(tmp) / "new",  # the history, and the routines begun today
            "aged": Path(tmp) / "aged",  # the history, and the routines begun years ago
        }
        Store(stores["empty"])
        blocks = build_history(stores["new"], options.years)
        build_history(stores["aged"], options.years)
        build_routines(stores["new"], options.routines, 0)
        build_routines(stores["aged"], options.routines, options.years)
        config = from_mapping({"timezone": "Europe/Berlin"})
        clock = FixedClock(pendulum.datetime(2026, 11, 25, 10, tz="Europe/Berlin"))
        counts = {
            name: len(Planner(Store(root), config, clock).store.blocks_on(TODAY))
            for name, root in stores.items()
        }
        print(f"history: {blocks} blocks over {options.years} years; {options.routines} "
              f"routines begun today ('new') or {options.years} years ago with a skip and "
              f"an edit a month ('aged'); blocks on {TODAY}: {counts}\n")  # fmt: skip
        samples: dict[tuple[str, str], list[float]] = {}
        for _ in range(options.runs):
            for label, data_dir in stores.items():
                samples.setdefault(("flowday list", label), []).append(
                    time_command(data_dir, "list")
                )
                samples.setdefault(("open a day", label), []).append(open_a_day(data_dir))
        print(f"{'what':<13} {'empty ms':>9} {'new ms':>8} {'aged ms':>8} {'aged/empty':>11} "
              f"{'aged/new':>9}")  # fmt: skip
        for name in ("flowday list", "open a day"):
            empty, new, aged = (
                statistics.median(samples[(name, label)]) * 1000 for label in stores
            )
            print(f"{name:<13} {empty:>9.1f} {new:>8.1f} {aged:>8.1f} {aged / empty:>11.2f} "
                  f"{aged / new:>9.2f}")  # fmt: skip
        print(
            f"\nmedians of {options.runs} interleaved runs; targets: list < 100 ms and "
            "aged/empty <= 1.2 for the command; aged/new near 1 (a routine's age and its "
            "years of exceptions cost nothing when a day is read)"
        )


if __name__ == "__main__":
    main()
