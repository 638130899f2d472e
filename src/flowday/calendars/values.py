"""The typed boundary: icalendar's loosely typed properties in, plain Python values out.

icalendar types a property as a union of some thirty value classes, and a value its parser
could not read is a ``vBroken`` that raises on first use. Only the functions here touch
those values; the rest of the package works with ``str``, ``dt.date``/``dt.datetime`` and
plain lists. A broken value raises icalendar's own error, as it did before there was a
boundary: the callers report the event as malformed with that message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import icalendar
import pendulum

from flowday.domain.text import clean_text

NO_TITLE = "(no title)"


def as_list(value: object) -> list[object]:
    """A property that may repeat (ATTENDEE, CATEGORIES, RDATE, ...) as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def first(value: object) -> object:
    values = as_list(value)
    return values[0] if values else None


def values(component: icalendar.Component, name: str) -> list[object]:
    """Every value of property ``name`` (none when absent)."""
    return as_list(component.get(name))


def text_of(component: icalendar.Component, name: str) -> str:
    """Property ``name`` as text ("" when absent)."""
    return str(component.get(name, ""))


def dt_value(component: icalendar.Component, name: str) -> object:
    """What a date, date-time or duration property holds (None when absent): a
    ``dt.date``, ``dt.datetime``, ``dt.timedelta`` or stranger; callers narrow it."""
    prop: Any = component.get(name)
    return None if prop is None else prop.dt


def end_value(component: icalendar.Component, start: dt.date) -> object:
    """Where an event ends: DTEND, or ``start`` plus DURATION (a DURATION that is no length
    of time raises TypeError, like any malformed value). None when it gives neither."""
    end = dt_value(component, "DTEND")
    if "DURATION" in component:
        length: Any = dt_value(component, "DURATION")
        end = start + length
    return end


def shifted(value: object, delta: dt.timedelta) -> dt.date | dt.timedelta:
    """A DTEND value moved by ``delta``: a date or a date-time, or (malformed) a length.
    Added the way Python adds, so any other value raises TypeError as it always did."""
    moving: Any = value
    return moving + delta


def span(event: icalendar.Component) -> tuple[dt.date, dt.date]:
    """An occurrence's start and end as icalendar works them out (DTEND, DURATION, or the
    default length of a date or a date-time)."""
    occurrence: Any = event  # the expander yields events, typed as any component
    return occurrence.start, occurrence.end


def repeat_rules(component: icalendar.Component) -> list[icalendar.vRecur]:
    """The event's RRULEs."""
    rules: list[icalendar.vRecur] = []
    for rule in values(component, "RRULE"):
        if not isinstance(rule, icalendar.vRecur):
            broken: Any = rule
            _ = broken.get  # a rule the parser could not read raises its own error here
            raise TypeError(f"RRULE {str(rule)[:60]!r} is not a repeat rule")
        rules.append(rule)
    return rules


def rule_part(rule: icalendar.vRecur, key: str) -> list[object]:
    """The values of one part of a repeat rule (``BYDAY``: ``["MO", "WE"]``)."""
    return as_list(rule.get(key))


def first_part(rule: icalendar.vRecur, key: str) -> object:
    """The first value of one part of a repeat rule (None when absent)."""
    return first(rule.get(key))


def uid_of(component: icalendar.Component) -> str:
    uid = clean_text(text_of(component, "UID"), limit=1000)
    if not uid:  # no UID: derive a stable one, so re-imports still match
        seed = f"{component.get('DTSTART')!r}|{component.get('SUMMARY', '')}"
        return f"nouid-{hashlib.sha1(seed.encode()).hexdigest()[:16]}"
    if len(uid) > 255:
        return f"long-{hashlib.sha1(uid.encode()).hexdigest()}"
    return uid


def title_of(component: icalendar.Component) -> str:
    return clean_text(text_of(component, "SUMMARY"), limit=200) or NO_TITLE


def comparable(moment: dt.date) -> dt.datetime:
    """A plain UTC datetime (pendulum arithmetic chokes on some zones icalendar makes)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            return dt.datetime(*moment.timetuple()[:6], tzinfo=dt.UTC)
        offset = moment.utcoffset() or dt.timedelta(0)
        return dt.datetime(*moment.timetuple()[:6], tzinfo=dt.UTC) - offset
    return dt.datetime(moment.year, moment.month, moment.day, tzinfo=dt.UTC)


def to_utc(moment: pendulum.DateTime) -> dt.datetime:
    """A plain UTC datetime to the minute, as icalendar writes it (``...Z``)."""
    utc = moment.in_timezone("UTC")
    return dt.datetime(utc.year, utc.month, utc.day, utc.hour, utc.minute, tzinfo=dt.UTC)
