"""Calendars: ICS import and export, and sharing availability (application layer).

flowday sits beside the calendars people already keep (Outlook, Google, Apple). This
module reads them with ``icalendar`` and expands repeating events with
``recurring-ical-events``; the :class:`Planner` judges every change by its rules, and
every write goes through :meth:`Store.transaction`.

Import, in short:

- Timed events become *fixed* blocks; an event crossing midnight is **split** into one
  block per day (22:00-01:00 gives 22:00-24:00 and 00:00-01:00 the next day), because a
  night shift or a late flight really does take time from both days. Pieces outside the
  imported range are left out.
- All-day events become day notes; events with no length become notes too ("10:00 Call").
- Cancelled events (``STATUS:CANCELLED``, or a ``METHOD:CANCEL`` file) and declined
  invitations are skipped. "The user" is whoever ``--me`` names; without it, a Google-style
  calendar whose name is an e-mail address names its owner; failing both, an event counts
  as declined when some attendee other than the organizer declined and none accepted.
- Each block remembers where it came from: ``source="ics:<UID>"``, or
  ``"ics:<UID>:<RECURRENCE-ID>"`` for one occurrence of a repeating event (the id in UTC,
  e.g. ``20261202T080000Z``). Re-importing matches on that, so it updates and never
  duplicates; blocks of the same calendar (by ``X-WR-RELCALID``, ``X-WR-CALNAME`` or file
  name) that are gone from the file are removed, but only inside the imported range.
- The calendar is the truth about meetings: imports are never refused. The whole import
  is one Store transaction (all or nothing); the planner's rules are evaluated for each
  touched day before and after it, and the hard rules it breaks are recorded as crossings
  on the imported block involved, the way a forced change records them. The conflicts of
  the touched days are reported afterwards.
- Hostile files are bounded: file size, number of events, the range, the work of expanding
  each repeating rule (estimated before expanding anything; old daily and weekly series
  are first moved forward to the range), the number of resulting blocks, and blocks per
  day. A rule that cannot be expanded safely skips that event with a reason; a file over a
  global bound is refused before anything is written.
"""

from __future__ import annotations

import calendar as calendar_module
import contextlib
import datetime as dt
import hashlib
import math
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import icalendar
import pendulum
import recurring_ical_events
from icalendar.timezone import tzp

from flowday import safe_write
from flowday.application.planner import Planner, with_crossings
from flowday.domain import rules
from flowday.domain.errors import FlowdayError, InputError
from flowday.domain.model import (
    MINUTES_PER_DAY,
    Block,
    Day,
    ImportedNote,
    Sphere,
    fmt_minutes,
    stamp,
)
from flowday.domain.rules import Violation
from flowday.domain.text import clean_text, strip_controls
from flowday.domain.timeparse import Zone, check_exists, instant
from flowday.store import Transaction

# --- bounds ---------------------------------------------------------------------------------
# icalendar parses ~1 MB/s on a small machine: 1 MB keeps any accepted file near 2 seconds
# and still holds a year or more of a busy work calendar (a meeting is ~300 bytes, and a
# repeating meeting is written once).
MAX_FILE_BYTES = 1024 * 1024
MAX_EVENTS = 20_000  # VEVENT components in one file
MAX_RANGE_DAYS = 366  # longest --from/--to range
DEFAULT_RANGE_DAYS = 90  # today and the next 89 days
MAX_BLOCKS = 2_000  # blocks + notes one import may produce
MAX_PER_DAY = 32  # blocks on one day (one every half hour for 16 hours)
MAX_SERIES_STEPS = 50_000  # estimated rule iterations for one repeating event
MAX_TOTAL_STEPS = 300_000  # ... and for the whole file
FIRST_YEAR, LAST_YEAR = 1900, 2200
PROGRESS_EVERY = 25  # changes between progress reports

SOURCE_PREFIX = "ics:"
FLOWDAY_UID_SUFFIX = "@flowday"
NO_TITLE = "(no title)"
_RID = re.compile(r":(\d{8}(?:T\d{6}Z?)?)$")
_STEP_SECONDS = {  # shortest length of each period: estimates err towards more work
    "YEARLY": 365 * 86400,
    "MONTHLY": 28 * 86400,
    "WEEKLY": 7 * 86400,
    "DAILY": 86400,
    "HOURLY": 3600,
}
_TOO_FINE = {"MINUTELY": "every minute", "SECONDLY": "every second"}

Progress = Callable[[str, int, int], None]  # (stage, done, total)


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """An event left out, and why (one line each in the report)."""

    uid: str
    title: str
    reason: str


@dataclass(frozen=True)
class Piece:
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


@dataclass(frozen=True)
class Note:
    """A day note an all-day (or zero-length) event asks for."""

    source: str
    uid: str
    date: pendulum.Date
    text: str


@dataclass
class ImportReport:
    calendar: str
    first: pendulum.Date
    last: pendulum.Date
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    notes_added: int = 0
    notes_removed: int = 0
    cancelled: int = 0
    declined: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    crossed: list[Violation] = field(default_factory=list)
    conflicts: dict[str, list[Violation]] = field(default_factory=dict)  # date → violations

    def summary(self) -> str:
        parts = [
            f"{self.added} added",
            f"{self.updated} updated",
            f"{self.removed} removed",
            f"{self.unchanged} unchanged",
        ]
        if self.notes_added or self.notes_removed:
            parts.append(f"notes +{self.notes_added}/-{self.notes_removed}")
        left_out = []
        if self.cancelled:
            left_out.append(f"{self.cancelled} cancelled")
        if self.declined:
            left_out.append(f"{self.declined} declined")
        if self.skipped:
            left_out.append(f"{len(self.skipped)} unusable")
        tail = f"; skipped {', '.join(left_out)}" if left_out else ""
        span = f"{self.first.to_date_string()}..{self.last.to_date_string()}"
        return f"imported {self.calendar} ({span}): {', '.join(parts)}{tail}"


# --- reading --------------------------------------------------------------------------------


