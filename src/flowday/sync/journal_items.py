"""Records of a day (its settings and history, its reflection) ↔ VJOURNAL objects.

Why a VJOURNAL: it is a calendar object every CalDAV server stores (Radicale, Xandikos,
Nextcloud) and that calendar views do not draw: Thunderbird, Apple Calendar and Nextcloud's
calendar leave it out, journal apps (jtx Board through DAVx5) list it as a dated note. An
all-day event per day would put a "deep work day" bar over every day in everyone's week.
Each journal is dated (DTSTART;VALUE=DATE), says what it holds in SUMMARY and DESCRIPTION
for people, and carries the values flowday devices read as X-FLOWDAY-* properties.

A journal flowday wrote is merged like an event: what flowday writes is replaced, what
other apps added (their X- properties, CATEGORIES, attachments) is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable

import icalendar
import pendulum

from flowday.calendars.exporting import new_calendar
from flowday.calendars.reading import parse_calendar
from flowday.calendars.values import to_utc, uid_of, values
from flowday.domain.errors import InputError
from flowday.domain.model import Day
from flowday.domain.wallclock import parse_iso_date
from flowday.store import Store
from flowday.sync.state import Fields

COMMON_OWNED = ("DTSTART", "DTSTAMP", "SUMMARY", "DESCRIPTION", "LAST-MODIFIED")


class JournalItem(ABC):
    """One record of the plan kept as one VJOURNAL (a day's settings, a reflection)."""

    kind: str  # the "kind" field: which reader makes the record from the journal
    mark: str  # the X- property naming the date: every journal of this kind carries it
    owned: tuple[str, ...]  # the X- properties flowday writes (others' are kept)

    def __init__(self, day: Day) -> None:
        self.day = day
        self.date = day.date

    @property
    def id(self) -> str:
        """What a person names it by in ``flowday sync --resolve``."""
        return self.date.to_date_string()

    @abstractmethod
    def fields(self) -> Fields: ...

    @abstractmethod
    def properties(self) -> list[tuple[str, str]]:
        """The X-FLOWDAY-* values (a name may repeat), without the mark."""

    @abstractmethod
    def summary(self) -> str: ...

    @abstractmethod
    def description(self) -> str: ...

    def text(self, uid: str, prior: str, now: pendulum.DateTime) -> str:
        """The journal as the server should hold it, merged into ``prior`` (its last text
        from the server, "" for a new one)."""
        fresh = icalendar.Journal()
        fresh.add("UID", uid)
        fresh.add("DTSTAMP", to_utc(now))
        fresh.add("DTSTART", dt.date(self.date.year, self.date.month, self.date.day))
        fresh.add("SUMMARY", self.summary())
        fresh.add("DESCRIPTION", self.description())
        fresh.add(self.mark, self.date.to_date_string())
        for name, text in self.properties():
            fresh.add(name, icalendar.vText(text))
        calendar = parse_calendar(prior.encode("utf-8"), uid) if prior else new_calendar()
        journal = next((j for j in calendar.walk("VJOURNAL") if uid_of(j) == uid), None)
        if journal is None:
            calendar.add_component(fresh)
        else:
            for name in (*COMMON_OWNED, self.mark, *self.owned):
                while name in journal:
                    del journal[name]
            for key, value in fresh.property_items(recursive=False):
                if key not in ("BEGIN", "END", "UID"):
                    journal.add(str(key), value, encode=False)
        return str(calendar.to_ical().decode("utf-8"))


def journal_uid(prefix: str, date: pendulum.Date) -> str:
    return f"{prefix}{date.to_date_string()}@flowday"


def date_of_uid(uid: str, prefix: str) -> pendulum.Date | None:
    """The date in ``<prefix>YYYY-MM-DD@flowday`` (None: not one of these)."""
    if not (uid.startswith(prefix) and uid.endswith("@flowday")):
        return None
    try:
        return parse_iso_date(uid[len(prefix) : -len("@flowday")])
    except (InputError, ValueError):
        return None


# X-FLOWDAY-* values are written as escaped TEXT (RFC 5545 3.3.11): a server may cut an X-
# value at a bare comma (Radicale keeps "balance" of "balance,integration")
_ESCAPE = re.compile(r"\\([\\,;nN])")


def unescaped(value: str) -> str:
    """An X- property's TEXT escapes undone (\\, \\; \\\\ \\n), which icalendar leaves in
    the values of properties it does not know."""
    return _ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], value)


def texts(journal: icalendar.Component, name: str) -> list[str]:
    """Every value of a (repeatable) X-FLOWDAY-* property, in order, as flowday wrote it."""
    return [unescaped(str(v)).strip() for v in values(journal, name)]


def text(journal: icalendar.Component, name: str) -> str:
    """The first value of an X-FLOWDAY-* property ("" when absent)."""
    return (texts(journal, name) or [""])[0]


def plain(journal: icalendar.Component, owned: Iterable[str], mark: str) -> bool:
    """It holds nothing flowday does not write: its text need not be kept."""
    written = {*COMMON_OWNED, *owned, mark, "UID"}
    return not journal.subcomponents and set(journal) <= written


def month_bounds(key: str) -> tuple[pendulum.Date, pendulum.Date]:
    """The first and last day of the month ``YYYY-MM``."""
    first = pendulum.date(int(key[:4]), int(key[5:7]), 1)
    return first, first.end_of("month")


def stored_days(store: Store, months: Collection[str] | None = None) -> list[Day]:
    """Every day record the data folder holds (``months``: only those of these months,
    ``YYYY-MM``)."""
    if months is not None:
        spans = [month_bounds(key) for key in sorted(months)]
        return [day for span in spans for day in store.days_between(*span).values()]
    first, last = store.first_month(), store.last_month()
    if first is None or last is None:
        return []
    return list(store.days_between(first, last.end_of("month")).values())
