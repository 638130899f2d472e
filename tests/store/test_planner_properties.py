"""Whatever is typed, an accepted block has start < end on its day and a positive real
length — also on DST days; everything else is refused with a one-line reason."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.errors import FlowdayError
from flowday.domain.timeparse import real_minutes
from flowday.store import Store

CONFIG = from_mapping({"timezone": "Europe/Berlin"})
DST_DATES = [pendulum.date(2026, 3, 29), pendulum.date(2026, 10, 25), pendulum.date(2026, 11, 25)]
time_words = st.sampled_from(
    ["1:00-3:00", "2:30-3:30", "2:00-2:59", "1:59 1h", "0:00-24:00", "23:30 45m", "9-5", "9-5pm",
     "12am-1am", "11pm-24:00", "2:15", "3:00 1h", "24:00", "1:30-2:30"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(date=st.sampled_from(DST_DATES), when=time_words, title=st.text(max_size=20))
def test_accepted_blocks_are_sane_on_any_day(date: pendulum.Date, when: str, title: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp))
        planner = Planner(store, CONFIG, FixedClock(pendulum.datetime(2026, 3, 1, tz="UTC")))
        try:
            day = store.day(date)
            parsed = planner.parse_block_text(f"{title} {when}", day=day)
            planner.add_block(
                date, title=parsed[0], start=parsed[1], end=parsed[2], sphere=parsed[3]
            )
        except FlowdayError as exc:
            assert str(exc) and "\n" not in str(exc)
            assert store.blocks_on(date) == []
            return
        (block,) = store.blocks_on(date)
        assert 0 <= block.start < block.end <= 1440 and block.date == date
        assert real_minutes(date, block.start, block.end, CONFIG.timezone) > 0
