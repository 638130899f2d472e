"""Typed reads of stored records: each field's JSON type is checked and never converted.

Data files can be edited by hand or synced from elsewhere, so a value of the wrong type is
damage, not something to coerce: ``"flexible": "false"`` read with ``bool()`` is true (an
appointment the scheduler may move), ``str(42)`` turns a number into a title, ``str(None)``
an id into "None", ``tuple("notes")`` a text into letters. The model's ``from_dict`` methods
read every field through :class:`Fields`; a wrong one raises :class:`RecordError` naming
the field (``crossings[0].rule``), which the store turns into a one-line refusal naming the
file."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from itertools import repeat
from typing import Any, TypeVar, cast

import pendulum

from flowday.domain.errors import InputError
from flowday.domain.wallclock import parse_clock, parse_iso_date

E = TypeVar("E", bound=Enum)
_REQUIRED: Any = object()  # a field with no default: it must be there


class RecordError(ValueError):
    """A stored record with a field of the wrong type or value (the message names it)."""


def described(value: Any) -> str:
    """A JSON value in words, for a message (bounded: the value may be huge or hostile)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value[:40]!r}" + ("..." if len(value) > 40 else "")
    if isinstance(value, int | float):
        return f"the number {str(value)[:40]}"
    return "a list" if isinstance(value, list) else "an object"


class Fields:
    """One stored record's fields, read by type. ``where`` prefixes field names in messages
    (``crossings[0]``) for records inside records."""

    def __init__(self, data: Any, where: str = "") -> None:
        if not isinstance(data, Mapping):
            raise RecordError(f"{where or 'record'} must be an object, not {described(data)}")
        self.data = data
        self.where = where

    def name(self, field: str) -> str:
        return f"{self.where}.{field}" if self.where else field

    def _get(self, field: str, default: Any) -> Any:
        value = self.data.get(field, default)
        if value is _REQUIRED:
            raise RecordError(f"field {self.name(field)!r} is missing")
        return value

    def wrong(self, field: str, expected: str, value: Any) -> RecordError:
        return RecordError(f"field {self.name(field)!r} must be {expected}, not {described(value)}")

    def text(self, field: str, default: Any = _REQUIRED, *, empty: bool = True) -> str:
        value = self.data.get(field, default)  # _get inlined: a month's read calls this 4500 times
        if not isinstance(value, str) or (not empty and not value):
            if value is _REQUIRED:
                raise RecordError(f"field {self.name(field)!r} is missing")
            raise self.wrong(field, "text" if empty else "non-empty text", value)
        return value

    def choice(self, field: str, choices: type[E], default: Any = _REQUIRED) -> E:
        """One of an enumeration's values (``"work"`` for ``Sphere.WORK``); absent:
        ``default`` (itself a member) when given."""
        if default is not _REQUIRED and field not in self.data:
            return cast(E, default)
        value = self.text(field)
        try:
            return choices(value)
        except ValueError:
            names = ", ".join(str(c.value) for c in choices)
            raise self.wrong(field, f"one of {names}", value) from None

    def optional_text(self, field: str) -> str | None:
        """Text or null (absent: null)."""
        value = self._get(field, None)
        if value is not None and not isinstance(value, str):
            raise self.wrong(field, "text or null", value)
        return value

    def flag(self, field: str, default: Any = _REQUIRED) -> bool:
        value = self._get(field, default)
        if not isinstance(value, bool):
            raise self.wrong(field, "true or false", value)
        return value

    def whole(self, field: str, default: Any = _REQUIRED) -> int:
        value = self._get(field, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.wrong(field, "a whole number", value)
        return value

    def date(self, field: str, default: Any = _REQUIRED) -> pendulum.Date:
        value = self.text(field, default)
        try:
            return parse_iso_date(value)
        except InputError as exc:
            raise self.unreadable(field, exc) from None

    def optional_date(self, field: str) -> pendulum.Date | None:
        return None if self.optional_text(field) is None else self.date(field)

    def clock(self, field: str, *, end: bool = False) -> int:
        value = self.text(field)
        try:
            return parse_clock(value, allow_midnight_end=end)
        except InputError as exc:
            raise self.unreadable(field, exc) from None

    def optional_clock(self, field: str, *, end: bool = False) -> int | None:
        return None if self.optional_text(field) is None else self.clock(field, end=end)

    def texts(self, field: str) -> tuple[str, ...]:
        """A list of texts (absent: none)."""
        values = self._get(field, [])
        # map, not a generator: a routine's years of exception dates are checked 3x faster
        if not isinstance(values, list) or not all(map(isinstance, values, repeat(str))):
            raise self.wrong(field, "a list of texts", values)
        return tuple(values)

    def records(self, field: str) -> list[Fields]:
        """A list of objects (absent: none), each read as :class:`Fields` of its own."""
        values = self._get(field, [])
        if not isinstance(values, list):
            raise self.wrong(field, "a list of objects", values)
        return [Fields(value, f"{self.name(field)}[{i}]") for i, value in enumerate(values)]

    def record(self, field: str) -> Fields | None:
        """An object or null (absent: null)."""
        value = self._get(field, None)
        return None if value is None else Fields(value, self.name(field))

    def counts(self, field: str) -> dict[str, int]:
        """An object of whole numbers (absent or null: empty)."""
        value = self._get(field, None)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.wrong(field, "an object of whole numbers", value)
        inner = Fields(value, self.name(field))
        return {key: inner.whole(key) for key in value}

    def unreadable(self, field: str, problem: Exception) -> RecordError:
        return RecordError(f"field {self.name(field)!r}: {problem}")
