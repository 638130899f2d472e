"""Records (flowday.domain.frozen) behave as ``dataclass`` would make them: each record here
is checked against a twin that ``dataclass`` makes from the same declaration."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

import flowday
from flowday.domain import frozen
from flowday.domain.frozen import FrozenRecordError, Record, define, field, fields, replace


@define(slots=True)
class Slotted(Record):
    name: str
    count: int = 0
    notes: tuple[str, ...] = ()
    cache: int = frozen.field(default=0, compare=False, repr=False)
    params: Any = frozen.field(default=None, hash=False)


@dataclass(frozen=True, slots=True)
class SlottedTwin:
    name: str
    count: int = 0
    notes: tuple[str, ...] = ()
    cache: int = dataclasses.field(default=0, compare=False, repr=False)
    params: Any = dataclasses.field(default=None, hash=False)


@define
class Single(Record):
    only: Any


@dataclass(frozen=True)
class SingleTwin:
    only: Any


@define
class Empty(Record):
    pass


@dataclass(frozen=True)
class EmptyTwin:
    pass


@define
class Made(Record):
    """Factories, a field outside __init__, a class variable, __post_init__."""

    title: str
    tags: list[str] = field(default_factory=list)
    seen: int = field(default=7, init=False)
    derived: str = field(init=False, repr=False, compare=False)
    KIND: ClassVar[str] = "made"

    def __post_init__(self) -> None:
        object.__setattr__(self, "derived", self.title.upper())


@dataclass(frozen=True)
class MadeTwin:
    title: str
    tags: list[str] = dataclasses.field(default_factory=list)
    seen: int = dataclasses.field(default=7, init=False)
    derived: str = dataclasses.field(init=False, repr=False, compare=False)
    KIND: ClassVar[str] = "made"

    def __post_init__(self) -> None:
        object.__setattr__(self, "derived", self.title.upper())


@define(slots=True)
class Child(Slotted):
    count: int = 5  # redeclared: keeps its place, takes the new default
    extra: str = "x"


@dataclass(frozen=True, slots=True)
class ChildTwin(SlottedTwin):
    count: int = 5
    extra: str = "x"


@define(frozen=False)
class Mutable(Record):
    value: int
    items: list[int] = field(default_factory=list)


@dataclass
class MutableTwin:
    value: int
    items: list[int] = dataclasses.field(default_factory=list)


PAIRS = [(Slotted, SlottedTwin), (Single, SingleTwin), (Empty, EmptyTwin), (Made, MadeTwin),
         (Child, ChildTwin), (Mutable, MutableTwin)]  # fmt: skip


def shown_as_twin(record: object, twin: object) -> str:
    return repr(twin).replace(type(twin).__qualname__, type(record).__qualname__, 1)


def outcome(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, str]:
    """What a call gives: the error's kind and words, or the repr, the class name left out."""
    try:
        made = cls(*args, **kwargs)
    except Exception as exc:
        return type(exc).__name__, str(exc).replace(cls.__name__, "C")
    return "made", repr(made).replace(cls.__name__, "C")


def class_values(cls: type, names: list[str]) -> list[tuple[str, object]]:
    slot = type(vars(SlottedTwin)["name"])
    found = [(name, vars(cls).get(name, "-")) for name in names]
    return [(name, "slot" if isinstance(value, slot) else value) for name, value in found]


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


@pytest.mark.parametrize(("record", "twin"), PAIRS, ids=[r.__name__ for r, _ in PAIRS])
def test_a_record_is_made_as_its_dataclass_twin(record: type, twin: type) -> None:
    assert str(inspect.signature(record)) == str(inspect.signature(twin))
    assert record.__match_args__ == twin.__match_args__  # type: ignore[attr-defined]
    assert [f.name for f in fields(record)] == [f.name for f in dataclasses.fields(twin)]
    assert vars(record).get("__slots__") == vars(twin).get("__slots__")
    names = [f.name for f in dataclasses.fields(twin)]
    assert class_values(record, names) == class_values(twin, names)  # defaults on the class
    assert ("__dict__" in dir(record)) == ("__dict__" in dir(twin))
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((), {}), (("a",), {}), (("a", 1), {}), (("a", 1, ("n",), 2, 3, 4), {}),
        ((), {"name": "a", "count": 2}), (("a",), {"name": "b"}), (("a",), {"nope": 1}),
        ((1,), {}), ((1, [2]), {}), ((), {"value": 1, "items": [3]}), (("t",), {"seen": 2}),
        ((), {"only": None}), ((), {"title": "t", "tags": ["x"]}),
    ]  # fmt: skip
    for args, kwargs in calls:
        assert outcome(record, args, kwargs) == outcome(twin, args, kwargs), (args, kwargs)


def test_factories_init_false_fields_and_post_init() -> None:
    first, second = Made("a"), Made("a")
    assert first.tags == [] and first.tags is not second.tags  # a new list for each
    assert first.seen == 7 and first.derived == "A" and Made.KIND == "made"
    assert "KIND" not in [f.name for f in fields(Made)]
    assert replace(first, title="b").derived == "B"  # __post_init__ runs again
    with pytest.raises(ValueError, match="init=False"):
        replace(first, seen=1)


@given(values, st.sampled_from(["name", "count", "notes", "cache", "params"]), values)
def test_replace_gives_what_dataclasses_replace_gives(a: tuple, changed: str, b: tuple) -> None:
    names = ["name", "count", "notes", "cache", "params"]
    a, b = (a[0], a[1], tuple(a[2]), *a[3:]), (b[0], b[1], tuple(b[2]), *b[3:])
    change = {changed: b[names.index(changed)]}
    made, twin = replace(Slotted(*a), **change), dataclasses.replace(SlottedTwin(*a), **change)
    assert repr(made) == shown_as_twin(made, twin) and made.cache == twin.cache


def test_frozen_records_refuse_assignment_and_mutable_ones_take_it() -> None:
    for each in (Single(1), Slotted("a"), Made("t")):
        with pytest.raises(FrozenRecordError, match="cannot assign to field 'only'"):
            each.only = 2  # type: ignore[attr-defined]
        with pytest.raises(AttributeError):
            del each.only  # type: ignore[attr-defined]
    changing = Mutable(1)
    changing.value = 2
    assert changing == Mutable(2) and changing != MutableTwin(2)
    with pytest.raises(TypeError, match="unhashable type: 'Mutable'"):
        hash(changing)


def test_declarations_dataclass_refuses_are_refused() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        @define
        class ListDefault(Record):
            items: list[int] = []  # noqa: RUF012

    with pytest.raises(TypeError, match="non-default argument 'late'"):

        @define
        class Order(Record):
            early: int = 0
            late: int  # type: ignore[misc]

    with pytest.raises(ValueError, match="both default and default_factory"):
        field(default=1, default_factory=int)
    with pytest.raises(TypeError, match="frozen and mutable"):

        @define(frozen=False)
        class Thawed(Single):
            more: int = 0

    with pytest.raises(TypeError, match="subclass Record"):

        @define
        class Plain:
            value: int


def test_every_record_class_in_flowday_is_defined() -> None:
    seen = 0
    for info in pkgutil.walk_packages(flowday.__path__, "flowday."):
        if info.name.endswith("__main__"):
            continue  # it runs flowday
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if not isinstance(value, type) or value.__module__ != info.name:
                continue
            assert not dataclasses.is_dataclass(value), value  # one way to make records
            if issubclass(value, Record) and value is not Record:
                seen += 1
                assert "__record_fields__" in vars(value), value  # not left undecorated
    assert seen > 70
