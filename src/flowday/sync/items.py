"""Blocks ↔ events, through the calendars package's one mapping each way.

- Out: :func:`flowday.calendars.exporting.block_event` (what ``flowday export`` writes),
  merged into the event's last text from the server: the properties flowday writes are
  replaced, everything else (VALARM, ATTENDEE, ORGANIZER, other apps' X- properties,
  CATEGORIES that are no sphere) is kept as it was.
- In: :func:`flowday.calendars.expansion.expand` (what ``flowday import`` reads): an
  event across midnight is several blocks, a missing CATEGORIES gets the sphere the
  hours say, X-FLOWDAY-* gives flexible and what happened.
- Compared: :data:`FIELD_NAMES`, as text, the same for a block and for an event.

What syncs: every stored block except the occurrences of repeating events imported from a
file; a block made in flowday is the event ``<block id>@flowday``, one that came from an
event keeps its UID (``source`` ``ics:<UID>``), so an event is never duplicated. A routine
is one repeating event ``<routine id>@flowday`` (the export's
:func:`~flowday.calendars.routine_events.series_event`: RRULE, its skipped and edited
dates as EXDATE; what only flowday reads as X-FLOWDAY-*), and an occurrence edited by
hand is the event ``<routine id>@<date>@flowday``. An inbox task is the VTODO
``task-<id>@flowday``; a to-do another app made is an inbox task that keeps its UID (the
task's ``source``), sent back only when edited here. Events flowday does not keep as
blocks (all-day events, repeating events of other apps) are remembered, never pushed,
never deleted, and planned like an import (:mod:`.others`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

import icalendar
import pendulum

from flowday.application.planner import Planner
from flowday.calendars.expansion import Piece, expand
from flowday.calendars.exporting import block_event, new_calendar, to_datetime
from flowday.calendars.reading import parse_calendar
from flowday.calendars.routine_events import series_event
from flowday.calendars.sources import (
    FLOWDAY_UID_SUFFIX,
    source_for,
    source_recurrence,
    source_uid,
)
from flowday.calendars.values import (
    comparable,
    dt_value,
    end_value,
    repeat_rules,
    text_of,
    title_of,
    to_utc,
    uid_of,
    values,
)
from flowday.domain.errors import FlowdayError, InputError
from flowday.domain.frozen import Record, define
from flowday.domain.model import (
    ID_ALPHABET,
    ID_LENGTH,
    Block,
    Outcome,
    Sphere,
    Task,
    new_id,
    stamp,
)
from flowday.domain.records import RecordError
from flowday.domain.routines import Routine, parse_occurrence_id
from flowday.domain.text import clean_text, clean_title
from flowday.domain.timeparse import LAST_YEAR, Zone
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_minutes, parse_clock, parse_iso_date
from flowday.store import Store
from flowday.sync.journal_items import JournalItem, month_bounds, unescaped
from flowday.sync.journals import read_journal
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
ROUTINE_MARK = "X-FLOWDAY-ROUTINE"
ROUTINE_OWNED = (
    "DTSTART", "DTEND", "DURATION", "SUMMARY", "DTSTAMP", "RRULE", "EXDATE",
    "X-FLOWDAY-FLEXIBLE", ROUTINE_MARK, "X-FLOWDAY-MODES", "X-FLOWDAY-TEXT", "X-FLOWDAY-EVERY",
    "X-FLOWDAY-UNTIL",
)  # fmt: skip
# a series with more dates than this is refused by Radicale (400): a routine limited to
# modes and without an end is written with an UNTIL this many years on (X-FLOWDAY-UNTIL
# "none" tells flowday devices it has no end)
MODES_UNTIL_YEARS = 20
ROUTINE_WRITTEN = {*ROUTINE_OWNED, "UID", "CATEGORIES"}
# the last day flowday plans: where block reads stop, and the UNTIL of a routine limited
# to modes that has no end of its own
OPEN_END = pendulum.date(LAST_YEAR, 12, 31)


def block_uid(block: Block) -> str | None:
    """The event a block belongs to (None: not synced, see the module doc)."""
    if block.routine:
        return None  # an occurrence: see local_items
    if not block.source:
        return f"{block.id}{FLOWDAY_UID_SUFFIX}"
    if source_recurrence(block.source) is not None:
        return None
    return source_uid(block.source)


# what one event is here: blocks, a routine, a task, a day's record (sync/journal_items.py)
Local = list[Block] | Routine | Task | JournalItem


def local_items(store: Store, months: Collection[str] | None = None) -> dict[str, Local]:
    """Every synced block by its event's UID, in order (an event across midnight is
    several blocks); every routine (not removed) by its series' UID; an occurrence edited
    by hand by its own UID (its routine's series has that date as an EXDATE); every task.
    ``months`` (``YYYY-MM``): only the blocks of these months are read (routines and tasks
    are always read whole: they are small)."""
    routines = {r.id: r for r in store.routines()}
    items: dict[str, Local] = {
        f"{r.id}{FLOWDAY_UID_SUFFIX}": r for r in routines.values() if not r.removed
    }
    blocks: dict[str, list[Block]] = defaultdict(list)
    if months is not None:
        spans = [month_bounds(key) for key in sorted(months)]
    else:
        first, last = store.first_month(), store.last_month()
        spans = [(first, last.end_of("month"))] if first is not None and last is not None else []
    for start, end in spans:
        if start > OPEN_END:
            continue
        for block in store.blocks_between(start, min(end, OPEN_END)):
            uid = block_uid(block)
            if block.routine:
                routine = routines.get(block.routine)
                if routine is not None and block.date.to_date_string() not in routine.edited:
                    continue  # made by its routine on read: the series carries it
                uid = f"{block.id}{FLOWDAY_UID_SUFFIX}"
            if uid is not None:
                blocks[uid].append(block)
    items.update(blocks)
    items.update((task_uid(task), task) for task in store.tasks())
    return items


def local_fields(local: Local) -> Fields:
    if isinstance(local, JournalItem):
        return local.fields()
    if isinstance(local, Routine):
        return routine_fields(local)
    if isinstance(local, Task):
        return task_fields(local)
    return block_fields(local)


def local_id(local: Local) -> str:
    """What a person knows it by: the block's, routine's or task's id."""
    return local.id if isinstance(local, (Routine, Task, JournalItem)) else local[0].id


def local_text(local: Local, uid: str, prior: str, tz: Zone, now: pendulum.DateTime) -> str:
    if isinstance(local, JournalItem):
        return local.text(uid, prior, now)
    if isinstance(local, Routine):
        return routine_text(local, uid, prior, tz, now)
    if isinstance(local, Task):
        return task_text(local, uid, prior, now)
    return event_text(local, uid, prior, tz, now)


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


@define
class RemoteEvent(Record):
    uid: str
    fields: Fields | None  # None: not planned as blocks (see the module doc)
    marked: bool = False  # carries flowday's X- properties (a server may drop them)
    plain: bool = False  # holds nothing flowday does not write: its text need not be kept


def read_event(planner: Planner, text: str, name: str) -> RemoteEvent:
    """The event in one calendar object from the server (InputError: not readable)."""
    calendar = parse_calendar(text.encode("utf-8"), name)
    events = list(calendar.walk("VEVENT"))
    todos = list(calendar.walk("VTODO"))
    if not events and todos:
        return _read_task(todos[0], plain=len(todos) == 1)
    journals = list(calendar.walk("VJOURNAL"))
    if not events and journals:
        uid, fields, marked, plain = read_journal(journals[0])
        return RemoteEvent(uid, fields, marked=marked, plain=plain and len(journals) == 1)
    if not events:
        raise InputError(f"{name} holds no event")
    master = next((e for e in events if "RECURRENCE-ID" not in e), events[0])
    uid = uid_of(master)
    if ROUTINE_MARK in master and "RRULE" in master:
        return _read_routine(planner, master, uid, plain=len(events) == 1)
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
    days = (fresh.decoded("DTSTART").date(), fresh.decoded("DTEND").date())
    return _merged(fresh, uid, prior, OWNED, blocks[0].sphere, now, days)


def _merged(fresh: icalendar.Component, uid: str, prior: str, owned: tuple[str, ...],
            sphere: Sphere, now: pendulum.DateTime,
            days: tuple[dt.date, dt.date] | None) -> str:  # fmt: skip
    """``fresh`` as the server should hold it: merged into ``prior`` (the server's last
    text, "" for a new one) so that what flowday does not write (``owned``) is kept.
    ``days``: the first and last day its times name (their VTIMEZONE rules are added)."""
    calendar = parse_calendar(prior.encode("utf-8"), uid) if prior else new_calendar()
    event = next(
        (e for e in calendar.walk(fresh.name) if uid_of(e) == uid and "RECURRENCE-ID" not in e),
        None,
    )
    if event is None:
        calendar.add_component(fresh)
    else:
        spheres = {s.value for s in Sphere}
        others = [c for c in _category_names(event) if c.lower() not in spheres]
        for name in (*owned, "CATEGORIES"):
            while name in event:
                del event[name]
        for name in owned:
            if name in fresh:
                event[name] = fresh[name]
        event.add("CATEGORIES", [sphere.value, *others])
        if "LAST-MODIFIED" in event:
            del event["LAST-MODIFIED"]
            event.add("LAST-MODIFIED", to_utc(now))
    if days is not None:
        # VTIMEZONE rules for the days it names only keep the text small (as the export does)
        first, last = days
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
    # a block made in flowday, or an occurrence of a routine edited by hand, keeps its id
    native = uid.endswith(FLOWDAY_UID_SUFFIX) and (
        _is_block_id(stem) or parse_occurrence_id(stem) is not None
    )
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


# --- routines: one repeating event each (calendars/routine_events.py writes it) ----------


def routine_fields(routine: Routine) -> Fields:
    return {
        "kind": "routine",
        "text": routine.text,
        "title": routine.title,
        "start": fmt_minutes(routine.start),
        "end": fmt_minutes(routine.end),
        "sphere": routine.sphere.value,
        "flexible": "true" if routine.flexible else "false",
        "rrule": _rule_text(routine.rrule),
        "every": routine.every,
        "first": routine.first.to_date_string(),
        "until": routine.until.to_date_string() if routine.until else "",
        "modes": ",".join(routine.modes),
        # skipped or edited by hand: either way the series does not make that date
        "exceptions": ",".join(sorted(routine.skipped | routine.edited)),
    }


def _rule_text(rule: str | icalendar.vRecur) -> str:
    """A repeat rule without UNTIL (a field of its own), written one way on both sides."""
    parsed = icalendar.vRecur.from_ical(rule) if isinstance(rule, str) else icalendar.vRecur(rule)
    parsed.pop("UNTIL", None)
    return str(parsed.to_ical().decode("ascii"))


def routine_text(routine: Routine, uid: str, prior: str, tz: Zone,
                 now: pendulum.DateTime) -> str:  # fmt: skip
    """The routine's series (the export's), with what only flowday devices read."""
    excluded = {parse_iso_date(d) for d in routine.skipped | routine.edited}
    last = routine.until or min(routine.first.add(years=MODES_UNTIL_YEARS), OPEN_END)
    fresh = series_event(routine, routine.first, last, excluded, tz, to_utc(now), to_datetime)
    # escaped as TEXT: a server may cut an X- value at a bare comma (Radicale keeps
    # "balance" of "balance,integration"); the export's own copies are replaced
    for name, value in (
        ("X-FLOWDAY-MODES", ",".join(routine.modes)),
        ("X-FLOWDAY-TEXT", routine.text),
        ("X-FLOWDAY-EVERY", routine.every),
    ):
        while name in fresh:
            del fresh[name]
        if value:
            fresh.add(name, icalendar.vText(value))
    # its zone's rules from the first day to a year past the last date it names
    named = [routine.first, *(parse_iso_date(d) for d in routine.skipped | routine.edited)]
    end = min((routine.until or max(named)).add(years=1), OPEN_END)
    return _merged(fresh, uid, prior, ROUTINE_OWNED, routine.sphere, now, (routine.first, end))


def _local_moment(value: object, tz: Zone) -> pendulum.DateTime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # floating: local time
            return pendulum.instance(value, tz=tz)
        return pendulum.instance(value.astimezone(dt.UTC)).in_timezone(tz)
    if isinstance(value, dt.date):
        return pendulum.datetime(value.year, value.month, value.day, tz=tz)
    raise InputError(f"{value!r} is not a date or time")


def _read_routine(planner: Planner, event: icalendar.Component, uid: str, *,
                  plain: bool) -> RemoteEvent:  # fmt: skip
    """A series flowday wrote (X-FLOWDAY-ROUTINE), as a routine's fields; one another app
    changed is read the same way (its time, rule, title, EXDATEs)."""
    tz = planner.config.timezone
    try:
        start = _local_moment(dt_value(event, "DTSTART"), tz)
        end = _local_moment(end_value(event, dt_value(event, "DTSTART")), tz)  # type: ignore[arg-type]
        (rule,) = repeat_rules(event)
        until_values = rule.get("UNTIL") or []
        until = ""
        if until_values:
            last = _local_moment(until_values[0], tz).date()
            until = "" if last == OPEN_END else last.to_date_string()
        if text_of(event, "X-FLOWDAY-UNTIL").strip() == "none":
            until = ""  # limited to modes, no end of its own (see MODES_UNTIL_YEARS)
        exceptions = sorted(
            {
                _local_moment(moment.dt, tz).date().to_date_string()
                for value in values(event, "EXDATE")
                for moment in getattr(value, "dts", [])
            }
        )
    except (ValueError, TypeError, KeyError, InputError) as exc:
        raise InputError(f"{uid}: the routine's series cannot be read ({exc})") from None
    end_minutes = MINUTES_PER_DAY if end.date() > start.date() else end.hour * 60 + end.minute
    names = [c.lower() for c in _category_names(event)]
    sphere = next((s for s in Sphere if s.value in names), Sphere.PERSONAL)
    fields = {
        "kind": "routine",
        "text": unescaped(text_of(event, "X-FLOWDAY-TEXT")),
        "title": title_of(event),
        "start": fmt_minutes(start.hour * 60 + start.minute),
        "end": fmt_minutes(end_minutes),
        "sphere": sphere.value,
        "flexible": "true" if text_of(event, "X-FLOWDAY-FLEXIBLE").upper() == "TRUE" else "false",
        "rrule": _rule_text(rule),
        "every": unescaped(text_of(event, "X-FLOWDAY-EVERY")),
        "first": start.date().to_date_string(),
        "until": until,
        "modes": unescaped(text_of(event, "X-FLOWDAY-MODES")),
        "exceptions": ",".join(exceptions),
    }
    spheres = {s.value for s in Sphere}
    plain = (
        plain
        and not event.subcomponents
        and set(event) <= ROUTINE_WRITTEN
        and all(c in spheres for c in names)
    )
    return RemoteEvent(uid, fields, marked=True, plain=plain)


def routine_for(fields: Fields, uid: str, existing: Routine | None, edited: set[str],
                now: pendulum.DateTime) -> Routine:  # fmt: skip
    """The routine ``fields`` ask for; an exception date is *edited* when an occurrence
    edited by hand is stored (or arrives) for it, else *skipped*. InputError when the
    fields make no routine flowday can repeat."""
    exceptions = {d for d in fields.get("exceptions", "").split(",") if d}
    record = {
        "id": uid.removesuffix(FLOWDAY_UID_SUFFIX),
        "text": fields.get("text", ""),
        "title": fields.get("title", ""),
        "start": fields.get("start", ""),
        "end": fields.get("end", ""),
        "sphere": fields.get("sphere", ""),
        "flexible": fields.get("flexible") == "true",
        "rrule": fields.get("rrule", ""),
        "every": fields.get("every", ""),
        "first": fields.get("first", ""),
        "until": fields.get("until") or None,
        "modes": [m for m in fields.get("modes", "").split(",") if m],
        "skipped": sorted(exceptions - edited),
        "edited": sorted(exceptions & edited),
        "removed": False,
        "created": existing.created if existing and existing.created else stamp(now),
        "updated": stamp(now),
    }
    try:
        routine = Routine.from_dict(record)
    except (RecordError, FlowdayError, ValueError, TypeError, KeyError) as exc:
        raise InputError(f"{uid}: not a routine flowday can repeat ({exc})") from None
    if existing is not None and routine_fields(existing) == routine_fields(routine):
        return existing
    return routine


# --- inbox tasks: a VTODO each ------------------------------------------------------------

TASK_PREFIX = "task-"
TASK_MARK = "X-FLOWDAY-TASK"
TASK_OWNED = ("SUMMARY", "DUE", "PRIORITY", "DTSTAMP", "X-FLOWDAY-ESTIMATE", TASK_MARK)
TASK_WRITTEN = {*TASK_OWNED, "UID", "CATEGORIES"}
# RFC 5545 PRIORITY: 1-4 high, 5 (or 0, undefined) normal, 6-9 low
_PRIORITY_OUT = {1: 1, 2: 5, 3: 9}


def task_uid(task: Task) -> str:
    """``task-<id>@flowday``: never the UID of a block or routine of the same id; a to-do
    another app made keeps its own UID (its ``source``), so it is never duplicated."""
    foreign = source_uid(task.source) if task.source else None
    return foreign or f"{TASK_PREFIX}{task.id}{FLOWDAY_UID_SUFFIX}"


def _task_id(uid: str) -> str | None:
    stem = uid.removeprefix(TASK_PREFIX).removesuffix(FLOWDAY_UID_SUFFIX)
    ours = uid.startswith(TASK_PREFIX) and uid.endswith(FLOWDAY_UID_SUFFIX)
    return stem if ours and _is_block_id(stem) else None


def task_fields(task: Task) -> Fields:
    return {
        "kind": "task",
        "title": task.title,
        "sphere": task.sphere.value,
        "estimate": str(task.estimate),
        "priority": str(task.priority),
        "due": task.due.to_date_string() if task.due else "",
    }


def task_text(task: Task, uid: str, prior: str, now: pendulum.DateTime) -> str:
    fresh = icalendar.Todo()
    fresh.add("UID", uid)
    fresh.add("DTSTAMP", to_utc(now))
    fresh.add("SUMMARY", task.title)
    if task.due:
        fresh.add("DUE", dt.date(task.due.year, task.due.month, task.due.day))
    fresh.add("PRIORITY", _PRIORITY_OUT[task.priority])
    fresh.add("X-FLOWDAY-ESTIMATE", str(task.estimate))
    fresh.add(TASK_MARK, task.id)
    if not prior:
        fresh.add("CATEGORIES", [task.sphere.value])
    return _merged(fresh, uid, prior, TASK_OWNED, task.sphere, now, None)


def _read_task(todo: icalendar.Component, *, plain: bool) -> RemoteEvent:
    """A VTODO as an inbox task's fields: flowday's own (``task-<id>@flowday``), also
    after another app changed it, and one another app made (it keeps its UID: see
    :func:`task_for`); a completed or cancelled one is not an inbox task here."""
    uid = uid_of(todo)
    status = text_of(todo, "STATUS").upper()
    if not uid or status in ("COMPLETED", "CANCELLED"):
        return RemoteEvent(uid, None)
    try:
        priority = int(text_of(todo, "PRIORITY") or 0)
    except ValueError:
        priority = 0
    due = dt_value(todo, "DUE")
    estimate = text_of(todo, "X-FLOWDAY-ESTIMATE").strip()
    names = [c.lower() for c in _category_names(todo)]
    sphere = next((s for s in Sphere if s.value in names), Sphere.PERSONAL)
    spheres = {s.value for s in Sphere}
    fields = {
        "kind": "task",
        "title": title_of(todo),
        "sphere": sphere.value,
        "estimate": estimate if estimate.isdigit() else "30",
        "priority": "1" if 1 <= priority <= 4 else "3" if priority >= 6 else "2",
        "due": due.isoformat()[:10] if isinstance(due, dt.date) else "",
    }
    plain = plain and set(todo) <= TASK_WRITTEN and all(c in spheres for c in names)
    return RemoteEvent(uid, fields, marked=TASK_MARK in todo, plain=plain)


def task_for(fields: Fields, uid: str, existing: Task | None, now: pendulum.DateTime) -> Task:
    """The inbox task ``fields`` ask for (InputError when they make none). A to-do another
    app made gets an id here and its UID as the task's source."""
    task_id = _task_id(uid) or (existing.id if existing else new_id())
    source = "" if _task_id(uid) else source_for(uid, None)
    try:
        due = fields.get("due") or None
        return Task(
            id=task_id,
            title=clean_title(fields.get("title", "")),
            sphere=Sphere.parse(fields.get("sphere", "personal")),
            estimate=int(fields.get("estimate", "30")),
            priority=int(fields.get("priority", "2")),
            due=parse_iso_date(due) if due else None,
            created=existing.created if existing else stamp(now),
            source=source,
        )
    except ValueError as exc:
        raise InputError(f"{uid}: not an inbox task ({exc})") from None
