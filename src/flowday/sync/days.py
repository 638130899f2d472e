"""A day's settings and history ↔ one VJOURNAL ``day-YYYY-MM-DD@flowday`` in the plan's
collection (why a journal: :mod:`.journal_items`).

Synced per day: the mode (``""``: the weekly mode map decides), the work window moved by
``flowday hours`` (``""``: the configured hours), a day off and its note, the crossings (the
hard rules crossed that day), the mode switches and the intrusions logged by hand
(``flowday intrusion``; one an import records with a block, each device records itself).
The last three are history: merged item by item (each side's new entries kept, never a
conflict), and never removed by a deletion on the server — a journal deleted elsewhere
puts the day back to the configured mode and hours, its history stays (and goes up
again). A day with none of these is no journal, but one emptied here after it was synced
(a switch or a crossing undone, the mode set back) keeps its journal, empty
(:func:`emptied`): a deletion would leave the other devices' history as it was.

Applied through the planner's judge like everything a sync brings (the day's blocks judged
under its old and its new settings; never refused; what newly breaks is recorded). A
crossing the judge records here for a block that arrived with its crossing already
recorded on the other device is that same crossing, not a second one.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import icalendar
import pendulum

from flowday.domain.errors import InputError
from flowday.domain.frozen import replace
from flowday.domain.model import MANUAL, Crossing, Day, Intrusion
from flowday.domain.records import RecordError
from flowday.domain.wallclock import fmt_minutes, parse_clock
from flowday.store import Store
from flowday.sync.journal_items import (
    JournalItem,
    date_of_uid,
    journal_uid,
    plain,
    stored_days,
    texts,
)
from flowday.sync.state import Fields

KIND = "day"
PREFIX = "day-"
MARK = "X-FLOWDAY-DAY"
OWNED = ("X-FLOWDAY-MODE", "X-FLOWDAY-WORK", "X-FLOWDAY-OFF", "X-FLOWDAY-OFF-NOTE",
         "X-FLOWDAY-CROSSING", "X-FLOWDAY-SWITCH", "X-FLOWDAY-INTRUSION")  # fmt: skip
SETTINGS = ("mode", "work", "off", "off_note")  # what a deletion elsewhere puts back
HISTORY = ("crossings", "switches", "intrusions")  # one JSON record a line, merged by line
# (``intrusions`` is in a day's fields only when it has some: the days synced before it
# was kept their fields, and no journal goes up again for it)


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def day_fields(day: Day) -> Fields:
    work = ""
    if day.work_start is not None and day.work_end is not None:
        work = f"{fmt_minutes(day.work_start)}-{fmt_minutes(day.work_end)}"
    return {
        "kind": KIND,
        "mode": day.mode or "",
        "work": work,
        "off": "true" if day.off else "",
        "off_note": day.off_note if day.off else "",
        "crossings": "\n".join(sorted({_line(c.to_dict()) for c in day.crossings})),
        "switches": "\n".join(sorted({_line(s.to_dict()) for s in day.mode_switches})),
        **_intrusions("\n".join(sorted({_line(i.to_dict()) for i in _logged(day)}))),
    }


def _intrusions(lines: str) -> Fields:
    return {"intrusions": lines} if lines else {}


def _logged(day: Day) -> list[Intrusion]:
    """The intrusions logged by hand: those an import or a sync recorded with a block are
    recorded by each device as the block arrives, so they stay on each."""
    return [i for i in day.intrusions if i.source == MANUAL]


class DayItem(JournalItem):
    kind = KIND
    mark = MARK
    owned = OWNED

    def fields(self) -> Fields:
        return day_fields(self.day)

    def properties(self) -> list[tuple[str, str]]:
        fields = self.fields()
        found = [
            ("X-FLOWDAY-MODE", fields["mode"]),
            ("X-FLOWDAY-WORK", fields["work"]),
            ("X-FLOWDAY-OFF", "TRUE" if fields["off"] else "FALSE"),
            ("X-FLOWDAY-OFF-NOTE", fields["off_note"]),
        ]
        for name, field in (("X-FLOWDAY-CROSSING", "crossings"), ("X-FLOWDAY-SWITCH", "switches"),
                            ("X-FLOWDAY-INTRUSION", "intrusions")):  # fmt: skip
            found += [(name, line) for line in fields.get(field, "").splitlines()]
        return [(name, value) for name, value in found if value]

    def summary(self) -> str:
        if self.day.off:
            return f"Day off{': ' + self.day.off_note if self.day.off_note else ''} (flowday)"
        return f"{self.day.mode or 'Usual'} day (flowday)"

    def description(self) -> str:
        fields = self.fields()
        lines = [f"Mode: {fields['mode'] or 'as the week says'}"]
        if fields["work"]:
            lines.append(f"Work hours: {fields['work']}")
        if self.day.off:
            lines.append(f"Day off{': ' + self.day.off_note if self.day.off_note else ''}")
        lines += [f"Crossed {c.rule}: {c.message}".rstrip(": ") for c in self.day.crossings]
        lines += [
            f"Mode switched from {s.from_mode} to {s.to_mode}" for s in self.day.mode_switches
        ]
        lines += [f"Intrusion, {i.direction.replace('-', ' ')}{': ' + i.note if i.note else ''}"
                  for i in _logged(self.day)]  # fmt: skip
        return "\n".join(lines)


def is_synced(day: Day) -> bool:
    fields = day_fields(day)
    return any(fields.get(name) for name in (*SETTINGS, *HISTORY))


def day_uid(date: pendulum.Date) -> str:
    return journal_uid(PREFIX, date)


def emptied(uid: str) -> DayItem | None:
    """What a day journal ``uid`` the server holds stands for here when the day holds
    nothing synced any more: its empty day, sent as a change rather than a deletion (see
    the module doc); None for any other UID."""
    date = date_of_uid(uid, PREFIX)
    return None if date is None else DayItem(Day(date=date))


def day_items(store: Store, months: Collection[str] | None = None) -> dict[str, DayItem]:
    """Every stored day that holds something synced, by its journal's UID (``months``:
    only those of these months)."""
    return {day_uid(d.date): DayItem(d) for d in stored_days(store, months) if is_synced(d)}


def read(journal: icalendar.Component, uid: str) -> Fields | None:
    """A day's fields from a journal flowday wrote (None: not a day journal)."""
    if date_of_uid(uid, PREFIX) is None:
        return None
    first = {name: (texts(journal, name) or [""])[0].strip() for name in OWNED}
    return {
        "kind": KIND,
        "mode": first["X-FLOWDAY-MODE"],
        "work": first["X-FLOWDAY-WORK"],
        "off": "true" if first["X-FLOWDAY-OFF"].upper() == "TRUE" else "",
        "off_note": first["X-FLOWDAY-OFF-NOTE"] if first["X-FLOWDAY-OFF"].upper() == "TRUE" else "",
        "crossings": _history(journal, "X-FLOWDAY-CROSSING"),
        "switches": _history(journal, "X-FLOWDAY-SWITCH"),
        **_intrusions(_history(journal, "X-FLOWDAY-INTRUSION")),
    }


