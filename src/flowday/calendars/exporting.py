"""Exporting the plan as standard events, and writing calendar files.

CATEGORIES is the sphere; the UID is the original one for imported blocks (with
RECURRENCE-ID for one occurrence) and ``<block id>@flowday`` otherwise, so a re-export
updates the same events. Day notes become all-day, transparent events.

One event goes out as one event, whatever it became inside flowday: the blocks of an
imported event split at midnight or over days join back into one (see :func:`joined`),
and so do the day notes of a multi-day all-day event (``DTSTART;VALUE=DATE`` its first
day, ``DTEND`` the day after its last). Each UID (with its RECURRENCE-ID) is written
once, so importing an export back changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import icalendar
import pendulum

from flowday import safe_write
from flowday.application.planner import Planner
from flowday.calendars.bounds import check_range
from flowday.calendars.reading import shown
from flowday.calendars.routine_events import day_off_events, routine_events
from flowday.calendars.sources import (
    FLOWDAY_UID_SUFFIX,
    source_recurrence,
    source_uid,
)
from flowday.calendars.values import to_utc
from flowday.domain.errors import InputError
from flowday.domain.model import Block, Day, Outcome, Sphere
from flowday.domain.timeparse import FIRST_YEAR, LAST_YEAR, Zone, instant
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_date

EDGE_DAYS = 31  # how far beyond the range an event the range cuts is followed


def new_calendar() -> icalendar.Calendar:
    """An empty calendar that says it comes from flowday."""
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//flowday//flowday//EN")
    calendar.add("VERSION", "2.0")
    return calendar


def export_calendar(
    planner: Planner,
    first: pendulum.Date,
    last: pendulum.Date,
    *,
    spheres: Iterable[Sphere] = (),
    notes: bool = True,
) -> icalendar.Calendar:
    """The plan on ``first``..``last`` as standard events (see the module doc)."""
    check_range(first, last)
    tz = planner.config.timezone
    wanted = set(spheres)
    calendar = new_calendar()
    calendar.add("CALSCALE", "GREGORIAN")
    now = to_utc(planner.now())
    # an event the range cuts (a conference from before --from, a night past --to) still
    # goes out whole: another app would otherwise shorten it to the range
    around = (
        max(first.subtract(days=EDGE_DAYS), pendulum.date(FIRST_YEAR, 1, 1)),
        min(last.add(days=EDGE_DAYS), pendulum.date(LAST_YEAR, 12, 31)),
    )
    nearby = planner.store.blocks_between(*around)
    shown = [b for b in nearby if first <= b.date <= last]
    # routines: one repeating event each (calendars/routine_events.py), not per occurrence
    series, covered = routine_events(
        planner, first, last, shown, spheres=wanted, now=now, to_datetime=to_datetime
    )
    inside = {b.source for b in shown if b.source}
    blocks = [
        b
        for b in nearby
        if (first <= b.date <= last or b.source in inside)
        and (not wanted or b.sphere in wanted)
        and b.id not in covered
    ]
    used: set[tuple[str, str]] = set()  # (UID, RECURRENCE-ID key): each written once
    for group in joined(blocks, tz):
        if not any(first <= b.date <= last for b in group):
            continue  # beyond the range and not part of an event inside it
        uid, recurrence = _export_uid(group[0])
        if (uid, recurrence or "") in used:
            uid, recurrence = f"{group[0].id}{FLOWDAY_UID_SUFFIX}", None
        event = block_event(group, uid, recurrence, tz, now)
        if event is None:
            continue
        used.add((uid, recurrence or ""))
        calendar.add_component(event)
    for event in [*series, *day_off_events(planner, first, last, now)]:
        calendar.add_component(event)
    if notes:
        days = sorted(planner.store.days_between(*around).values(), key=lambda day: day.date)
        inside_notes = {
            n.source for day in days if first <= day.date <= last for n in day.imported_notes
        }
        for event in _note_events(days, now, used, first, last, inside_notes):
            calendar.add_component(event)
    # VTIMEZONE rules covering just the exported days keep the file small
    calendar.add_missing_timezones(first.subtract(days=1), last.add(days=2))
    return calendar


def block_event(
    group: list[Block], uid: str, recurrence: str | None, tz: Zone, now: dt.datetime
) -> icalendar.Event | None:
    """One event for the blocks of one event (see :func:`joined`): the first block's
    title, sphere (CATEGORIES), notes and flexibility, from its start to the last block's
    end; what happened (done or skipped, and the actual time) as X-FLOWDAY-* properties.
    None when it has no real length (a block on a day the clocks skip, hand-edited). The
    export and the CalDAV sync (flowday.sync) both write events here."""
    head, tail = group[0], group[-1]
    start = instant(head.date, head.start, tz, exact=False)
    end = instant(tail.date, tail.end, tz, exact=False)
    if end <= start:
        return None
    event = icalendar.Event()
    event.add("UID", uid)
    event.add("DTSTAMP", now)
    event.add("DTSTART", to_datetime(start))
    event.add("DTEND", to_datetime(end))
    if recurrence:
        event.add("RECURRENCE-ID", _recurrence_value(recurrence))
    event.add("SUMMARY", head.title)
    event.add("CATEGORIES", [head.sphere.value])
    if head.notes:
        event.add("DESCRIPTION", head.notes)
    if head.flexible:
        event.add("X-FLOWDAY-FLEXIBLE", "TRUE")
    event.add("X-FLOWDAY-BLOCK", head.id)
    if head.outcome is not Outcome.PLANNED:
        event.add("X-FLOWDAY-OUTCOME", head.outcome.value.upper())
        if head.actual_start is not None and head.actual_end is not None:
            event.add("X-FLOWDAY-ACTUAL", head.actual_span)
    return event


def joined(blocks: list[Block], tz: Zone) -> list[list[Block]]:
    """Blocks in groups, one per event: a block made in flowday alone; the blocks of one
    imported event on following days that meet at midnight on at least one side (an event
    across midnight or over days, also after a piece of it was edited) together, in
    order. "Following" and "midnight" are real: a day begins at its first existing
    instant (01:00 where the clocks skip midnight), and a day the clocks skip whole lies
    between nothing. The event then spans its first block's start to its last block's
    end. Blocks of one source that do not meet (from a store written before each
    occurrence had its own key) stay apart: never one event over days of separate
    meetings."""
    groups: list[list[Block]] = []
    open_by_source: dict[str, list[Block]] = {}
    for block in sorted(blocks, key=lambda b: (b.date, b.start, b.id)):
        previous = open_by_source.get(block.source) if block.source else None
        if (
            previous
            and previous[-1].date < block.date
            # the block's day begins where the previous block's day ends (no day between)
            and instant(previous[-1].date, MINUTES_PER_DAY, tz)
            == instant(block.date, 0, tz, exact=False)
            and (
                previous[-1].end == MINUTES_PER_DAY
                or instant(block.date, block.start, tz, exact=False)
                == instant(block.date, 0, tz, exact=False)
            )
        ):
            previous.append(block)
            continue
        group = [block]
        groups.append(group)
        if block.source:
            open_by_source[block.source] = group
    return groups


def _export_uid(block: Block) -> tuple[str, str | None]:
    uid = source_uid(block.source)
    if uid is None:
        return f"{block.id}{FLOWDAY_UID_SUFFIX}", None
    return uid, source_recurrence(block.source)


def _recurrence_value(key: str) -> dt.date:
    if len(key) == 8:
        return dt.datetime.strptime(key, "%Y%m%d").date()
    if key.endswith("Z"):
        return dt.datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    return dt.datetime.strptime(key, "%Y%m%dT%H%M%S")


def to_datetime(moment: pendulum.DateTime) -> dt.datetime:
    """A plain datetime with a zoneinfo zone, which icalendar writes as TZID + VTIMEZONE."""
    from zoneinfo import ZoneInfo

    name = getattr(moment.tzinfo, "name", None)
    try:
        zone: dt.tzinfo = ZoneInfo(name) if name else dt.UTC
    except Exception:
        zone = dt.UTC
        moment = moment.in_timezone("UTC")
    return dt.datetime(
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
        tzinfo=zone, fold=moment.fold,
    )  # fmt: skip  # seconds: a day can begin on one (Africa/Monrovia, 1972-01-07 00:44:30)


def _note_events(
    days: Iterable[Day],
    now: dt.datetime,
    used: set[tuple[str, str]],
    first: pendulum.Date,
    last: pendulum.Date,
    inside: set[str],
) -> Iterator[icalendar.Event]:
    """The day notes as all-day events: the notes an imported event made on several days
    as one event over those days (those outside ``first``..``last`` too, when the event
    has a note inside), the notes made otherwise one event each."""
    # runs of following days per event (first day, last day, text); one event's notes on
    # days that do not follow each other stay apart, as its blocks do (see joined)
    runs: list[tuple[tuple[str, str], pendulum.Date, pendulum.Date, str]] = []
    open_run: dict[tuple[str, str], int] = {}
    for day in days:
        by_text = {n.text: n.source for n in day.imported_notes}
        within = first <= day.date <= last
        for text in day.notes:
            source = by_text.get(text, "")
            if not within and source not in inside:
                continue
            uid, recurrence = _note_uid(day, text, source)
            key = (uid, recurrence or "")
            index = open_run.get(key)
            if index is not None and runs[index][2].add(days=1) == day.date:
                runs[index] = (key, runs[index][1], day.date, runs[index][3])
            else:
                open_run[key] = len(runs)
                runs.append((key, day.date, day.date, text))
    for (uid, recurrence), first_day, last_day, text in runs:
        if last_day < first or first_day > last:
            continue  # beyond the range and not part of an event inside it
        if (uid, recurrence) in used:  # a block or an earlier run carries it: keep apart
            digest = hashlib.sha1(f"{first_day}|{text}".encode()).hexdigest()[:12]
            uid = f"note-{fmt_date(first_day, 'YYYYMMDD')}-{digest}{FLOWDAY_UID_SUFFIX}"
            recurrence = ""
        used.add((uid, recurrence))
        event = icalendar.Event()
        event.add("UID", uid)
        event.add("DTSTAMP", now)
        event.add("DTSTART", dt.date(first_day.year, first_day.month, first_day.day))
        after = last_day.add(days=1)
        event.add("DTEND", dt.date(after.year, after.month, after.day))
        if recurrence:
            event.add("RECURRENCE-ID", _recurrence_value(recurrence))
        event.add("SUMMARY", text)
        event.add("TRANSP", "TRANSPARENT")
        yield event


def _note_uid(day: Day, text: str, source: str) -> tuple[str, str | None]:
    uid = source_uid(source)
    if uid is None:  # a note not from an import: stable for its day and text
        digest = hashlib.sha1(f"{day.date}|{text}".encode()).hexdigest()[:12]
        return f"note-{fmt_date(day.date, 'YYYYMMDD')}-{digest}{FLOWDAY_UID_SUFFIX}", None
    return uid, source_recurrence(source)


def write_file(path: Path, payload: bytes) -> None:
    """Through the one safe write: never a half-written calendar at the person's path, and
    only ever a regular file replaced (a symbolic link is written through, a device or a
    named pipe refused: see :func:`flowday.safe_write.regular_target`)."""
    try:
        target = safe_write.regular_target(Path(path))
    except OSError as exc:
        reason = shown(exc.strerror or str(exc))  # a link's target is a name too
        raise InputError(f"cannot write {shown(path)}: {reason}; nothing was written") from None
    try:
        safe_write.write_atomically(target, payload, permissions=0o666)
    except OSError as exc:
        raise InputError(f"cannot write {shown(path)}: {exc.strerror or exc}") from None
