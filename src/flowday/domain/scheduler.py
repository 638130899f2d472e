"""Auto-scheduling: put things on the day where the mode's rules allow them.

:func:`place` is the one engine behind ``flowday plan`` (inbox tasks, earliest first), the
TUI's "schedule this task" and the mode-switch fix (flexible blocks, nearest to where they
were). For each request in turn it tries candidate starts, keeps those that add no hard
violation, and picks the one that leaves the fewest soft violations (then the earliest, or
the nearest to a preferred start). What cannot be placed comes back with the reason: which
rule stood in the way and how much room was missing.

Candidates are not every minute of the day but the points where a rule's verdict can change
(free-slot edges, window and evening edges, buffers around blocks, each also shifted back by
the request's length) plus a coarse grid, so one placement costs tens of evaluations.

A big inbox is mostly tasks that no longer fit: between two placements the day stands still,
so each answer (where a request of this sphere and length goes, whether it fits at all, why
not) is worked out once per shape of request (:class:`_State`), and a candidate a hard rule
refuses on the block alone is dropped before the whole day is evaluated.

The mode's transition buffers (:mod:`flowday.domain.transitions`) are hard here: a
placement never takes away the free time a switch between work and personal keeps. 1,000 tasks on a
200-block day: 65 s before, a fraction of a second now (``bench/bench_plan.py``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence

from flowday.domain import intervals
from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define, replace
from flowday.domain.model import Block, Sphere
from flowday.domain.rules import (
    RULES,
    SHARED,
    DayContext,
    ParamKind,
    Severity,
    Violation,
    _identity,
    evaluate,
    mode_buffers,
    mode_rules,
    new_hard_violations,
    real_clock,
)
from flowday.domain.timeparse import check_exists, fmt_duration
from flowday.domain.transitions import LONG_WORK
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_minutes

GRID = 15  # minutes between grid candidates
FINE = 5  # resolution when measuring how much room was missing


@define(slots=True)
class Request(Record):
    """Something to place: ``template`` carries the id, title, sphere and flags of the block
    to make; ``minutes`` its real length; ``prefer`` a start to stay near (None: earliest)."""

    template: Block
    minutes: int
    prefer: int | None = None


@define(slots=True)
class Outcome(Record):
    placed: list[tuple[Request, Block]]
    unplaced: list[tuple[Request, str]]
    blocks: tuple[Block, ...]  # the day's blocks afterwards


class Cancelled(Exception):
    """The caller asked :func:`place` to stop (the planner's escape): nothing was decided."""


def place(
    ctx: DayContext,
    requests: Sequence[Request],
    *,
    earliest: int,
    latest: int,
    explain: bool = True,
    cancelled: Callable[[], bool] | None = None,
) -> Outcome:
    """Place ``requests`` in order between ``earliest`` and ``latest`` (wall minutes).
    ``cancelled`` is asked between requests; when it says so, :class:`Cancelled` is raised."""
    ctx = keeping_buffers(ctx)
    blocks = list(ctx.blocks)
    placed: list[tuple[Request, Block]] = []
    unplaced: list[tuple[Request, str]] = []
    if earliest >= latest:  # e.g. planning today after the planning hours
        reason = f"no time left: planning ends at {fmt_minutes(latest)}"
        return Outcome([], [(r, reason) for r in requests], tuple(blocks))
    state = _State(ctx, earliest, latest)
    for request in requests:
        if cancelled is not None and cancelled():
            raise Cancelled
        block = _best(state, request)
        if block is None:
            reason = _reason(state, request) if explain else "no room"
            unplaced.append((request, reason))
        else:
            blocks.append(block)
            placed.append((request, block))
            state = _State(ctx.with_blocks(tuple(blocks)), earliest, latest)
    return Outcome(placed, unplaced, tuple(blocks))


def keeping_buffers(ctx: DayContext) -> DayContext:
    """The day as the scheduler judges a placement: the mode's transition buffers count as
    hard, so no placement takes away a buffer a switch keeps (or makes a missing one worse).
    The person may still put a block there by hand (the judge only warns then); the
    scheduler never does."""
    rules = mode_rules(ctx)
    if not any(u.rule == BUFFER_RULE and u.severity is not Severity.ERROR for u in rules):
        return ctx
    kept = tuple(replace(u, severity=Severity.ERROR) if u.rule == BUFFER_RULE else u for u in rules)
    return replace(ctx, rules=kept)


BUFFER_RULE = "transition-buffer"

Shape = tuple[Sphere, bool, int, int | None]


def _shape(request: Request) -> Shape:
    """What the rules see of a request: no rule reads a title, an id or notes, so two
    requests of one shape get the same answer on the same day."""
    return (request.template.sphere, request.template.flexible, request.minutes, request.prefer)


class _State:
    """The day as it stands between two placements, prepared once: its verdict, the points
    where a rule's verdict may change (sorted), its free slots, and the answers already
    found for each request shape. A placement makes a new state; a request that found no
    place leaves the day as it was, so the next one of its shape costs a look-up (a big
    inbox is mostly tasks that no longer fit, each asking the same questions)."""

    __slots__ = ("alone_ctx", "ctx", "earliest", "fits", "floor", "gaps", "hard_ctx",
                 "hard_verdict", "latest", "points", "reasons", "spans", "verdict")  # fmt: skip

    def __init__(self, ctx: DayContext, earliest: int, latest: int) -> None:
        self.ctx = ctx
        self.earliest = earliest
        self.latest = latest
        self.verdict = evaluate(ctx)
        # no placement can leave fewer warnings than those a new block cannot clear
        self.floor = sum(1 for v in self.verdict if not v.is_hard and not RULES[v.rule].mendable)
        self.points = sorted(_points(ctx))
        self.gaps = intervals.gaps(((b.start, b.end) for b in ctx.blocks), earliest, latest)
        self.spans: dict[Shape, tuple[int, int] | None] = {}  # the best span of a shape
        self.reasons: dict[Shape, str] = {}  # why a shape found no place
        self.fits: dict[Shape, bool] = {}  # whether a shape has a place at all
        # where only the hard rules matter (does it fit? what stands in the way?), only
        # they are evaluated: what a change newly breaks is the same without the others
        hard = tuple(use for use in mode_rules(ctx) if use.severity is Severity.ERROR)
        self.hard_ctx = DayContext(
            ctx.date, ctx.mode, ctx.work_start, ctx.work_end, ctx.blocks, ctx.tz,
            ctx.working_day, hard, ctx.default_start, ctx.default_end, ctx.day_off,
        )  # fmt: skip
        self.hard_verdict = [v for v in self.verdict if v.is_hard]
        # the hard rules that judge a block by itself: one that flags the block alone flags
        # it on the day too (its violation names only the new block), so that candidate is
        # out without evaluating the whole day
        alone = tuple(use for use in hard if RULES[use.rule].alone)
        self.alone_ctx = None if not alone else DayContext(
            ctx.date, ctx.mode, ctx.work_start, ctx.work_end, (), ctx.tz,
            ctx.working_day, alone, ctx.default_start, ctx.default_end, ctx.day_off,
        )  # fmt: skip

    def after(self, block: Block) -> list[Violation]:
        return evaluate(self.ctx.with_blocks((*self.ctx.blocks, block)))

    def allowed_alone(self, block: Block) -> bool:
        """False when a hard rule that reads the block alone already refuses it."""
        return self.alone_ctx is None or not evaluate(self.alone_ctx.with_blocks((block,)))

    def newly_broken(self, block: Block) -> list[Violation]:
        """The hard violations adding ``block`` would add or worsen."""
        after = evaluate(self.hard_ctx.with_blocks((*self.ctx.blocks, block)))
        return new_hard_violations(self.hard_verdict, after)


def _at(template: Block, ctx: DayContext, start: int, end: int) -> Block:
    """``template`` at ``start``-``end`` on the day (constructed directly: hot loop)."""
    return Block(
        template.id, ctx.date, start, end, template.title, template.sphere, template.flexible,
        template.notes, template.created, template.updated, template.source,
    )  # fmt: skip


def _fit(ctx: DayContext, start: int, minutes: int) -> int | None:
    """The wall-clock end that gives ``minutes`` of real time from ``start`` (None: none)."""
    real = real_clock(ctx.date, ctx.tz)
    end = start + minutes
    if real is _identity:  # an ordinary day: wall time is real time
        return end if end <= MINUTES_PER_DAY else None
    for _ in range(3):  # DST days: correct by the difference between wall and real time
        if end > MINUTES_PER_DAY:
            return None
        try:
            check_exists(ctx.date, start, end, ctx.tz)
        except InputError:
            return None
        missing = minutes - (real(end) - real(start))
        if not missing:
            return end
        end += missing
    return None


def _points(ctx: DayContext) -> set[int]:
    """Where a rule's verdict may change: block edges (and each buffer after them), the
    work window, and every time-of-day parameter of the mode."""
    points = {ctx.work_start, ctx.work_end}
    minutes_params: set[int] = set()
    for use in mode_rules(ctx):
        for param in RULES[use.rule].params:
            value = use.params[param.name]
            if param.kind is ParamKind.CLOCK:
                points.add(value)
            elif param.kind is ParamKind.MINUTES and value <= 120 and param.name != LONG_WORK:
                minutes_params.add(value)  # (a long run's length is no distance from an edge)
    buffers = mode_buffers(ctx)
    before = {m for m in (buffers.after_work, buffers.before_work, buffers.after_long_work) if m}
    for block in ctx.blocks:
        points.add(block.start)
        points.add(block.end)
        points.update(block.end + m for m in minutes_params)
        # a buffer before a block: a block of the other sphere may end there
        points.update(block.start - m for m in before)
    return points


def _candidates(state: _State, minutes: int, prefer: int | None) -> list[tuple[int, int]]:
    """(start, end) pairs inside free slots, earliest first (or nearest ``prefer``)."""
    ctx, points = state.ctx, state.points
    found: dict[int, int] = {}
    for gap_start, gap_end in state.gaps:
        if gap_end - gap_start < minutes // 2:  # even a DST day cannot make it fit
            continue
        starts = {gap_start, *range(-(-gap_start // GRID) * GRID, gap_end, GRID)}
        # the points inside the slot, and those a block of this length would end on
        starts.update(points[bisect_left(points, gap_start) : bisect_left(points, gap_end)])
        shifted = points[
            bisect_left(points, gap_start + minutes) : bisect_left(points, gap_end + minutes)
        ]
        starts.update(p - minutes for p in shifted)
        if prefer is not None:
            starts.update(p for p in (prefer, prefer - minutes) if gap_start <= p < gap_end)
        starts.add(gap_end - minutes)
        for start in starts:
            if start < gap_start or start in found:
                continue
            end = _fit(ctx, start, minutes)
            if end is not None and end <= gap_end:
                found[start] = end
    if prefer is None:
        return sorted(found.items())
    return sorted(found.items(), key=lambda item: (abs(item[0] - prefer), item[0]))


def _best(state: _State, request: Request) -> Block | None:
    shape = _shape(request)
    if shape not in state.spans:
        state.spans[shape] = _best_span(state, request)
    span = state.spans[shape]
    return None if span is None else _at(request.template, state.ctx, *span)


def _best_span(state: _State, request: Request) -> tuple[int, int] | None:
    best: tuple[int, int, int] | None = None  # soft violations, start, end
    for start, end in _candidates(state, request.minutes, request.prefer):
        block = _at(request.template, state.ctx, start, end)
        if not state.allowed_alone(block):
            continue
        after = state.after(block)
        if new_hard_violations(state.verdict, after):
            continue
        soft = sum(1 for v in after if not v.is_hard)
        if best is None or soft < best[0]:
            best = (soft, start, end)
            if soft <= state.floor:
                break  # candidates come in order of preference: none can do better
    return None if best is None else (best[1], best[2])


def _fits(state: _State, request: Request) -> bool:
    """Whether ``request`` has any place (the hard rules alone decide that)."""
    shape = _shape(request)
    if shape in state.spans:
        return state.spans[shape] is not None
    if shape not in state.fits:
        blocks = (
            _at(request.template, state.ctx, start, end)
            for start, end in _candidates(state, request.minutes, request.prefer)
        )
        state.fits[shape] = any(
            state.allowed_alone(block) and not state.newly_broken(block) for block in blocks
        )
    return state.fits[shape]


def _blocking_rule(state: _State, request: Request) -> Violation | None:
    """The hard rule that most often stood in the way of the full-length candidates. When
    no free slot is long enough, ask what else would stand in the way if one were (a
    nine-hour work task is too long for the work window, not just for today's gaps);
    ``None`` when only room is missing."""
    ctx = state.ctx
    earliest, latest = state.earliest, state.latest
    starts = _candidates(state, request.minutes, request.prefer)
    if not starts:
        grid = range(earliest, latest - min(request.minutes, latest - earliest) + 1, GRID)
        ends = ((start, _fit(ctx, start, request.minutes)) for start in grid)
        starts = [(start, end) for start, end in ends if end is not None]
    seen: Counter[str] = Counter()
    first: dict[str, Violation] = {}
    for start, end in starts:
        block = _at(request.template, ctx, start, end)
        newly = state.newly_broken(block)
        # a block laid over others has no gap to keep: only room is missing there
        ignored = (
            {SHARED.rule, BUFFER_RULE}
            if any(v.rule == SHARED.rule for v in newly)
            else {SHARED.rule}
        )
        broken = [v for v in newly if v.rule not in ignored]
        if not broken:
            return None  # this one only lacked room
        for violation in broken:
            seen[violation.rule] += 1
            first.setdefault(violation.rule, violation)
    if not seen:
        return None
    return first[seen.most_common(1)[0][0]]


# Stands for the request's title while its reason is worked out once per shape: control
# characters never survive in a title (domain.text), so this never meets a real one.
_TITLE = "\x00title\x00"


def _reason(state: _State, request: Request) -> str:
    """Why ``request`` found no place. Rules name the request's block only by its title,
    so the reason is worked out once per shape and the title put in."""
    shape = _shape(request)
    if shape not in state.reasons:
        stand_in = replace(request, template=replace(request.template, title=_TITLE))
        state.reasons[shape] = _explained(state, stand_in)
    return state.reasons[shape].replace(_TITLE, request.template.title)


def _explained(state: _State, request: Request) -> str:
    needed = request.minutes
    window = f"{fmt_minutes(state.earliest)}-{fmt_minutes(state.latest)}"
    blocking = _blocking_rule(state, request)
    # the longest length that does fit, to say how much room is missing
    longest = 0
    low, high = 1, (needed - 1) // FINE
    while low <= high:
        middle = (low + high) // 2
        trial = replace(request, minutes=middle * FINE)
        if _fits(state, trial):
            longest, low = middle * FINE, middle + 1
        else:
            high = middle - 1
    room = (
        f"the longest slot that fits is {fmt_duration(longest)}, "
        f"{fmt_duration(needed - longest)} short"
        if longest
        else f"no slot of even {FINE}m fits"
    )
    if blocking is None:
        return f"{SHARED.rule}: no free slot of {fmt_duration(needed)} between {window}; {room}"
    return f"{blocking.rule}: {blocking.message}; {room}"
