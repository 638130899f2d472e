"""A writer process for the crash and concurrency tests: adds blocks one transaction at a
time and prints each id only after its transaction has committed ("confirmed"); as
``mover``, moves one block between two months again and again."""

from __future__ import annotations

import sys
from pathlib import Path

import pendulum

from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.model import Sphere
from flowday.store import Store


def main() -> None:
    data_dir, label, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    config = from_mapping({"timezone": "Europe/Berlin"})
    planner = Planner(
        Store(data_dir), config, FixedClock(pendulum.datetime(2026, 11, 25, tz="UTC"))
    )
    if label == "mover":  # one block moved back and forth between two month files
        block = planner.add_block(
            pendulum.date(2026, 11, 10), title="Mover", start=600, end=660, sphere=Sphere.WORK,
            force=True,
        ).block  # fmt: skip
        assert block is not None
        print(block.id, flush=True)
        for index in range(count):
            month = 12 if index % 2 == 0 else 11
            planner.edit_block(block.id, date=pendulum.date(2026, month, 10), force=True)
            print(block.id, flush=True)
        return
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
