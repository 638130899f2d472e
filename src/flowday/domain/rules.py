"""The rules engine: small rules composed into modes (balance, integration, your own).

A *rule* has an id, a default severity, named parameters (every number is one) and a check
that reads a :class:`DayContext` and says, in words a person understands, what is wrong.
A *mode* (see :mod:`flowday.domain.modes`) is a list of :class:`RuleUse`: a rule with its
parameters and severity. :func:`evaluate` runs the day's mode over the day.

Every check works on the day's blocks sorted once (O(n log n)); real durations come from
:func:`real_clock`, which is the identity on ordinary days and DST-aware on the two days a
year the clocks change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from functools import lru_cache
from typing import Any

import pendulum

from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define, field
from flowday.domain.model import Block, Sphere
from flowday.domain.timeparse import (
    WEEKDAYS,
    Zone,
    day_bounds,
    fmt_duration,
    instant,
    parse_duration,
)
from flowday.domain.transitions import (
    AFTER_LONG_WORK,
    AFTER_WORK,
    BEFORE_WORK,
    LONG_WORK,
    Buffers,
    Switch,
    find_switches,
)
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_minutes, parse_clock


class Severity(StrEnum):
    ERROR = "error"  # hard: refused unless forced
    WARNING = "warning"  # soft: reported, never blocks


@define(slots=True)
class Violation(Record):
    rule: str
    severity: Severity
    message: str
    blocks: tuple[str, ...] = ()
    amount: int = 0  # how far over the line (minutes, count): a change may not worsen it

    @property
    def is_hard(self) -> bool:
        return self.severity is Severity.ERROR

    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.rule, tuple(sorted(self.blocks)))

    def unnamed(self, block_id: str) -> str:
        """The message without ``(id X)`` for a block that is not stored (yet): a refused
        add or a preview must not point people at an id that names nothing."""
        return self.message.replace(f" (id {block_id})", "")

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "blocks": list(self.blocks),
        }


@define(slots=True)
class RuleUse(Record):
    """One rule as a mode uses it: its severity there and its parameters (all filled in)."""

    rule: str
    severity: Severity
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@define(slots=True)
class DayContext(Record):
    """Everything a rule may look at: one day, its mode and window, its blocks.

    ``rules`` is the mode's composition (``Mode.rules``, from :mod:`flowday.domain.modes`);
    ``None`` means only the rule every mode shares.
    ``default_start``/``default_end`` are the configured working hours (``None``: the same
    as the day's window), so a rule can tell whether the day's window was moved.
    """

    date: pendulum.Date
    mode: str
    work_start: int
    work_end: int
    blocks: tuple[Block, ...]
    tz: Zone
    working_day: bool = True
    rules: tuple[RuleUse, ...] | None = None
    default_start: int | None = None
    default_end: int | None = None
    day_off: bool = False  # a day off planned ahead (then ``working_day`` is False too)

    def with_blocks(self, blocks: tuple[Block, ...]) -> DayContext:
        """The same day with other blocks (the scheduler's inner loop: faster than
        :func:`~flowday.domain.frozen.replace`)."""
        return DayContext(
            self.date, self.mode, self.work_start, self.work_end, blocks, self.tz,
            self.working_day, self.rules, self.default_start, self.default_end, self.day_off,
        )  # fmt: skip

    @property
    def window(self) -> str:
        return f"{fmt_minutes(self.work_start)}-{fmt_minutes(self.work_end)}"


def describe(block: Block) -> str:
    return f"{block.sphere.value.capitalize()} block '{block.title}' {block.span}"


# --- real time ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def real_clock(date: pendulum.Date, tz: Zone) -> Callable[[int], int]:
    """Wall-clock minute → real minutes since the day's first instant. The identity unless
    the clocks change that day (then each distinct minute costs one DST-aware look-up,
    once). A skipped time (only parameters can name one) counts from where the clocks land."""
    start, end = day_bounds(date, tz)
    if (end - start).total_seconds() == MINUTES_PER_DAY * 60:
        return _identity
    known: dict[int, int] = {}

    def real(minute: int) -> int:
        if minute not in known:
            moment = instant(date, minute, tz, exact=False)
            known[minute] = int((moment - start).total_seconds() // 60)
        return known[minute]

    return real


def _identity(minute: int) -> int:
    return minute


class DayView:
    """The day prepared once for all rules: blocks in time order and a real-time clock."""

    __slots__ = ("ctx", "ordered", "ordinary", "real", "work")

    def __init__(self, ctx: DayContext) -> None:
        self.ctx = ctx
        self.ordered = sorted(ctx.blocks, key=lambda b: (b.start, b.end, b.id))
        self.work = [b for b in self.ordered if b.sphere is Sphere.WORK]
        self.real = real_clock(ctx.date, ctx.tz)
        self.ordinary = self.real is _identity  # no DST change: wall time is real time

    def length(self, start: int, end: int) -> int:
        """Real minutes from ``start`` to ``end`` (wall-clock minutes, ``start <= end``)."""
        if end <= start:
            return 0
        return end - start if self.ordinary else self.real(end) - self.real(start)

    def minutes(self, block: Block) -> int:
        return self.length(block.start, block.end)

    def outside(self, block: Block, start: int, end: int) -> int:
        """Real minutes of ``block`` outside ``start``-``end``."""
        inside = self.length(max(block.start, start), min(block.end, end))
        return self.minutes(block) - inside


# --- parameters -----------------------------------------------------------------------------


class ParamKind(StrEnum):
    MINUTES = "minutes"  # a duration: 30 or "1h30"
    CLOCK = "clock"  # a time of day: "21:00"
    COUNT = "count"  # a whole number


@define(slots=True)
class Param(Record):
    name: str
    kind: ParamKind
    default: int  # minutes / time of day in minutes / count

    def parse(self, value: Any) -> int:
        """A config value → int, or :class:`ValueError` saying what is expected."""
        if isinstance(value, bool):
            raise ValueError(self.expected())
        if self.kind is ParamKind.CLOCK:
            if not isinstance(value, str):
                raise ValueError(self.expected())
            try:
                return parse_clock(value, allow_midnight_end=True)
            except InputError:
                raise ValueError(self.expected()) from None
        if self.kind is ParamKind.MINUTES and isinstance(value, str):
            try:
                return parse_duration(value)
            except InputError:
                raise ValueError(self.expected()) from None
        if not isinstance(value, int) or value < 0:
            raise ValueError(self.expected())
        return value

    def expected(self) -> str:
        return {
            ParamKind.MINUTES: 'a number of minutes (e.g. 30) or a duration like "1h30"',
            ParamKind.CLOCK: 'a time of day like "21:00"',
            ParamKind.COUNT: "a whole number (0 or more)",
        }[self.kind]


Check = Callable[[DayView, RuleUse], Iterator[Violation]]


@define(slots=True)
class Rule(Record):
    id: str
    severity: Severity  # the default; a mode may choose another
    summary: str  # one line for the docs and `flowday mode`
    check: Check
    params: tuple[Param, ...] = ()
    mendable: bool = False  # adding a block can clear it (the scheduler's stopping bound)
    # its verdict on a block reads that block and the day's settings only, never the other
    # blocks: the scheduler rejects a candidate it flags without evaluating the whole day
    alone: bool = False

    def use(self, severity: Severity | None = None, /, **params: int) -> RuleUse:
        values = {p.name: p.default for p in self.params}
        unknown = set(params) - set(values)
        if unknown:
            raise KeyError(f"{self.id} has no parameter {sorted(unknown)[0]!r}")
        values.update(params)
        return RuleUse(self.id, severity or self.severity, values)


def _found(use: RuleUse, message: str, blocks: tuple[str, ...] = (), amount: int = 0) -> Violation:
    return Violation(use.rule, use.severity, message, blocks, amount)


# --- the rules ----------------------------------------------------------------------------


def check_no_overlap(view: DayView, use: RuleUse) -> Iterator[Violation]:
    ordered = view.ordered
    for index, block in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other.start >= block.end:
                break
            yield _found(
                use,
                f"'{block.title}' {block.span} (id {block.id}) and "
                f"'{other.title}' {other.span} (id {other.id}) overlap",
                (block.id, other.id),
                min(block.end, other.end) - other.start,
            )


def check_work_inside_window(view: DayView, use: RuleUse) -> Iterator[Violation]:
    ctx = view.ctx
    for block in view.work:
        if block.start < ctx.work_start or block.end > ctx.work_end:
            yield _found(
                use,
                f"{describe(block)} is outside your work window {ctx.window} "
                f"({ctx.mode} keeps work inside working hours)",
                (block.id,),
                view.outside(block, ctx.work_start, ctx.work_end),
            )


def check_personal_outside_window(view: DayView, use: RuleUse) -> Iterator[Violation]:
    ctx = view.ctx
    if not ctx.working_day:
        return  # no work window on a day off
    for block in view.ordered:
        if (
            block.sphere is Sphere.PERSONAL
            and block.start < ctx.work_end
            and (ctx.work_start < block.end)
        ):
            yield _found(
                use,
                f"{describe(block)} overlaps your work window {ctx.window} "
                f"({ctx.mode} keeps personal time outside working hours; breaks like lunch "
                "are fine)",
                (block.id,),
                view.minutes(block) - view.outside(block, ctx.work_start, ctx.work_end),
            )


def check_no_work_on_days_off(view: DayView, use: RuleUse) -> Iterator[Violation]:
    ctx = view.ctx
    if ctx.working_day or not view.work:
        return
    weekday = WEEKDAYS[ctx.date.weekday()].capitalize()
    why = "it is planned as a day off" if ctx.day_off else f"{weekday} is not a working day"
    for block in view.work:
        yield _found(
            use,
            f"{describe(block)} is on a day off ({why}; {ctx.mode} keeps days off free of work)",
            (block.id,),
        )


def check_fixed_hours(view: DayView, use: RuleUse) -> Iterator[Violation]:
    ctx = view.ctx
    default_start = ctx.work_start if ctx.default_start is None else ctx.default_start
    default_end = ctx.work_end if ctx.default_end is None else ctx.default_end
    if (ctx.work_start, ctx.work_end) != (default_start, default_end):
        yield _found(
            use,
            f"The work window {ctx.window} differs from your working hours "
            f"{fmt_minutes(default_start)}-{fmt_minutes(default_end)} ({ctx.mode} sets fixed "
            "working hours and sticks to them: change them in settings for all days)",
            amount=abs(ctx.work_start - default_start) + abs(ctx.work_end - default_end),
        )


def mode_buffers(ctx: DayContext) -> Buffers:
    """The buffers the day's mode keeps at switches: the ``transition-buffer`` rule's
    parameters (none when the mode does not use the rule)."""
    use = next((u for u in mode_rules(ctx) if u.rule == "transition-buffer"), None)
    return Buffers.from_params(None if use is None else use.params)


def view_switches(view: DayView, buffers: Buffers | None = None) -> list[Switch]:
    """The day's switches between work and personal (real gaps on DST days)."""
    return find_switches(view.ordered, buffers or mode_buffers(view.ctx), view.length)


def day_switches(ctx: DayContext) -> list[Switch]:
    """The switches of a day under its mode (:mod:`flowday.domain.transitions`)."""
    return view_switches(DayView(ctx))


def check_transition_buffer(view: DayView, use: RuleUse) -> Iterator[Violation]:
    """Every switch needs the buffer its kind asks for (the rule's parameters are the
    mode's buffers: after work, before work, after a long work run)."""
    for switch in view_switches(view, Buffers.from_params(use.params)):
        if switch.kept:
            continue
        left, entered, gap, needed = switch.left, switch.entered, switch.gap, switch.required
        shown_gap = fmt_duration(gap) if gap else "0m"
        if switch.leaving is Sphere.WORK:
            why = "to switch from work to home"
            if needed > Buffers.from_params(use.params).after_work:
                why += f" after {fmt_duration(switch.run_work)} of work"
        else:
            why = "to switch from home to work"
        yield _found(
            use,
            f"Only {shown_gap} between {left.sphere.value} '{left.title}' ending "
            f"{fmt_minutes(left.end)} and {entered.sphere.value} '{entered.title}' at "
            f"{fmt_minutes(entered.start)}: leave at least {fmt_duration(needed)} {why}",
            (left.id, entered.id),
            needed - gap,
        )


def check_plan_evening(view: DayView, use: RuleUse) -> Iterator[Violation]:
    start, end = use.params["start"], use.params["end"]
    if not view.ordered or not view.ctx.working_day:
        return  # nothing planned yet, or a day off: nothing to nudge about
    # the evening begins when the day's work does end: asking for personal time at 17:00
    # of a day worked until 19:00 would ask for what its own window forbids
    start = max(start, view.ctx.work_end)
    if start >= end:
        return  # worked until the evening is over: no evening to plan
    for block in view.ordered:
        if block.sphere is Sphere.PERSONAL and block.start < end and start < block.end:
            return
    yield _found(
        use,
        f"No personal time planned this evening ({fmt_minutes(start)}-{fmt_minutes(end)}): "
        "plan personal time in advance",
    )


def check_work_outside_limit(view: DayView, use: RuleUse) -> Iterator[Violation]:
    ctx = view.ctx
    limit = use.params["minutes"]
    outside = [(b, view.outside(b, ctx.work_start, ctx.work_end)) for b in view.work]
    outside = [(b, m) for b, m in outside if m > 0]
    total = sum(m for _, m in outside)
    if total > limit:
        yield _found(
            use,
            f"{fmt_duration(total)} of work lies outside your work window {ctx.window}; "
            f"{ctx.mode} allows at most {fmt_duration(limit)} ('a few emails')",
            tuple(b.id for b, _ in outside),
            total,
        )


def check_max_work(view: DayView, use: RuleUse) -> Iterator[Violation]:
    limit = use.params["minutes"]
    total = sum(view.minutes(b) for b in view.work)
    if total > limit:
        yield _found(
            use,
            f"{fmt_duration(total)} of work planned; {view.ctx.mode} allows at most "
            f"{fmt_duration(limit)} in a day",
            tuple(b.id for b in view.work),
            total,
        )


def check_protected_off_time(view: DayView, use: RuleUse) -> Iterator[Violation]:
    start, end = use.params["start"], use.params["end"]
    # off-time wraps midnight when start > end (21:00-07:00): two stretches of this day
    stretches = [(start, end)] if start < end else [(0, end), (start, MINUTES_PER_DAY)]
    for block in view.work:
        if not any(block.start < e and s < block.end for s, e in stretches):
            continue
        inside = sum(view.length(max(block.start, s), min(block.end, e)) for s, e in stretches)
        if inside > 0:
            yield _found(
                use,
                f"{describe(block)} falls in protected off-time "
                f"{fmt_minutes(start)}-{fmt_minutes(end)} ({view.ctx.mode} should not mean "
                "being always on)",
                (block.id,),
                inside,
            )


def check_max_stretch(view: DayView, use: RuleUse) -> Iterator[Violation]:
    """Work blocks closer than ``break`` minutes form one stretch; none may exceed
    ``minutes``."""
    limit, pause = use.params["minutes"], use.params["break"]
    stretch: list[Block] = []
    stretch_end = -1

    def judge() -> Iterator[Violation]:
        if stretch:
            length = view.length(stretch[0].start, stretch_end)
            if length > limit:
                yield _found(
                    use,
                    f"Work from {fmt_minutes(stretch[0].start)} to {fmt_minutes(stretch_end)} "
                    f"runs {fmt_duration(length)} without a break of at least "
                    f"{fmt_duration(pause)} (at most {fmt_duration(limit)})",
                    tuple(b.id for b in stretch),
                    length,
                )

    for block in view.work:
        if stretch and view.length(stretch_end, block.start) >= pause:
            yield from judge()
            stretch = []
        stretch.append(block)
        stretch_end = max(stretch_end, block.end)
    yield from judge()


def count_switches(ordered: list[Block]) -> int:
    """Changes between work and personal in time order (breaks do not count)."""
    return len(find_switches(ordered))


def check_max_switches(view: DayView, use: RuleUse) -> Iterator[Violation]:
    limit = use.params["switches"]
    switches = count_switches(view.ordered)
    if switches > limit:
        yield _found(
            use,
            f"{switches} switches between work and personal today; more than {limit} blurs "
            "the day (blend, not blur)",
            amount=switches,
        )


def check_min_block(view: DayView, use: RuleUse) -> Iterator[Violation]:
    shortest = use.params["minutes"]
    for block in view.ordered:
        length = view.minutes(block)
        if length < shortest:
            yield _found(
                use,
                f"{describe(block)} is only {fmt_duration(length) if length else '0m'} "
                f"(blocks under {fmt_duration(shortest)} fragment the day)",
                (block.id,),
            )


_E, _W = Severity.ERROR, Severity.WARNING
_MIN, _CLOCK, _COUNT = ParamKind.MINUTES, ParamKind.CLOCK, ParamKind.COUNT

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("no-overlap", _E, "blocks do not overlap (every mode)", check_no_overlap),
        Rule(
            "work-inside-window", _E, "work blocks lie inside the work window",
            check_work_inside_window, alone=True,
        ),
        Rule(
            "personal-outside-window", _E,
            "personal blocks do not overlap the work window (breaks may)",
            check_personal_outside_window, alone=True,
        ),
        Rule(
            "no-work-on-days-off", _E, "no work on non-working days", check_no_work_on_days_off,
            alone=True,
        ),
        Rule(
            "fixed-hours", _E,
            "the day's work window stays the configured working hours",
            check_fixed_hours,
        ),
        Rule(
            "transition-buffer", _W,
            "free time at each switch between work and personal (the mode's buffers)",
            check_transition_buffer,
            (
                Param(AFTER_WORK, _MIN, 15),  # work → personal
                Param(BEFORE_WORK, _MIN, 0),  # personal → work
                Param(AFTER_LONG_WORK, _MIN, 0),  # work → personal after a long run
                Param(LONG_WORK, _MIN, 0),  # work minutes that make a run long (0: none)
            ),
            mendable=True,  # a personal block placed later may become "the first after work"
        ),
        Rule(
            "plan-evening", _W, "a planned day has personal time in the evening",
            check_plan_evening,
            (
                Param("start", _CLOCK, 17 * 60),
                Param("end", _CLOCK, 22 * 60),
            ),
            mendable=True,
        ),
        Rule(
            "work-outside-limit", _E, "at most this much work outside the day's window",
            check_work_outside_limit,
            (Param("minutes", _MIN, 30),),
        ),
        Rule(
            "max-work", _E, "at most this much work in the day", check_max_work,
            (Param("minutes", _MIN, 8 * 60),),
        ),
        Rule(
            "protected-off-time", _E, "no work in the protected off-time",
            check_protected_off_time,
            (
                Param("start", _CLOCK, 21 * 60),
                Param("end", _CLOCK, 7 * 60),  # in the morning: off-time wraps midnight
            ),
            alone=True,
        ),
        Rule(
            "max-stretch", _W, "no work stretch longer than this without a break",
            check_max_stretch,
            (
                Param("minutes", _MIN, 3 * 60),
                Param("break", _MIN, 10),  # the shortest gap that counts as a break
            ),
        ),
        Rule(
            "max-switches", _W, "at most this many switches between work and personal",
            check_max_switches,
            (Param("switches", _COUNT, 8),),
        ),
        Rule(
            "min-block", _W, "no block shorter than this", check_min_block,
            (Param("minutes", _MIN, 10),), alone=True,
        ),
    )
}  # fmt: skip

SHARED = RULES["no-overlap"].use()  # every mode has it, first


def mode_rules(ctx: DayContext) -> tuple[RuleUse, ...]:
    """The context's composition; without one, only the rule every mode shares (modes
    compose rules, so this module does not look modes up)."""
    return ctx.rules if ctx.rules is not None else (SHARED,)


def evaluate(ctx: DayContext) -> list[Violation]:
    """Every violation of the day's mode, in the mode's rule order, then in time order —
    the same whatever order the blocks come in."""
    view = DayView(ctx)
    found: list[Violation] = []
    for use in mode_rules(ctx):
        found.extend(RULES[use.rule].check(view, use))
    return found


def new_hard_violations(before: list[Violation], after: list[Violation]) -> list[Violation]:
    """Hard violations a change would add or worsen (those already there are not the
    change's fault; making one of them worse is)."""
    existing: dict[tuple[str, tuple[str, ...]], int] = {}
    for v in before:
        existing[v.key()] = max(existing.get(v.key(), 0), v.amount)
    return [
        v for v in after if v.is_hard and (v.key() not in existing or v.amount > existing[v.key()])
    ]
