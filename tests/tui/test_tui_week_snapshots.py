"""The week and month views as people see them, at 80x24 and 200x55, over a fixed week
(Mon 23 - Sun 29 Nov 2026; the clock Wed 25, 10:00): a routine, a fenced and a woven day,
a day off, a recorded crossing and a reflection. Update with ``pytest --snapshot-update``
after a deliberate change, and look at the SVGs (as PNGs) before committing them."""

from __future__ import annotations

import pendulum
import pytest

from flowday.application import reviews, routines
from flowday.application.planner import Planner
from flowday.application.week import set_days_off
from flowday.domain.clock import FixedClock
from flowday.domain.frozen import replace
from flowday.domain.model import Block, Sphere
from flowday.tui.app import FlowdayApp

TODAY = pendulum.date(2026, 11, 25)
STAMP = "2026-11-20T08:00:00Z"
BLOCKS = [  # (id, days from today, title, start, end, sphere)
    ("deep0001", -2, "Deep work on the quarterly report", 570, 720, Sphere.WORK),
    ("lunc0002", -1, "Lunch", 720, 765, Sphere.BREAK),
    ("deep0003", 0, "Deep work", 570, 690, Sphere.WORK),
    ("lunc0004", 0, "Lunch", 720, 765, Sphere.BREAK),
    ("revw0005", 0, "Code review", 840, 930, Sphere.WORK),
    ("run00006", 0, "Run", 1080, 1140, Sphere.PERSONAL),
    ("call0007", 1, "Client call", 600, 660, Sphere.WORK),
    ("kids0009", 2, "School pickup", 930, 960, Sphere.PERSONAL),
    ("plan0010", 2, "Planning", 600, 690, Sphere.WORK),
    ("hike0011", 4, "Hike", 600, 840, Sphere.PERSONAL),
]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(pendulum.datetime(2026, 11, 25, 10, 0, tz="Europe/Berlin"))


def seed(planner: Planner) -> None:
    with planner.store.transaction() as txn:
        for block_id, offset, title, start, end, sphere in BLOCKS:
            date = TODAY.add(days=offset)
            txn.put_block(Block(block_id, date, start, end, title, sphere, False,
                                created=STAMP, updated=STAMP))  # fmt: skip
        friday = txn.day(TODAY.add(days=2))
        txn.put_day(replace(friday, mode="integration", work_start=540, work_end=1050))
    routines.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays")
    # Thursday: a call overlapping another, crossed on purpose (recorded), then the
    # release late in the evening (broken now: nothing recorded)
    planner.add_block(TODAY.add(days=1), title="Escalation", start=630, end=690,
                      sphere=Sphere.WORK, force=True)  # fmt: skip
    set_days_off(planner, TODAY.add(days=3), TODAY.add(days=3), note="Lisbon")
    answers = {"present": "people", "stress": "neither", "energy": 4, "peace": 3, "meaning": 5}
    reviews.save_reflection(planner, TODAY.subtract(days=1), answers)


SIZES = [(80, 24), (200, 55)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x55"])
def test_week_view(snap_compare, planner: Planner, size: tuple[int, int]) -> None:
    seed(planner)
    assert snap_compare(FlowdayApp(planner, TODAY), press=["W"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x55"])
def test_month_view(snap_compare, planner: Planner, size: tuple[int, int]) -> None:
    seed(planner)
    assert snap_compare(FlowdayApp(planner, TODAY), press=["M"], terminal_size=size)
