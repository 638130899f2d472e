"""Bounding hostile calendars: the range, and the work of expanding each repeating event.

Hostile files are bounded: file size and number of events (:mod:`.reading`), the range,
the work of expanding each repeating rule (estimated here before expanding anything; old
daily and weekly series are first moved forward to the range), the number of resulting
blocks and blocks per day (:mod:`.expansion`). A rule that cannot be expanded safely
skips that event with a reason; a file over a global bound is refused before anything is
written.
"""

from __future__ import annotations

import calendar as calendar_module
import contextlib
import datetime as dt
import math
import re
from collections import defaultdict
from typing import TypeGuard

import icalendar
import pendulum

from flowday.calendars.tolerant import unreadable
from flowday.calendars.values import (
    comparable,
    dt_value,
    end_value,
    first_part,
    repeat_rules,
    rule_part,
    shifted,
    title_of,
    uid_of,
    values,
)
from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define
from flowday.domain.text import strip_controls
from flowday.domain.timeparse import FIRST_YEAR, LAST_YEAR

# A year's export from Google or Outlook is several MB (a busy work calendar: ~3,000
# events of 1-1.5 KB each, attendee lists and HTML descriptions included). icalendar reads
# about 0.8 MB a second on a small 2-core machine, so 8 MB (about two such years) stays
# near ten seconds; a bigger file is cut to a period in the calendar app first.
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_EVENTS = 20_000  # VEVENT components in one file
MAX_RANGE_DAYS = 366  # longest --from/--to range
DEFAULT_RANGE_DAYS = 90  # today and the next 89 days
MAX_SERIES_STEPS = 50_000  # estimated rule iterations for one repeating event
MAX_TOTAL_STEPS = 300_000  # ... and for the whole file

_STEP_SECONDS = {  # shortest length of each period: estimates err towards more work
    "YEARLY": 365 * 86400,
    "MONTHLY": 28 * 86400,
    "WEEKLY": 7 * 86400,
    "DAILY": 86400,
    "HOURLY": 3600,
}
_TOO_FINE = {"MINUTELY": "every minute", "SECONDLY": "every second"}


@define
class Skipped(Record):
    """An event left out, and why (one line each in the report)."""

    uid: str
    title: str
    reason: str


class Unsafe(Exception):
    """A component flowday will not expand (the message says why)."""


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


def _outside_years(value: object) -> TypeGuard[dt.date]:
    """Whether ``value`` is a date (or a date-time) outside the years flowday plans."""
    return isinstance(value, dt.date) and not FIRST_YEAR <= value.year <= LAST_YEAR


def prepare(
    calendar: icalendar.Calendar,
    window_start: pendulum.DateTime,
    window_end: pendulum.DateTime,
    skipped: list[Skipped],
) -> set[str]:
    """Check every event before expanding anything; drop those that are unsafe or broken.
    Returns the UIDs of repeating events."""
    by_uid: dict[str, list[icalendar.Component]] = defaultdict(list)
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            by_uid[uid_of(component)].append(component)
    bad: set[str] = set()
    outside: set[str] = set()
    repeating: set[str] = set()
    total = 0
    extras: set[int] = set()  # a UID given to several events: the first one counts
    for uid, components in by_uid.items():
        masters = [c for c in components if "RECURRENCE-ID" not in c]
        for extra in masters[1:]:
            reason = "another event in the file has the same UID; only the first is imported"
            skipped.append(Skipped(uid, title_of(extra), reason))
            extras.add(id(extra))
        by_uid[uid] = [c for c in components if id(c) not in extras]
    for uid, components in by_uid.items():
        try:
            total += _steps(components, uid, window_start, window_end, repeating, outside)
        except Unsafe as exc:
            skipped.append(Skipped(uid, title_of(components[0]), str(exc)))
            bad.add(uid)
        except Exception as exc:  # any broken property: skip the event, keep the rest
            reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
            skipped.append(Skipped(uid, title_of(components[0]), f"it is malformed ({reason})"))
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
            if not (c.name == "VEVENT" and (uid_of(c) in drop or id(c) in extras))
        ]
    return repeating - bad


