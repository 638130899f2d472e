"""Parsing what people type: clock times, dates, durations and the quick-add line.

Every parser raises :class:`InputError` with a message fit to print as one line.
"""

from __future__ import annotations

import datetime as dt
import re

import pendulum

from flowday.domain.clockface import fmt_duration as fmt_duration  # its home; said here too
from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define
from flowday.domain.model import Sphere
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_minutes, parse_clock, parse_iso_date

Zone = pendulum.Timezone | pendulum.FixedTimezone

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_DURATION = re.compile(r"^(?:(\d+)h(?:(\d{1,2})m?)?|(\d+)m(?:in)?)$", re.IGNORECASE)
_TIME_TOKEN = r"\d{1,2}(?::\d{2})?(?:am|pm)?"
_SPAN = re.compile(rf"^({_TIME_TOKEN})-({_TIME_TOKEN})$", re.IGNORECASE)
_CLOCK_TOKEN = re.compile(r"^\d{1,2}(?::\d{2}(?:am|pm)?|am|pm)$", re.IGNORECASE)
_TAG = re.compile(r"^#([a-z]+)$", re.IGNORECASE)

FLEX_TAGS = ("flex", "flexible")
DEFAULT_BLOCK_MINUTES = 30


def parse_duration(text: str) -> int:
    """``45m``, ``1h``, ``1h30``, ``1h30m``, ``90min`` → minutes (> 0)."""
    match = _DURATION.match(text.strip())
    if not match:
        raise InputError(f"{text!r} is not a duration (use e.g. 45m, 1h, 1h30)")
    minutes = int(match[3]) if match[3] else int(match[1]) * 60 + int(match[2] or 0)
    if minutes <= 0:
        raise InputError(f"{text!r} is not a duration: it must be longer than 0 minutes")
    if minutes > MINUTES_PER_DAY:
        raise InputError(f"{text!r} is longer than a day")
    return minutes


FIRST_YEAR, LAST_YEAR = 1900, 2200


