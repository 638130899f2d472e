"""Repeat rules: what people say (``weekdays``, ``2 weeks on tue``, ``month on last fri``)
as a small subset of RFC 5545 RRULE, and whether a date belongs to one.

Membership is computed directly from the date (:meth:`Repeat.matches`: a few integer
operations), never by walking the rule from its start: a routine begun ten years ago
costs the same to ask about today as one begun yesterday. The RRULE text is what is
stored and exported; :meth:`Repeat.from_rrule` reads back only the shapes
:func:`parse_every` writes, so a stored rule is always one this module can answer for.
"""

from __future__ import annotations

import calendar
import functools
import re

import pendulum

from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define

DAILY, WEEKLY, MONTHLY = "DAILY", "WEEKLY", "MONTHLY"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545 weekday codes, Monday first
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
             "fourth": 4, "4th": 4, "last": -1}  # fmt: skip
MAX_INTERVAL = 52  # every 52 weeks / months / days at most: beyond that it is a date, not a habit
EXAMPLES = "day, weekdays, weekends, mon,wed,fri, 2 weeks on tue, month on 1, month on last fri"
SHORT_EXAMPLES = "day, weekdays, mon,wed,fri, 2 weeks on tue, month on last fri"  # fits 80 columns
_EVERY = re.compile(r"^(?:(\d+)\s+)?(day|days|week|weeks|month|months)(?:\s+on\s+(.+))?$")


@define(slots=True)
class Repeat(Record):
    """One repeat rule. ``weekdays`` (0 = Monday) are a weekly rule's days or a monthly
    rule's weekday (with ``nth``: 1-4, or -1 for the last); ``monthday`` a monthly rule's
    day of the month (months without that day are skipped, as RFC 5545 says)."""

    freq: str
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    monthday: int | None = None
    nth: int | None = None

    def rrule(self) -> str:
        """The RRULE value (without UNTIL: the routine keeps its end date apart)."""
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.monthday is not None:
            parts.append(f"BYMONTHDAY={self.monthday}")
        elif self.weekdays:
            prefix = "" if self.nth is None else str(self.nth)
            parts.append("BYDAY=" + ",".join(prefix + BYDAY[d] for d in self.weekdays))
        if self.freq == WEEKLY:
            parts.append("WKST=MO")  # weeks counted from Monday, whatever the reader's default
        return ";".join(parts)

    @classmethod
    def from_rrule(cls, text: str) -> Repeat:
        """The rule a stored RRULE names; ``ValueError`` for anything :func:`parse_every`
        would not have written. Remembered: routines share a few rules, and each read of
        the routines file parses every one."""
        return _stored_rule(text)

    @classmethod
    def _from_rrule(cls, text: str) -> Repeat:
        fields: dict[str, str] = {}
        for part in text.split(";"):
            name, _, value = part.partition("=")
            if not value or name in fields:
                raise ValueError(f"malformed RRULE {text!r}")
            fields[name] = value
        freq = fields.pop("FREQ", "")
        interval = int(fields.pop("INTERVAL", "1"))
        wkst = fields.pop("WKST", None)
        monthday = fields.pop("BYMONTHDAY", None)
        byday = fields.pop("BYDAY", None)
        if fields or freq not in (DAILY, WEEKLY, MONTHLY) or not 1 <= interval <= MAX_INTERVAL:
            raise ValueError(f"unsupported RRULE {text!r}")
        if wkst not in ((None,) if freq != WEEKLY else ("MO",)):
            raise ValueError(f"unsupported RRULE {text!r}")
        weekdays: list[int] = []
        nth: int | None = None
        for code in (byday or "").split(",") if byday else ():
            match = re.fullmatch(r"(-1|[1-4])?(MO|TU|WE|TH|FR|SA|SU)", code)
            if not match:
                raise ValueError(f"unsupported RRULE {text!r}")
            if match[1]:
                nth = int(match[1])
            weekdays.append(BYDAY.index(match[2]))
        day_of_month = None if monthday is None else int(monthday)
        repeat = cls(freq, interval, tuple(weekdays), day_of_month, nth)
        if repeat.rrule() != text or not repeat._well_formed():
            raise ValueError(f"unsupported RRULE {text!r}")
        return repeat

    def _well_formed(self) -> bool:
        ordered = list(self.weekdays) == sorted(set(self.weekdays))
        if self.freq == DAILY:
            return not self.weekdays and self.monthday is None and self.nth is None
        if self.freq == WEEKLY:
            return bool(self.weekdays) and ordered and self.nth is None and self.monthday is None
        if self.monthday is not None:
            return 1 <= self.monthday <= 31 and not self.weekdays and self.nth is None
        return len(self.weekdays) == 1 and self.nth is not None

    def matches(self, date: pendulum.Date, anchor: pendulum.Date) -> bool:
        """Is ``date`` (on or after ``anchor``, the rule's DTSTART) one of its dates? O(1)."""
        if date < anchor:
            return False
        if self.freq == DAILY:
            return (date - anchor).days % self.interval == 0
        if self.freq == WEEKLY:
            if date.weekday() not in self.weekdays:
                return False
            # weeks from Monday to Monday (WKST=MO): counted from the anchor's week
            weeks = ((date - anchor).days + anchor.weekday() - date.weekday()) // 7
            return weeks % self.interval == 0
        months = (date.year - anchor.year) * 12 + date.month - anchor.month
        if months % self.interval:
            return False
        if self.monthday is not None:
            return date.day == self.monthday
        if date.weekday() != self.weekdays[0]:
            return False
        if self.nth == -1:
            return date.day + 7 > calendar.monthrange(date.year, date.month)[1]
        return (date.day - 1) // 7 + 1 == self.nth

    def first_on_or_after(self, start: pendulum.Date) -> pendulum.Date | None:
        """The first date from ``start`` on that the rule names, counting its weeks or months
        from that date (used once, when a routine is made: the stored DTSTART is that date,
        so exporters that count DTSTART as an occurrence agree with it). "Every other
        Monday" made on a Tuesday starts the next Monday, not a fortnight later, as it would
        if its first week were the one holding ``start``. None when none comes within a
        few years."""
        date = start
        for _ in range(366 * 5):
            if self.matches(date, date):
                return date
            date = date.add(days=1)
        return None

    def describe(self) -> str:
        """The rule in words, for listings."""
        every = "" if self.interval == 1 else f"{self.interval} "
        plural = "s" if self.interval != 1 else ""
        if self.freq == DAILY:
            return f"every {every}day{plural}"
        names = [_DAY_NAMES[d][:3] for d in self.weekdays]
        if self.freq == WEEKLY:
            if self.interval == 1 and self.weekdays == (0, 1, 2, 3, 4):
                return "weekdays"
            if self.interval == 1 and self.weekdays == (5, 6):
                return "weekends"
            return f"every {every}week{plural} on {','.join(names)}"
        if self.monthday is not None:
            return f"every {every}month{plural} on {self.monthday}"
        ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}[self.nth or 1]
        return f"every {every}month{plural} on {ordinal} {names[0]}"


