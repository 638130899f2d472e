"""Routines: a block that repeats (``Standup 9:00-9:15 #work`` on weekdays).

A routine is stored once (``routines.json``); its occurrences are never stored. Each reader
asks for a date and gets the routine's block there, with the id ``<routine>@YYYY-MM-DD``
(:func:`occurrence_id`). Per-date exceptions live on the routine: ``skipped`` dates (an
occurrence deleted: RFC 5545 EXDATE, it never comes back) and ``edited`` dates (an
occurrence changed by hand: it is then a stored block with the occurrence's id, and the
routine no longer makes that date). Wall-clock times: an occurrence is at the routine's
time of day on every date, DST days included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pendulum

from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define, field, replace
from flowday.domain.model import Block, Sphere, stamp
from flowday.domain.records import Fields, RecordError
from flowday.domain.recurrence import Repeat
from flowday.domain.text import clean_title
from flowday.domain.wallclock import fmt_minutes, parse_iso_date

_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_ISO_DATES = re.compile(rf"{_DATE}(?:,{_DATE})*")
OCCURRENCE_MARK = "@"  # never in a stored block's own id (ids use ID_ALPHABET)


def occurrence_id(routine_id: str, date: pendulum.Date) -> str:
    return f"{routine_id}{OCCURRENCE_MARK}{date.to_date_string()}"


def parse_occurrence_id(block_id: str) -> tuple[str, pendulum.Date] | None:
    """(routine id, date) for an occurrence's id; None for any other id."""
    routine_id, mark, day = block_id.partition(OCCURRENCE_MARK)
    if not mark or not routine_id:
        return None
    try:
        return routine_id, parse_iso_date(day)
    except InputError:  # not a date: not an occurrence's id
        return None


@define(slots=True)
class Routine(Record):
    """One repeating block. ``first`` is the RRULE's DTSTART (always an occurrence),
    ``until`` its last possible date; ``modes`` limits it to days in those modes (empty:
    every day the rule names)."""

    id: str
    text: str  # the quick-add text as typed, for listings
    title: str
    start: int
    end: int
    sphere: Sphere
    rrule: str
    every: str  # the repeat as typed
    first: pendulum.Date
    until: pendulum.Date | None = None
    flexible: bool = False
    modes: tuple[str, ...] = ()
    # exceptions as ISO dates: a routine's years of skips are checked, never parsed, on read
    skipped: frozenset[str] = frozenset()
    edited: frozenset[str] = frozenset()
    removed: bool = False  # `routine rm`: ended (until set), kept for its past occurrences
    created: str = ""
    updated: str = ""
    repeat: Repeat = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "repeat", Repeat.from_rrule(self.rrule))
        Block(
            id="check",
            date=self.first,
            start=self.start,
            end=self.end,
            title="",
            sphere=self.sphere,
        )  # fmt: skip  (the same time checks as any block)
        if self.until is not None and self.until < self.first:
            raise ValueError("until is before the first occurrence")

    def in_rule(self, date: pendulum.Date) -> bool:
        """Is ``date`` one of the rule's dates (exceptions aside)? O(1)."""
        if date < self.first or (self.until is not None and date > self.until):
            return False
        return self.repeat.matches(date, self.first)

    def occurs_on(self, date: pendulum.Date) -> bool:
        """Does the routine make a block on ``date``: a rule date neither skipped nor
        edited by hand? O(1)."""
        key = date.to_date_string()
        return key not in self.skipped and key not in self.edited and self.in_rule(date)

    def occurrence(self, date: pendulum.Date) -> Block:
        return Block(
            id=occurrence_id(self.id, date), date=date, start=self.start, end=self.end,
            title=self.title, sphere=self.sphere, flexible=self.flexible,
            created=self.created, updated=self.updated,
        )  # fmt: skip

    def dates(self, first: pendulum.Date, last: pendulum.Date) -> list[pendulum.Date]:
        """The dates it makes a block on from ``first`` to ``last`` (each checked
        directly: the cost is the range asked about, never the routine's age)."""
        excepted = self.skipped | self.edited
        return [d for d in self.rule_dates(first, last) if d.to_date_string() not in excepted]

    def rule_dates(self, first: pendulum.Date, last: pendulum.Date) -> list[pendulum.Date]:
        """The rule's dates from ``first`` to ``last``, exceptions aside."""
        first = max(first, self.first)
        if self.until is not None:
            last = min(last, self.until)
        found = []
        date = first
        while date <= last:
            if self.repeat.matches(date, self.first):
                found.append(date)
            date = date.add(days=1)
        return found

    @property
    def span(self) -> str:
        return f"{fmt_minutes(self.start)}-{fmt_minutes(self.end)}"

    def changed(self, now: pendulum.DateTime, **changes: Any) -> Routine:
        if "title" in changes:
            changes["title"] = clean_title(changes["title"])
        return replace(self, updated=stamp(now), **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "title": self.title,
            "start": fmt_minutes(self.start),
            "end": fmt_minutes(self.end),
            "sphere": self.sphere.value,
            "flexible": self.flexible,
            "rrule": self.rrule,
            "every": self.every,
            "first": self.first.to_date_string(),
            "until": None if self.until is None else self.until.to_date_string(),
            "modes": list(self.modes),
            "skipped": sorted(self.skipped),
            "edited": sorted(self.edited),
            "removed": self.removed,
            "created": self.created,
            "updated": self.updated,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Routine:
        """A stored routine, every field's type checked (:mod:`flowday.domain.records`)."""
        fields = Fields(data)
        return cls(
            id=fields.text("id", empty=False),
            text=fields.text("text", ""),
            title=fields.text("title"),
            start=fields.clock("start"),
            end=fields.clock("end", end=True),
            sphere=fields.choice("sphere", Sphere),
            flexible=fields.flag("flexible", False),
            rrule=fields.text("rrule"),
            every=fields.text("every", ""),
            first=fields.date("first"),
            until=fields.optional_date("until"),
            modes=fields.texts("modes"),
            skipped=_iso_dates(fields, "skipped"),
            edited=_iso_dates(fields, "edited"),
            removed=fields.flag("removed", False),
            created=fields.text("created", ""),
            updated=fields.text("updated", ""),
        )


def _iso_dates(fields: Fields, field: str) -> frozenset[str]:
    """Stored exception dates, checked by shape in one pass of a regular expression (not a
    calendar parse each: ten years of them cost next to nothing to read)."""
    dates = fields.texts(field)
    if dates and not _ISO_DATES.fullmatch(",".join(dates)):
        raise RecordError(f"field {field!r} must be a list of YYYY-MM-DD dates")
    return frozenset(dates)
