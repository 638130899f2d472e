"""flowday's records: small classes of named fields, declared with :func:`define`.

``@define`` reads a class as ``@dataclass(frozen=True)`` does and gives it the same
behaviour: ``__init__`` with each field in order (defaults, ``field(default_factory=...)``,
``field(init=False)``, ``__post_init__``), ``__match_args__``, assignment refused
(:class:`FrozenRecordError`, an ``AttributeError``), and from :class:`Record` the
``__eq__``, ``__hash__`` and ``__repr__`` dataclass writes (``field(compare=...,
hash=..., repr=...)`` honoured). ``@define(slots=True)`` gives the fields slots;
``@define(frozen=False)`` allows assignment (and, as a mutable dataclass, no hash).
:func:`replace` and :func:`fields` are dataclasses' own.

Why not ``dataclasses``: on Python 3.11 it imports ``inspect`` (with ``ast``, ``dis`` and
``tokenize``) and compiles each method of each class from source when a module is
imported: 30 ms of every ``flowday`` command, a quarter of ``flowday list``. Here only
``__init__`` is compiled, on a record's first construction (or first look at its
signature), so a command pays for the records it uses. tests/test_frozen.py holds the
behaviour equal to dataclass's, class by class."""

from __future__ import annotations

import reprlib
import sys
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

R = TypeVar("R", bound="Record")
T = TypeVar("T", bound=type)
Getter = Callable[[Any], tuple[Any, ...]]


class FrozenRecordError(AttributeError):
    """An assignment to a field of a frozen record (as ``dataclasses.FrozenInstanceError``)."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class _Factory:
    """The default a signature shows for a field made by a factory (as dataclass's)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY: Any = _Factory()


class Field:
    """One field of a record, as :func:`field` declared it (``dataclasses.Field``'s names)."""

    __slots__ = ("compare", "default", "default_factory", "hash", "init", "name", "repr", "type")

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Any = MISSING,
        init: bool = True,
        compare: bool = True,
        hash: bool | None = None,
        repr: bool = True,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.compare = compare
        self.hash = hash
        self.repr = repr

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r})"


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | Any = MISSING,
    init: bool = True,
    compare: bool = True,
    hash: bool | None = None,
    repr: bool = True,
) -> Any:
    """A field with options, as ``dataclasses.field``."""
    return Field(default, default_factory, init, compare, hash, repr)


class Record:
    """The base of every record: equality, hashing and repr over the fields."""

    __slots__ = ()
    __record_fields__: tuple[Field, ...] = ()

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


def _frozen_setattr(self: Record, name: str, value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Record, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r}")


