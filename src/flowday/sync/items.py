"""Blocks ↔ events, through the calendars package's one mapping each way.

- Out: :func:`flowday.calendars.exporting.block_event` (what ``flowday export`` writes),
  merged into the event's last text from the server: the properties flowday writes are
  replaced, everything else (VALARM, ATTENDEE, ORGANIZER, other apps' X- properties,
  CATEGORIES that are no sphere) is kept as it was.
- In: :func:`flowday.calendars.expansion.expand` (what ``flowday import`` reads): an
  event across midnight is several blocks, a missing CATEGORIES gets the sphere the
  hours say, X-FLOWDAY-* gives flexible and what happened.
- Compared: :data:`FIELD_NAMES`, as text, the same for a block and for an event.

Which blocks sync: every stored block except a routine's occurrences and the occurrences
of repeating events imported from a file (a routine is one repeating event, which this
first version does not sync yet). A block made in flowday is the event
``<block id>@flowday``; one that came from an event keeps its UID (``source`` ``ics:<UID>``),
so an event is never duplicated. Events flowday does not plan as blocks (all-day events,
repeating events of other apps) are remembered, never pushed, never deleted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import icalendar
import pendulum

from flowday.application.planner import Planner
from flowday.calendars.expansion import Piece, expand
from flowday.calendars.exporting import block_event, new_calendar
from flowday.calendars.reading import parse_calendar
from flowday.calendars.sources import (
    FLOWDAY_UID_SUFFIX,
    source_for,
    source_recurrence,
    source_uid,
)
from flowday.calendars.values import comparable, dt_value, end_value, text_of, to_utc, uid_of
from flowday.domain.errors import InputError
from flowday.domain.model import ID_ALPHABET, ID_LENGTH, Block, Outcome, Sphere, new_id, stamp
from flowday.domain.text import clean_text, clean_title
from flowday.domain.timeparse import LAST_YEAR, Zone
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_minutes, parse_clock
from flowday.store import Store
from flowday.sync.state import Fields

FIELD_NAMES = ("start", "end", "title", "sphere", "notes", "flexible", "outcome", "actual")
FLOWDAY_ONLY = ("flexible", "outcome", "actual")  # kept in X-FLOWDAY-* properties only
MARK = "X-FLOWDAY-BLOCK"  # every event flowday wrote carries it
MAX_EVENT_DAYS = 62  # an event over more days than this is not planned as blocks
# what flowday writes into an event (everything else in the event is kept as it was)
OWNED = (
    "DTSTART", "DTEND", "DURATION", "SUMMARY", "DESCRIPTION", "DTSTAMP",
    "X-FLOWDAY-FLEXIBLE", "X-FLOWDAY-BLOCK", "X-FLOWDAY-OUTCOME", "X-FLOWDAY-ACTUAL",
)  # fmt: skip


WRITTEN = {*OWNED, "UID", "CATEGORIES"}  # an event of only these is flowday's own


def block_uid(block: Block) -> str | None:
    """The event a block belongs to (None: not synced, see the module doc)."""
    if block.routine:
        return None
    if not block.source:
        return f"{block.id}{FLOWDAY_UID_SUFFIX}"
    if source_recurrence(block.source) is not None:
        return None
    return source_uid(block.source)


def local_items(store: Store) -> dict[str, list[Block]]:
    """Every synced block by its event's UID, in order (an event across midnight is
    several blocks)."""
    first, last = store.first_month(), store.last_month()
    if first is None or last is None:
        return {}
    items: dict[str, list[Block]] = defaultdict(list)
    for block in store.blocks_between(first, min(last.end_of("month"), _last_day())):
        uid = block_uid(block)
        if uid is not None:
            items[uid].append(block)
    return dict(items)


def _last_day() -> pendulum.Date:
    return pendulum.date(LAST_YEAR, 12, 31)


def fields_of(head: Block | Piece, tail: Block | Piece, sphere: Sphere, outcome: str,
              actual: str) -> Fields:  # fmt: skip
    return {
        "start": f"{head.date.to_date_string()} {fmt_minutes(head.start)}",
        "end": f"{tail.date.to_date_string()} {fmt_minutes(tail.end)}",
        "title": head.title,
        "sphere": sphere.value,
        "notes": head.notes,
        "flexible": "true" if head.flexible else "false",
        "outcome": outcome,
        "actual": actual,
    }


def block_fields(blocks: list[Block]) -> Fields:
    head = blocks[0]
    actual = head.actual_span if head.actual_start is not None else ""
    return fields_of(head, blocks[-1], head.sphere, head.outcome.value, actual)


@dataclass(frozen=True)
class RemoteEvent:
    uid: str
    fields: Fields | None  # None: not planned as blocks (see the module doc)
    marked: bool = False  # carries flowday's X- properties (a server may drop them)
    plain: bool = False  # holds nothing flowday does not write: its text need not be kept


def read_event(planner: Planner, text: str, name: str) -> RemoteEvent:
    """The event in one calendar object from the server (InputError: not readable)."""
    calendar = parse_calendar(text.encode("utf-8"), name)
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise InputError(f"{name} holds no event")
    master = next((e for e in events if "RECURRENCE-ID" not in e), events[0])
    uid = uid_of(master)
    repeating = any(k in master for k in ("RRULE", "RDATE")) or len(events) > 1
    start = dt_value(master, "DTSTART")
    if repeating or not isinstance(start, dt.datetime):
        return RemoteEvent(uid, None)
    end = end_value(master, start)
    if not isinstance(end, dt.datetime):
        return RemoteEvent(uid, None)
    begin, finish = comparable(start), comparable(end)
    if finish <= begin or finish - begin > dt.timedelta(days=MAX_EVENT_DAYS):
        return RemoteEvent(uid, None)
    first = pendulum.date(begin.year, begin.month, begin.day).subtract(days=1)
    last = pendulum.date(finish.year, finish.month, finish.day).add(days=1)
    tz = planner.config.timezone
    pieces = sorted(
        (p for p in expand(calendar, first, last, tz).pieces if p.uid == uid),
        key=lambda p: (p.date, p.start),
    )
    if not pieces:
        return RemoteEvent(uid, None)
    head = pieces[0]
    sphere = head.sphere or planner.default_sphere(
        planner.store.day(head.date), head.start, head.end
    )
    outcome = text_of(master, "X-FLOWDAY-OUTCOME").strip().lower()
    if outcome not in (Outcome.DONE.value, Outcome.SKIPPED.value):
        outcome = Outcome.PLANNED.value
    actual = text_of(master, "X-FLOWDAY-ACTUAL").strip() if outcome == Outcome.DONE else ""
    if actual and _actual_span(actual) is None:
        actual = ""
    fields = fields_of(head, pieces[-1], sphere, outcome, actual)
    spheres = {s.value for s in Sphere}
    plain = (
        len(events) == 1
        and not master.subcomponents
        and set(master) <= WRITTEN
        and all(c.lower() in spheres for c in _category_names(master))
    )
    return RemoteEvent(uid, fields, marked=MARK in master, plain=plain)


def _actual_span(text: str) -> tuple[int, int] | None:
    start, _, end = text.partition("-")
    try:
        span = parse_clock(start), parse_clock(end, allow_midnight_end=True)
    except InputError:
        return None
    return span if span[0] < span[1] else None


def event_text(blocks: list[Block], uid: str, prior: str, tz: Zone,
               now: pendulum.DateTime) -> str:  # fmt: skip
    """The event for ``blocks`` as the server should hold it: the export's event, merged
    into ``prior`` (the server's last text, "" for a new event) so that what flowday does
    not write is kept."""
    fresh = block_event(sorted(blocks, key=lambda b: (b.date, b.start)), uid, None, tz, to_utc(now))
    if fresh is None:
        raise InputError(f"{uid}: the block has no real length (a day the clocks skip)")
    calendar = parse_calendar(prior.encode("utf-8"), uid) if prior else new_calendar()
    event = next(
        (e for e in calendar.walk("VEVENT") if uid_of(e) == uid and "RECURRENCE-ID" not in e),
        None,
    )
    if event is None:
        calendar.add_component(fresh)
    else:
        spheres = {s.value for s in Sphere}
        others = [c for c in _category_names(event) if c.lower() not in spheres]
        for name in (*OWNED, "CATEGORIES"):
            while name in event:
                del event[name]
        for name in OWNED:
            if name in fresh:
                event[name] = fresh[name]
        event.add("CATEGORIES", [blocks[0].sphere.value, *others])
        if "LAST-MODIFIED" in event:
            del event["LAST-MODIFIED"]
            event.add("LAST-MODIFIED", to_utc(now))
    first = fresh.decoded("DTSTART").date()
    last = fresh.decoded("DTEND").date()
    # VTIMEZONE rules for the event's days only keep the text small (as the export does)
    calendar.add_missing_timezones(first - dt.timedelta(days=1), last + dt.timedelta(days=2))
    return calendar.to_ical().decode("utf-8")


def _category_names(event: icalendar.Component) -> list[str]:
    names: list[str] = []
    value = event.get("CATEGORIES")
    for item in value if isinstance(value, list) else [value] if value is not None else []:
        cats = getattr(item, "cats", None)
        names.extend(str(c) for c in (cats if cats is not None else [item]))
    return names


def blocks_for(
    fields: Fields, uid: str, existing: list[Block], now: pendulum.DateTime
) -> list[Block]:
    """The blocks ``fields`` ask for, keeping the ids (and what else the fields do not
    hold) of ``existing``; InputError when the fields make no block."""
    first_day, start = _moment(fields["start"], end=False)
    last_day, end = _moment(fields["end"], end=True)
    days = (last_day - first_day).days
    if days < 0 or days > MAX_EVENT_DAYS:
        raise InputError(f"{uid}: {fields['start']}..{fields['end']} is not a time span")
    shapes: list[tuple[pendulum.Date, int, int]] = []
    if days == 0:
        shapes.append((first_day, start, end))
    else:
        shapes.append((first_day, start, MINUTES_PER_DAY))
        shapes.extend((first_day.add(days=n), 0, MINUTES_PER_DAY) for n in range(1, days))
        if end > 0:
            shapes.append((last_day, 0, end))
    shapes = [s for s in shapes if s[2] > s[1]]
    if not shapes:
        raise InputError(f"{uid}: {fields['start']}..{fields['end']} has no length")
    stem = uid.removesuffix(FLOWDAY_UID_SUFFIX)
    native = uid.endswith(FLOWDAY_UID_SUFFIX) and _is_block_id(stem)
    sphere = Sphere.parse(fields.get("sphere", "personal"))
    outcome = Outcome(fields.get("outcome") or Outcome.PLANNED.value)
    actual = _actual_span(fields.get("actual", "")) if outcome is Outcome.DONE else None
    when = stamp(now)
    made: list[Block] = []
    for index, (date, begin, finish) in enumerate(shapes):
        before = existing[index] if index < len(existing) else None
        head = index == 0
        if head and native:
            block_id, source = stem, ""
        else:
            block_id = before.id if before is not None else new_id()
            source = source_for(uid, None)
        made.append(
            Block(
                id=block_id,
                date=date,
                start=begin,
                end=finish,
                title=clean_title(fields.get("title", "")),
                sphere=sphere,
                flexible=fields.get("flexible") == "true",
                notes=clean_text(fields.get("notes", ""), limit=2000),
                created=before.created if before is not None and before.created else when,
                updated=when,
                source=source,
                outcome=outcome if head else Outcome.PLANNED,
                actual_start=actual[0] if head and actual else None,
                actual_end=actual[1] if head and actual else None,
                remind=before.remind if before is not None else True,
            )
        )
    return made


def _is_block_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(c in ID_ALPHABET for c in text)


def _moment(text: str, *, end: bool) -> tuple[pendulum.Date, int]:
    day, _, clock = text.partition(" ")
    try:
        parsed = pendulum.parse(day, exact=True)
        minutes = parse_clock(clock, allow_midnight_end=end)
    except (ValueError, InputError):
        raise InputError(f"{text!r} is not a date and time") from None
    if not isinstance(parsed, pendulum.Date) or isinstance(parsed, pendulum.DateTime):
        raise InputError(f"{text!r} is not a date and time")
    return parsed, minutes