def _steps(
    components: list[icalendar.Component],
    uid: str,
    window_start: pendulum.DateTime,
    window_end: pendulum.DateTime,
    repeating: set[str],
    outside: set[str],
) -> int:
    """The estimated expansion work of one UID's events (raises :class:`Unsafe`, or on a
    broken property). Notes repeating and wholly outside UIDs in the sets given."""
    steps = 0
    for component in components:
        reason = unreadable(component)
        if reason:
            raise Unsafe(reason)
        if component.get("DTSTART") is None:
            raise Unsafe("it has no start (DTSTART)")
        start = dt_value(component, "DTSTART")
        if not isinstance(start, dt.date):
            raise Unsafe("its start is not a date or time")
        if isinstance(start, dt.datetime) and start.tzinfo is None:
            zone_name = strip_controls(str(component["DTSTART"].params.get("TZID", "")))
            if zone_name:  # a zone neither the file nor the tz database defines
                raise Unsafe(f"its time zone {zone_name[:60]!r} is unknown")
        if _outside_years(start):
            raise Unsafe(f"it is in {start.year} (outside {FIRST_YEAR}-{LAST_YEAR})")
        if "RECURRENCE-ID" in component:
            dt_value(component, "RECURRENCE-ID")  # raises on a broken value
        end = end_value(component, start)
        if isinstance(end, dt.date) and comparable(end) < comparable(start):
            raise Unsafe("it ends before it starts")
        rules = repeat_rules(component)
        if rules or component.get("RDATE") or component.get("RECURRENCE-ID"):
            repeating.add(uid)
        elif len(components) == 1 and _outside(start, end, window_start, window_end):
            outside.add(uid)  # cheaper not to hand it to the expander at all
        if len(rules) == 1:
            start = _fast_forward(component, rules[0], start, end, window_start)
        for rule in rules:
            rule_steps, per_day = _rule_steps(rule, start, window_end)
            if rule_steps > MAX_SERIES_STEPS:
                raise Unsafe(
                    f"its repeat rule needs about {rule_steps:,} steps to expand "
                    f"(the bound is {MAX_SERIES_STEPS:,})"
                )
            if per_day > 48:
                raise Unsafe(f"it repeats about {per_day} times a day")
            steps += rule_steps
            _clamp_until(rule, start, window_end)
        for rdates in values(component, "RDATE"):
            steps += len(getattr(rdates, "dts", []) or [])
    return steps


# --- rule steps -----------------------------------------------------------------------------


