"""Repeat rules: what people say → RRULE, and membership computed directly, checked
against dateutil's expansion of the same RRULE."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.domain.errors import InputError
from flowday.domain.model import Sphere
from flowday.domain.recurrence import DAILY, MONTHLY, WEEKLY, Repeat, parse_every
from flowday.domain.routines import Routine, parse_occurrence_id

START = pendulum.date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("spec", "rrule"),
    [
        ("day", "FREQ=DAILY"),
        ("3 days", "FREQ=DAILY;INTERVAL=3"),
        ("weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;WKST=MO"),
        ("weekends", "FREQ=WEEKLY;BYDAY=SA,SU;WKST=MO"),
        ("mon,wed,fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR;WKST=MO"),
        ("Fri, Mon", "FREQ=WEEKLY;BYDAY=MO,FR;WKST=MO"),
        ("2 weeks on tue", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;WKST=MO"),
        ("week", "FREQ=WEEKLY;BYDAY=WE;WKST=MO"),
        ("month on 1", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("month on last fri", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("3 months on second tuesday", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"),
        ("month", "FREQ=MONTHLY;BYMONTHDAY=25"),
        # the other ways people say them
        ("Every other day", "FREQ=DAILY;INTERVAL=2"),
        ("daily", "FREQ=DAILY"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;WKST=MO"),
        ("mon-fri", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;WKST=MO"),
        ("fri-mon", "FREQ=WEEKLY;BYDAY=MO,FR,SA,SU;WKST=MO"),
        ("Tue and Thu", "FREQ=WEEKLY;BYDAY=TU,TH;WKST=MO"),
        ("tue & thu", "FREQ=WEEKLY;BYDAY=TU,TH;WKST=MO"),
        ("mondays", "FREQ=WEEKLY;BYDAY=MO;WKST=MO"),
        ("every tuesday", "FREQ=WEEKLY;BYDAY=TU;WKST=MO"),
        ("weekly", "FREQ=WEEKLY;BYDAY=WE;WKST=MO"),
        ("weekly on mon, thu", "FREQ=WEEKLY;BYDAY=MO,TH;WKST=MO"),
        ("fortnightly", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;WKST=MO"),
        ("biweekly on mon", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=MO"),
        ("every other tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;WKST=MO"),
        ("every other month", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=25"),
        ("monthly on last fri", "FREQ=MONTHLY;BYDAY=-1FR"),
    ],
)
def test_what_people_say_becomes_an_rrule_that_reads_back(spec: str, rrule: str) -> None:
    repeat = parse_every(spec, START)
    assert repeat.rrule() == rrule
    assert Repeat.from_rrule(rrule) == repeat


@pytest.mark.parametrize(
    "spec", ["hourly", "every blue moon", "t", "0 weeks on mon", "month on 32",
             "month on fifth fri", "2 days on mon", "month on last mon,tue", "99 weeks",
             "every other", "every", "mon-", "mon--fri", "yearly"],
)  # fmt: skip
def test_anything_else_is_one_clear_line(spec: str) -> None:
    with pytest.raises(InputError) as error:
        parse_every(spec, START)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    "text", ["FREQ=YEARLY", "FREQ=DAILY;COUNT=3", "FREQ=WEEKLY;BYDAY=MO", "FREQ=DAILY;BYDAY=MO",
             "FREQ=MONTHLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=TU,MO;WKST=MO", ""],
)  # fmt: skip
def test_stored_rules_outside_the_subset_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Repeat.from_rrule(text)


repeats = st.one_of(
    st.builds(Repeat, st.just(DAILY), st.integers(1, 9)),
    st.builds(
        Repeat,
        st.just(WEEKLY),
        st.integers(1, 5),
        st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s))),
    ),
    st.builds(
        lambda interval, day: Repeat(MONTHLY, interval, monthday=day),
        st.integers(1, 4),
        st.integers(1, 31),
    ),
    st.builds(
        lambda interval, weekday, nth: Repeat(MONTHLY, interval, (weekday,), nth=nth),
        st.integers(1, 4),
        st.integers(0, 6),
        st.sampled_from([1, 2, 3, 4, -1]),
    ),
)
dates = st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)).map(
    lambda d: pendulum.date(d.year, d.month, d.day)
)


@settings(max_examples=60)
@given(repeat=repeats, anchor=dates, offset=st.integers(0, 4000))
def test_membership_is_dateutils_expansion(
    repeat: Repeat, anchor: pendulum.Date, offset: int
) -> None:
    # a window far from the anchor: membership never walks from it, and still agrees
    first = anchor.add(days=offset)
    last = first.add(days=120)
    rule = rrulestr(
        f"RRULE:{repeat.rrule()}", dtstart=dt.datetime(anchor.year, anchor.month, anchor.day)
    )
    expected = {
        d.date()
        for d in rule.between(
            dt.datetime(first.year, first.month, first.day),
            dt.datetime(last.year, last.month, last.day),
            inc=True,
        )
    }
    found = set()
    day = first
    while day <= last:
        if repeat.matches(day, anchor):
            found.add(dt.date(day.year, day.month, day.day))
        day = day.add(days=1)
    assert found == expected


def _dateutil_first(repeat: Repeat, dtstart: pendulum.Date) -> dt.date:
    """dateutil's first date of the rule with that DTSTART."""
    begun = dt.datetime(dtstart.year, dtstart.month, dtstart.day)
    first = rrulestr(f"RRULE:{repeat.rrule()}", dtstart=begun).after(begun, inc=True)
    assert first is not None
    return first.date()


