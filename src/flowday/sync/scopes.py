"""What one collection holds, and how the records of a day it brings are applied here.

- :data:`PLAN`: the plan's collection (``[sync] calendar``): blocks, routines, inbox tasks
  and each day's settings and history (:mod:`.days`). It may be shared with others.
- :data:`REFLECTIONS`: the reflections' own collection (``[sync] reflections_calendar``):
  personal, so never the plan's (:mod:`.reflections`).

Each scope keeps its own record of what the last sync saw (its state's name in
``sync.json``). An object of a kind the scope does not hold (a reflection found in the
plan's collection, an event in the reflections') is remembered, never applied or pushed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import pendulum

from flowday.domain.frozen import Record, define, field
from flowday.domain.model import Crossing, Day
from flowday.store import Store, Transaction
from flowday.sync import days, reflections
from flowday.sync.items import Local, local_items
from flowday.sync.journal_items import date_of_uid
from flowday.sync.state import Fields, SyncState


@define
class Scope(Record):
    name: str  # the state's name in sync.json ("": the plan's collection)
    kinds: frozenset[str]  # the "kind" fields it holds ("block" for blocks, no kind field)
    # what this device holds, by UID; the months given (``YYYY-MM``; None: all) only
    items: Callable[[Store, Collection[str] | None], dict[str, Local]]

    def holds(self, fields: Fields | None) -> bool:
        return fields is not None and fields.get("kind", "block") in self.kinds


def _plan_items(store: Store, months: Collection[str] | None = None) -> dict[str, Local]:
    return {**local_items(store, months), **days.day_items(store, months)}


def _reflection_items(store: Store, months: Collection[str] | None = None) -> dict[str, Local]:
    return dict(reflections.reflection_items(store, months))


JOURNAL_KINDS = frozenset({days.KIND, reflections.KIND})  # the kinds kept as VJOURNALs
PLAN = Scope("", frozenset({"block", "routine", "task", days.KIND}), _plan_items)
REFLECTIONS = Scope("reflections", frozenset({reflections.KIND}), _reflection_items)


@define(frozen=False)
class DayChanges(Record):
    """The day records a sync applies here, worked out before its transaction."""

    modes: set[str]  # this device's modes: a day in another is left alone
    settings: dict[pendulum.Date, Fields] = field(default_factory=dict)  # days.KIND
    cleared: set[pendulum.Date] = field(default_factory=set)  # a day journal deleted there
    reflections: dict[pendulum.Date, Fields | None] = field(default_factory=dict)  # None: gone
    recorded: dict[pendulum.Date, tuple[Crossing, ...]] = field(default_factory=dict)

    @property
    def dates(self) -> set[pendulum.Date]:
        """The days whose settings change: judged with their blocks."""
        return set(self.settings) | self.cleared

    def take(self, uid: str, fields: Fields | None, local: Local | None) -> bool:
        """Keep a day record's change (``fields`` None: deleted there); False when ``uid``
        is no day record (a block, routine or task)."""
        kind = fields.get("kind") if fields is not None else None
        if kind == days.KIND or (fields is None and isinstance(local, days.DayItem)):
            date = date_of_uid(uid, days.PREFIX)
            if date is None:
                return False
            if fields is None:
                self.cleared.add(date)
            else:
                days.day_with(Day(date=date), fields, self.modes)  # InputError: left alone
                self.settings[date] = fields
            return True
        if kind == reflections.KIND or (
            fields is None and isinstance(local, reflections.ReflectionItem)
        ):
            date = date_of_uid(uid, reflections.PREFIX)
            if date is None:
                return False
            if fields is not None:
                reflections.day_with_reflection(Day(date=date), fields)  # InputError: left alone
            self.reflections[date] = fields
            return True
        return False

    def apply(self, txn: Transaction) -> None:
        """Inside the judge's ``apply``: the days' settings and history, and reflections."""
        for date, fields in self.settings.items():
            day = days.day_with(txn.day(date), fields, self.modes)
            self.recorded[date] = day.crossings
            txn.put_day(day)
        for date in self.cleared:
            day = days.settings_cleared(txn.day(date))
            self.recorded[date] = day.crossings
            txn.put_day(day)
        for date, maybe in self.reflections.items():
            current = txn.day(date)
            if maybe is None:
                txn.put_day(reflections.without_reflection(current))
            else:
                txn.put_day(reflections.day_with_reflection(current, maybe))

    def settle(self, txn: Transaction) -> None:
        """After the judge: a crossing it recorded here that the arriving day holds already
        (recorded on the device where it happened) is not recorded twice."""
        for date, recorded in self.recorded.items():
            day = txn.day(date)
            kept = days.without_repeated_crossings(day, recorded)
            if kept != day:
                txn.put_day(kept)


def unsent_days(txn: Transaction, dates: set[pendulum.Date], state: SyncState) -> list[str]:
    """The day records among ``dates`` that differ from what the server last agreed on
    after the judge recorded crossings here: the same sync sends them (one more round)."""
    unsent = []
    for date in sorted(dates):
        uid = days.day_uid(date)
        day = txn.day(date)
        mine = days.day_fields(day) if days.is_synced(day) else None
        agreed = state.items.get(uid)
        if uid not in state.conflicts and mine != (agreed.fields if agreed else None):
            unsent.append(uid)
    return unsent
