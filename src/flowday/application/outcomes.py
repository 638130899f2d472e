"""What happened to the plan: a block done (maybe at other times), skipped, or back to
planned; and carrying unfinished flexible work over to tomorrow or back to the inbox.

A block done at other times than planned keeps its plan; what the actual time breaks that
the plan did not (work past the window, into protected off-time) is an *overrun*: recorded
on the day as a crossing of kind ``overrun``, never refused (it already happened), counted
apart from the planned crossings."""

from __future__ import annotations

from typing import Literal

import pendulum

from flowday.application.planner import Planner
from flowday.domain import scheduler
from flowday.domain.errors import InputError, NotFoundError
from flowday.domain.frozen import Record, define, field, replace
from flowday.domain.model import (
    OVERRUN,
    Block,
    Crossing,
    Day,
    Outcome,
    Task,
    as_it_happened,
    stamp,
)  # fmt: skip
from flowday.domain.rules import Violation
from flowday.domain.timeparse import check_exists, real_minutes
from flowday.domain.wallclock import MINUTES_PER_DAY
from flowday.store import Transaction

# an actual time running into the next block is what happened, not a rule crossed
NOT_OVERRUNS = frozenset({"no-overlap"})


@define
class OutcomeResult(Record):
    """The block as recorded and the overruns its actual time makes (empty otherwise)."""

    block: Block
    overruns: list[Violation] = field(default_factory=list)


def mark_done(
    planner: Planner, block_id: str, *, at: tuple[int, int] | None = None
) -> OutcomeResult:
    """Done as planned, or (``at``) done at another time of the same day."""
    return _record(planner, block_id, Outcome.DONE, at)


def mark_skipped(planner: Planner, block_id: str) -> OutcomeResult:
    return _record(planner, block_id, Outcome.SKIPPED, None)


def mark_planned(planner: Planner, block_id: str) -> OutcomeResult:
    """Undo a done/skip: the block is as planned again (its overruns go with it)."""
    return _record(planner, block_id, Outcome.PLANNED, None)


def overruns_of(planner: Planner, day: Day, blocks: list[Block], block: Block) -> list[Violation]:
    """The hard rules what really happened breaks on ``block`` that the plan did not."""
    planned = {v.key() for v in planner.evaluate(day, blocks) if v.is_hard}
    return [
        v
        for v in planner.evaluate(day, as_it_happened(blocks))
        if v.is_hard and v.rule not in NOT_OVERRUNS and block.id in v.blocks
        and v.key() not in planned
    ]  # fmt: skip


@define
class Recorded(Record):
    """An outcome worked out in memory: the block, its day's blocks and the day (with its
    overruns) as they are once stored."""

    block: Block
    blocks: list[Block]
    day: Day
    overruns: list[Violation]


def recorded(
    planner: Planner,
    day: Day,
    blocks: list[Block],
    current: Block,
    outcome: Outcome,
    at: tuple[int, int] | None = None,
) -> Recorded:
    """``current`` (one of ``blocks``, on ``day``) marked ``outcome`` (``at``: done at
    another time), from nothing but what is passed: what is stored, and what the planner
    shows before storing it."""
    start, end = at if at is not None and at != (current.start, current.end) else (None, None)
    updated = current.changed(
        planner.now(), outcome=outcome, actual_start=start, actual_end=end
    )  # a time range of the day, checked by the block
    if at is not None:  # and not a time the clocks skip
        check_exists(current.date, at[0], at[1], planner.config.timezone)
    blocks = [updated if b.id == updated.id else b for b in blocks]
    overruns = overruns_of(planner, day, blocks, updated)
    when = stamp(planner.now())
    kept = tuple(c for c in day.crossings if not (c.overrun and c.block == updated.id))
    crossed = tuple(Crossing(v.rule, updated.id, when, v.message, kind=OVERRUN) for v in overruns)
    return Recorded(updated, blocks, replace(day, crossings=kept + crossed), overruns)


def _record(
    planner: Planner, block_id: str, outcome: Outcome, at: tuple[int, int] | None
) -> OutcomeResult:
    with planner.store.transaction() as txn:
        current = txn.find_block(block_id.strip())
        if current is None:
            raise NotFoundError(f"no block with id {block_id!r}")
        day = txn.day(current.date)
        done = recorded(planner, day, txn.blocks_on(current.date), current, outcome, at)
        if done.day != day:
            txn.put_day(done.day)
        # an occurrence stored here becomes a block of its own (the routine marks it edited)
        txn.put_block(done.block)
        return OutcomeResult(done.block, done.overruns)


