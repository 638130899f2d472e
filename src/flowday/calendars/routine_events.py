"""Routines and days off as calendar events (called by :mod:`flowday.calendars.exporting`).

A routine is ONE repeating event: UID ``<routine id>@flowday``, RRULE as stored (UNTIL
added), EXDATE for its skipped dates (and, for a routine limited to some modes, for the
exported days in other modes), and one RECURRENCE-ID event per occurrence edited by hand.
The series starts at its first occurrence in the exported range, so the file holds the
occurrences flowday shows there and nothing before; a routine limited to modes ends with
the range too (the modes of later days are not known yet). A day off is an all-day event.

Imported again (:func:`read_routines`), such a series is a routine again, not a run of
blocks: recognised by its ``X-FLOWDAY-ROUTINE`` and UID, with a rule flowday's repeat words
make. Anything else with an RRULE (another calendar's) is imported as blocks, as before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Collection, Iterator

import icalendar
import pendulum
from icalendar import Event

from flowday.application.occurrences import RoutineOccurrences, rfc_minute
from flowday.application.planner import Planner
from flowday.application.routines import quick_add_text
from flowday.calendars.expansion import local_moment, sphere_of, wall_minutes
from flowday.calendars.sources import FLOWDAY_UID_SUFFIX
from flowday.calendars.values import as_list, dt_value, end_value, repeat_rules, text_of, uid_of
from flowday.domain.errors import FlowdayError
from flowday.domain.frozen import Record, define, replace
from flowday.domain.model import Block, Sphere, stamp
from flowday.domain.recurrence import Repeat
from flowday.domain.routines import Routine, occurrence_id
from flowday.domain.text import clean_text, clean_title
from flowday.domain.timeparse import Zone, instant
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_date, parse_iso_date

ToDatetime = Callable[[pendulum.DateTime], dt.datetime]  # exporting's: TZID + VTIMEZONE
ROUTINE_PROPERTY = "X-FLOWDAY-ROUTINE"  # on a routine's series: the routine's id
SKIPPED_PROPERTY = "X-FLOWDAY-SKIPPED"  # its skipped dates (YYYY-MM-DD,...; "none")


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
        # an edited date in the range without its override (the block is elsewhere, or
        # gone) is excluded; one past the range is not this file's to say
        edited = (d for d in map(parse_iso_date, routine.edited) if first <= d <= last)
        excluded = {*map(parse_iso_date, routine.skipped), *edited, *hidden} - overridden
        covered.update(occurrence_id(routine.id, d) for d in rule_dates if d not in excluded)
        series = series_event(routine, rule_dates[0], last, excluded, tz, now, to_datetime)
        # which EXDATEs are skips (the rest are days off and days in other modes, which
        # come back when the day changes): a flowday import keeps exactly these
        series.add(SKIPPED_PROPERTY, ",".join(sorted(routine.skipped)) or "none")
        events.append(series)
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
        # UNTIL in UTC (RFC 5545, with a zoned DTSTART): the last day's start, inclusive,
        # read as calendars read it on a day the clocks skip it (02:30 is 03:30 then)
        last_start = instant(until, rfc_minute(until, routine.start, tz), tz, exact=False)
        rule["UNTIL"] = [last_start.in_timezone("UTC").naive().replace(tzinfo=dt.UTC)]
    event.add("RRULE", rule)
    for date in sorted(excluded):
        if date >= start:
            event.add("EXDATE", to_dt(instant(date, routine.start, tz, exact=False)))
    event.add("SUMMARY", routine.title)
    event.add("CATEGORIES", [routine.sphere.value])
    if routine.flexible:
        event.add("X-FLOWDAY-FLEXIBLE", "TRUE")
    event.add(ROUTINE_PROPERTY, routine.id)
    event.add("X-FLOWDAY-EVERY", routine.every)  # the words, for `routine list` after import
    if routine.modes:  # its UNTIL and EXDATEs then stand for days in other modes too
        event.add("X-FLOWDAY-MODES", ",".join(routine.modes))
        event.add("X-FLOWDAY-UNTIL", routine.until.to_date_string() if routine.until else "none")
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
        event.add("UID", f"off-{fmt_date(day.date, 'YYYYMMDD')}{FLOWDAY_UID_SUFFIX}")
        event.add("DTSTAMP", now)
        event.add("DTSTART", dt.date(day.date.year, day.date.month, day.date.day))
        nxt = day.date.add(days=1)
        event.add("DTEND", dt.date(nxt.year, nxt.month, nxt.day))
        event.add("SUMMARY", f"Day off: {day.off_note}" if day.off_note else "Day off")
        event.add("X-FLOWDAY-DAY-OFF", "TRUE")
        yield event


# --- reading them back -----------------------------------------------------------------------


@define
class ImportedRoutine(Record):
    """A routine read back from its series, and its occurrences edited by hand (stored
    blocks with the occurrences' ids, as the planner stores them)."""

    uid: str
    routine: Routine
    edited: tuple[Block, ...]


def read_routines(planner: Planner, calendar: icalendar.Calendar) -> list[ImportedRoutine]:
    """flowday's own routine series in ``calendar``, as routines. A series this cannot read
    back whole (a rule outside flowday's repeat words, a date-only or day-crossing time, an
    override it cannot place) is left out: the ordinary import takes it, as blocks."""
    tz = planner.config.timezone
    overrides: dict[str, list[icalendar.Component]] = {}
    masters: list[icalendar.Component] = []
    for event in calendar.walk("VEVENT"):
        if not uid_of(event).endswith(FLOWDAY_UID_SUFFIX):
            continue
        if event.get("RECURRENCE-ID") is not None:
            overrides.setdefault(uid_of(event), []).append(event)
        elif text_of(event, ROUTINE_PROPERTY) and event.get("RRULE") is not None:
            masters.append(event)
    found = []
    now = stamp(planner.now())
    for master in masters:
        with contextlib.suppress(FlowdayError, ValueError, TypeError, AttributeError):
            found.append(_read_routine(planner, master, overrides.get(uid_of(master), []),
                                       tz, now))  # fmt: skip
    return found


def _times(event: icalendar.Component, tz: Zone) -> tuple[pendulum.Date, int, int]:
    """An event's local date and wall-clock span; ValueError unless it is one timed span
    inside one day (what a block is)."""
    start = dt_value(event, "DTSTART")
    if not isinstance(start, dt.datetime):
        raise ValueError("not a timed event")
    end = end_value(event, start)
    if not isinstance(end, dt.datetime):
        raise ValueError("no end time")
    begin, finish = local_moment(start, tz), local_moment(end, tz)
    last = wall_minutes(finish, round_up=True)
    if finish.date() != begin.date():
        if finish.date() != begin.date().add(days=1) or last:
            raise ValueError("crosses midnight")
        last = MINUTES_PER_DAY
    return begin.date(), wall_minutes(begin), last


def _local_date(value: object, tz: Zone) -> pendulum.Date:
    if isinstance(value, dt.datetime):
        return local_moment(value, tz).date()
    if isinstance(value, dt.date):
        return pendulum.date(value.year, value.month, value.day)
    raise ValueError(f"not a date: {value!r}")


def _skips(
    planner: Planner, master: icalendar.Component, routine: Routine, tz: Zone
) -> set[pendulum.Date]:
    """The routine's skipped dates: as its export listed them (``X-FLOWDAY-SKIPPED``), or
    from a file without that list (an older export), its EXDATEs on days the routine is
    shown here (one on a day in another mode, or a day off for a work routine, is no skip:
    the occurrence comes back when the day changes)."""
    listed = text_of(master, SKIPPED_PROPERTY).strip()
    if listed:
        return set() if listed == "none" else {parse_iso_date(d) for d in listed.split(",")}
    occurrences = RoutineOccurrences(planner.config)
    excluded = {_local_date(value.dt, tz) for prop in as_list(master.get("EXDATE"))
                for value in getattr(prop, "dts", [])}  # fmt: skip
    days = planner.store.days_between(min(excluded), max(excluded)) if excluded else {}
    return {d for d in excluded if occurrences.shown_on(routine, d, days)}


def _read_routine(
    planner: Planner,
    master: icalendar.Component,
    overrides: list[icalendar.Component],
    tz: Zone,
    now: str,
) -> ImportedRoutine:
    (rule,) = repeat_rules(master)
    rule = icalendar.vRecur(rule)
    untils = rule.pop("UNTIL", None)
    repeat = Repeat.from_rrule(rule.to_ical().decode())  # ValueError: not flowday's words
    first, start, end = _times(master, tz)
    routine_id = text_of(master, ROUTINE_PROPERTY).strip()
    if uid_of(master) != f"{routine_id}{FLOWDAY_UID_SUFFIX}":
        raise ValueError("the routine's id is not its UID's")
    until = _local_date(untils[0], tz) if untils else None
    modes = tuple(m for m in text_of(master, "X-FLOWDAY-MODES").split(",")
                  if m.strip() in planner.mode_table)  # fmt: skip
    if modes:  # the series ended with the exported range; the routine says where it ends
        written = text_of(master, "X-FLOWDAY-UNTIL").strip()
        until = None if written in ("", "none") else parse_iso_date(written)
    every = clean_text(text_of(master, "X-FLOWDAY-EVERY"), limit=100) or repeat.describe()
    sphere = sphere_of(master) or Sphere.WORK
    routine = Routine(
        id=routine_id, text="", title=clean_title(text_of(master, "SUMMARY")), start=start,
        end=end, sphere=sphere, rrule=repeat.rrule(), every=" ".join(every.split()),
        first=first, until=until,
        flexible=text_of(master, "X-FLOWDAY-FLEXIBLE").upper() == "TRUE",
        modes=tuple(m.strip() for m in modes), created=now, updated=now,
    )  # fmt: skip
    routine = replace(routine, text=quick_add_text(routine.occurrence(first)))
    skipped = _skips(planner, master, routine, tz)
    edited, replaced_dates = [], set()
    for override in overrides:
        replaced = _local_date(dt_value(override, "RECURRENCE-ID"), tz)
        replaced_dates.add(replaced.to_date_string())
        date, block_start, block_end = _times(override, tz)
        edited.append(Block(
            id=occurrence_id(routine.id, replaced), date=date, start=block_start,
            end=block_end, title=clean_title(text_of(override, "SUMMARY")),
            sphere=sphere_of(override) or sphere, flexible=routine.flexible,
            notes=clean_text(text_of(override, "DESCRIPTION"), limit=2000),
            created=now, updated=now,
        ))  # fmt: skip
    routine = replace(
        routine, skipped=frozenset(d.to_date_string() for d in skipped),
        edited=frozenset(replaced_dates),
    )  # fmt: skip
    return ImportedRoutine(uid_of(master), routine, tuple(edited))
