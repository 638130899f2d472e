"""Routines and days off as calendar events (called by :mod:`flowday.calendars.exporting`).

A routine is ONE repeating event: UID ``<routine id>@flowday``, RRULE as stored (UNTIL
added), EXDATE for its skipped dates (and, for a routine limited to some modes, for the
exported days in other modes), and one RECURRENCE-ID event per occurrence edited by hand.
The series starts at its first occurrence in the exported range, so the file holds the
occurrences flowday shows there and nothing before; a routine limited to modes ends with
the range too (the modes of later days are not known yet). A day off is an all-day event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator

import icalendar
import pendulum
from icalendar import Event

from flowday.application.occurrences import RoutineOccurrences
from flowday.application.planner import Planner
from flowday.calendars.sources import FLOWDAY_UID_SUFFIX
from flowday.domain.model import Block, Sphere
from flowday.domain.routines import Routine, occurrence_id
from flowday.domain.timeparse import Zone, instant
from flowday.domain.wallclock import parse_iso_date

ToDatetime = Callable[[pendulum.DateTime], dt.datetime]  # exporting's: TZID + VTIMEZONE


def routine_events(
    planner: Planner,
    first: pendulum.Date,
    last: pendulum.Date,
    blocks: Collection[Block],
    *,
    spheres: Collection[Sphere],
    now: dt.datetime,
    to_datetime: ToDatetime,
) -> tuple[list[icalendar.Event], set[str]]:
    """The routines' events on ``first``..``last``, and the ids of the ``blocks`` (what the
    store shows there) they stand for: the occurrences the series makes, and those edited
    by hand, written as overrides; neither is written again as a block."""
    tz = planner.config.timezone
    occurrences = RoutineOccurrences(planner.config)
    days = planner.store.days_between(first, last)
    shown = {b.id: b for b in blocks if b.routine}
    events: list[icalendar.Event] = []
    covered: set[str] = set()
    for routine in planner.store.routines():
        if spheres and routine.sphere not in spheres:
            continue
        rule_dates = routine.rule_dates(first, last)
        if not rule_dates:
            continue
        hidden = [d for d in rule_dates if not occurrences.shown_on(routine, d, days)]
        overrides, overridden = [], set()
        for date in map(parse_iso_date, sorted(routine.edited)):
            block = shown.get(occurrence_id(routine.id, date))
            if block is None or date < rule_dates[0] or date in hidden:
                continue
            overrides.append(_override(routine, date, block, tz, now, to_datetime))
            covered.add(block.id)
            overridden.add(date)
        # an edited date without its override (the block is elsewhere, or gone) is excluded
        excepted = map(parse_iso_date, routine.skipped | routine.edited)
        excluded = {*excepted, *hidden} - overridden
        covered.update(occurrence_id(routine.id, d) for d in rule_dates if d not in excluded)
        events.append(series_event(routine, rule_dates[0], last, excluded, tz, now, to_datetime))
        events.extend(overrides)
    return events, covered


def series_event(
    routine: Routine,
    start: pendulum.Date,
    last: pendulum.Date,
    excluded: set[pendulum.Date],
    tz: Zone,
    now: dt.datetime,
    to_dt: ToDatetime,
) -> Event:
    """The routine as one repeating event from ``start``, ``excluded`` dates as EXDATE
    (the export and the CalDAV sync, flowday.sync, both write series here)."""
    event = _event(routine, now, to_dt(instant(start, routine.start, tz, exact=False)),
                   to_dt(instant(start, routine.end, tz, exact=False)))  # fmt: skip
    rule = icalendar.vRecur.from_ical(routine.rrule)
    until = routine.until
    if routine.modes:
        until = min(until or last, last)
    if until is not None:
        # UNTIL in UTC (RFC 5545, with a zoned DTSTART): the last day's start, inclusive
        rule["UNTIL"] = [instant(until, routine.start, tz, exact=False).in_timezone("UTC").naive()
                         .replace(tzinfo=dt.UTC)]  # fmt: skip
    event.add("RRULE", rule)
    for date in sorted(excluded):
        if date >= start:
            event.add("EXDATE", to_dt(instant(date, routine.start, tz, exact=False)))
    event.add("SUMMARY", routine.title)
    event.add("CATEGORIES", [routine.sphere.value])
    if routine.flexible:
        event.add("X-FLOWDAY-FLEXIBLE", "TRUE")
    event.add("X-FLOWDAY-ROUTINE", routine.id)
    return event


def _event(routine: Routine, now: dt.datetime, start: dt.datetime, end: dt.datetime) -> Event:
    """What every event of a routine's series has: its UID, the stamp, its times."""
    event = icalendar.Event()
    event.add("UID", f"{routine.id}{FLOWDAY_UID_SUFFIX}")
    event.add("DTSTAMP", now)
    event.add("DTSTART", start)
    event.add("DTEND", end)
    return event


def _override(
    routine: Routine,
    date: pendulum.Date,
    block: Block,
    tz: Zone,
    now: dt.datetime,
    to_dt: ToDatetime,
) -> Event:
    """One occurrence edited by hand: RECURRENCE-ID names the date it replaces."""
    event = _event(routine, now, to_dt(instant(block.date, block.start, tz, exact=False)),
                   to_dt(instant(block.date, block.end, tz, exact=False)))  # fmt: skip
    event.add("RECURRENCE-ID", to_dt(instant(date, routine.start, tz, exact=False)))
    event.add("SUMMARY", block.title)
    event.add("CATEGORIES", [block.sphere.value])
    if block.notes:
        event.add("DESCRIPTION", block.notes)
    event.add("X-FLOWDAY-BLOCK", block.id)
    return event


def day_off_events(
    planner: Planner, first: pendulum.Date, last: pendulum.Date, now: dt.datetime
) -> Iterator[icalendar.Event]:
    """Each day off as an all-day, busy event."""
    for day in planner.store.days_between(first, last).values():
        if not day.off:
            continue
        event = icalendar.Event()
        event.add("UID", f"off-{day.date.format('YYYYMMDD')}{FLOWDAY_UID_SUFFIX}")
        event.add("DTSTAMP", now)
        event.add("DTSTART", dt.date(day.date.year, day.date.month, day.date.day))
        nxt = day.date.add(days=1)
        event.add("DTEND", dt.date(nxt.year, nxt.month, nxt.day))
        event.add("SUMMARY", f"Day off: {day.off_note}" if day.off_note else "Day off")
        event.add("X-FLOWDAY-DAY-OFF", "TRUE")
        yield event
