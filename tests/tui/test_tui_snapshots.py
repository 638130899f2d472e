"""The main screen as people see it: balance (fenced) and integration (woven), at 80x24
and 120x40, with a fixed clock (Wed 25 Nov 2026, 10:00) and fixed data (fixed ids too,
since rule messages name them). Update with ``pytest --snapshot-update`` after a deliberate
change, and look at the SVGs before committing them."""

from __future__ import annotations

import pendulum
import pytest

from flowday.application.planner import Planner
from flowday.domain.clock import FixedClock
from flowday.domain.frozen import replace
from flowday.domain.model import Block, Sphere, Task
from flowday.tui.app import FlowdayApp

TODAY = pendulum.date(2026, 11, 25)
BLOCKS = [
    ("stand001", "Standup", 540, 555, Sphere.WORK, False),
    ("deep0002", "Deep work", 570, 690, Sphere.WORK, True),
    ("lunch003", "Lunch", 720, 765, Sphere.BREAK, False),
    ("revw0004", "Code review", 840, 930, Sphere.WORK, False),
    ("call0005", "Client call", 870, 900, Sphere.WORK, False),  # overlaps: marked
    ("kids0006", "School pickup", 960, 990, Sphere.PERSONAL, False),
    ("run00007", "Run", 1080, 1140, Sphere.PERSONAL, False),
]
TASKS = [
    ("task0001", "Write report", Sphere.WORK, 60),
    ("task0002", "Call mum", Sphere.PERSONAL, 20),
]
STAMP = "2026-11-25T08:00:00Z"


@pytest.fixture
def clock() -> FixedClock:
    """10:00: Deep work is under way, so the planner opens with it selected."""
    return FixedClock(pendulum.datetime(2026, 11, 25, 10, 0, tz="Europe/Berlin"))


def seed(planner: Planner, *, integration: bool) -> None:
    with planner.store.transaction() as txn:
        for block_id, title, start, end, sphere, flexible in BLOCKS:
            if not integration and block_id == "kids0006":
                start, end = 1035, 1065  # balance keeps it out of the window
            txn.put_block(
                Block(
                    block_id,
                    TODAY,
                    start,
                    end,
                    title,
                    sphere,
                    flexible,
                    created=STAMP,
                    updated=STAMP,
                )
            )
        for task_id, title, sphere, estimate in TASKS:
            txn.put_task(Task(task_id, title, sphere, estimate, created=STAMP))
        if integration:
            day = txn.day(TODAY)
            txn.put_day(replace(day, mode="integration", work_start=600, work_end=1110))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("mode", ["balance", "integration"])
def test_main_screen(snap_compare, planner: Planner, mode: str, size: tuple[int, int]) -> None:
    seed(planner, integration=mode == "integration")
    app = FlowdayApp(planner, TODAY)
    assert snap_compare(app, terminal_size=size)