def read_calendar(path: Path) -> icalendar.Calendar:
    """The file as one calendar, or an :class:`InputError` saying in one line why not."""
    try:
        with open(path, "rb") as handle:  # read at most one byte past the bound
            raw = handle.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise InputError(f"{_shown(path)} is a folder, not a calendar file") from None
    except OSError as exc:
        raise InputError(f"cannot read {_shown(path)}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(
            f"{_shown(path)} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; export a shorter "
            "period from your calendar app and import that"
        )
    return parse_calendar(raw, _shown(path))


def _shown(path: Path | str) -> str:
    """A file name as printed: names are data too (a name can hold escape sequences)."""
    return strip_controls(str(path))


def parse_calendar(raw: bytes, name: str = "calendar") -> icalendar.Calendar:
    text = raw.decode("utf-8-sig", errors="replace")
    if not re.match(r"\s*BEGIN:VCALENDAR", text[:4096], re.IGNORECASE):
        raise InputError(
            f"{name} is not an iCalendar file (it does not start with BEGIN:VCALENDAR)"
        )
    if len(re.findall(r"^BEGIN:", text, re.IGNORECASE | re.MULTILINE)) > MAX_EVENTS * 4:
        raise InputError(f"{name} holds more than {MAX_EVENTS} events; import a shorter period")
    text = _without_unsafe_timezones(text)
    # icalendar keeps the zones a file defines in one process-wide cache keyed by TZID: start
    # every file afresh, so one file's (odd) definition never changes how the next is read
    tzp.use_zoneinfo()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # the parser's own errors, and its bugs on odd input
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise InputError(f"{name} is not a readable iCalendar file: {first_line[:120]}") from None
    if not calendars:
        raise InputError(
            f"{name} is not a readable iCalendar file: no complete calendar (cut off?)"
        )
    calendar = calendars[0]
    for extra in calendars[1:]:
        for component in extra.subcomponents:
            calendar.add_component(component)
    # a broken file can nest an event inside another component; the expander would still
    # find it, but the safety checks look at top-level events: lift every event to the top
    events = calendar.walk("VEVENT")
    for component in calendar.walk():
        component.subcomponents = [c for c in component.subcomponents if c.name != "VEVENT"]
    calendar.subcomponents.extend(events)
    if len(events) > MAX_EVENTS:
        raise InputError(f"{name} holds more than {MAX_EVENTS} events; import a shorter period")
    return calendar


