"""The day model: blocks on a timeline, inbox tasks, and the day that holds them.

Times of day are *wall-clock minutes* since local midnight (0..1440), because that is
what people type and read; real durations (which differ on DST days) come from
:mod:`flowday.domain.timeparse`, which knows the time zone. Minutes are formatted and
parsed by the leaf :mod:`flowday.domain.wallclock`, which the parsers share.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import pendulum

from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define, field, replace
from flowday.domain.questions import Answers
from flowday.domain.records import Fields, RecordError
from flowday.domain.text import clean_text, clean_title
from flowday.domain.wallclock import (
    MINUTES_PER_DAY,
    fmt_date,
    fmt_minutes,
    parse_clock,
    parse_iso_date,
)

ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: ids get typed by hand
ID_LENGTH = 8


class Sphere(StrEnum):
    """Which part of life a block belongs to."""

    WORK = "work"
    PERSONAL = "personal"
    BREAK = "break"  # meals, walks, rest

    @property
    def glyph(self) -> str:
        """One character for a status bar (the planner's timeline draws the same)."""
        return {"work": "■", "personal": "●", "break": "◌"}[self.value]

    @classmethod
    def parse(cls, value: str) -> Sphere:
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise InputError(f"unknown sphere {value!r} (choose {choices})") from None


class Outcome(StrEnum):
    """What happened to a planned block: nothing recorded yet, done, or skipped."""

    PLANNED = "planned"  # nothing recorded: counted as planned = actual
    DONE = "done"
    SKIPPED = "skipped"


_UNBIASED_BELOW = 256 - 256 % len(ID_ALPHABET)  # bytes at or above it would favour some letters


def new_id() -> str:
    # os.urandom rather than the secrets module: importing that costs every command ~3 ms
    letters: list[str] = []
    while len(letters) < ID_LENGTH:
        letters.extend(
            ID_ALPHABET[byte % len(ID_ALPHABET)]
            for byte in os.urandom(ID_LENGTH * 2)
            if byte < _UNBIASED_BELOW
        )
    return "".join(letters[:ID_LENGTH])


def stamp(now: pendulum.DateTime) -> str:
    return fmt_date(now.in_timezone("UTC"), "YYYY-MM-DD[T]HH:mm:ss[Z]")


@define(slots=True)
class Block(Record):
    """A stretch of the day given to one thing."""

    id: str
    date: pendulum.Date
    start: int  # wall-clock minutes since midnight
    end: int  # wall-clock minutes, 1..1440; > start (blocks never cross midnight)
    title: str
    sphere: Sphere
    flexible: bool = False  # the scheduler may move it; fixed blocks are appointments
    notes: str = ""
    created: str = ""
    updated: str = ""
    source: str = ""  # e.g. "ics:<uid>" for imported events; empty when made by hand
    # what happened (the plan above is kept): done at other times keeps both
    outcome: Outcome = Outcome.PLANNED
    actual_start: int | None = None  # wall-clock minutes; both or neither, only when done
    actual_end: int | None = None
    remind: bool = True  # False: no reminder before this block (config sets how early)

    def __post_init__(self) -> None:
        if not 0 <= self.start < MINUTES_PER_DAY:
            raise InputError(f"start {fmt_minutes(self.start)} is not a time of day")
        if not 0 < self.end <= MINUTES_PER_DAY:
            raise InputError(f"end {fmt_minutes(self.end)} is not a time of day")
        if self.end <= self.start:
            raise InputError(
                f"end {fmt_minutes(self.end)} is not after start {fmt_minutes(self.start)}"
                " (blocks cannot cross midnight)"
            )
        if (self.actual_start is None) != (self.actual_end is None):
            raise InputError("an actual time needs both its start and its end")
        if self.actual_start is not None and self.actual_end is not None:
            if not 0 <= self.actual_start < self.actual_end <= MINUTES_PER_DAY:
                raise InputError(
                    f"the actual time {fmt_minutes(self.actual_start)}-"
                    f"{fmt_minutes(self.actual_end)} is not a time range within the day"
                )
            if self.outcome is not Outcome.DONE:
                raise InputError("only a block marked done has an actual time")

    @classmethod
    def create(
        cls,
        *,
        date: pendulum.Date,
        start: int,
        end: int,
        title: str,
        sphere: Sphere,
        flexible: bool = False,
        notes: str = "",
        now: pendulum.DateTime,
        source: str = "",
    ) -> Block:
        when = stamp(now)
        return cls(
            id=new_id(),
            date=date,
            start=start,
            end=end,
            title=clean_title(title),
            sphere=sphere,
            flexible=flexible,
            notes=clean_text(notes, limit=2000),
            created=when,
            updated=when,
            source=source,
        )

    @property
    def span(self) -> str:
        return f"{fmt_minutes(self.start)}-{fmt_minutes(self.end)}"

    @property
    def actual(self) -> tuple[int, int]:
        """When it really happened: the recorded actual time, else the plan (a block with
        no actual time counts as planned = actual)."""
        if self.actual_start is not None and self.actual_end is not None:
            return self.actual_start, self.actual_end
        return self.start, self.end

    @property
    def actual_span(self) -> str:
        start, end = self.actual
        return f"{fmt_minutes(start)}-{fmt_minutes(end)}"

    @property
    def ran_differently(self) -> bool:
        """Done at other times than planned."""
        return self.actual != (self.start, self.end)

    def as_it_happened(self) -> Block:
        """The block at its actual time (for judging what really happened)."""
        start, end = self.actual
        return replace(self, start=start, end=end, actual_start=None, actual_end=None)

    def outcome_fields(self) -> dict[str, Any]:
        """The outcome keys every listing shows (``list --json``): always present."""
        return {
            "status": self.outcome.value,
            "actual_start": None if self.actual_start is None else fmt_minutes(self.actual_start),
            "actual_end": None if self.actual_end is None else fmt_minutes(self.actual_end),
        }

    @property
    def routine(self) -> str:
        """The routine this block is an occurrence of, "" for any other block: occurrences
        have the id ``<routine>@YYYY-MM-DD`` (see :mod:`flowday.domain.routines`)."""
        return self.id.partition("@")[0] if "@" in self.id else ""

    def changed(self, now: pendulum.DateTime, **changes: Any) -> Block:
        if "title" in changes:
            changes["title"] = clean_title(changes["title"])
        if "notes" in changes:
            changes["notes"] = clean_text(changes["notes"], limit=2000)
        return replace(self, updated=stamp(now), **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.date.to_date_string(),
            "start": fmt_minutes(self.start),
            "end": fmt_minutes(self.end),
            "title": self.title,
            "sphere": self.sphere.value,
            "flexible": self.flexible,
            "notes": self.notes,
            "created": self.created,
            "updated": self.updated,
            "source": self.source,
            # only on a routine's occurrences: every other block keeps its shape (and bytes)
            **({"routine": self.routine} if self.routine else {}),
            **({} if self.remind else {"remind": False}),  # only when turned off
            # only once something happened: blocks never marked keep their shape (and bytes)
            **(
                {k: v for k, v in self.outcome_fields().items() if v is not None}
                if self.outcome is not Outcome.PLANNED
                else {}
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Block:
        """A stored block, every field's type checked (:mod:`flowday.domain.records`)."""
        return _plain_block(data) or cls._checked(data)

    @classmethod
    def _checked(cls, data: Mapping[str, Any]) -> Block:
        """Any stored block, field by field: what is wrong is named."""
        fields = Fields(data)
        return cls(
            id=fields.text("id", empty=False),
            date=fields.date("date"),
            start=fields.clock("start"),
            end=fields.clock("end", end=True),
            title=fields.text("title"),
            sphere=fields.choice("sphere", Sphere),
            flexible=fields.flag("flexible", False),
            notes=fields.text("notes", ""),
            created=fields.text("created", ""),
            updated=fields.text("updated", ""),
            source=fields.text("source", ""),
            remind=fields.flag("remind", True),
            **_outcome_of(fields),
        )


_SPHERES = {sphere.value: sphere for sphere in Sphere}
_OUTCOMES = {outcome.value: outcome for outcome in Outcome}
_TEXTS = ("notes", "created", "updated", "source")  # optional, "" when absent


def _plain_block(data: Mapping[str, Any]) -> Block | None:
    """The common stored block, read in one step: a JSON object whose fields all have
    their type and no actual time. None for anything else, which ``Block._checked`` then
    reads (and names what is wrong); both give the same block (tests/domain/test_model.py).
    Why: a month's read parses every record, and ``Fields`` costs 15 calls a block."""
    if type(data) is not dict:
        return None
    get = data.get
    block_id, date, start, end = get("id"), get("date"), get("start"), get("end")
    title = get("title")
    flexible, remind = get("flexible", False), get("remind", True)
    notes, created, updated, source = texts = [get(key, "") for key in _TEXTS]
    if not (
        type(block_id) is str and block_id
        and type(title) is str and type(date) is str
        and type(start) is str and type(end) is str
        and type(flexible) is bool and type(remind) is bool
        and all(type(text) is str for text in texts)
        and get("actual_start") is None and get("actual_end") is None
    ):  # fmt: skip
        return None
    sphere, status = get("sphere"), get("status", "planned")
    sphere = _SPHERES.get(sphere) if type(sphere) is str else None
    outcome = _OUTCOMES.get(status) if type(status) is str else None
    if sphere is None or outcome is None:
        return None
    try:
        return Block(block_id, parse_iso_date(date), parse_clock(start),
                     parse_clock(end, allow_midnight_end=True), title, sphere, flexible,
                     notes, created, updated, source, outcome, None, None, remind)  # fmt: skip
    except InputError:
        return None


def _outcome_of(fields: Fields) -> dict[str, Any]:
    """A stored block's outcome fields, typed; absent: planned, no actual time."""
    outcome = fields.choice("status", Outcome, Outcome.PLANNED)
    actual_start = fields.optional_clock("actual_start")
    actual_end = fields.optional_clock("actual_end", end=True)
    if (actual_start is None) != (actual_end is None):
        raise RecordError("fields 'actual_start' and 'actual_end' must both be set or both null")
    if actual_start is not None and actual_end is not None:
        if actual_start >= actual_end:
            raise RecordError(
                f"fields 'actual_start' and 'actual_end': {fmt_minutes(actual_start)}-"
                f"{fmt_minutes(actual_end)} ends before it starts"
            )
        if outcome is not Outcome.DONE:
            raise RecordError("fields 'actual_start' and 'actual_end' are set on a block not done")
    return {"outcome": outcome, "actual_start": actual_start, "actual_end": actual_end}


@define(slots=True)
class Task(Record):
    """An unscheduled inbox item, waiting for a slot."""

    id: str
    title: str
    sphere: Sphere
    estimate: int = 30  # minutes
    priority: int = 2  # 1 high, 2 normal, 3 low
    due: pendulum.Date | None = None
    created: str = ""
    source: str = ""  # "ics:<UID>": a to-do another app made, pulled by a sync

    def __post_init__(self) -> None:
        if not 0 < self.estimate <= MINUTES_PER_DAY:
            raise InputError(f"estimate must be 1-{MINUTES_PER_DAY} minutes, not {self.estimate}")
        if self.priority not in (1, 2, 3):
            raise InputError(f"priority must be 1, 2 or 3, not {self.priority}")

    @classmethod
    def create(
        cls,
        *,
        title: str,
        sphere: Sphere,
        estimate: int = 30,
        priority: int = 2,
        due: pendulum.Date | None = None,
        now: pendulum.DateTime,
    ) -> Task:
        return cls(
            id=new_id(),
            title=clean_title(title),
            sphere=sphere,
            estimate=estimate,
            priority=priority,
            due=due,
            created=stamp(now),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "sphere": self.sphere.value,
            "estimate": self.estimate,
            "priority": self.priority,
            "due": self.due.to_date_string() if self.due else None,
            "created": self.created,
            **({"source": self.source} if self.source else {}),  # files stay as they were
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Task:
        """A stored task, every field's type checked (:mod:`flowday.domain.records`)."""
        fields = Fields(data)
        return cls(
            id=fields.text("id", empty=False),
            title=fields.text("title"),
            sphere=fields.choice("sphere", Sphere),
            estimate=fields.whole("estimate", 30),
            priority=fields.whole("priority", 2),
            due=fields.optional_date("due"),
            created=fields.text("created", ""),
            source=fields.text("source", ""),
        )


def as_it_happened(blocks: list[Block]) -> list[Block]:
    """The day as it really went: skipped blocks left out, done ones at their actual time,
    the rest as planned (nothing recorded counts as planned = actual)."""
    return [b.as_it_happened() for b in blocks if b.outcome is not Outcome.SKIPPED]


def in_plan_order(tasks: list[Task]) -> list[Task]:
    """The inbox as ``plan`` takes it and the planner lists it: highest priority first,
    then the soonest due, then the oldest (ties keep their stored order)."""
    far = pendulum.date(9999, 12, 31)
    return sorted(tasks, key=lambda t: (t.priority, t.due or far, t.created))


@define(slots=True)
class Crossing(Record):
    """A hard rule crossed on purpose (``--force``): part of the day's story, never hidden."""

    rule: str
    block: str  # block id ("" when the crossing concerns the day, e.g. its hours)
    at: str  # UTC stamp
    message: str = ""
    # "planned": crossed on purpose in the plan; "overrun": what really happened crossed it
    # (a block done at other times than planned), recorded apart, never refused
    kind: str = "planned"

    @property
    def overrun(self) -> bool:
        return self.kind == OVERRUN

    def to_dict(self) -> dict[str, Any]:
        data = {"rule": self.rule, "block": self.block, "at": self.at, "message": self.message}
        return {**data, "kind": self.kind} if self.overrun else data  # others keep their shape

    @classmethod
    def from_fields(cls, fields: Fields) -> Crossing:
        kind = fields.text("kind", PLANNED_CROSSING)
        if kind not in (PLANNED_CROSSING, OVERRUN):
            raise fields.wrong("kind", f"{PLANNED_CROSSING} or {OVERRUN}", kind)
        return cls(
            rule=fields.text("rule"),
            block=fields.text("block", ""),
            at=fields.text("at", ""),
            message=fields.text("message", ""),
            kind=kind,
        )


PLANNED_CROSSING, OVERRUN = "planned", "overrun"


MANUAL, IMPORTED = "manual", "import"  # how an intrusion was logged


@define(slots=True)
class Intrusion(Record):
    """A boundary violation as it happened, with its direction (Kreiner, Hollensbe & Sheep
    2009): work reaching into personal time (a call at dinner) or personal life into work
    time (a family errand in a meeting). Logged by hand, or by an import whose event landed
    in the other sphere's protected time."""

    from_sphere: Sphere  # who intruded: WORK or PERSONAL, never BREAK
    at: int | None = None  # wall-clock minute it happened (None: not known)
    note: str = ""
    source: str = MANUAL  # MANUAL or IMPORTED
    block: str = ""  # the imported block it came with ("" when logged by hand)
    logged: str = ""  # UTC stamp

    @property
    def into(self) -> Sphere:
        return Sphere.PERSONAL if self.from_sphere is Sphere.WORK else Sphere.WORK

    @property
    def direction(self) -> str:
        """``work-into-personal`` or ``personal-into-work``."""
        return f"{self.from_sphere.value}-into-{self.into.value}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_sphere.value,
            "at": None if self.at is None else fmt_minutes(self.at),
            "note": self.note,
            "source": self.source,
            "block": self.block,
            "logged": self.logged,
        }

    @classmethod
    def from_fields(cls, fields: Fields) -> Intrusion:
        from_sphere = fields.choice("from", Sphere)
        if from_sphere is Sphere.BREAK:
            raise fields.wrong("from", "work or personal", from_sphere.value)
        source = fields.text("source", MANUAL)
        if source not in (MANUAL, IMPORTED):
            raise fields.wrong("source", f"{MANUAL} or {IMPORTED}", source)
        return cls(
            from_sphere=from_sphere,
            at=fields.optional_clock("at"),
            note=fields.text("note", ""),
            source=source,
            block=fields.text("block", ""),
            logged=fields.text("logged", ""),
        )


@define(slots=True)
class ModeSwitch(Record):
    """One change of a day's mode, kept for the day's history and the insights."""

    from_mode: str
    to_mode: str
    at: str

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.from_mode, "to": self.to_mode, "at": self.at}

    @classmethod
    def from_fields(cls, fields: Fields) -> ModeSwitch:
        return cls(
            from_mode=fields.text("from"), to_mode=fields.text("to"), at=fields.text("at", "")
        )


@define(slots=True)
class ImportedNote(Record):
    """A day note made by a calendar import: which event (``ics:<uid>...``) it came from,
    so a later import of that calendar can change or remove it."""

    source: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "text": self.text}

    @classmethod
    def from_fields(cls, fields: Fields) -> ImportedNote:
        return cls(source=fields.text("source"), text=fields.text("text"))


@define(slots=True)
class Reflection(Record):
    """An evening's answers, stored with the day as it was then: the mode it had and its
    figures (``domain.figures`` names → minutes and counts), so the history keeps meaning
    what it meant when the weekly mode map changes later."""

    answers: Answers
    at: str = ""  # UTC stamp of the answer
    mode: str = ""  # "" only in records that never had one: the day's mode stands in
    figures: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        # one flat object: the answers beside what they were given about
        return {**self.answers.to_dict(), "at": self.at, "mode": self.mode,
                "figures": dict(self.figures)}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reflection:
        """A stored reflection; answers out of range are refused like any bad record."""
        return cls.from_fields(Fields(data, "reflection"))

    @classmethod
    def from_fields(cls, fields: Fields) -> Reflection:
        return cls(
            answers=Answers(
                present=fields.text("present"),
                stress=fields.text("stress"),
                energy=fields.whole("energy"),
                peace=fields.whole("peace"),
                meaning=fields.whole("meaning"),
                note=fields.optional_text("note") or "",
            ),
            at=fields.optional_text("at") or "",
            mode=fields.optional_text("mode") or "",
            figures=fields.counts("figures"),
        )


@define(slots=True)
class Day(Record):
    """Per-day settings and history. Fields left ``None`` fall back to the configuration
    (the weekly mode map and the default work window)."""

    date: pendulum.Date
    mode: str | None = None
    work_start: int | None = None
    work_end: int | None = None
    crossings: tuple[Crossing, ...] = ()
    mode_switches: tuple[ModeSwitch, ...] = ()
    reflection: Reflection | None = None
    reflection_skipped: bool = False
    notes: tuple[str, ...] = ()  # all-day notes, e.g. imported all-day events, in order
    imported_notes: tuple[ImportedNote, ...] = ()  # which of the notes imports made
    # a day off planned ahead (holiday, sick day): no working day. None: never set (not
    # written); False: cleared (written, so a stored record's key is overwritten)
    off: bool | None = None
    off_note: str = ""  # why, e.g. "Holiday in Lisbon"
    # boundary violations logged on the day (absent in older files: none)
    intrusions: tuple[Intrusion, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # fields from later versions, kept as-is

    @property
    def has_own_window(self) -> bool:
        return self.work_start is not None and self.work_end is not None

    @property
    def overrun_blocks(self) -> frozenset[str]:
        """Ids of the blocks whose actual time was recorded as an overrun."""
        return frozenset(c.block for c in self.crossings if c.overrun)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update(
            {
                "date": self.date.to_date_string(),
                "mode": self.mode,
                "work_start": None if self.work_start is None else fmt_minutes(self.work_start),
                "work_end": None if self.work_end is None else fmt_minutes(self.work_end),
                "crossings": [c.to_dict() for c in self.crossings],
                "mode_switches": [s.to_dict() for s in self.mode_switches],
                "reflection": None if self.reflection is None else self.reflection.to_dict(),
                "reflection_skipped": self.reflection_skipped,
                "notes": list(self.notes),
                "imported_notes": [n.to_dict() for n in self.imported_notes],
                "intrusions": [i.to_dict() for i in self.intrusions],
            }
        )
        if self.off is not None:  # only days ever set: other days keep their shape
            data.update({"off": self.off, "off_note": self.off_note})
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Day:
        """A day record in the store's current shape (the store migrates older files), every
        field's type checked (:mod:`flowday.domain.records`)."""
        known = {
            "date", "mode", "work_start", "work_end", "crossings", "mode_switches",
            "reflection", "reflection_skipped", "notes", "imported_notes", "off", "off_note",
            "intrusions",
        }  # fmt: skip
        fields = Fields(data)
        work_start = fields.optional_clock("work_start")
        work_end = fields.optional_clock("work_end", end=True)
        if (work_start is None) != (work_end is None):
            raise RecordError("fields 'work_start' and 'work_end' must both be set or both null")
        if work_start is not None and work_end is not None and work_start >= work_end:
            raise RecordError(
                f"fields 'work_start' and 'work_end': the work window "
                f"{fmt_minutes(work_start)}-{fmt_minutes(work_end)} ends before it starts"
            )
        reflection = fields.record("reflection")
        return cls(
            date=fields.date("date"),
            mode=fields.optional_text("mode"),
            work_start=work_start,
            work_end=work_end,
            crossings=tuple(Crossing.from_fields(c) for c in fields.records("crossings")),
            mode_switches=tuple(ModeSwitch.from_fields(s) for s in fields.records("mode_switches")),
            reflection=None if reflection is None else Reflection.from_fields(reflection),
            reflection_skipped=fields.flag("reflection_skipped", False),
            notes=fields.texts("notes"),
            imported_notes=tuple(
                ImportedNote.from_fields(n) for n in fields.records("imported_notes")
            ),
            off=None if data.get("off") is None else fields.flag("off"),
            off_note=fields.text("off_note", ""),
            intrusions=tuple(Intrusion.from_fields(i) for i in fields.records("intrusions")),
            extra={k: v for k, v in data.items() if k not in known},
        )