def parse_date(text: str, today: pendulum.Date) -> pendulum.Date:
    """``YYYY-MM-DD``, ``today``, ``tomorrow``, ``yesterday`` or a weekday name (its next
    occurrence, today included; ``mon``..``sun`` work too). Years 1900-2200: a day far
    outside cannot be laid out (its neighbours overflow the calendar)."""
    date = _parse_date_word(text, today)
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise InputError(f"{text.strip()!r} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return date


def _parse_date_word(text: str, today: pendulum.Date) -> pendulum.Date:
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today.add(days=1)
    if word == "yesterday":
        return today.subtract(days=1)
    if len(word) >= 3:
        for index, name in enumerate(WEEKDAYS):
            if name.startswith(word):
                return today.add(days=(index - today.weekday()) % 7)
    return parse_iso_date(text)


def parse_span(text: str) -> tuple[int, int]:
    """``9-17``, ``09:00-17:30``, ``9am-5pm`` → (start, end) minutes with start < end."""
    match = _SPAN.match(text.strip())
    if not match:
        raise InputError(f"{text!r} is not a time range (use e.g. 09:00-17:00)")
    start, end = _resolve_span(match[1], match[2])
    if end <= start:
        raise InputError(
            f"{text!r}: end {fmt_minutes(end)} is not after start {fmt_minutes(start)}"
        )
    return start, end


def _resolve_span(first: str, second: str) -> tuple[int, int]:
    """A range like ``9-10pm`` means 21:00-22:00: the start borrows the end's am/pm;
    ``9-5`` means 09:00-17:00 (but ``10:00-9:00`` is backwards)."""
    end = parse_clock(second, allow_midnight_end=True)
    first_has_meridiem = re.search(r"(am|pm)$", first, re.IGNORECASE)
    second_meridiem = re.search(r"(am|pm)$", second, re.IGNORECASE)
    if not first_has_meridiem and second_meridiem:
        borrowed = parse_clock(first + second_meridiem[1])
        if borrowed < end:
            return borrowed, end
    start = parse_clock(first)
    twelve_hour = start < 13 * 60 and end < 12 * 60 and not (first_has_meridiem or second_meridiem)
    # "10:00-9:00" is a 24-hour clock written backwards, not the evening
    shorthand = ":" not in first or ":" not in second
    if end < start and twelve_hour and shorthand:
        # "9-5" and "11-1" mean the afternoon, as people say them
        return start, end + 12 * 60
    return start, end


# --- real time: DST-aware conversion ------------------------------------------------------
# The model counts wall-clock minutes; ``instant`` alone turns one into time, and the day's
# bounds are two of its answers (``day_bounds``): durations, rules, figures, the timeline,
# export and import all measure through it, so they agree on every day the clocks change.


def instant(
    date: pendulum.Date, minutes: int, tz: Zone, *, exact: bool = True
) -> pendulum.DateTime:
    """The real instant of a wall-clock time on ``date``. Ambiguous times (the hour repeated
    when clocks fall back) take their first occurrence. A time the clocks skip is refused
    when ``exact``; otherwise it is where the clocks land after skipping it, the first
    instant after it. ``1440`` (24:00) is the next day's first instant, so a day runs from
    ``instant(date, 0, exact=False)`` to ``instant(date, 1440)``, even where its midnight
    does not exist (Santiago's spring-forward days start at 01:00)."""
    if minutes == MINUTES_PER_DAY:
        return instant(date.add(days=1), 0, tz, exact=False)
    hour, minute = divmod(minutes, 60)
    moment = pendulum.datetime(date.year, date.month, date.day, hour, minute, tz=tz, fold=0)
    if (moment.hour, moment.minute) == (hour, minute) and moment.date() == date:
        return moment
    landing = _landing(dt.datetime(date.year, date.month, date.day, hour, minute), tz)
    if not exact:
        return landing
    first = landing if minutes == 0 else instant(date, 0, tz, exact=False)
    if first.date() != date:
        raise InputError(_no_such_day(date, tz))
    resumed = fmt_minutes(landing.hour * 60 + landing.minute)
    if landing.date() != date:
        resumed += f" on {landing.to_date_string()}"
    raise InputError(
        f"{fmt_minutes(minutes)} does not exist on {date.to_date_string()}: the clocks skip "
        f"it (daylight saving time; they go on at {resumed})"
    )


def _landing(wall: dt.datetime, tz: Zone) -> pendulum.DateTime:
    """The first instant whose wall clock is at or after ``wall``, a time the clocks skip.
    The jump lies between ``wall`` read with the offset after it (fold=1 in a gap, the
    earlier instant) and with the offset before it (fold=0): found by bisection to the
    second, a few dozen look-ups on the few days a zone has a jump."""
    local = wall.replace(tzinfo=tz)  # aware times of one zone compare by their wall clocks
    early = int(local.replace(fold=1).timestamp())
    late = int(local.timestamp())
    while late - early > 1:
        middle = (early + late) // 2
        if dt.datetime.fromtimestamp(middle, tz) >= local:
            late = middle
        else:
            early = middle
    return pendulum.DateTime.fromtimestamp(late, tz)  # (from_timestamp: no FixedTimezone)


def day_bounds(date: pendulum.Date, tz: Zone) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """The day's real extent: its first existing instant to the next day's. Both are the
    same instant on a day the clocks skip entirely (Pacific/Apia, 2011-12-30)."""
    return instant(date, 0, tz, exact=False), instant(date, MINUTES_PER_DAY, tz)


def day_exists(date: pendulum.Date, tz: Zone) -> bool:
    """False for a day the clocks skip entirely."""
    start, end = day_bounds(date, tz)
    return end > start


def require_day(date: pendulum.Date, tz: Zone) -> None:
    """Refuse (:class:`InputError`) a day the clocks skip entirely: nothing can be on it."""
    if not day_exists(date, tz):
        raise InputError(_no_such_day(date, tz))


def _no_such_day(date: pendulum.Date, tz: Zone) -> str:
    name = getattr(tz, "name", str(tz))
    return f"{date.to_date_string()} does not exist in {name}: the clocks skip that whole day"


def real_minutes(date: pendulum.Date, start: int, end: int, tz: Zone) -> int:
    """How long ``start``-``end`` on ``date`` really lasts (60 for 01:00-03:00 on a
    spring-forward day; a skipped start counts from where the clocks land)."""
    elapsed = instant(date, end, tz, exact=False) - instant(date, start, tz, exact=False)
    return int(elapsed.total_seconds() // 60)


def day_length(date: pendulum.Date, tz: Zone) -> int:
    """Real minutes in the calendar day: 1440, or 1380/1500 on DST days (0 on a day the
    clocks skip)."""
    return real_minutes(date, 0, MINUTES_PER_DAY, tz)


def check_exists(date: pendulum.Date, start: int, end: int, tz: Zone) -> None:
    """Refuse (:class:`InputError`) a span whose start or end the clocks skip."""
    instant(date, start, tz)
    instant(date, end, tz)


# --- quick-add ------------------------------------------------------------------------------


@define(slots=True)
class QuickAdd(Record):
    """What a quick-add line says. Any part may be missing; the caller fills defaults."""

    title: str
    start: int | None = None
    end: int | None = None
    duration: int | None = None
    sphere: Sphere | None = None
    flexible: bool = False


def parse_quick_add(text: str) -> QuickAdd:
    """``"Standup 9:00-9:15 #work"``, ``"Dentist 12:30 45m #personal"``,
    ``"Lunch 12-12:45 #break"``, ``"Run 7am-7:45am #personal"``, ``"Deep work 2h #flex"``.

    Words that are not times, durations or tags make the title, in order. A bare number is
    title text ("Read 3 papers"); a time needs a colon, am/pm, or to be part of a range.
    """
    title_words: list[str] = []
    start = end = duration = None
    sphere: Sphere | None = None
    flexible = False
    for word in text.split():
        if _SPAN.match(word) and start is None:
            start, end = _resolve_span(*word.split("-", 1))
            if end <= start:
                raise InputError(
                    f"{word!r}: end {fmt_minutes(end)} is not after start {fmt_minutes(start)}"
                    " (blocks cannot cross midnight)"
                )
        elif _CLOCK_TOKEN.match(word) and start is None:
            start = parse_clock(word)
        elif _DURATION.match(word) and duration is None and end is None:
            duration = parse_duration(word)
        elif tag := _TAG.match(word):
            name = tag[1].lower()
            if name in FLEX_TAGS:
                flexible = True
            elif sphere is None:
                sphere = Sphere.parse(name)
            else:
                raise InputError(f"two spheres given ({sphere.value} and {name})")
        elif re.fullmatch(r"\d{1,2}(?::\d*)?-\S*|\d{1,2}:\d*", word):
            # looks like a time but is broken ("25:99", "9-"): say so instead of guessing
            if "-" in word:
                parse_span(word)
            parse_clock(word)
            title_words.append(word)  # pragma: no cover - parse_clock raised
        else:
            title_words.append(word)
    if start is not None and end is None and duration is not None:
        end = start + duration
        if end > MINUTES_PER_DAY:
            raise InputError(
                f"{fmt_minutes(start)} plus {fmt_duration(duration)} ends after midnight"
                " (blocks cannot cross midnight)"
            )
    title = " ".join(title_words)
    if not title.strip():
        raise InputError("title is empty")
    return QuickAdd(title, start, end, duration, sphere, flexible)
