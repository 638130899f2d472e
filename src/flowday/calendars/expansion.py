"""Expanding a calendar into the blocks and notes it asks for on a range of local days.

Repeating events are expanded with ``recurring-ical-events`` (after :mod:`.bounds` has
checked and bounded them).

- Timed events become *fixed* blocks; an event crossing midnight is **split** into one
  block per day (22:00-01:00 gives 22:00-24:00 and 00:00-01:00 the next day), because a
  night shift or a late flight really does take time from both days. Pieces outside the
  imported range are left out.
- All-day events become day notes; events with no length become notes too ("10:00 Call").
- Cancelled events (``STATUS:CANCELLED``, or a ``METHOD:CANCEL`` file) and declined
  invitations are skipped. "The user" is whoever ``--me`` names; without it, a Google-style
  calendar whose name is an e-mail address names its owner; failing both, an event counts
  as declined when some attendee other than the organizer declined and none accepted.
- The number of resulting blocks and of blocks per day is bounded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

import icalendar
import pendulum
import recurring_ical_events  # type: ignore[import-untyped]  # ships no type hints

from flowday.calendars.bounds import Skipped, prepare
from flowday.calendars.reading import calendar_owner
from flowday.calendars.sources import recurrence_key, source_for
from flowday.calendars.values import (
    comparable,
    dt_value,
    span,
    text_of,
    title_of,
    uid_of,
    values,
)
from flowday.domain.errors import FlowdayError, InputError
from flowday.domain.frozen import Record, define, field
from flowday.domain.model import Sphere
from flowday.domain.text import clean_text
from flowday.domain.timeparse import Zone, day_bounds
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_minutes

MAX_BLOCKS = 2_000  # blocks + notes one import may produce
MAX_PER_DAY = 32  # blocks on one day (one every half hour for 16 hours)


@define
class Piece(Record):
    """One block an event asks for (an event across midnight gives several)."""

    source: str
    uid: str
    date: pendulum.Date
    start: int
    end: int
    title: str
    notes: str = ""
    sphere: Sphere | None = None  # from CATEGORIES; None lets the importer choose
    flexible: bool = False


@define
class Note(Record):
    """A day note an all-day (or zero-length) event asks for; ``day_off``: flowday's own
    export of a day off (``X-FLOWDAY-DAY-OFF``), which comes back as a day off."""

    source: str
    uid: str
    date: pendulum.Date
    text: str
    day_off: bool = False


@define(frozen=False)
class Expansion(Record):
    pieces: list[Piece] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    uids: set[str] = field(default_factory=set)  # every UID the file holds (for removals)
    cancelled: int = 0
    declined: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def expand(
    calendar: icalendar.Calendar,
    first: pendulum.Date,
    last: pendulum.Date,
    tz: Zone,
    *,
    me: Iterable[str] = (),
) -> Expansion:
    """The blocks and notes the calendar asks for on ``first``..``last`` (local days)."""
    try:
        return _expand(calendar, first, last, tz, me)
    except FlowdayError:
        raise
    except Exception as exc:  # a library bug on odd input: one clear line, nothing written
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise InputError(f"the calendar could not be read: {first_line}") from None


def _expand(
    calendar: icalendar.Calendar,
    first: pendulum.Date,
    last: pendulum.Date,
    tz: Zone,
    me: Iterable[str],
) -> Expansion:
    result = Expansion()
    result.uids = {uid_of(c) for c in calendar.subcomponents if c.name == "VEVENT"}
    window_start = day_bounds(first, tz)[0].subtract(days=1)
    window_end = day_bounds(last, tz)[1].add(days=1)
    repeating = prepare(calendar, window_start, window_end, result.skipped)
    cancelled_file = text_of(calendar, "METHOD").upper() == "CANCEL"
    owner = calendar_owner(calendar)
    my_addresses = {_address(m) for m in me}
    produced = 0
    futures = _this_and_future(calendar)
    for event in _occurrences(calendar, window_start, window_end, result.skipped):
        uid = uid_of(event)
        title = title_of(event)
        if cancelled_file or text_of(event, "STATUS").upper() == "CANCELLED":
            result.cancelled += 1
            continue
        if is_declined(event, my_addresses, owner):
            result.declined += 1
            continue
        try:
            start, end = span(event)
            key = None
            if uid in repeating and event.get("RECURRENCE-ID") is not None:
                rid = dt_value(event, "RECURRENCE-ID")
                if not isinstance(rid, dt.date):
                    raise TypeError(f"RECURRENCE-ID {rid!r} is not a date or time")
                key = recurrence_key(_own_recurrence(uid, rid, start, futures))
        except Exception as exc:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
            result.skipped.append(Skipped(uid, title, f"it is malformed ({reason})"))
            continue
        source = source_for(uid, key)
        try:
            items = list(_place(event, source, uid, title, start, end, first, last, tz))
        except Exception as exc:  # e.g. a date start with a date-time end
            reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
            result.skipped.append(Skipped(uid, title, f"it is malformed ({reason})"))
            continue
        produced += len(items)
        if produced > MAX_BLOCKS:
            raise InputError(
                f"the calendar has more than {MAX_BLOCKS} events between "
                f"{first.to_date_string()} and {last.to_date_string()}; import a shorter "
                "range with --from/--to"
            )
        for item in items:
            if isinstance(item, Piece):
                result.pieces.append(item)
            else:
                result.notes.append(item)
    per_day = Counter(piece.date for piece in result.pieces)
    busiest = max(per_day, key=per_day.__getitem__, default=None)
    if busiest is not None and per_day[busiest] > MAX_PER_DAY:
        # checking a day's rules costs the square of its blocks: a day of hundreds of
        # overlapping events would take minutes, and is never a real calendar
        raise InputError(
            f"the calendar has {per_day[busiest]} events on {busiest.to_date_string()} "
            f"(at most {MAX_PER_DAY} a day can be imported)"
        )
    return result


def _occurrences(
    calendar: icalendar.Calendar, start: dt.datetime, stop: dt.datetime, skipped: list[Skipped]
) -> list[icalendar.Component]:
    """Every occurrence between ``start`` and ``stop``. Should the library fail on some
    series, halve the events until the failing ones are found, skip those, keep the rest."""
    groups: dict[str, list[icalendar.Component]] = defaultdict(list)
    others = [c for c in calendar.subcomponents if c.name != "VEVENT"]
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            groups[uid_of(component)].append(component)

    def expand_group(uids: list[str], whole: bool = False) -> list[icalendar.Component]:
        part = calendar
        if not whole:
            part = icalendar.Calendar()
            for key, value in calendar.items():
                part[key] = value
            for component in [*others, *(c for uid in uids for c in groups[uid])]:
                part.add_component(component)
        try:
            return list(recurring_ical_events.of(part).between(start, stop))
        except Exception as exc:
            if len(uids) == 1:
                reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
                title = title_of(groups[uids[0]][0])
                skipped.append(Skipped(uids[0], title, f"cannot expand: {reason}"))
                return []
            half = len(uids) // 2
            return expand_group(uids[:half]) + expand_group(uids[half:])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return expand_group(list(groups), whole=True) if groups else []


def _this_and_future(calendar: icalendar.Calendar) -> dict[tuple[str, str], dt.timedelta]:
    """How far each ``RANGE=THISANDFUTURE`` override moves its occurrences, on the wall
    clock of its RECURRENCE-ID: by UID and that RECURRENCE-ID."""
    moves: dict[tuple[str, str], dt.timedelta] = {}
    for component in calendar.subcomponents:
        prop = component.get("RECURRENCE-ID") if component.name == "VEVENT" else None
        params = getattr(prop, "params", {}) or {}
        if prop is None or str(params.get("RANGE", "")).upper() != "THISANDFUTURE":
            continue
        try:
            rid, start = dt_value(component, "RECURRENCE-ID"), dt_value(component, "DTSTART")
            if isinstance(rid, dt.date) and isinstance(start, dt.date):
                moves[(uid_of(component), recurrence_key(rid))] = _wall(start, rid) - _wall(
                    rid, rid
                )
        except Exception:  # a broken override: skipped later, with the reason
            continue
    return moves


def _wall(moment: dt.date, like: dt.date) -> dt.datetime:
    """``moment`` as a plain wall-clock time in the zone of ``like``."""
    if not isinstance(moment, dt.datetime):
        return dt.datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is not None and isinstance(like, dt.datetime) and like.tzinfo is not None:
        moment = moment.astimezone(like.tzinfo)
    return moment.replace(tzinfo=None)


def _own_recurrence(
    uid: str, rid: dt.date, start: dt.date, futures: dict[tuple[str, str], dt.timedelta]
) -> dt.date:
    """The occurrence's own RECURRENCE-ID. The expander gives every occurrence a
    "this and future" override moved the override's one; each occurrence's own is where
    the series had it: its start moved back by the override's move. Without this, all of
    them shared one key, and export and re-import confused them."""
    move = futures.get((uid, recurrence_key(rid)))
    if move is None:
        return rid
    original = _wall(start, rid) - move
    if not isinstance(rid, dt.datetime):
        return original.date()
    return original.replace(tzinfo=rid.tzinfo) if rid.tzinfo is not None else original


def _address(value: object) -> str:
    return str(value).strip().lower().removeprefix("mailto:")


def is_declined(event: icalendar.Component, me: set[str], owner: str | None) -> bool:
    """Whether "the user" declined this invitation (see the module docstring)."""
    attendees = values(event, "ATTENDEE")
    if not attendees:
        return False

    def status(attendee: object) -> str:
        params = getattr(attendee, "params", {}) or {}
        return str(params.get("PARTSTAT", "NEEDS-ACTION")).upper()

    for who in (me, {owner} if owner else set()):
        if who:
            own = [a for a in attendees if _address(a) in who]
            if own:
                return all(status(a) == "DECLINED" for a in own)
            if who is me:
                return False  # the user is not invited: their own event, or a shared one
    organizer = _address(event.get("ORGANIZER", ""))
    states = {status(a) for a in attendees if _address(a) != organizer}
    return "DECLINED" in states and not states & {"ACCEPTED", "TENTATIVE"}


def local_moment(value: dt.datetime, tz: Zone) -> pendulum.DateTime:
    """An event's date-time in the planner's zone (also read by routine_events)."""
    if value.tzinfo is None:  # floating time (Apple, hand-written): it means local time
        return pendulum.instance(value, tz=tz)
    return pendulum.instance(value.astimezone(dt.UTC)).in_timezone(tz)


def wall_minutes(moment: pendulum.DateTime, *, round_up: bool = False) -> int:
    """Minutes since midnight on the wall clock; ``round_up``: a part minute counts."""
    minutes = moment.hour * 60 + moment.minute
    if round_up and (moment.second or moment.microsecond):
        minutes += 1
    return minutes


def _categories(event: icalendar.Component) -> list[str]:
    names: list[str] = []
    for value in values(event, "CATEGORIES"):
        cats = getattr(value, "cats", None)
        names.extend(str(c) for c in (cats if cats is not None else [value]))
    return [n.strip().lower() for n in names]


def sphere_of(event: icalendar.Component) -> Sphere | None:
    for name in _categories(event):
        with contextlib.suppress(ValueError):
            return Sphere(name)
    return None


def _place(
    event: icalendar.Component,
    source: str,
    uid: str,
    title: str,
    start: dt.date,
    end: dt.date,
    first: pendulum.Date,
    last: pendulum.Date,
    tz: Zone,
) -> Iterator[Piece | Note]:
    if not isinstance(start, dt.datetime):  # all-day: a note on each day it covers
        end_day = end if isinstance(end, dt.date) and end > start else start + dt.timedelta(1)
        if isinstance(end_day, dt.datetime):
            end_day = end_day.date()
        day = max(pendulum.date(start.year, start.month, start.day), first)
        stop = min(pendulum.date(end_day.year, end_day.month, end_day.day), last.add(days=1))
        off = text_of(event, "X-FLOWDAY-DAY-OFF").strip().upper() == "TRUE"
        while day < stop:
            yield Note(source, uid, day, title, day_off=off)
            day = day.add(days=1)
        return
    local_start = local_moment(start, tz)
    local_end = local_moment(end, tz) if isinstance(end, dt.datetime) else local_start
    # compare in UTC: Python compares two times in one zone by the wall clock, fold ignored
    begin, finish = comparable(local_start), comparable(local_end)
    if finish - begin < dt.timedelta(minutes=1):
        if first <= local_start.date() <= last:  # no length: a reminder, kept as a note
            when = fmt_minutes(wall_minutes(local_start))
            yield Note(source, uid, local_start.date(), f"{when} {title}")
        return
    description = clean_text(text_of(event, "DESCRIPTION"), limit=2000)
    sphere = sphere_of(event)
    flexible = text_of(event, "X-FLOWDAY-FLEXIBLE").upper() == "TRUE"
    day = max(local_start.date(), first)
    while day <= min(local_end.date(), last):
        # the part of the event inside the day's real bounds: a day whose midnight the
        # clocks skip starts later, and a day they skip entirely holds nothing
        opens, closes = day_bounds(day, tz)
        lower, upper = max(begin, comparable(opens)), min(finish, comparable(closes))
        if lower < upper:
            # a day that begins on an odd second (zones of the 1970s) starts the minute after
            piece_start = (
                wall_minutes(local_start) if begin > comparable(opens)
                else wall_minutes(opens, round_up=True)
            )  # fmt: skip
            piece_end = (
                MINUTES_PER_DAY if upper == comparable(closes)
                else wall_minutes(local_end, round_up=True)
            )  # fmt: skip
            if piece_end <= piece_start:
                # the repeated hour when clocks fall back: 02:30 CEST-02:30 CET lasts an hour
                elapsed = -(-int((upper - lower).total_seconds()) // 60)
                piece_end = min(MINUTES_PER_DAY, piece_start + elapsed)
            yield Piece(
                source, uid, day, piece_start, piece_end, title, description, sphere, flexible
            )
        day = day.add(days=1)