def _rule_steps(
    rule: icalendar.vRecur, start: dt.date, window_end: pendulum.DateTime
) -> tuple[int, int]:
    """Estimated iterations of ``rule``: from DTSTART to the window's end, and per day."""
    freq = str(first_part(rule, "FREQ") or "").upper()
    if freq in _TOO_FINE:
        raise Unsafe(f"it repeats {_TOO_FINE[freq]} (FREQ={freq}); flowday plans in blocks")
    if freq not in _STEP_SECONDS:
        raise Unsafe(f"its repeat rule has no valid FREQ ({freq or 'missing'})")
    interval = first_part(rule, "INTERVAL")
    interval = 1 if interval is None else interval
    if not isinstance(interval, int) or interval < 1 or interval > 10_000:
        raise Unsafe(f"its repeat rule has INTERVAL={interval} (it must be 1 or more)")
    count = first_part(rule, "COUNT")
    if count is not None and (not isinstance(count, int) or count < 1):
        raise Unsafe(f"its repeat rule has COUNT={count}")
    until = first_part(rule, "UNTIL")
    if _outside_years(until):
        raise Unsafe(f"its repeat rule ends in {until.year} (outside {FIRST_YEAR}-{LAST_YEAR})")

    def size(key: str) -> int:
        return max(1, len(rule_part(rule, key)))

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
    span = max(0.0, (comparable(window_end) - comparable(start)).total_seconds())
    steps = int(span // (_STEP_SECONDS[freq] * interval) + 1) * per_period
    per_day = math.ceil(per_period * 86400 / (_STEP_SECONDS[freq] * interval))
    if count is not None:
        steps = min(steps, count * max(1, per_period))
    steps += _never_matches(rule, freq, days * times, window_end)
    return steps, per_day


# --- never-matching rules -------------------------------------------------------------------

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SCAN_DAYS = 30 * 366  # the weekday/leap-year pattern repeats within 28 years
_NTH_LIMIT = {"MONTHLY": 5, "YEARLY": 53}


def _numbers(rule: icalendar.vRecur, key: str) -> set[int]:
    found = set()
    for value in rule_part(rule, key):
        try:
            found.add(int(str(value).rstrip("L")))
        except ValueError:
            raise Unsafe(f"its repeat rule has {key}={value}") from None
    return found


def _never_matches(
    rule: icalendar.vRecur, freq: str, candidates: int, window_end: pendulum.DateTime
) -> int:
    """Refuse rules that never produce a date: the library would search for one until the
    year 9999 (seconds of work; FREQ=DAILY;BYSETPOS=5 or BYMONTH=2;BYMONTHDAY=30).
    Returns the days scanned, which count against the expansion budget."""
    positions = _numbers(rule, "BYSETPOS")
    if positions and all(abs(p) > candidates or p == 0 for p in positions):
        raise Unsafe("its repeat rule never matches (BYSETPOS beyond every candidate)")
    weekdays: set[int] = set()
    nth: set[int] = set()
    for value in rule_part(rule, "BYDAY"):
        match = re.fullmatch(r"([+-]?\d{1,3})?(MO|TU|WE|TH|FR|SA|SU)", str(value).upper())
        if not match:
            raise Unsafe(f"its repeat rule has BYDAY={value}")
        weekdays.add(_WEEKDAYS.index(match[2]))
        if match[1]:
            nth.add(abs(int(match[1])))
    limit = _NTH_LIMIT.get(freq)
    if nth and limit and all(n > limit or n == 0 for n in nth) and len(nth) == len(weekdays):
        raise Unsafe("its repeat rule never matches (no month or year has that many)")
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
    raise Unsafe("its repeat rule never matches a day (e.g. the 30th of February)")


# --- clamping and moving series -------------------------------------------------------------


def _clamp_until(rule: icalendar.vRecur, start: dt.date, window_end: pendulum.DateTime) -> None:
    """End the rule with the window: the library then stops iterating there, even for a
    rule that never matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 would run to year 9999)."""
    local = dt.datetime(*window_end.timetuple()[:6])
    if isinstance(start, dt.datetime):
        utc = dt.datetime(*window_end.in_timezone("UTC").timetuple()[:6], tzinfo=dt.UTC)
        until: dt.date = local if start.tzinfo is None else utc
    else:
        until = local.date()
    current = first_part(rule, "UNTIL")
    if isinstance(current, dt.date):
        with contextlib.suppress(TypeError):
            if comparable(current) <= comparable(until):
                return
    rule["UNTIL"] = [until]


_FORWARD_PARTS = {"FREQ", "INTERVAL", "UNTIL", "WKST", "BYDAY", "BYHOUR", "BYMINUTE",
                  "BYMONTH", "BYMONTHDAY"}  # fmt: skip


def _fast_forward(
    component: icalendar.Component,
    rule: icalendar.vRecur,
    start: dt.date,
    end: object,
    window_start: pendulum.DateTime,
) -> dt.date:
    """Move an old daily or weekly series' DTSTART (and DTEND) forward by whole repeat
    periods to just before the range. The occurrences from there on are exactly the same,
    but the expander no longer walks every day since, say, 2009: a big Outlook calendar
    full of old weekly meetings stays cheap. Rules whose meaning depends on the first
    occurrence (COUNT, BYSETPOS, numbered weekdays, ...) are left alone."""
    freq = str(first_part(rule, "FREQ") or "").upper()
    if freq not in ("DAILY", "WEEKLY") or set(rule) - _FORWARD_PARTS:
        return start
    if any(not re.fullmatch(r"MO|TU|WE|TH|FR|SA|SU", str(d)) for d in rule_part(rule, "BYDAY")):
        return start
    interval = first_part(rule, "INTERVAL") or 1
    if not isinstance(interval, int) or interval < 1:
        return start
    step = dt.timedelta(days=interval * (7 if freq == "WEEKLY" else 1))
    length = comparable(end) - comparable(start) if isinstance(end, dt.date) else dt.timedelta(0)
    # stay a whole day (plus the event's length) before the range: nothing in it moves
    gap = comparable(window_start) - length - dt.timedelta(days=2) - comparable(start)
    periods = gap // step if gap > dt.timedelta(0) else 0
    if periods < 2:
        return start
    delta = step * periods  # whole periods, on the wall clock of the event's own zone
    moved = start + delta
    moved_end = shifted(end, delta) if "DTEND" in component else None
    for key, value in (("DTSTART", moved), ("DTEND", moved_end)):
        if value is not None:
            params = component[key].params
            component[key] = icalendar.vDDDTypes(value)
            component[key].params = params
    return moved


def _outside(
    start: dt.date, end: object, window_start: pendulum.DateTime, window_end: pendulum.DateTime
) -> bool:
    """Whether a single event lies wholly before or after the (already widened) window."""
    if not isinstance(end, dt.date):
        end = start if isinstance(start, dt.datetime) else start + dt.timedelta(days=1)
    return comparable(start) > comparable(window_end) or comparable(end) < comparable(window_start)
