"""A writer process for the crash and concurrency tests: adds blocks one transaction at a
time and prints each id only after its transaction has committed ("confirmed"); as
``mover``, moves one block between two months again and again.

``writer.py DATA LABEL COUNT [KILL_AT]``: with KILL_AT, the writer kills itself (SIGKILL, no
clean-up runs) just before its KILL_AT-th durable step after start-up, having printed
``KILLED <step> <file>`` - a crash at a chosen point of a commit instead of a hoped-for one.

As ``presser``, it is a burst of J presses: one block moved 15 minutes later again and again
by what the planner's J runs (``Planner.edit_block``), each new start printed once saved.
``WRITER_COMPACT_AFTER`` folds the month's log into its file after that many lines (so a
short run crosses compactions too)."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum

from flowday import store
from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.model import Sphere
from flowday.store import Store

PRESS_DAY = pendulum.date(2026, 11, 25)


def kill_before_step(kill_at: int) -> None:
    """The durable steps of a commit are fsyncs, renames (``os.replace``) and unlinks: what
    is on disk changes (or becomes durable) only there, so a kill just before each one
    reaches every state a crash can leave."""
    steps = 0

    def hooked(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            nonlocal steps
            steps += 1
            if steps == kill_at:
                target = args[1] if name == "replace" else args[0]
                if name == "fsync":  # of a file descriptor: name its file where /proc says
                    try:
                        target = os.readlink(f"/proc/self/fd/{target}")
                    except OSError:
                        target = "?"
                print(f"KILLED {name} {Path(target).name}", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        return step

    os.fsync = hooked("fsync", os.fsync)
    os.replace = hooked("replace", os.replace)
    os.unlink = hooked("unlink", os.unlink)  # Path.unlink calls it too


def main() -> None:
    data_dir, label, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    kill_at = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    config = from_mapping({"timezone": "Europe/Berlin"})
    planner = Planner(
        Store(data_dir), config, FixedClock(pendulum.datetime(2026, 11, 25, tz="UTC"))
    )
    if os.environ.get("WRITER_COMPACT_AFTER"):
        store.COMPACT_AFTER_LINES = int(os.environ["WRITER_COMPACT_AFTER"])
    if label == "presser":  # J pressed COUNT times on one block, from 00:00
        result = planner.add_block(
            PRESS_DAY, title="Pressed", start=0, end=15, sphere=Sphere.WORK, force=True
        )
        assert result.block is not None
        print(result.block.id, flush=True)
        for press in range(1, count + 1):
            planner.edit_block(result.block.id, start=15 * press, end=15 * press + 15, force=True)
            print(15 * press, flush=True)
        return
    if label == "mover":  # one block moved back and forth between two month files
        existing = planner.store.blocks_on(pendulum.date(2026, 11, 10)) + planner.store.blocks_on(
            pendulum.date(2026, 12, 10)
        )
        block = existing[0] if existing else planner.add_block(
            pendulum.date(2026, 11, 10), title="Mover", start=600, end=660, sphere=Sphere.WORK,
            force=True,
        ).block  # fmt: skip
        assert block is not None
        print(block.id, flush=True)
        if kill_at:
            kill_before_step(kill_at)
        for _ in range(count):
            target = 12 if block.date.month == 11 else 11  # always a move across months
            planner.edit_block(block.id, date=pendulum.date(2026, target, 10), force=True)
            block = planner.store.find_block(block.id)
            assert block is not None
            print(block.id, flush=True)
        return
    if kill_at:
        kill_before_step(kill_at)
    # two writers side by side: they start at the same moment, and each leaves a gap after
    # a transaction, so that they take turns at the lock however the scheduler runs them
    side_by_side = bool(os.environ.get("WRITER_SIDE_BY_SIDE"))
    if side_by_side:
        print("ready", flush=True)
        sys.stdin.readline()
    for index in range(count):
        date = pendulum.date(2026, 11, 1 + index % 28)
        result = planner.add_block(
            date, title=f"{label} {index}", start=(index * 7) % 1400, end=(index * 7) % 1400 + 5,
            sphere=Sphere.WORK, force=True,
        )  # fmt: skip
        assert result.block is not None
        print(result.block.id, flush=True)
        if side_by_side:
            time.sleep(0.001)


if __name__ == "__main__":
    main()
