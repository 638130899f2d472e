"""The base of flowday's frozen records: equality, hashing and repr shared by all of them.

Every frozen dataclass in flowday is declared ``@dataclass(frozen=True, repr=False,
eq=False)`` on a :class:`Record`, and gets from here the ``__eq__``, ``__hash__`` and
``__repr__`` that ``dataclass`` would have written: the same fields compared, hashed and
shown (``field(compare=..., hash=..., repr=...)`` honoured), the same results. Why not let
``dataclass`` write them: on Python 3.11 it compiles each method of each class from source
when the module is imported, six per frozen class, and those compilations were a third of
the import time of every ``flowday`` command (tests/test_frozen.py holds the equivalence)."""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from typing import Any

Getter = Callable[[Any], tuple[Any, ...]]


class Record:
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = _views(self.__class__).compared
        return compared(self) == compared(other)

    def __hash__(self) -> int:
        return hash(_views(self.__class__).hashed(self))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in _views(self.__class__).shown
        )
        return f"{self.__class__.__qualname__}({shown})"


class _Views:
    """One record class's fields as ``dataclass`` reads them for each method."""

    __slots__ = ("compared", "hashed", "shown")

    def __init__(self, cls: type) -> None:
        every = fields(cls)
        self.compared = _getter([f.name for f in every if f.compare])
        self.hashed = _getter([f.name for f in every if (f.compare if f.hash is None else f.hash)])
        self.shown = tuple(f.name for f in every if f.repr)


_VIEWS: dict[type, _Views] = {}


def _views(cls: type) -> _Views:
    views = _VIEWS.get(cls)
    if views is None:
        views = _VIEWS[cls] = _Views(cls)
    return views


def _getter(names: list[str]) -> Getter:
    """The fields' values as a tuple (``attrgetter`` of one name gives the bare value)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        only = attrgetter(names[0])
        return lambda record: (only(record),)
    return lambda record: ()