# --- carry over ---------------------------------------------------------------------------
Destination = Literal["tomorrow", "inbox"]


def unfinished(planner: Planner, date: pendulum.Date) -> list[Block]:
    """Flexible work left open on a day that is over (or ends now): neither done nor
    skipped. Offered to carry over; nothing moves without the person's say."""
    return [
        b
        for b in planner.store.blocks_on(date)
        if b.flexible and b.outcome is Outcome.PLANNED and not _still_ahead(planner, b)
    ]


def _still_ahead(planner: Planner, block: Block) -> bool:
    """A block of today that has not ended yet is not unfinished."""
    now = planner.now()
    if block.date != now.date():
        return block.date > now.date()
    return block.end > now.hour * 60 + now.minute


@define
class CarryResult(Record):
    """What carrying did: the blocks placed tomorrow (old, new), those sent to the inbox
    (old, task) and those that found no allowed slot (old, why; left where they were)."""

    date: pendulum.Date
    to: Destination
    placed: list[tuple[Block, Block]] = field(default_factory=list)
    inboxed: list[tuple[Block, Task]] = field(default_factory=list)
    unplaced: list[tuple[Block, str]] = field(default_factory=list)
    dry_run: bool = False


def carry(
    planner: Planner,
    date: pendulum.Date,
    *,
    to: Destination,
    ids: list[str] | None = None,
    dry_run: bool = False,
) -> CarryResult:
    """Carry ``date``'s unfinished flexible work (``ids``: only those) to the next day,
    placed by the same engine as ``plan`` (the next day's mode), or back to the inbox.
    A carried block leaves its day (an occurrence is skipped there)."""
    blocks = unfinished(planner, date)
    if ids is not None:
        wanted = {i.strip() for i in ids}
        missing = wanted - {b.id for b in blocks}
        if missing:
            raise InputError(
                f"{sorted(missing)[0]!r} is not unfinished flexible work of "
                f"{date.to_date_string()} (see flowday carry --dry-run)"
            )
        blocks = [b for b in blocks if b.id in wanted]
    if to == "inbox":
        tasks = [(b, _task_of(planner, b)) for b in blocks]
        if not dry_run and tasks:
            with planner.store.transaction() as txn:
                for block, task in tasks:
                    _leave(txn, block)
                    txn.put_task(task)
        return CarryResult(date, to, inboxed=tasks, dry_run=dry_run)
    tomorrow = date.add(days=1)
    if tomorrow < planner.today():
        raise InputError(
            f"{tomorrow.to_date_string()} is in the past: carry to the inbox instead (--to inbox)"
        )
    placed, unplaced = _place_tomorrow(planner, tomorrow, blocks, dry_run=dry_run)
    return CarryResult(date, to, placed=placed, unplaced=unplaced, dry_run=dry_run)


def _task_of(planner: Planner, block: Block) -> Task:
    minutes = real_minutes(block.date, block.start, block.end, planner.config.timezone)
    return Task.create(
        title=block.title, sphere=block.sphere, estimate=max(1, minutes), now=planner.now()
    )


def _leave(txn: Transaction, block: Block) -> None:
    txn.delete_block(block.id, block.date)


def _place_tomorrow(
    planner: Planner, tomorrow: pendulum.Date, blocks: list[Block], *, dry_run: bool
) -> tuple[list[tuple[Block, Block]], list[tuple[Block, str]]]:
    """Placed by :meth:`Planner.schedule` (``plan``'s engine, tomorrow's mode), in one
    transaction with leaving today: a crash never leaves a block in both days."""
    if not blocks:
        return [], []
    with planner.store.transaction() as txn:
        wanted = [
            (
                b,
                scheduler.Request(
                    Block.create(
                        date=tomorrow, start=0, end=min(b.end - b.start, MINUTES_PER_DAY),
                        title=b.title, sphere=b.sphere, flexible=True, notes=b.notes,
                        now=planner.now(),
                    ),
                    real_minutes(b.date, b.start, b.end, planner.config.timezone),
                ),
            )
            for b in blocks
        ]  # fmt: skip
        placed, unplaced = planner.schedule(txn, tomorrow, wanted)
        if not dry_run:
            for old, new in placed:
                _leave(txn, old)
                txn.put_block(new)
    return placed, unplaced