def _history(journal: icalendar.Component, name: str) -> str:
    return "\n".join(sorted(set(texts(journal, name)) - {""}))


def is_plain(journal: icalendar.Component) -> bool:
    return plain(journal, OWNED, MARK)


def day_with(day: Day, fields: Fields, modes: set[str]) -> Day:
    """``day`` with the synced ``fields`` (InputError: they make no day here, e.g. a mode
    this device's config does not have)."""
    mode = fields.get("mode", "") or None
    if mode is not None and mode not in modes:
        raise InputError(f"mode {mode!r} is not one of this device's modes ({', '.join(modes)})")
    work_start = work_end = None
    if fields.get("work"):
        start, _, end = fields["work"].partition("-")
        work_start, work_end = parse_clock(start), parse_clock(end, allow_midnight_end=True)
        if work_start >= work_end:
            raise InputError(f"the work window {fields['work']} is not a time range")
    try:
        history = Day.from_dict({
            "date": day.date.to_date_string(),
            "crossings": [json.loads(x) for x in fields.get("crossings", "").splitlines()],
            "mode_switches": [json.loads(x) for x in fields.get("switches", "").splitlines()],
            "intrusions": [json.loads(x) for x in fields.get("intrusions", "").splitlines()],
        })  # fmt: skip
    except (RecordError, ValueError, TypeError) as exc:
        raise InputError(f"the day's history cannot be read ({exc})") from None
    off = fields.get("off") == "true"
    return replace(
        day,
        mode=mode,
        work_start=work_start,
        work_end=work_end,
        off=off if off or day.off is not None else None,
        off_note=fields.get("off_note", "") if off else "",
        crossings=tuple(sorted(history.crossings, key=lambda c: c.at)),
        mode_switches=tuple(sorted(history.mode_switches, key=lambda s: s.at)),
        intrusions=tuple(
            sorted(
                [*history.intrusions, *(i for i in day.intrusions if i.source != MANUAL)],
                key=lambda i: (i.logged, i.at or 0),
            )
        ),
    )


def settings_cleared(day: Day) -> Day:
    """A day journal deleted on the server: the configured mode and hours back, no day
    off; its history stays."""
    return replace(day, mode=None, work_start=None, work_end=None,
                   off=False if day.off is not None else None, off_note="")  # fmt: skip


def without_repeated_crossings(day: Day, recorded: tuple[Crossing, ...]) -> Day:
    """``day`` without the crossings the sync's judge added (those after ``recorded``, the
    day's crossings before it) that the day holds already: the same rule crossed by the
    same block, recorded on the device where it happened."""
    added = day.crossings[len(recorded) :] if day.crossings[: len(recorded)] == recorded else ()
    if not added:
        return day
    known = {(c.rule, c.block, c.kind) for c in recorded}
    fresh = tuple(c for c in added if (c.rule, c.block, c.kind) not in known)
    return replace(day, crossings=(*recorded, *fresh))
