"""A writer process for the crash and concurrency tests: adds blocks one transaction at a
time and prints each id only after its transaction has committed ("confirmed")."""

from __future__ import annotations

import sys
from pathlib import Path

import pendulum

from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.model import Sphere
from flowday.planner import Planner
from flowday.store import Store


def main() -> None:
    data_dir, label, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    config = from_mapping({"timezone": "Europe/Berlin"})
    planner = Planner(
        Store(data_dir), config, FixedClock(pendulum.datetime(2026, 11, 25, tz="UTC"))
    )
    for index in range(count):
        date = pendulum.date(2026, 11, 1 + index % 28)
        result = planner.add_block(
            date, title=f"{label} {index}", start=(index * 7) % 1400, end=(index * 7) % 1400 + 5,
            sphere=Sphere.WORK, force=True,
        )  # fmt: skip
        assert result.block is not None
        print(result.block.id, flush=True)


if __name__ == "__main__":
    main()
