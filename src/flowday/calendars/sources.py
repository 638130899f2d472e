"""Where an imported block or note came from, so re-imports and exports find it again.

Each block remembers its event: ``source="ics:<UID>"``, or ``"ics:<UID>:<RECURRENCE-ID>"``
for one occurrence of a repeating event (the id in UTC, e.g. ``20261202T080000Z``).
Notes made by imports remember theirs in ``Day.imported_notes`` (source, text).
Events flowday exported itself carry the UID ``<block id>@flowday``.
"""

from __future__ import annotations

import datetime as dt
import re

SOURCE_PREFIX = "ics:"
FLOWDAY_UID_SUFFIX = "@flowday"
_RID = re.compile(r":(\d{8}(?:T\d{6}Z?)?)$")


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


def source_recurrence(source: str) -> str | None:
    """The RECURRENCE-ID key inside an ``ics:`` source (None for a whole event)."""
    match = _RID.search(source[len(SOURCE_PREFIX) :])
    return match[1] if match else None
