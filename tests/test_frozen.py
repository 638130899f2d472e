"""Records (flowday.domain.frozen) compare, hash and show themselves exactly as the methods
``dataclass`` would write: checked against twins that let ``dataclass`` write them."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import flowday
from flowday.domain.frozen import Record


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Slotted(Record):
    name: str
    count: int = 0
    notes: tuple[str, ...] = ()
    cache: int = field(default=0, compare=False, repr=False)
    params: Any = field(default=None, hash=False)


@dataclass(frozen=True, slots=True)
class SlottedTwin:
    name: str
    count: int = 0
    notes: tuple[str, ...] = ()
    cache: int = field(default=0, compare=False, repr=False)
    params: Any = field(default=None, hash=False)


@dataclass(frozen=True, repr=False, eq=False)
class Single(Record):
    only: Any


@dataclass(frozen=True)
class SingleTwin:
    only: Any


@dataclass(frozen=True, repr=False, eq=False)
class Empty(Record):
    pass


@dataclass(frozen=True)
class EmptyTwin:
    pass


def shown_as_twin(record: object, twin: object) -> str:
    return repr(twin).replace(type(twin).__qualname__, type(record).__qualname__, 1)


values = st.tuples(st.text(max_size=3), st.integers(-2, 2),
                   st.lists(st.text(max_size=2), max_size=2), st.integers(0, 3),
                   st.one_of(st.none(), st.integers(0, 2)))  # fmt: skip


@given(values, values)
def test_records_compare_hash_and_show_as_dataclass_writes(a: tuple, b: tuple) -> None:
    (ra, rb), (ta, tb) = [
        [cls(n, c, tuple(notes), cache, params) for n, c, notes, cache, params in (a, b)]
        for cls in (Slotted, SlottedTwin)
    ]
    assert (ra == rb) == (ta == tb) and (ra != rb) == (ta != tb)
    assert hash(ra) == hash(ta) and hash(rb) == hash(tb)
    assert repr(ra) == shown_as_twin(ra, ta)
    assert (ra == ta) is False  # another class is never equal, as dataclass's


def test_one_field_no_field_and_a_record_holding_itself() -> None:
    assert Single(3) == Single(3) != Single(4) and hash(Single(3)) == hash(SingleTwin(3))
    assert repr(Single("x")) == shown_as_twin(Single("x"), SingleTwin("x"))
    assert Empty() == Empty() and hash(Empty()) == hash(EmptyTwin())
    assert repr(Empty()) == "Empty()"
    loop: list[Any] = []
    holder = Single(loop)
    loop.append(holder)
    assert repr(holder) == "Single(only=[...])"  # reprlib's guard, as dataclass's
    with pytest.raises(dataclasses.FrozenInstanceError):
        Single(1).only = 2  # type: ignore[misc]


def test_every_frozen_dataclass_in_flowday_is_a_record() -> None:
    seen = 0
    for info in pkgutil.walk_packages(flowday.__path__, "flowday."):
        if info.name.endswith("__main__"):
            continue  # it runs flowday
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if not (isinstance(value, type) and dataclasses.is_dataclass(value)):
                continue
            if value.__module__ != info.name:
                continue
            params = value.__dataclass_params__  # type: ignore[attr-defined]
            if params.frozen:
                seen += 1
                assert issubclass(value, Record) and not params.eq and not params.repr, value
    assert seen > 50
