"""The one function every reader's blocks go through (:meth:`RoutineOccurrences.visible`,
installed in the store by the :class:`~flowday.application.planner.Planner`): the day's
stored blocks plus its routines' occurrences.

Occurrences are made on read, never stored: a day's occurrences cost one O(1) check per
routine (:meth:`flowday.domain.routines.Routine.occurs_on`), whatever the history. An
occurrence edited or moved by hand becomes a stored block with the occurrence's id; a
deleted one is recorded as skipped (both by the store, in the change's transaction). A
routine limited to some modes shows, hand-edited occurrences included, only on days in
those modes: switching a day's mode away and back brings them back as they were.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import pendulum

from flowday.config import Config
from flowday.domain.errors import InputError
from flowday.domain.frozen import replace
from flowday.domain.model import Block, Day, Sphere
from flowday.domain.routines import Routine, occurrence_id
from flowday.domain.timeparse import Zone, check_exists, day_length, instant
from flowday.domain.wallclock import MINUTES_PER_DAY


class RoutineOccurrences:
    """The store's :class:`~flowday.store.Occurrences`: what readers see of routines."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def mode_on(self, date: pendulum.Date, days: Mapping[str, Day]) -> str:
        day = days.get(date.to_date_string())
        return (day.mode if day else None) or self.config.mode_for(date)

    def shown_on(self, routine: Routine, date: pendulum.Date, days: Mapping[str, Day]) -> bool:
        """Is the routine's occurrence (made, or edited by hand) shown on ``date``? Not on a
        day outside its modes; a work routine's not on a day off (a holiday has no standup)."""
        day = days.get(date.to_date_string())
        if routine.sphere is Sphere.WORK and day is not None and day.off:
            return False
        return not routine.modes or self.mode_on(date, days) in routine.modes

    def stored_shown(self, routine: Routine, block: Block, days: Mapping[str, Day]) -> bool:
        """Is an occurrence edited by hand (moved, retimed, marked done) shown? On its own
        date, not outside its routine's modes (switching back brings it back as it was).
        Moved to another date, or on a day off, it is a block someone placed: shown, and
        judged like any other (a day off refuses it unless forced), never silently hidden."""
        if block.id != occurrence_id(routine.id, block.date):
            return True
        return not routine.modes or self.mode_on(block.date, days) in routine.modes

    def visible(
        self,
        first: pendulum.Date,
        last: pendulum.Date,
        stored: list[Block],
        days: Mapping[str, Day],
        routines: Sequence[Routine],
    ) -> list[Block]:
        by_id = {r.id: r for r in routines}
        shown = [
            b
            for b in stored
            if b.routine not in by_id or self.stored_shown(by_id[b.routine], b, days)
        ]
        for routine in routines:
            for date in routine.dates(first, last):
                if self.shown_on(routine, date, days):
                    shown.append(_at_wall_clock(routine.occurrence(date), self.config.timezone))
        return shown


@functools.lru_cache(maxsize=4096)
def _clocks_change(date: pendulum.Date, tz: Zone) -> bool:
    return day_length(date, tz) != MINUTES_PER_DAY


def _at_wall_clock(block: Block, tz: Zone) -> Block:
    """The occurrence at its wall-clock time; on the day the clocks skip that time, moved
    past the gap as RFC 5545 says (interpreted with the offset before the gap)."""
    if not _clocks_change(block.date, tz):
        return block
    try:
        check_exists(block.date, block.start, block.end, tz)
        return block
    except InputError:
        start = rfc_minute(block.date, block.start, tz)
        # a start moved past the gap keeps its length; an end in the gap moves past it
        end = max(rfc_minute(block.date, block.end, tz), start + block.end - block.start)
        return replace(block, start=start, end=min(end, MINUTES_PER_DAY))


def rfc_minute(date: pendulum.Date, minute: int, tz: Zone) -> int:
    """``minute`` on ``date``; a time the clocks skip read with the offset before the gap
    (RFC 5545, as calendars read the exported series: 02:30 → 03:30), not where they land."""
    try:
        instant(date, minute, tz)
        return minute
    except InputError:
        hour, rest = divmod(minute, 60)
        moment = pendulum.datetime(date.year, date.month, date.day, hour, rest, tz=tz)
        return moment.hour * 60 + moment.minute if moment.date() == date else minute