@overload
def define(cls: T, /) -> T: ...
@overload
def define(*, frozen: bool = True, slots: bool = False) -> Callable[[T], T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def define(cls: Any = None, /, *, frozen: bool = True, slots: bool = False) -> Any:
    """Make ``cls`` (a :class:`Record` subclass) a record of its annotated fields."""

    def make(cls: Any) -> Any:
        return _make(cls, frozen, slots)

    return make if cls is None else make(cls)


def _make(cls: Any, frozen: bool, slots: bool) -> Any:
    if not issubclass(cls, Record):
        raise TypeError(f"{cls.__qualname__}: a record must subclass Record")
    namespace = cls.__dict__
    declared: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for inherited in base.__dict__.get("__record_fields__", ()):
            declared[inherited.name] = inherited
    own: list[str] = []
    for name, annotation in namespace.get("__annotations__", {}).items():
        if _is_class_var(annotation):
            continue
        value = namespace.get(name, MISSING)
        declared_field = value if isinstance(value, Field) else Field(default=value)
        declared_field.name = name
        declared_field.type = annotation
        if type(declared_field.default).__hash__ is None:  # dataclass's test of "mutable"
            raise ValueError(
                f"mutable default {type(declared_field.default)} for field {name} "
                "is not allowed: use default_factory"
            )
        declared[name] = declared_field
        own.append(name)
    every = tuple(declared.values())
    _check_order(cls, every)
    for base in cls.__mro__[1:-1]:
        if base.__dict__.get("__frozen__", frozen) != frozen:
            raise TypeError(f"{cls.__qualname__}: cannot mix frozen and mutable records")
    for name in own:
        default = declared[name].default
        if slots or default is MISSING:
            if name in namespace:
                delattr(cls, name)
        else:
            setattr(cls, name, default)
    cls.__record_fields__ = every
    cls.__frozen__ = frozen
    type.__setattr__(cls, "__match_args__", tuple(f.name for f in every if f.init))
    if frozen:
        cls.__setattr__ = _frozen_setattr
        cls.__delattr__ = _frozen_delattr
    elif "__hash__" not in namespace:
        cls.__hash__ = None  # mutable: unhashable, as a dataclass with eq
    if slots:
        cls = _with_slots(cls, own)
    if "__init__" not in cls.__dict__:
        type.__setattr__(cls, "__init__", _InitOnFirstUse(cls))
    return cls


def _is_class_var(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__qualname__", "")
    return text.startswith(("ClassVar", "typing.ClassVar"))


def _check_order(cls: type, every: tuple[Field, ...]) -> None:
    defaulted = False
    for each in every:
        if not each.init:
            continue
        if each.default is not MISSING or each.default_factory is not MISSING:
            defaulted = True
        elif defaulted:
            raise TypeError(
                f"{cls.__qualname__}: non-default argument {each.name!r} follows default argument"
            )


def _with_slots(cls: Any, own: list[str]) -> Any:
    """The class made again with a slot for each of its own fields (as dataclass does)."""
    namespace = dict(cls.__dict__)
    inherited = {slot for base in cls.__mro__[1:] for slot in base.__dict__.get("__slots__", ())}
    namespace["__slots__"] = tuple(name for name in own if name not in inherited)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    return made


class _InitOnFirstUse:
    """A record's ``__init__`` until it is first wanted (a construction, a signature):
    then compiled from the fields, put in its place, and handed over."""

    __slots__ = ("owner",)

    def __init__(self, owner: type) -> None:
        self.owner = owner

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        init = _compile_init(self.owner)
        type.__setattr__(self.owner, "__init__", init)
        return init if instance is None else init.__get__(instance, owner)


def _compile_init(cls: Any) -> Callable[..., None]:
    """``__init__`` from the fields, made as dataclass makes it: compiled in the record's
    module (so its annotations resolve there), defaults and factories passed in."""
    passed: dict[str, Any] = {"__set": object.__setattr__, "__FACTORY": _FACTORY}
    params, body, annotations = ["self"], [], {}
    for each in cls.__record_fields__:
        name = each.name
        if each.default_factory is not MISSING:
            passed[f"__factory_{name}"] = each.default_factory
            fresh = f"__factory_{name}()"
            value = f"{fresh} if {name} is __FACTORY else {name}" if each.init else fresh
        elif each.default is not MISSING:
            passed[f"__default_{name}"] = each.default
            value = name if each.init else f"__default_{name}"
        elif each.init:
            value = name
        else:
            continue  # init=False and no default: __post_init__ sets it
        if each.init:
            default = {True: "", False: "=__FACTORY"}[each.default_factory is MISSING]
            if each.default is not MISSING:
                default = f"=__default_{name}"
            params.append(f"{name}{default}")
            annotations[name] = each.type
        body.append(f"  __set(self, {name!r}, {value})")
    if hasattr(cls, "__post_init__"):
        body.append("  self.__post_init__()")
    source = (
        f"def __make({', '.join(passed)}):\n"
        f" def __init__({', '.join(params)}):\n" + ("\n".join(body) or "  pass") + "\n"
        " return __init__"
    )
    module = sys.modules.get(cls.__module__)
    made: dict[str, Any] = {}
    exec(source, module.__dict__ if module else {}, made)
    init: Callable[..., None] = made["__make"](*passed.values())
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**annotations, "return": None}
    return init


def fields(record_or_class: Any) -> tuple[Field, ...]:
    """The record's fields, in order (as ``dataclasses.fields``)."""
    every: tuple[Field, ...] = record_or_class.__record_fields__
    return every


def replace(record: R, /, **changes: Any) -> R:
    """A copy of ``record`` with ``changes`` (as ``dataclasses.replace``)."""
    for each in record.__record_fields__:
        if not each.init:
            if each.name in changes:
                raise ValueError(f"field {each.name} is declared with init=False")
        elif each.name not in changes:
            changes[each.name] = getattr(record, each.name)
    return record.__class__(**changes)


class _Views:
    """One record class's fields as each of ``__eq__``, ``__hash__``, ``__repr__`` reads them."""

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
