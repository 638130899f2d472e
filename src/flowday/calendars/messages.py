"""Several calendars in one file, as mail clients save invitations: the latest message wins.

A file can hold a REQUEST, then an update or a CANCEL of the same event, each its own
VCALENDAR. As iTIP (RFC 5546) says, for each event (UID, and RECURRENCE-ID for one
occurrence) the message with the highest SEQUENCE wins, then the latest DTSTAMP, then the
one written last; a winning CANCEL (or ``STATUS:CANCELLED``) cancels the event, and a
cancelled series takes with it the occurrences of older messages. A REPLY (an attendee's
answer) never replaces the organizer's event.
"""

from __future__ import annotations

import datetime as dt

import icalendar

from flowday.calendars.sources import recurrence_key
from flowday.calendars.values import comparable, dt_value, text_of, uid_of

_ANSWERS = {"REPLY", "REFRESH", "COUNTER", "DECLINECOUNTER"}  # from attendees, not organizers
_NEVER = dt.datetime(1, 1, 1, tzinfo=dt.UTC)

Rank = tuple[bool, int, dt.datetime, int]


def merged(calendars: list[icalendar.Calendar]) -> icalendar.Calendar:
    """One calendar holding, for each event, the version the latest message gives."""
    calendar = calendars[0]
    if len(calendars) == 1:
        return calendar
    best: dict[tuple[str, str], Rank] = {}
    ranked: list[tuple[icalendar.Component, tuple[str, str], Rank, bool]] = []
    others: list[icalendar.Component] = []
    for index, message in enumerate(calendars):
        method = text_of(message, "METHOD").upper()
        for component in message.subcomponents:
            if component.name != "VEVENT":
                others.append(component)
                continue
            key = (uid_of(component), _occurrence(component))
            rank = (method not in _ANSWERS, _sequence(component), _stamp(component), index)
            cancels = method == "CANCEL" or text_of(component, "STATUS").upper() == "CANCELLED"
            ranked.append((component, key, rank, cancels))
            if key not in best or rank > best[key]:
                best[key] = rank
    # a cancelled series cancels every occurrence of it that no later message gives again
    series_cancelled: dict[str, Rank] = {}
    for _component, key, rank, cancels in ranked:
        if cancels and not key[1] and rank == best[key]:
            series_cancelled[key[0]] = rank
    kept: list[icalendar.Component] = []
    for component, key, rank, cancels in ranked:
        if rank[3] != best[key][3]:
            continue  # an older (or lower) message's version of this event
        stopped = series_cancelled.get(key[0])
        if cancels or (stopped is not None and rank < stopped):
            component["STATUS"] = "CANCELLED"
        kept.append(component)
    calendar.subcomponents = [*others, *kept]
    calendar.pop("METHOD", None)  # each event now says for itself whether it is cancelled
    return calendar


def _occurrence(component: icalendar.Component) -> str:
    if "RECURRENCE-ID" not in component:
        return ""
    try:
        value = dt_value(component, "RECURRENCE-ID")
        return recurrence_key(value) if isinstance(value, dt.date) else str(value)
    except Exception:  # a broken value: the event is skipped later, with the reason
        return text_of(component, "RECURRENCE-ID")


def _sequence(component: icalendar.Component) -> int:
    try:
        return int(text_of(component, "SEQUENCE").strip() or 0)
    except ValueError:
        return 0


def _stamp(component: icalendar.Component) -> dt.datetime:
    try:
        value = dt_value(component, "DTSTAMP")
    except Exception:
        return _NEVER
    return comparable(value) if isinstance(value, dt.date) else _NEVER
