"""Wall-clock minutes, the model's unit for a time of day: the day's length, formatting,
and the two parsers a stored record needs (clock times and ISO dates).

A leaf (it imports only the errors and pendulum) so that :mod:`flowday.domain.model` can
parse its records with plain module-level imports and :mod:`flowday.domain.timeparse` can
build on both without an import cycle.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import cast

import pendulum

from flowday.domain.errors import InputError

MINUTES_PER_DAY = 24 * 60

_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_TIME_TOKENS = {"HH": "hour", "mm": "minute", "ss": "second"}  # token → datetime attribute
_DATE_TOKENS = re.compile(r"\[([^\]]*)\]|YYYY|MMMM|MMM|MM|DD|D|dddd|ddd|HH|mm|ss")


def fmt_date(value: datetime.date, pattern: str) -> str:
    """A date or date-time in pendulum's ``format`` tokens (``YYYY MMMM MMM MM DD D dddd ddd
    HH mm ss``, ``[literal]``), in English. Not pendulum's own: its first call loads the
    locale machinery, ~11 ms of every command's start."""

    def token(match: re.Match[str]) -> str:
        literal = match[1]
        if literal is not None:
            return literal
        match match[0]:
            case "YYYY":
                return f"{value.year:04d}"
            case "MMMM":
                return _MONTHS[value.month - 1]
            case "MMM":
                return _MONTHS[value.month - 1][:3]
            case "MM":
                return f"{value.month:02d}"
            case "DD":
                return f"{value.day:02d}"
            case "D":
                return str(value.day)
            case "dddd":
                return _WEEKDAYS[value.weekday()]
            case "ddd":
                return _WEEKDAYS[value.weekday()][:3]
        moment = cast(datetime.datetime, value)  # the time tokens: HH, mm, ss
        return f"{getattr(moment, _TIME_TOKENS[match[0]]):02d}"

    return _DATE_TOKENS.sub(token, pattern)


def fmt_minutes(minutes: int) -> str:
    """Wall-clock minutes as ``HH:MM``; 1440 is ``24:00`` (midnight at the end of the day)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@functools.lru_cache(maxsize=4096)  # stored records repeat the same few times and dates
def parse_clock(text: str, *, allow_midnight_end: bool = False) -> int:
    """``9``, ``9:05``, ``09:05``, ``7am``, ``7:45pm``, ``24:00`` (end only) → minutes."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise InputError(f"{text!r} is not a time (use HH:MM, e.g. 09:30 or 7:45pm)")
    hour, minute = int(match[1]), int(match[2] or 0)
    meridiem = (match[3] or "").lower()
    if minute > 59:
        raise InputError(f"{text!r} is not a time: minutes must be 00-59")
    if meridiem:
        if not 1 <= hour <= 12:
            raise InputError(f"{text!r} is not a time: with am/pm the hour must be 1-12")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour == 24 and minute == 0:
        if allow_midnight_end:
            return MINUTES_PER_DAY
        raise InputError(f"{text!r} can only end a block (24:00 is midnight at the day's end)")
    if hour > 23:
        raise InputError(f"{text!r} is not a time: hours must be 00-23 (or 24:00 as an end)")
    return hour * 60 + minute


@functools.lru_cache(maxsize=8192)
def parse_iso_date(text: str) -> pendulum.Date:
    match = _ISO_DATE.fullmatch(text.strip())
    if not match:
        raise InputError(f"{text!r} is not a date (use YYYY-MM-DD, today, tomorrow or a weekday)")
    try:
        return pendulum.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise InputError(f"{text!r} is not a date: no such day in the calendar") from None
