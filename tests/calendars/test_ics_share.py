"""Sharing availability: plain text for people, VFREEBUSY for their calendar apps."""

from __future__ import annotations

import datetime as dt

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.application.planner import Planner
from flowday.calendars import sharing
from flowday.domain.availability import MIN_FREE, SHARE_HOURS, day_availability
from flowday.domain.model import Block, Sphere

from .ics_samples import d


def plan_a_day(planner: Planner) -> None:
    date = d("2026-12-02")
    planner.add_block(date, title="Standup", start=540, end=555, sphere=Sphere.WORK)
    planner.add_block(date, title="Reports", start=555, end=720, sphere=Sphere.WORK)
    planner.add_block(date, title="Lunch", start=720, end=765, sphere=Sphere.BREAK)
    planner.add_block(date, title="Write", start=765, end=1020, sphere=Sphere.WORK)
    planner.add_block(
        date, title="Dr. Who, therapist", start=1110, end=1170, sphere=Sphere.PERSONAL
    )


def test_plain_text_availability(planner: Planner) -> None:
    plan_a_day(planner)
    assert sharing.share_text(planner, [d("2026-12-02")]) == (
        "Wed 2 Dec: free 08:00-09:00, busy 09:00-12:00 (work), busy 12:00-12:45 (break), "
        "busy 12:45-17:00 (work), free 17:00-18:30, busy 18:30-19:30 (personal), "
        "free 19:30-21:00"
    )


def test_titles_stay_private_unless_asked(planner: Planner) -> None:
    plan_a_day(planner)
    plain = sharing.share_text(planner, [d("2026-12-02")])
    assert "therapist" not in plain and "Standup" not in plain
    detailed = sharing.share_text(planner, [d("2026-12-02")], details=True)
    assert "busy 18:30-19:30 (personal: Dr. Who, therapist)" in detailed
    assert "busy 09:00-09:15 (work: Standup)" in detailed


def test_short_gaps_are_not_offered_and_empty_days_are_free(planner: Planner) -> None:
    planner.add_block(d("2026-12-03"), title="A", start=540, end=600, sphere=Sphere.WORK)
    planner.add_block(
        d("2026-12-03"), title="B", start=610, end=660, sphere=Sphere.PERSONAL, force=True
    )
    text = sharing.share_text(planner, [d("2026-12-03"), d("2026-12-05")])
    assert text.splitlines() == [
        "Thu 3 Dec: free 08:00-09:00, busy 09:00-10:00 (work), busy 10:10-11:00 (personal), "
        "free 11:00-21:00",
        "Sat 5 Dec: free 08:00-21:00",
    ]


def test_freebusy_ics_has_busy_periods_in_utc_and_no_titles(planner: Planner) -> None:
    plan_a_day(planner)
    payload = sharing.freebusy_calendar(planner, [d("2026-12-02"), d("2026-12-03")]).to_ical()
    assert b"therapist" not in payload and b"Standup" not in payload
    (freebusy,) = icalendar.Calendar.from_ical(payload).walk("VFREEBUSY")
    periods = [tuple(prop.dt) for prop in freebusy.get("FREEBUSY")]
    utc = dt.UTC
    assert periods == [  # 09:00-17:00 Berlin merged across spheres, then 18:30-19:30
        (dt.datetime(2026, 12, 2, 8, 0, tzinfo=utc), dt.datetime(2026, 12, 2, 16, 0, tzinfo=utc)),
        (
            dt.datetime(2026, 12, 2, 17, 30, tzinfo=utc),
            dt.datetime(2026, 12, 2, 18, 30, tzinfo=utc),
        ),
    ]
    assert freebusy.start == dt.datetime(2026, 12, 1, 23, 0, tzinfo=utc)
    assert freebusy.end == dt.datetime(2026, 12, 3, 23, 0, tzinfo=utc)


@settings(max_examples=200, deadline=None)
@given(
    spans=st.lists(
        st.tuples(st.integers(0, 1439), st.integers(1, 300), st.sampled_from(list(Sphere))),
        max_size=12,
    ),
    details=st.booleans(),
)
def test_property_free_is_exactly_the_long_gaps_between_busy(
    spans: list[tuple[int, int, Sphere]], details: bool
) -> None:
    blocks = [
        Block(f"b{i}", d("2026-12-02"), start, min(1440, start + length), f"T{i}", sphere)
        for i, (start, length, sphere) in enumerate(spans)
    ]
    stretches = day_availability(blocks, details=details)
    busy_minutes = {m for b in blocks for m in range(b.start, b.end)}
    free = [s for s in stretches if not s.busy]
    for stretch in free:
        assert SHARE_HOURS[0] <= stretch.start < stretch.end <= SHARE_HOURS[1]
        assert stretch.end - stretch.start >= MIN_FREE
        assert not busy_minutes & set(range(stretch.start, stretch.end))
    # every free minute inside the hours belongs to a free stretch, unless its gap is short
    free_minutes = {m for s in free for m in range(s.start, s.end)}
    gap: list[int] = []
    for minute in [*range(*SHARE_HOURS), None]:
        if minute is not None and minute not in busy_minutes:
            gap.append(minute)
            continue
        if len(gap) >= MIN_FREE:
            assert set(gap) <= free_minutes
        gap = []
    # busy covers every block, and says nothing it should not
    busy = [s for s in stretches if s.busy]
    assert {m for s in busy for m in range(s.start, s.end)} == busy_minutes
    if not details:
        assert all(s.label in {"work", "personal", "break"} for s in busy)