_FOLD = re.compile(r"\r?\n[ \t]")
_ZONE_RULE_LISTS = ("BYMONTH", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")
MAX_ZONE_STEPS = 20_000  # estimated rule iterations for one VTIMEZONE (real ones: ~1,200)
MAX_ZONE_OBSERVANCES = 500  # STANDARD/DAYLIGHT parts of one VTIMEZONE (full histories: ~200)


def _without_unsafe_timezones(text: str) -> str:
    """The text without VTIMEZONE definitions whose rules would take unbounded work.

    A time zone definition changes its offset by repeat rules, and icalendar (through
    dateutil) walks those rules from their start every time an event's offset is asked
    for: a zone that "changes" every second since 1601 hangs the import and eats all
    memory. Real zones change yearly. An unsafe definition is dropped: events naming a
    zone the time zone database knows (``Europe/Berlin``, ``W. Europe Standard Time``)
    still read right, and the others are skipped as having an unknown zone."""
    if not re.search(r"^BEGIN:VTIMEZONE", text, re.IGNORECASE | re.MULTILINE):
        return text
    lines = re.split(r"\r?\n", _FOLD.sub("", text))
    keep: list[str] = []
    zone: list[str] | None = None
    depth = 0  # a zone nested in a zone is judged (and dropped) with the outer one
    dropped = False
    for line in lines:
        upper = line[:16].upper()
        if upper.startswith("BEGIN:VTIMEZONE"):
            depth += 1
            zone = [*(zone or []), line]
        elif zone is not None:
            zone.append(line)
            if upper.startswith("END:VTIMEZONE"):
                depth -= 1
                if depth == 0:
                    if _zone_is_safe(zone):
                        keep.extend(zone)
                    else:
                        dropped = True
                    zone = None
        else:
            keep.append(line)
    if zone is not None:  # never closed: the parser says what is wrong with that
        keep.extend(zone)
    return "\r\n".join(keep) if dropped else text


def _zone_is_safe(lines: list[str]) -> bool:
    observances = 0
    steps = 0
    first_year = 1601
    for line in lines:
        name, _, value = line.partition(":")
        key = name.split(";", 1)[0].strip().upper()
        if key == "BEGIN" and value.strip().upper() in ("STANDARD", "DAYLIGHT"):
            observances += 1
            first_year = 1601
        elif key == "DTSTART":
            match = re.match(r"\s*(\d{4})", value)
            first_year = int(match.group(1)) if match else 1601
        elif key == "RDATE":
            steps += value.count(",") + 1
        elif key == "RRULE":
            parts = dict(
                (k.strip().upper(), v.strip())
                for k, _, v in (p.partition("=") for p in value.split(";"))
            )
            if parts.get("FREQ", "").upper() != "YEARLY":
                return False
            if {"BYHOUR", "BYMINUTE", "BYSECOND"} & parts.keys():
                return False
            per_year = math.prod(len(parts[k].split(",")) for k in _ZONE_RULE_LISTS if k in parts)
            steps += max(LAST_YEAR - min(max(first_year, 1), LAST_YEAR), 1) * per_year
    return observances <= MAX_ZONE_OBSERVANCES and steps <= MAX_ZONE_STEPS


def calendar_identity(calendar: icalendar.Calendar, path: Path) -> str:
    """What makes "the same calendar" across exports, so removals stay inside it."""
    for key, label in (("X-WR-RELCALID", "relcalid"), ("X-WR-CALNAME", "name")):
        value = clean_text(str(calendar.get(key, "")), limit=200)
        if value:
            return f"{label}:{value}"
    return f"file:{path.name}"


def calendar_owner(calendar: icalendar.Calendar) -> str | None:
    """Google names a person's main calendar after their address: that is its owner."""
    name = str(calendar.get("X-WR-CALNAME", "")).strip().lower()
    return name if re.fullmatch(r"[^@\s]+@[^@\s]+", name) else None


# --- expanding ------------------------------------------------------------------------------


def _uid_of(component: icalendar.cal.Component) -> str:
    uid = clean_text(str(component.get("UID", "")), limit=1000)
    if not uid:  # no UID: derive a stable one, so re-imports still match
        seed = f"{component.get('DTSTART')!r}|{component.get('SUMMARY', '')}"
        return f"nouid-{hashlib.sha1(seed.encode()).hexdigest()[:16]}"
    if len(uid) > 255:
        return f"long-{hashlib.sha1(uid.encode()).hexdigest()}"
    return uid


def _title_of(component: icalendar.cal.Component) -> str:
    return clean_text(str(component.get("SUMMARY", "")), limit=200) or NO_TITLE


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _year_ok(value: Any) -> bool:
    return not isinstance(value, dt.date) or FIRST_YEAR <= value.year <= LAST_YEAR


def _rule_steps(rule: icalendar.vRecur, start: dt.date, window_end: dt.datetime) -> tuple[int, int]:
    """Estimated iterations of ``rule``: from DTSTART to the window's end, and per day."""
    freq = str(_first(rule.get("FREQ")) or "").upper()
    if freq in _TOO_FINE:
        raise _Unsafe(f"it repeats {_TOO_FINE[freq]} (FREQ={freq}); flowday plans in blocks")
    if freq not in _STEP_SECONDS:
        raise _Unsafe(f"its repeat rule has no valid FREQ ({freq or 'missing'})")
    interval = _first(rule.get("INTERVAL"))
    interval = 1 if interval is None else interval
    if not isinstance(interval, int) or interval < 1 or interval > 10_000:
        raise _Unsafe(f"its repeat rule has INTERVAL={interval} (it must be 1 or more)")
    count = _first(rule.get("COUNT"))
    if count is not None and (not isinstance(count, int) or count < 1):
        raise _Unsafe(f"its repeat rule has COUNT={count}")
    until = _first(rule.get("UNTIL"))
    if until is not None and not _year_ok(until):
        raise _Unsafe(f"its repeat rule ends in {until.year} (outside {FIRST_YEAR}-{LAST_YEAR})")

    def size(key: str) -> int:
        return max(1, len(_as_list(rule.get(key))))

    days = 1
    if freq == "WEEKLY":
        days = size("BYDAY")
    elif freq == "MONTHLY" and (rule.get("BYDAY") or rule.get("BYMONTHDAY")):
        days = 31
    elif freq == "YEARLY":
        expanding = ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")
        days = 366 if any(rule.get(k) for k in expanding) else size("BYMONTH")
    times = (1 if freq == "HOURLY" else size("BYHOUR")) * size("BYMINUTE") * size("BYSECOND")
    per_period = days * times
    span = max(0.0, (_comparable(window_end) - _comparable(start)).total_seconds())
    steps = int(span // (_STEP_SECONDS[freq] * interval) + 1) * per_period
    per_day = math.ceil(per_period * 86400 / (_STEP_SECONDS[freq] * interval))
    if count is not None:
        steps = min(steps, count * max(1, per_period))
    steps += _never_matches(rule, freq, days * times, window_end)
    return steps, per_day


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SCAN_DAYS = 30 * 366  # the weekday/leap-year pattern repeats within 28 years
_NTH_LIMIT = {"MONTHLY": 5, "YEARLY": 53}


def _numbers(rule: icalendar.vRecur, key: str) -> set[int]:
    found = set()
    for value in _as_list(rule.get(key)):
        try:
            found.add(int(str(value).rstrip("L")))
        except ValueError:
            raise _Unsafe(f"its repeat rule has {key}={value}") from None
    return found


def _never_matches(
    rule: icalendar.vRecur, freq: str, candidates: int, window_end: pendulum.DateTime
) -> int:
    """Refuse rules that never produce a date: the library would search for one until the
    year 9999 (seconds of work; FREQ=DAILY;BYSETPOS=5 or BYMONTH=2;BYMONTHDAY=30).
    Returns the days scanned, which count against the expansion budget."""
    positions = _numbers(rule, "BYSETPOS")
    if positions and all(abs(p) > candidates or p == 0 for p in positions):
        raise _Unsafe("its repeat rule never matches (BYSETPOS beyond every candidate)")
    weekdays: set[int] = set()
    nth: set[int] = set()
    for value in _as_list(rule.get("BYDAY")):
        match = re.fullmatch(r"([+-]?\d{1,3})?(MO|TU|WE|TH|FR|SA|SU)", str(value).upper())
        if not match:
            raise _Unsafe(f"its repeat rule has BYDAY={value}")
        weekdays.add(_WEEKDAYS.index(match[2]))
        if match[1]:
            nth.add(abs(int(match[1])))
    limit = _NTH_LIMIT.get(freq)
    if nth and limit and all(n > limit or n == 0 for n in nth) and len(nth) == len(weekdays):
        raise _Unsafe("its repeat rule never matches (no month or year has that many)")
    months, month_days, year_days = (
        _numbers(rule, "BYMONTH"), _numbers(rule, "BYMONTHDAY"), _numbers(rule, "BYYEARDAY"),
    )  # fmt: skip
    if not (month_days or year_days):
        return 0  # months and weekdays alone always meet, every year
    day = dt.date(window_end.year, window_end.month, window_end.day)
    for scanned in range(1, _SCAN_DAYS + 1):
        day += dt.timedelta(days=1)
        if months and day.month not in months:
            continue
        if month_days:
            in_month = calendar_module.monthrange(day.year, day.month)[1]
            if day.day not in month_days and day.day - in_month - 1 not in month_days:
                continue
        if year_days:
            in_year = 366 if calendar_module.isleap(day.year) else 365
            number = day.timetuple().tm_yday
            if number not in year_days and number - in_year - 1 not in year_days:
                continue
        if weekdays and day.weekday() not in weekdays:
            continue
        return scanned
    raise _Unsafe("its repeat rule never matches a day (e.g. the 30th of February)")


def _first(value: Any) -> Any:
    values = _as_list(value)
    return values[0] if values else None


class _Unsafe(Exception):
    """A component flowday will not expand (the message says why)."""


def _clamp_until(rule: icalendar.vRecur, start: dt.date, window_end: pendulum.DateTime) -> None:
    """End the rule with the window: the library then stops iterating there, even for a
    rule that never matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 would run to year 9999)."""
    local = dt.datetime(*window_end.timetuple()[:6])
    if isinstance(start, dt.datetime):
        utc = dt.datetime(*window_end.in_timezone("UTC").timetuple()[:6], tzinfo=dt.UTC)
        until: dt.date = local if start.tzinfo is None else utc
    else:
        until = local.date()
    current = _first(rule.get("UNTIL"))
    if current is not None:
        with contextlib.suppress(TypeError):
            if _comparable(current) <= _comparable(until):
                return
    rule["UNTIL"] = [until]


def _comparable(value: dt.date) -> dt.datetime:
    """A plain UTC datetime (pendulum arithmetic chokes on some zones icalendar makes)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return dt.datetime(*value.timetuple()[:6], tzinfo=dt.UTC)
        offset = value.utcoffset() or dt.timedelta(0)
        return dt.datetime(*value.timetuple()[:6], tzinfo=dt.UTC) - offset
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def _prepare(
    calendar: icalendar.Calendar,
    window_start: pendulum.DateTime,
    window_end: pendulum.DateTime,
    skipped: list[Skipped],
) -> set[str]:
    """Check every event before expanding anything; drop those that are unsafe or broken.
    Returns the UIDs of repeating events."""
    by_uid: dict[str, list[icalendar.cal.Component]] = defaultdict(list)
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            by_uid[_uid_of(component)].append(component)
    bad: set[str] = set()
    outside: set[str] = set()
    repeating: set[str] = set()
    total = 0
    extras: set[int] = set()  # a UID given to several events: the first one counts
    for uid, components in by_uid.items():
        masters = [c for c in components if "RECURRENCE-ID" not in c]
        for extra in masters[1:]:
            reason = "another event in the file has the same UID; only the first is imported"
            skipped.append(Skipped(uid, _title_of(extra), reason))
            extras.add(id(extra))
        by_uid[uid] = [c for c in components if id(c) not in extras]
    for uid, components in by_uid.items():
        try:
            steps = 0
            for component in components:
                start = component.get("DTSTART")
                if start is None:
                    raise _Unsafe("it has no start (DTSTART)")
                start = start.dt
                if not isinstance(start, dt.date):
                    raise _Unsafe("its start is not a date or time")
                if isinstance(start, dt.datetime) and start.tzinfo is None:
                    zone_name = strip_controls(str(component["DTSTART"].params.get("TZID", "")))
                    if zone_name:  # a zone neither the file nor the tz database defines
                        raise _Unsafe(f"its time zone {zone_name[:60]!r} is unknown")
                if not _year_ok(start):
                    raise _Unsafe(f"it is in {start.year} (outside {FIRST_YEAR}-{LAST_YEAR})")
                if "RECURRENCE-ID" in component:
                    _ = component["RECURRENCE-ID"].dt  # raises on a broken value
                end = component["DTEND"].dt if "DTEND" in component else None
                if "DURATION" in component:
                    end = start + component["DURATION"].dt
                if isinstance(end, dt.date) and _comparable(end) < _comparable(start):
                    raise _Unsafe("it ends before it starts")
                repeat_rules = _as_list(component.get("RRULE"))
                if repeat_rules or component.get("RDATE") or component.get("RECURRENCE-ID"):
                    repeating.add(uid)
                elif len(components) == 1 and _outside(start, end, window_start, window_end):
                    outside.add(uid)  # cheaper not to hand it to the expander at all
                if len(repeat_rules) == 1:
                    start = _fast_forward(component, repeat_rules[0], start, end, window_start)
                for rule in repeat_rules:
                    rule_steps, per_day = _rule_steps(rule, start, window_end)
                    if rule_steps > MAX_SERIES_STEPS:
                        raise _Unsafe(
                            f"its repeat rule needs about {rule_steps:,} steps to expand "
                            f"(the bound is {MAX_SERIES_STEPS:,})"
                        )
                    if per_day > 48:
                        raise _Unsafe(f"it repeats about {per_day} times a day")
                    steps += rule_steps
                    _clamp_until(rule, start, window_end)
                for rdates in _as_list(component.get("RDATE")):
                    steps += len(getattr(rdates, "dts", []) or [])
            total += steps
        except _Unsafe as exc:
            skipped.append(Skipped(uid, _title_of(components[0]), str(exc)))
            bad.add(uid)
        except Exception as exc:  # any broken property: skip the event, keep the rest
            reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
            skipped.append(Skipped(uid, _title_of(components[0]), f"it is malformed ({reason})"))
            bad.add(uid)
    if total > MAX_TOTAL_STEPS:
        raise InputError(
            f"the calendar's repeating events need about {total:,} steps to expand (the bound "
            f"is {MAX_TOTAL_STEPS:,}); export a shorter period from your calendar app"
        )
    if bad or outside or extras:
        drop = bad | outside
        calendar.subcomponents = [
            c
            for c in calendar.subcomponents
            if not (c.name == "VEVENT" and (_uid_of(c) in drop or id(c) in extras))
        ]
    return repeating - bad


_FORWARD_PARTS = {"FREQ", "INTERVAL", "UNTIL", "WKST", "BYDAY", "BYHOUR", "BYMINUTE",
                  "BYMONTH", "BYMONTHDAY"}  # fmt: skip


def _fast_forward(
    component: icalendar.cal.Component,
    rule: icalendar.vRecur,
    start: dt.date,
    end: Any,
    window_start: pendulum.DateTime,
) -> dt.date:
    """Move an old daily or weekly series' DTSTART (and DTEND) forward by whole repeat
    periods to just before the range. The occurrences from there on are exactly the same,
    but the expander no longer walks every day since, say, 2009: a big Outlook calendar
    full of old weekly meetings stays cheap. Rules whose meaning depends on the first
    occurrence (COUNT, BYSETPOS, numbered weekdays, ...) are left alone."""
    freq = str(_first(rule.get("FREQ")) or "").upper()
    if freq not in ("DAILY", "WEEKLY") or set(rule) - _FORWARD_PARTS:
        return start
    if any(not re.fullmatch(r"MO|TU|WE|TH|FR|SA|SU", str(d)) for d in _as_list(rule.get("BYDAY"))):
        return start
    interval = _first(rule.get("INTERVAL")) or 1
    if not isinstance(interval, int) or interval < 1:
        return start
    step = dt.timedelta(days=interval * (7 if freq == "WEEKLY" else 1))
    length = _comparable(end) - _comparable(start) if isinstance(end, dt.date) else dt.timedelta(0)
    # stay a whole day (plus the event's length) before the range: nothing in it moves
    gap = _comparable(window_start) - length - dt.timedelta(days=2) - _comparable(start)
    periods = gap // step if gap > dt.timedelta(0) else 0
    if periods < 2:
        return start
    delta = step * periods  # whole periods, on the wall clock of the event's own zone
    moved = start + delta
    for key, value in (
        ("DTSTART", moved),
        ("DTEND", end + delta if "DTEND" in component else None),
    ):
        if value is not None:
            params = component[key].params
            component[key] = icalendar.vDDDTypes(value)
            component[key].params = params
    return moved


def _outside(
    start: dt.date, end: Any, window_start: pendulum.DateTime, window_end: pendulum.DateTime
) -> bool:
    """Whether a single event lies wholly before or after the (already widened) window."""
    if not isinstance(end, dt.date):
        end = start if isinstance(start, dt.datetime) else start + dt.timedelta(days=1)
    return _comparable(start) > _comparable(window_end) or _comparable(end) < _comparable(
        window_start
    )


def _occurrences(
    calendar: icalendar.Calendar, start: dt.datetime, stop: dt.datetime, skipped: list[Skipped]
) -> list[icalendar.cal.Component]:
    """Every occurrence between ``start`` and ``stop``. Should the library fail on some
    series, halve the events until the failing ones are found, skip those, keep the rest."""
    groups: dict[str, list[icalendar.cal.Component]] = defaultdict(list)
    others = [c for c in calendar.subcomponents if c.name != "VEVENT"]
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            groups[_uid_of(component)].append(component)

    def expand_group(uids: list[str], whole: bool = False) -> list[icalendar.cal.Component]:
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
                title = _title_of(groups[uids[0]][0])
                skipped.append(Skipped(uids[0], title, f"cannot expand: {reason}"))
                return []
            half = len(uids) // 2
            return expand_group(uids[:half]) + expand_group(uids[half:])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return expand_group(list(groups), whole=True) if groups else []


def _address(value: Any) -> str:
    return str(value).strip().lower().removeprefix("mailto:")


def is_declined(event: icalendar.cal.Component, me: set[str], owner: str | None) -> bool:
    """Whether "the user" declined this invitation (see the module docstring)."""
    attendees = _as_list(event.get("ATTENDEE"))
    if not attendees:
        return False

    def status(attendee: Any) -> str:
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


def recurrence_key(value: dt.date) -> str:
    """RECURRENCE-ID as text: UTC for times with a zone, as written otherwise."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        return value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def source_for(uid: str, recurrence: str | None) -> str:
    return f"{SOURCE_PREFIX}{uid}:{recurrence}" if recurrence else f"{SOURCE_PREFIX}{uid}"


def source_uid(source: str) -> str | None:
    """The UID inside an ``ics:`` source (None for blocks made in flowday)."""
    if not source.startswith(SOURCE_PREFIX):
        return None
    rest = source[len(SOURCE_PREFIX) :]
    match = _RID.search(rest)
    return rest[: match.start()] if match else rest


def _local(value: dt.datetime, tz: Zone) -> pendulum.DateTime:
    if value.tzinfo is None:  # floating time (Apple, hand-written): it means local time
        return pendulum.instance(value, tz=tz)
    return pendulum.instance(value.astimezone(dt.UTC)).in_timezone(tz)


def _minutes(moment: pendulum.DateTime, *, round_up: bool = False) -> int:
    minutes = moment.hour * 60 + moment.minute
    if round_up and (moment.second or moment.microsecond):
        minutes += 1
    return minutes


def _categories(event: icalendar.cal.Component) -> list[str]:
    names: list[str] = []
    for value in _as_list(event.get("CATEGORIES")):
        cats = getattr(value, "cats", None)
        names.extend(str(c) for c in (cats if cats is not None else [value]))
    return [n.strip().lower() for n in names]


def _sphere_of(event: icalendar.cal.Component) -> Sphere | None:
    for name in _categories(event):
        with contextlib.suppress(ValueError):
            return Sphere(name)
    return None


@dataclass
class Expansion:
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
    result.uids = {_uid_of(c) for c in calendar.subcomponents if c.name == "VEVENT"}
    window_start = instant(first, 0, tz).subtract(days=1)
    window_end = instant(last, MINUTES_PER_DAY, tz).add(days=1)
    repeating = _prepare(calendar, window_start, window_end, result.skipped)
    cancelled_file = str(calendar.get("METHOD", "")).upper() == "CANCEL"
    owner = calendar_owner(calendar)
    my_addresses = {_address(m) for m in me}
    produced = 0
    for event in _occurrences(calendar, window_start, window_end, result.skipped):
        uid = _uid_of(event)
        title = _title_of(event)
        if cancelled_file or str(event.get("STATUS", "")).upper() == "CANCELLED":
            result.cancelled += 1
            continue
        if is_declined(event, my_addresses, owner):
            result.declined += 1
            continue
        try:
            start, end = event.start, event.end
            rid = event.get("RECURRENCE-ID")
            key = recurrence_key(rid.dt) if uid in repeating and rid is not None else None
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
            (result.pieces if isinstance(item, Piece) else result.notes).append(item)
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


def _place(
    event: icalendar.cal.Component,
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
        while day < stop:
            yield Note(source, uid, day, title)
            day = day.add(days=1)
        return
    local_start = _local(start, tz)
    local_end = _local(end, tz) if isinstance(end, dt.datetime) else local_start
    # compare in UTC: Python compares two times in one zone by the wall clock, fold ignored
    real = int((_comparable(local_end) - _comparable(local_start)).total_seconds() // 60)
    if real <= 0:
        if first <= local_start.date() <= last:  # no length: a reminder, kept as a note
            when = fmt_minutes(_minutes(local_start))
            yield Note(source, uid, local_start.date(), f"{when} {title}")
        return
    description = clean_text(str(event.get("DESCRIPTION", "")), limit=2000)
    sphere = _sphere_of(event)
    flexible = str(event.get("X-FLOWDAY-FLEXIBLE", "")).upper() == "TRUE"
    end_date = local_end.date()
    end_minute = _minutes(local_end, round_up=True)
    day = max(local_start.date(), first)
    while day <= min(end_date, last):
        piece_start = _minutes(local_start) if day == local_start.date() else 0
        piece_end = end_minute if day == end_date else MINUTES_PER_DAY
        if piece_end <= piece_start and local_start.date() == end_date:
            # the repeated hour when clocks fall back: 02:30 CEST-02:30 CET lasts an hour
            piece_end = min(MINUTES_PER_DAY, piece_start + max(real, 1))
        if piece_end > piece_start:
            yield Piece(
                source, uid, day, piece_start, piece_end, title, description, sphere, flexible
            )
        day = day.add(days=1)


# --- importing ------------------------------------------------------------------------------


def check_range(first: pendulum.Date, last: pendulum.Date) -> None:
    if last < first:
        raise InputError(f"--to {last.to_date_string()} is before --from {first.to_date_string()}")
    for date in (first, last):
        if not FIRST_YEAR <= date.year <= LAST_YEAR:
            raise InputError(f"{date.to_date_string()} is outside {FIRST_YEAR}-{LAST_YEAR}")
    if (last - first).in_days() + 1 > MAX_RANGE_DAYS:
        raise InputError(
            f"the range {first.to_date_string()}..{last.to_date_string()} is longer than "
            f"{MAX_RANGE_DAYS} days; import it in parts"
        )


def import_calendar(
    planner: Planner,
    path: Path,
    *,
    sphere: Sphere | None = None,
    first: pendulum.Date | None = None,
    last: pendulum.Date | None = None,
    me: Iterable[str] = (),
    progress: Progress | None = None,
) -> ImportReport:
    """Bring ``path``'s events on ``first``..``last`` into the plan (see the module doc)."""
    first = first or planner.today()
    last = last or first.add(days=DEFAULT_RANGE_DAYS - 1)
    check_range(first, last)
    path = Path(path)
    if progress:
        progress("reading", 0, 1)
    calendar = read_calendar(path)
    identity = calendar_identity(calendar, path)
    expansion = expand(calendar, first, last, planner.config.timezone, me=me)
    report = ImportReport(
        calendar=_shown(path.name), first=first, last=last, cancelled=expansion.cancelled,
        declined=expansion.declined, skipped=expansion.skipped,
    )  # fmt: skip
    state = planner.store.state().get("calendars", {})
    known = set(state.get(identity, {}).get("uids", [])) if isinstance(state, dict) else set()
    ours = known | expansion.uids  # removals stay inside this calendar
    changes = _plan_changes(planner, expansion.pieces, ours, first, last, sphere)
    total = len(changes.removals) + len(changes.edits) + len(changes.additions)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress("importing", done, total)

    now = planner.now()
    tz = planner.config.timezone
    # One transaction: the import lands whole or not at all, and a thousand blocks cost one
    # write per month file instead of one each. The rules are checked per day, before and
    # after the whole import (the planner's own check, forced: the hard rules the import
    # breaks are recorded as crossings). Checking after each block instead would cost the
    # cube of a busy day's blocks, and record overlaps that only exist half-way through.
    dates = {b.date for b in changes.removals}
    dates |= {d for b, p, _ in changes.edits for d in (b.date, p.date)}
    dates |= {p.date for p, _ in changes.additions}
    with planner.store.transaction() as txn:
        before = {date: planner.evaluate(txn.day(date), txn.blocks_on(date)) for date in dates}
        imported: set[str] = set()
        for block in changes.removals:
            if txn.delete_block(block.id, block.date):
                report.removed += 1
            tick()
        for block, piece, piece_sphere in changes.edits:
            current = next((b for b in txn.blocks_on(block.date) if b.id == block.id), None)
            try:
                if current is None:  # changed by someone else meanwhile: add it afresh
                    changed = _new_block(piece, piece_sphere, now)
                else:
                    changed = current.changed(
                        now, date=piece.date, start=piece.start, end=piece.end,
                        title=piece.title, sphere=piece_sphere, notes=piece.notes,
                        flexible=piece.flexible,
                    )  # fmt: skip
                check_exists(changed.date, changed.start, changed.end, tz)
            except FlowdayError as exc:
                report.skipped.append(Skipped(piece.uid, piece.title, str(exc)))
            else:
                txn.put_block(changed, previous_date=current.date if current else None)
                imported.add(changed.id)
                report.updated += 1
            tick()
        added: list[Block] = []
        for piece, piece_sphere in changes.additions:
            try:
                check_exists(piece.date, piece.start, piece.end, tz)
                added.append(_new_block(piece, piece_sphere, now))
            except FlowdayError as exc:
                report.skipped.append(Skipped(piece.uid, piece.title, str(exc)))
            tick()
        txn.add_blocks(added)
        imported.update(block.id for block in added)
        report.added += len(added)
        for date in sorted(dates):
            day = txn.day(date)
            broken = rules.new_hard_violations(
                before[date], planner.evaluate(day, txn.blocks_on(date))
            )
            if broken:
                txn.put_day(with_crossings(day, broken, stamp(now), imported))
                report.crossed.extend(broken)
        report.unchanged = changes.unchanged
        touched = dates | _sync_notes(txn, expansion.notes, ours, first, last, report)
        # remember the events that reached the plan (not every UID of a big file)
        placed = {p.uid for p in expansion.pieces} | {n.uid for n in expansion.notes}
        _remember(txn, identity, known | placed, now)
        for date in sorted(touched):  # the days as they will be: what now conflicts
            violations = planner.evaluate(txn.day(date), txn.blocks_on(date))
            if violations:
                report.conflicts[date.to_date_string()] = violations
    return report


@dataclass
class _Changes:
    removals: list[Block] = field(default_factory=list)
    edits: list[tuple[Block, Piece, Sphere]] = field(default_factory=list)
    additions: list[tuple[Piece, Sphere]] = field(default_factory=list)
    unchanged: int = 0


def _plan_changes(
    planner: Planner,
    pieces: list[Piece],
    ours: set[str],
    first: pendulum.Date,
    last: pendulum.Date,
    sphere: Sphere | None,
) -> _Changes:
    existing = planner.store.blocks_between(first, last)
    by_source: dict[str, list[Block]] = defaultdict(list)
    native = {b.id: b for b in existing if not b.source}
    for block in existing:
        if block.source.startswith(SOURCE_PREFIX):
            by_source[block.source].append(block)
    days: dict[pendulum.Date, Day] = {}
    changes = _Changes()
    wanted: dict[str, list[Piece]] = defaultdict(list)
    for piece in pieces:
        wanted[piece.source].append(piece)
    for source, group in wanted.items():
        current = by_source.pop(source, [])
        uid = group[0].uid
        if not current and uid.endswith(FLOWDAY_UID_SUFFIX):
            own = native.pop(uid.removesuffix(FLOWDAY_UID_SUFFIX), None)
            current = [own] if own else []  # our own export coming back home
        current.sort(key=lambda b: (b.date, b.start))
        group.sort(key=lambda p: (p.date, p.start))
        for block, piece in _pair(current, group):
            if piece is None:
                assert block is not None
                changes.removals.append(block)
                continue
            if piece.date not in days:
                days[piece.date] = planner.store.day(piece.date)
            chosen = (
                sphere
                or piece.sphere
                or (block.sphere if block else None)  # a sphere you chose by hand stays
                or planner.default_sphere(days[piece.date], piece.start, piece.end)
            )
            if block is None:
                changes.additions.append((piece, chosen))
            elif _same(block, piece, chosen):
                changes.unchanged += 1
            else:
                changes.edits.append((block, piece, chosen))
    for source, blocks in by_source.items():
        if source_uid(source) in ours:
            changes.removals.extend(blocks)
    return changes


def _pair(blocks: list[Block], pieces: list[Piece]) -> Iterator[tuple[Block | None, Piece | None]]:
    """Blocks and pieces of one event: same day first, then in order."""
    left = list(blocks)
    rest: list[Piece] = []
    for piece in pieces:
        match = next((b for b in left if b.date == piece.date), None)
        if match is None:
            rest.append(piece)
        else:
            left.remove(match)
            yield match, piece
    for index, piece in enumerate(rest):
        yield (left[index] if index < len(left) else None), piece
    for block in left[len(rest) :]:
        yield block, None


def _same(block: Block, piece: Piece, sphere: Sphere) -> bool:
    return (block.date, block.start, block.end, block.title, block.sphere, block.notes) == (
        piece.date, piece.start, piece.end, piece.title, sphere, piece.notes,
    ) and block.flexible == piece.flexible  # fmt: skip


def _sync_notes(
    txn: Transaction,
    notes: list[Note],
    ours: set[str],
    first: pendulum.Date,
    last: pendulum.Date,
    report: ImportReport,
) -> set[pendulum.Date]:
    """Day notes from all-day events: added, changed and removed like blocks."""
    wanted: dict[pendulum.Date, dict[str, str]] = defaultdict(dict)
    for note in notes:
        wanted[note.date][note.source] = note.text
    touched: set[pendulum.Date] = set()
    stored = txn.store.days_between(first, last)
    dates = set(wanted) | {d.date for d in stored.values() if d.imported_notes}
    for date in sorted(dates):
        day = txn.day(date)
        mapping = {n.source: n.text for n in day.imported_notes}
        texts = list(day.notes)
        changed = False
        for source, text in list(mapping.items()):
            if source_uid(source) in ours and source not in wanted.get(date, {}):
                del mapping[source]
                if text in texts:
                    texts.remove(text)
                report.notes_removed += 1
                changed = True
        for source, text in wanted.get(date, {}).items():
            old = mapping.get(source)
            if old == text:
                continue
            if old is not None and old in texts:
                texts[texts.index(old)] = text
            elif text not in texts:
                texts.append(text)
                report.notes_added += 1
            mapping[source] = text
            changed = True
        if changed:
            imported = tuple(ImportedNote(source, text) for source, text in mapping.items())
            txn.put_day(replace(day, notes=tuple(texts), imported_notes=imported))
            touched.add(date)
    return touched


def _remember(txn: Transaction, identity: str, uids: set[str], now: pendulum.DateTime) -> None:
    """Which UIDs belong to this calendar: what a later import of it may remove."""
    calendars = txn.store.state().get("calendars", {})
    calendars = dict(calendars) if isinstance(calendars, dict) else {}
    entry = dict(calendars.get(identity, {}))
    entry["uids"] = sorted(uids)
    entry["imported"] = stamp(now)
    calendars[identity] = entry
    txn.set_state(calendars=calendars)


def _new_block(piece: Piece, sphere: Sphere, now: pendulum.DateTime) -> Block:
    return Block.create(
        date=piece.date, start=piece.start, end=piece.end, title=piece.title, sphere=sphere,
        flexible=piece.flexible, notes=piece.notes, now=now, source=piece.source,
    )  # fmt: skip


# --- exporting ------------------------------------------------------------------------------


def export_calendar(
    planner: Planner,
    first: pendulum.Date,
    last: pendulum.Date,
    *,
    spheres: Iterable[Sphere] = (),
    notes: bool = True,
) -> icalendar.Calendar:
    """The plan on ``first``..``last`` as standard events: CATEGORIES is the sphere; the
    UID is the original one for imported blocks (with RECURRENCE-ID for one occurrence)
    and ``<block id>@flowday`` otherwise, so a re-export updates the same events."""
    check_range(first, last)
    tz = planner.config.timezone
    wanted = set(spheres)
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//flowday//flowday//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    now = _to_utc(planner.now())
    blocks = [
        b for b in planner.store.blocks_between(first, last) if not wanted or b.sphere in wanted
    ]
    used: set[tuple[str, str]] = set()
    for group in _joined(blocks):
        head, tail = group[0], group[-1]
        uid, recurrence = _export_uid(head)
        if (uid, recurrence or "") in used:
            uid, recurrence = f"{head.id}{FLOWDAY_UID_SUFFIX}", None
        used.add((uid, recurrence or ""))
        event = icalendar.Event()
        event.add("UID", uid)
        event.add("DTSTAMP", now)
        event.add("DTSTART", _to_datetime(instant(head.date, head.start, tz)))
        event.add("DTEND", _to_datetime(instant(tail.date, tail.end, tz)))
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
    if notes:
        for day in planner.store.days_between(first, last).values():
            for event in _note_events(day, now):
                if (str(event["UID"]), str(event.get("RECURRENCE-ID", ""))) not in used:
                    calendar.add_component(event)
    # VTIMEZONE rules covering just the exported days keep the file small
    calendar.add_missing_timezones(first.subtract(days=1), last.add(days=2))
    return calendar


def _joined(blocks: list[Block]) -> list[list[Block]]:
    """Blocks in groups of one, except the pieces of one imported event split at midnight,
    which join back into one event."""
    groups: list[list[Block]] = []
    open_by_source: dict[str, list[Block]] = {}
    for block in sorted(blocks, key=lambda b: (b.date, b.start, b.id)):
        previous = open_by_source.get(block.source) if block.source else None
        if (
            previous
            and previous[-1].end == MINUTES_PER_DAY
            and block.start == 0
            and previous[-1].date.add(days=1) == block.date
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
    match = _RID.search(block.source[len(SOURCE_PREFIX) :])
    return uid, match[1] if match else None


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
        moment.year, moment.month, moment.day, moment.hour, moment.minute,
        tzinfo=zone, fold=moment.fold,
    )  # fmt: skip


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
            match = _RID.search(source[len(SOURCE_PREFIX) :])
            recurrence = match[1] if match else None
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
    """Through the one safe write: never a half-written calendar at the person's path."""
    try:
        safe_write.write_atomically(Path(path), payload, permissions=0o666)
    except OSError as exc:
        raise InputError(f"cannot write {_shown(path)}: {exc.strerror or exc}") from None


# --- sharing availability -------------------------------------------------------------------

SHARE_HOURS = (8 * 60, 21 * 60)  # the part of the day offered as "free"
MIN_FREE = 15  # gaps shorter than this are not worth offering


@dataclass(frozen=True)
class Stretch:
    start: int
    end: int
    busy: bool
    label: str = ""  # "work", or "work: Standup" with details

    def text(self) -> str:
        span = f"{fmt_minutes(self.start)}-{fmt_minutes(self.end)}"
        if not self.busy:
            return f"free {span}"
        return f"busy {span} ({self.label})"


def day_availability(
    blocks: list[Block], *, details: bool = False, hours: tuple[int, int] = SHARE_HOURS
) -> list[Stretch]:
    """Busy stretches (merged per sphere unless ``details``) and the free gaps between
    them inside ``hours``, in time order."""
    busy: list[Stretch] = []
    for block in sorted(blocks, key=lambda b: (b.start, b.end)):
        label = block.sphere.value
        if details:
            label = f"{label}: {strip_controls(block.title)}"
        last = busy[-1] if busy else None
        if not details and last and last.label == label and block.start <= last.end:
            busy[-1] = replace(last, end=max(last.end, block.end))
        else:
            busy.append(Stretch(block.start, block.end, True, label))
    free: list[Stretch] = []
    cursor = hours[0]
    for stretch in sorted(busy, key=lambda s: s.start):
        if stretch.start - cursor >= MIN_FREE and cursor < hours[1]:
            free.append(Stretch(cursor, min(stretch.start, hours[1]), False))
        cursor = max(cursor, stretch.end)
    if hours[1] - cursor >= MIN_FREE:
        free.append(Stretch(cursor, hours[1], False))
    free = [f for f in free if f.end - f.start >= MIN_FREE]
    return sorted([*busy, *free], key=lambda s: (s.start, not s.busy, s.end))


def share_text(planner: Planner, dates: list[pendulum.Date], *, details: bool = False) -> str:
    lines = []
    for date in dates:
        stretches = day_availability(planner.store.blocks_on(date), details=details)
        body = ", ".join(s.text() for s in stretches) or "busy all day"
        lines.append(f"{date.format('ddd D MMM')}: {body}")
    return "\n".join(lines)


def freebusy_calendar(planner: Planner, dates: list[pendulum.Date]) -> icalendar.Calendar:
    """Free/busy as a VFREEBUSY (RFC 5545): busy periods in UTC, no titles at all."""
    tz = planner.config.timezone
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//flowday//flowday//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", "PUBLISH")
    freebusy = icalendar.FreeBusy()
    first, last = min(dates), max(dates)
    freebusy.add("UID", f"freebusy-{first.format('YYYYMMDD')}-{last.format('YYYYMMDD')}@flowday")
    freebusy.add("DTSTAMP", _to_utc(planner.now()))
    freebusy.add("DTSTART", _to_utc(instant(first, 0, tz)))
    freebusy.add("DTEND", _to_utc(instant(last, MINUTES_PER_DAY, tz)))
    for date in sorted(dates):
        merged: list[list[int]] = []
        for block in planner.store.blocks_on(date):
            if merged and block.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], block.end)
            else:
                merged.append([block.start, block.end])
        for start, end in merged:
            period = (
                _to_utc(instant(date, start, tz)),
                _to_utc(instant(date, end, tz)),
            )
            freebusy.add("FREEBUSY", [period], parameters={"FBTYPE": "BUSY"})
    calendar.add_component(freebusy)
    return calendar


def _to_utc(moment: pendulum.DateTime) -> dt.datetime:
    utc = moment.in_timezone("UTC")
    return dt.datetime(utc.year, utc.month, utc.day, utc.hour, utc.minute, tzinfo=dt.UTC)
