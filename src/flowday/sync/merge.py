"""The three-way merge, field by field, against the copy both sides last agreed on.

A field changed on one side takes that side's value; changed on both sides to the same
value, it agrees; changed on both to different values, it is a conflict: never resolved
here, never by time stamps. (The planner's undo merges the same way: application/history.)
"""

from __future__ import annotations

from flowday.domain.frozen import Record, define, field
from flowday.sync.state import Fields


@define(frozen=False)
class Merged(Record):
    fields: Fields  # the merged value: a conflicting field keeps the local value
    conflicts: dict[str, tuple[str, str]] = field(default_factory=dict)  # (local, server)

    @property
    def clean(self) -> bool:
        return not self.conflicts


SET_FIELDS = frozenset({"exceptions"})  # comma-separated sets: merged item by item
# a day's history (sync/days.py): one record a line, merged line by line
LINE_SET_FIELDS = frozenset({"crossings", "switches", "intrusions"})
# when a reflection was answered, and the day's figures then: stamps, not answers; both
# follow the newer answer instead of asking a person about a time stamp
STAMP, WITH_STAMP = "at", ("at", "figures")


def _merged_set(base: str, mine: str, theirs: str, separator: str = ",") -> str:
    """A routine's exception dates: each side's additions and removals both kept (a date
    skipped here and another moved there are two changes, not a conflict)."""
    was, here, there = (set(filter(None, v.split(separator))) for v in (base, mine, theirs))
    kept = (was | (here - was) | (there - was)) - (was - here) - (was - there)
    return separator.join(sorted(kept))


def merge(base: Fields | None, local: Fields, remote: Fields) -> Merged:
    """``local`` and ``remote`` merged against ``base`` (None: never synced, so every
    difference between the two sides is a conflict)."""
    merged: Fields = {}
    conflicts: dict[str, tuple[str, str]] = {}
    for name in sorted(local.keys() | remote.keys()):
        mine, theirs = local.get(name, ""), remote.get(name, "")
        if mine == theirs:
            merged[name] = mine
            continue
        was = None if base is None else base.get(name, "")
        if name in SET_FIELDS:
            merged[name] = _merged_set(was or "", mine, theirs)
            continue
        if name in LINE_SET_FIELDS:
            merged[name] = _merged_set(was or "", mine, theirs, "\n")
            continue
        if was == mine:
            merged[name] = theirs
        elif was == theirs:
            merged[name] = mine
        else:
            merged[name] = mine
            conflicts[name] = (mine, theirs)
    for name in [n for n, value in merged.items() if value == "" and n not in local]:
        del merged[name]  # empty and not a field here: left out, as here (day.intrusions)
    if STAMP in conflicts:
        newer = 0 if conflicts[STAMP][0] >= conflicts[STAMP][1] else 1
        for name in WITH_STAMP:
            if name in conflicts:
                merged[name] = conflicts.pop(name)[newer]
    return Merged(merged, conflicts)
