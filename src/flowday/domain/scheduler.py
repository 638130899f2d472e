"""Auto-scheduling: put things on the day where the mode's rules allow them.

:func:`place` is the one engine behind ``flowday plan`` (inbox tasks, earliest first), the
TUI's "schedule this task" and the mode-switch fix (flexible blocks, nearest to where they
were). For each request in turn it tries candidate starts, keeps those that add no hard
violation, and picks the one that leaves the fewest soft violations (then the earliest, or
the nearest to a preferred start). What cannot be placed comes back with the reason: which
rule stood in the way and how much room was missing.

Candidates are not every minute of the day but the points where a rule's verdict can change
(free-slot edges, window and evening edges, buffers after blocks, each also shifted back by
the request's length) plus a coarse grid, so one placement costs tens of evaluations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from flowday.domain import intervals
from flowday.domain.errors import InputError
from flowday.domain.model import Block
from flowday.domain.rules import (
    RULES,
    SHARED,
    DayContext,
    ParamKind,
    Violation,
    _identity,
    evaluate,
    mode_rules,
    new_hard_violations,
    real_clock,
)
from flowday.domain.timeparse import check_exists, fmt_duration
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_minutes

GRID = 15  # minutes between grid candidates
FINE = 5  # resolution when measuring how much room was missing


@dataclass(frozen=True, slots=True)
class Request:
    """Something to place: ``template`` carries the id, title, sphere and flags of the block
    to make; ``minutes`` its real length; ``prefer`` a start to stay near (None: earliest)."""

    template: Block
    minutes: int
    prefer: int | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    placed: list[tuple[Request, Block]]
    unplaced: list[tuple[Request, str]]
    blocks: tuple[Block, ...]  # the day's blocks afterwards


def place(
    ctx: DayContext,
    requests: Sequence[Request],
    *,
    earliest: int,
    latest: int,
    explain: bool = True,
) -> Outcome:
    """Place ``requests`` in order between ``earliest`` and ``latest`` (wall minutes)."""
    blocks = list(ctx.blocks)
    placed: list[tuple[Request, Block]] = []
    unplaced: list[tuple[Request, str]] = []
    if earliest >= latest:  # e.g. planning today after the planning hours
        reason = f"no time left: planning ends at {fmt_minutes(latest)}"
        return Outcome([], [(r, reason) for r in requests], tuple(blocks))
    for request in requests:
        day = ctx.with_blocks(tuple(blocks))
        block = _best(day, request, earliest, latest)
        if block is None:
            reason = _reason(day, request, earliest, latest) if explain else "no room"
            unplaced.append((request, reason))
        else:
            blocks.append(block)
            placed.append((request, block))
    return Outcome(placed, unplaced, tuple(blocks))


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
            elif param.kind is ParamKind.MINUTES and value <= 120:
                minutes_params.add(value)
    for block in ctx.blocks:
        points.add(block.start)
        points.add(block.end)
        points.update(block.end + m for m in minutes_params)
    return points


def _candidates(
    ctx: DayContext, minutes: int, earliest: int, latest: int, prefer: int | None
) -> list[tuple[int, int]]:
    """(start, end) pairs inside free slots, earliest first (or nearest ``prefer``)."""
    points = _points(ctx)
    if prefer is not None:
        points.add(prefer)
    found: dict[int, int] = {}
    for gap_start, gap_end in intervals.gaps(
        ((b.start, b.end) for b in ctx.blocks), earliest, latest
    ):
        if gap_end - gap_start < minutes // 2:  # even a DST day cannot make it fit
            continue
        starts = {gap_start, *range(-(-gap_start // GRID) * GRID, gap_end, GRID)}
        starts.update(p for p in points if gap_start <= p < gap_end)
        starts.update(p - minutes for p in points if gap_start <= p - minutes < gap_end)
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


def _best(ctx: DayContext, request: Request, earliest: int, latest: int) -> Block | None:
    before = evaluate(ctx)
    # no placement can leave fewer warnings than those a new block cannot clear
    floor = sum(1 for v in before if not v.is_hard and not RULES[v.rule].mendable)
    best: tuple[int, Block] | None = None
    for start, end in _candidates(ctx, request.minutes, earliest, latest, request.prefer):
        block = _at(request.template, ctx, start, end)
        after = evaluate(ctx.with_blocks((*ctx.blocks, block)))
        if new_hard_violations(before, after):
            continue
        soft = sum(1 for v in after if not v.is_hard)
        if best is None or soft < best[0]:
            best = (soft, block)
            if soft <= floor:
                break  # candidates come in order of preference: none can do better
    return best[1] if best else None


def _blocking_rule(
    ctx: DayContext, request: Request, earliest: int, latest: int
) -> Violation | None:
    """The hard rule that most often stood in the way of the full-length candidates. When
    no free slot is long enough, ask what else would stand in the way if one were (a
    nine-hour work task is too long for the work window, not just for today's gaps);
    ``None`` when only room is missing."""
    before = evaluate(ctx)
    starts = _candidates(ctx, request.minutes, earliest, latest, request.prefer)
    if not starts:
        grid = range(earliest, latest - min(request.minutes, latest - earliest) + 1, GRID)
        ends = ((start, _fit(ctx, start, request.minutes)) for start in grid)
        starts = [(start, end) for start, end in ends if end is not None]
    seen: Counter[str] = Counter()
    first: dict[str, Violation] = {}
    for start, end in starts:
        block = _at(request.template, ctx, start, end)
        after = evaluate(ctx.with_blocks((*ctx.blocks, block)))
        broken = [v for v in new_hard_violations(before, after) if v.rule != SHARED.rule]
        if not broken:
            return None  # this one only lacked room
        for violation in broken:
            seen[violation.rule] += 1
            first.setdefault(violation.rule, violation)
    if not seen:
        return None
    return first[seen.most_common(1)[0][0]]


def _reason(ctx: DayContext, request: Request, earliest: int, latest: int) -> str:
    needed = request.minutes
    window = f"{fmt_minutes(earliest)}-{fmt_minutes(latest)}"
    blocking = _blocking_rule(ctx, request, earliest, latest)
    # the longest length that does fit, to say how much room is missing
    longest = 0
    low, high = 1, (needed - 1) // FINE
    while low <= high:
        middle = (low + high) // 2
        trial = replace(request, minutes=middle * FINE)
        if _best(ctx, trial, earliest, latest) is not None:
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
