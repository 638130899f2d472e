"""Exporting the plan as standard events, and writing calendar files.

CATEGORIES is the sphere; the UID is the original one for imported blocks (with
RECURRENCE-ID for one occurrence) and ``<block id>@flowday`` otherwise, so a re-export
updates the same events. The pieces of an imported event split at midnight join back into
one event; day notes become all-day, transparent events.
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
from flowday.calendars.values import text_of, to_utc
from flowday.domain.errors import InputError
from flowday.domain.model import Block, Day, Sphere
from flowday.domain.timeparse import Zone, instant
from flowday.domain.wallclock import MINUTES_PER_DAY


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
    shown = planner.store.blocks_between(first, last)
    # routines: one repeating event each (calendars/routine_events.py), not per occurrence
    series, covered = routine_events(
        planner, first, last, shown, spheres=wanted, now=now, to_datetime=_to_datetime
    )
    blocks = [b for b in shown if (not wanted or b.sphere in wanted) and b.id not in covered]
    used: set[tuple[str, str]] = set()
    for group in _joined(blocks, tz):
        head, tail = group[0], group[-1]
        start = instant(head.date, head.start, tz, exact=False)
        end = instant(tail.date, tail.end, tz, exact=False)
        if end <= start:  # a block on a day the clocks skip (hand-edited): no real time
            continue
        uid, recurrence = _export_uid(head)
        if (uid, recurrence or "") in used:
            uid, recurrence = f"{head.id}{FLOWDAY_UID_SUFFIX}", None
        used.add((uid, recurrence or ""))
        event = icalendar.Event()
        event.add("UID", uid)
        event.add("DTSTAMP", now)
        event.add("DTSTART", _to_datetime(start))
        event.add("DTEND", _to_datetime(end))
        if recurrence:
            event.add("RECURRENCE-ID", _recurrence_value(recurrence))
        event.add("SUMMARY", head.title)
        event.add("CATEGORIES", [head.sphere.value])
        if head.notes:
            event.add("DESCRIPTION", head.notes)
        if head.flexible:
            event.add("X-FLOWDAY-FLEXIBLE", "TRUE")
        event.add("X-FLOWDAY-BLOCK", head.id)
        calendar.add_component(event)
    for event in [*series, *day_off_events(planner, first, last, now)]:
        calendar.add_component(event)
    if notes:
        for day in planner.store.days_between(first, last).values():
            for event in _note_events(day, now):
                if (text_of(event, "UID"), text_of(event, "RECURRENCE-ID")) not in used:
                    calendar.add_component(event)
    # VTIMEZONE rules covering just the exported days keep the file small
    calendar.add_missing_timezones(first.subtract(days=1), last.add(days=2))
    return calendar


def _joined(blocks: list[Block], tz: Zone) -> list[list[Block]]:
    """Blocks in groups of one, except the pieces of one imported event split at midnight,
    which join back into one event (where one piece's end is the next one's start: 24:00
    and the next day's first instant, wherever the clocks put it)."""
    groups: list[list[Block]] = []
    open_by_source: dict[str, list[Block]] = {}
    for block in sorted(blocks, key=lambda b: (b.date, b.start, b.id)):
        previous = open_by_source.get(block.source) if block.source else None
        if (
            previous
            and previous[-1].end == MINUTES_PER_DAY
            and previous[-1].date < block.date
            and instant(previous[-1].date, MINUTES_PER_DAY, tz)
            == instant(block.date, block.start, tz, exact=False)
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


def _to_datetime(moment: pendulum.DateTime) -> dt.datetime:
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


def _note_events(day: Day, now: dt.datetime) -> Iterator[icalendar.Event]:
    by_text = {n.text: n.source for n in day.imported_notes}
    seen: set[tuple[str, str | None]] = set()
    for text in day.notes:
        source = by_text.get(text, "")
        uid = source_uid(source)
        recurrence = None
        if uid is None:
            digest = hashlib.sha1(f"{day.date}|{text}".encode()).hexdigest()[:12]
            uid = f"note-{day.date.format('YYYYMMDD')}-{digest}{FLOWDAY_UID_SUFFIX}"
        else:
            recurrence = source_recurrence(source)
        if (uid, recurrence) in seen:
            continue
        seen.add((uid, recurrence))
        event = icalendar.Event()
        event.add("UID", uid)
        event.add("DTSTAMP", now)
        event.add("DTSTART", dt.date(day.date.year, day.date.month, day.date.day))
        nxt = day.date.add(days=1)
        event.add("DTEND", dt.date(nxt.year, nxt.month, nxt.day))
        if recurrence:
            event.add("RECURRENCE-ID", _recurrence_value(recurrence))
        event.add("SUMMARY", text)
        event.add("TRANSP", "TRANSPARENT")
        yield event


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
