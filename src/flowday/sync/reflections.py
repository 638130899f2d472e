"""An evening's reflection ↔ one VJOURNAL ``reflection-YYYY-MM-DD@flowday`` in a
collection of its own (``[sync] reflections_calendar``, "flowday-reflections" unless set;
``reflections = false`` keeps them on this device).

Reflections are personal: the plan's collection may be shared (a partner, an assistant,
a team calendar), so answers about stress and meaning never go there. The journal's
DESCRIPTION reads as the answers do in flowday; each answer, the mode the day had and its
figures are X-FLOWDAY-* properties for flowday devices. Merged per answer like any item.
"""

from __future__ import annotations

import json
from collections.abc import Collection

import icalendar
import pendulum

from flowday.domain.errors import InputError
from flowday.domain.frozen import replace
from flowday.domain.model import Day, Reflection
from flowday.domain.records import RecordError
from flowday.store import Store
from flowday.sync.journal_items import (
    JournalItem,
    date_of_uid,
    journal_uid,
    plain,
    stored_days,
    text,
)
from flowday.sync.state import Fields

KIND = "reflection"
PREFIX = "reflection-"
MARK = "X-FLOWDAY-REFLECTION"
ANSWERS = ("present", "stress", "energy", "peace", "meaning", "note")
NAMES = (*ANSWERS, "at", "mode", "figures", "skipped")
OWNED = tuple(f"X-FLOWDAY-{name.upper()}" for name in NAMES)


def reflection_fields(day: Day) -> Fields:
    fields = dict.fromkeys(NAMES, "")
    if day.reflection is not None:
        record = day.reflection.to_dict()
        fields.update({name: str(record.get(name, "")) for name in (*ANSWERS, "at", "mode")})
        fields["figures"] = json.dumps(dict(day.reflection.figures), sort_keys=True)
    fields["skipped"] = "true" if day.reflection_skipped else ""
    return {"kind": KIND, **fields}


class ReflectionItem(JournalItem):
    kind = KIND
    mark = MARK
    owned = OWNED

    @property
    def id(self) -> str:
        return f"{PREFIX}{self.date.to_date_string()}"

    def fields(self) -> Fields:
        return reflection_fields(self.day)

    def properties(self) -> list[tuple[str, str]]:
        fields = self.fields()
        return [(f"X-FLOWDAY-{name.upper()}", fields[name]) for name in NAMES if fields[name]]

    def summary(self) -> str:
        return f"Reflection {self.date.to_date_string()} (flowday)"

    def description(self) -> str:
        reflection = self.day.reflection
        if reflection is None:
            return "Skipped this evening."
        answers = reflection.answers
        lines = [
            f"Present: {answers.present}",
            f"Stress: {answers.stress}",
            f"Energy: {answers.energy}/5, peace: {answers.peace}/5, meaning: {answers.meaning}/5",
        ]
        if reflection.mode:
            lines.append(f"Mode that day: {reflection.mode}")
        if answers.note:
            lines.append(f"Note: {answers.note}")
        return "\n".join(lines)


def reflection_uid(date: pendulum.Date) -> str:
    return journal_uid(PREFIX, date)


def reflection_items(
    store: Store, months: Collection[str] | None = None
) -> dict[str, ReflectionItem]:
    """Every day with a reflection (or one skipped), by its journal's UID (``months``: only
    those of these months)."""
    return {
        reflection_uid(d.date): ReflectionItem(d)
        for d in stored_days(store, months)
        if d.reflection is not None or d.reflection_skipped
    }


def read(journal: icalendar.Component, uid: str) -> Fields | None:
    if date_of_uid(uid, PREFIX) is None:
        return None
    found = {name: text(journal, f"X-FLOWDAY-{name.upper()}") for name in NAMES}
    found["skipped"] = "true" if found["skipped"].lower() == "true" else ""
    return {"kind": KIND, **found}


def is_plain(journal: icalendar.Component) -> bool:
    return plain(journal, OWNED, MARK)


def day_with_reflection(day: Day, fields: Fields) -> Day:
    """``day`` with the reflection ``fields`` hold (InputError: answers out of range)."""
    if not fields.get("present"):
        return replace(day, reflection=None, reflection_skipped=fields.get("skipped") == "true")
    try:
        record = {name: fields.get(name, "") for name in (*ANSWERS, "at", "mode")}
        for rating in ("energy", "peace", "meaning"):
            record[rating] = int(record[rating])  # type: ignore[assignment]
        reflection = Reflection.from_dict(
            {**record, "figures": json.loads(fields["figures"] or "{}")}
        )
    except (RecordError, InputError, ValueError, TypeError, KeyError) as exc:
        raise InputError(f"the reflection cannot be read ({exc})") from None
    return replace(day, reflection=reflection, reflection_skipped=fields.get("skipped") == "true")


def without_reflection(day: Day) -> Day:
    return replace(day, reflection=None, reflection_skipped=False)