@settings(max_examples=30)
@given(repeat=repeats, start=dates)
def test_the_first_date_is_the_first_a_rule_started_that_day_names(
    repeat: Repeat, start: pendulum.Date
) -> None:
    # "every other Monday" made on a Tuesday starts the next Monday: the rule's weeks count
    # from its first date (its DTSTART), which dateutil then names first, as do calendars
    found = repeat.first_on_or_after(start)
    assert found is not None and start <= found <= _dateutil_first(repeat, start)
    plain = dt.date(found.year, found.month, found.day)
    assert _dateutil_first(repeat, found) == plain
    day = start
    while day < found:  # no earlier day starts the rule on itself
        assert _dateutil_first(repeat, day) != dt.date(day.year, day.month, day.day)
        day = day.add(days=1)


def _routine(**changes: object) -> Routine:
    fields: dict[str, object] = dict(
        id="r1", text="Standup 9:00-9:15 #work", title="Standup", start=9 * 60,
        end=9 * 60 + 15, sphere=Sphere.WORK, rrule="FREQ=DAILY", every="day", first=START,
    )  # fmt: skip
    fields.update(changes)
    return Routine(**fields)  # type: ignore[arg-type]


def test_occurrences_keep_wall_clock_times_and_ids_name_routine_and_date() -> None:
    routine = _routine(rrule="FREQ=WEEKLY;BYDAY=SU;WKST=MO", first=pendulum.date(2026, 3, 29))
    block = routine.occurrence(pendulum.date(2026, 10, 25))  # both Berlin DST Sundays
    assert (block.start, block.end, block.routine) == (540, 555, "r1")
    assert parse_occurrence_id(block.id) == ("r1", pendulum.date(2026, 10, 25))
    assert parse_occurrence_id("abcdefgh") is None
    assert parse_occurrence_id("r1@not-a-date") is None


def test_exceptions_and_the_end_date_take_dates_out() -> None:
    skip, edit = START.add(days=1), START.add(days=2)
    routine = _routine(
        skipped=frozenset({skip.to_date_string()}),
        edited=frozenset({edit.to_date_string()}),
        until=START.add(days=4),
    )
    assert routine.dates(START, START.add(days=10)) == [START, START.add(days=3), START.add(days=4)]
    assert routine.rule_dates(START, START.add(days=10))[1:3] == [skip, edit]
    assert Routine.from_dict(routine.to_dict()) == routine
    with pytest.raises(ValueError):
        _routine(until=START.subtract(days=1))
    with pytest.raises(ValueError):
        Routine.from_dict({**routine.to_dict(), "skipped": ["2026-13-01"]})
