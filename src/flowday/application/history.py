"""Undo and redo for every change made in the app, mode switches included.

Each entry keeps the stored state of the touched days (and the inbox) before and after
the change, taken with :meth:`Planner.snapshot`; undo and redo revert only what the change
touched (:meth:`Planner.revert`), so what another process wrote meanwhile survives.
No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pendulum

from flowday.application.planner import Planner, Snapshot
from flowday.domain.frozen import Record, define

T = TypeVar("T")
LIMIT = 200


@define
class Entry(Record):
    label: str
    before: Snapshot
    after: Snapshot


class History:
    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.undone: list[Entry] = []
        self.done: list[Entry] = []

    def record(self, label: str, dates: list[pendulum.Date], change: Callable[[], T]) -> T:
        """Run ``change``; if it succeeds, remember how to undo and redo it."""
        unique = list(dict.fromkeys(dates))
        before = self.planner.snapshot(*unique)
        result = change()  # raises → nothing stored, nothing recorded
        self.push(Entry(label, before, self.planner.snapshot(*unique)))
        return result

    def push(self, entry: Entry) -> None:
        """Remember a change made elsewhere (e.g. in a worker that took its own snapshots)."""
        self.done.append(entry)
        del self.done[:-LIMIT]
        self.undone.clear()

    def undo(self) -> str | None:
        if not self.done:
            return None
        entry = self.done[-1]
        self.planner.revert(entry.before, entry.after)  # raises → still there to undo
        self.undone.append(self.done.pop())
        return entry.label

    def redo(self) -> str | None:
        if not self.undone:
            return None
        entry = self.undone[-1]
        self.planner.revert(entry.after, entry.before)  # raises → still there to redo
        self.done.append(self.undone.pop())
        return entry.label