def parse_every(spec: str, start: pendulum.Date) -> Repeat:
    """What a person types after ``--every`` → a :class:`Repeat`; ``start`` fills in a day
    left out (``2 weeks`` repeats on ``start``'s weekday, ``month`` on its day). One-line
    :class:`InputError` for anything else."""
    text = _plain(spec)
    if text == "day":
        return Repeat(DAILY)
    if text in ("weekdays", "weekday"):
        return Repeat(WEEKLY, weekdays=(0, 1, 2, 3, 4))
    if text in ("weekends", "weekend"):
        return Repeat(WEEKLY, weekdays=(5, 6))
    match = _EVERY.match(text)
    if match is None:
        return Repeat(WEEKLY, weekdays=_weekdays(text, spec))
    count = int(match[1] or 1)
    unit, on = match[2].rstrip("s"), match[3]
    if not 1 <= count <= MAX_INTERVAL:
        raise InputError(f"repeat every 1-{MAX_INTERVAL} {unit}s, not {count}")
    if unit == "day":
        if on:
            raise InputError(f"'{spec.strip()}': days repeat without 'on' (try '2 days')")
        return Repeat(DAILY, count)
    if unit == "week":
        days = _weekdays(on, spec) if on else (start.weekday(),)
        return Repeat(WEEKLY, count, days)
    if on is None:
        return Repeat(MONTHLY, count, monthday=start.day)
    if on.isdigit():
        if not 1 <= int(on) <= 31:
            raise InputError(f"'{spec.strip()}': a day of the month is 1-31")
        return Repeat(MONTHLY, count, monthday=int(on))
    words = on.split()
    if len(words) == 2 and words[0] in _ORDINALS:
        (day,) = _weekdays(words[1], spec, single=True)
        return Repeat(MONTHLY, count, (day,), nth=_ORDINALS[words[0]])
    raise InputError(
        f"'{spec.strip()}': say 'month on 15', 'month on first mon' or 'month on last fri'"
    )


# the other ways people say a rule, as the words parse_every reads ("every" is dropped)
_SAID = {"daily": "day", "weekly": "week", "monthly": "month", "fortnightly": "2 weeks",
         "biweekly": "2 weeks", "other": "2"}  # fmt: skip
_SAID_TOO = re.compile(r"\b(" + "|".join(_SAID) + r")\b")


def _plain(spec: str) -> str:
    """``Every other Tuesday`` → ``2 week on tuesday``; ``weekly on Mon & Thu`` → ``week
    on mon,thu``; ``mon-fri`` stays for :func:`_weekdays`."""
    text = " ".join(spec.lower().split())
    text = re.sub(r"^every\s+", "", text)
    text = _SAID_TOO.sub(lambda word: _SAID[word[0]], text)
    text = re.sub(r"^2 (?!(?:day|week|month)s?\b)(?=[a-z])", "2 week on ", text)  # other tue
    return re.sub(r"\s*(?:,|&|\+|\band\b)\s*", ",", text)


def _weekdays(text: str, spec: str, *, single: bool = False) -> tuple[int, ...]:
    """``mon,wed``, ``mondays``, ``mon tue``, ``mon-fri`` (a range, wrapping past Sunday)."""
    days: set[int] = set()
    for word in re.split(r"[,\s]+", text.strip(",")):
        first, dash, last = word.partition("-")
        start = _weekday(first, spec)
        if not dash:
            days.add(start)
            continue
        end = _weekday(last, spec)
        days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
    if single and len(days) != 1:
        raise InputError(f"'{spec.strip()}': one weekday, e.g. 'month on last fri'")
    return tuple(sorted(days))


def _weekday(word: str, spec: str) -> int:
    word = word.removesuffix("s") if word.endswith("days") else word  # "tuesdays"
    found = [i for i, name in enumerate(_DAY_NAMES) if len(word) >= 2 and name.startswith(word)]
    if len(found) != 1:
        raise InputError(f"unknown repeat {spec.strip()!r}: say {EXAMPLES}")
    return found[0]


@functools.lru_cache(maxsize=256)
def _stored_rule(text: str) -> Repeat:
    return Repeat._from_rrule(text)  # a frozen record: one object serves every reader
