"""Use cases shared by the CLI and the TUI: every change goes through here, so the rules
are enforced the same way from both. Domain + store, no UI."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import pendulum

from flowday.application.occurrences import RoutineOccurrences
from flowday.config import Config
from flowday.domain import rules
from flowday.domain.clock import Clock
from flowday.domain.errors import InputError, NotFoundError, RefusedError
from flowday.domain.figures import DayFigures, day_figures
from flowday.domain.frozen import Record, define, field, fields, replace
from flowday.domain.model import (
    Block,
    Crossing,
    Day,
    ModeSwitch,
    Sphere,
    Task,
    in_plan_order,
    new_id,
    stamp,
)  # fmt: skip
from flowday.domain.modes import Mode, build_modes
from flowday.domain.routines import Routine, parse_occurrence_id
from flowday.domain.rules import SHARED, DayContext, Violation
from flowday.domain.text import clean_title
from flowday.domain.timeparse import (
    DEFAULT_BLOCK_MINUTES,
    QuickAdd,
    check_exists,
    fmt_duration,
    parse_quick_add,
    require_day,
)
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_minutes
from flowday.store import Store, Transaction

if TYPE_CHECKING:
    from flowday.domain import scheduler


@define
class ChangeResult(Record):
    """What a change did: the block (if any), soft warnings now on the day, and the hard
    rules crossed on purpose."""

    block: Block | None = None
    warnings: list[Violation] = field(default_factory=list)
    crossed: list[Violation] = field(default_factory=list)


PREVIEW_ID = "preview"  # the id of a block being typed, never stored


@define
class Verdict(Record):
    """What the day's rules say of one change: the hard rules it newly breaks (refused
    unless forced, then recorded as crossings) and everything broken once it is made."""

    broken: list[Violation] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.broken

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if not v.is_hard]

    def unnamed(self, block_id: str) -> Verdict:
        """The verdict on a block that is not stored (a refused add, a preview): its
        messages must not point people at an id that names nothing."""
        return Verdict(
            broken=[replace(v, message=v.unnamed(block_id)) for v in self.broken],
            violations=[replace(v, message=v.unnamed(block_id)) for v in self.violations],
        )


@define
class BlockPreview(Record):
    """What adding quick-add ``text`` would store, and the verdict the add would get."""

    block: Block
    verdict: Verdict

    @property
    def refusal(self) -> Violation | None:
        return self.verdict.broken[0] if self.verdict.broken else None

    @property
    def warning(self) -> Violation | None:
        """The first warning about the block itself (others were on the day already)."""
        ours = [v for v in self.verdict.warnings if self.block.id in v.blocks]
        return ours[0] if ours else None


@define
class ModeProposal(Record):
    """What switching a day to ``mode`` means: what breaks there, the moves the fix makes
    (old, new) and what it cannot fix (block, reason). ``hours_reset`` is the configured
    work window the fix puts back when the mode keeps fixed hours and the day's were moved
    (``None``: the fix leaves the hours). ``switched``/``fixed`` say what
    :meth:`Planner.set_mode` did (a proposal alone writes nothing)."""

    date: pendulum.Date
    previous: str
    mode: str
    violations: list[Violation] = field(default_factory=list)
    moves: list[tuple[Block, Block]] = field(default_factory=list)
    unfixable: list[tuple[Block, str]] = field(default_factory=list)
    hours_reset: tuple[int, int] | None = None
    switched: bool = False
    fixed: bool = False

    @property
    def fixable(self) -> bool:
        """Whether the fix would change anything (a move or the hours put back)."""
        return bool(self.moves) or self.hours_reset is not None


@define
class PlanResult(Record):
    """Tasks placed (each now a flexible block) and tasks left in the inbox, with why."""

    date: pendulum.Date
    placed: list[tuple[Task, Block]] = field(default_factory=list)
    unplaced: list[tuple[Task, str]] = field(default_factory=list)
    dry_run: bool = False


@define
class _PlanInputs(Record):
    """What a plan is worked out from: the inbox, the day and its blocks as read."""

    tasks: list[Task]
    day: Day
    blocks: list[Block]


@define
class PlanDraft(Record):
    """A plan worked out without the lock, and what it was worked out from, so that
    :meth:`Planner.commit_plan` can tell whether it still holds."""

    date: pendulum.Date
    inputs: _PlanInputs
    task_ids: list[str] | None
    result: PlanResult


@define
class Snapshot(Record):
    """The stored state of some days and the inbox, for undo/redo."""

    blocks: dict[str, list[Block]]
    days: dict[str, Day]
    tasks: list[Task] | None
    # every routine (a handful, cached by the store): a routine made or changed from the
    # planner is undone like a block
    routines: list[Routine] | None = None


class Planner:
    def __init__(self, store: Store, config: Config, clock: Clock) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.mode_table: dict[str, Mode] = build_modes(config.modes)  # checked by the config
        store.occurrences = RoutineOccurrences(config)  # every block read shows routines

    # --- time -----------------------------------------------------------------------------
    def now(self) -> pendulum.DateTime:
        return self.clock.now().in_timezone(self.config.timezone)

    def today(self) -> pendulum.Date:
        return self.now().date()

    # --- reading --------------------------------------------------------------------------
    def mode_of(self, day: Day) -> str:
        return day.mode or self.config.mode_for(day.date)

    def window_of(self, day: Day) -> tuple[int, int]:
        if day.work_start is not None and day.work_end is not None:
            return day.work_start, day.work_end
        return self.config.work_start, self.config.work_end

    def is_working_day(self, day: Day) -> bool:
        """A configured working day (``working_days``) not planned off (``flowday off``)."""
        return self.config.is_working_day(day.date) and not day.off

    def modes(self) -> list[str]:
        """Mode names: the built-in balance and integration, then the config's own."""
        return list(self.mode_table)

    def mode_named(self, name: str) -> Mode:
        """The mode called ``name``; a day stored with a mode the config no longer has
        keeps only the rule every mode shares."""
        return self.mode_table.get(name) or Mode(name, f"Unknown mode {name!r}.", (SHARED,))

    def context(self, day: Day, blocks: list[Block]) -> DayContext:
        work_start, work_end = self.window_of(day)
        mode = self.mode_of(day)
        return DayContext(
            date=day.date,
            mode=mode,
            work_start=work_start,
            work_end=work_end,
            blocks=tuple(blocks),
            tz=self.config.timezone,
            working_day=self.is_working_day(day),
            rules=self.mode_named(mode).rules,
            default_start=self.config.work_start,
            default_end=self.config.work_end,
            day_off=bool(day.off),
        )

    def figures(self, date: pendulum.Date) -> DayFigures:
        day = self.store.day(date)
        return day_figures(self.context(day, self.store.blocks_on(date)), day)

    def evaluate(self, day: Day, blocks: list[Block]) -> list[Violation]:
        return rules.evaluate(self.context(day, blocks))

    def check(self, date: pendulum.Date) -> tuple[Day, list[Violation]]:
        day = self.store.day(date)
        return day, self.evaluate(day, self.store.blocks_on(date))

    # --- the one judge of changes ---------------------------------------------------------
    def judge(
        self,
        day: Day,
        before: Sequence[Block],
        after: Sequence[Block],
        *,
        changed_day: Day | None = None,
    ) -> Verdict:
        """Is this change allowed? ``before``/``after``: the day's blocks around it;
        ``changed_day``: the day's own settings after it (a new work window), if they
        change. Every change path asks here: add, edit, move, hours, a mode switch's fix,
        scheduling, import, and the quick-add preview (which only shows the verdict)."""
        existing = self.evaluate(day, list(before))
        violations = self.evaluate(changed_day or day, list(after))
        return Verdict(rules.new_hard_violations(existing, violations), violations)

    def settle(
        self, day: Day, verdict: Verdict, *, force: bool, changed: Collection[str] = ()
    ) -> Day:
        """Carry out a verdict: refuse (the caller writes nothing) unless forced; forced
        (a person's "cross anyway", or an import, which is never refused), the day with the
        crossed rules recorded on it, each on the ``changed`` block it involves, for the
        caller to store."""
        if verdict.broken and not force:
            raise RefusedError(refusal_message(verdict.broken), verdict.broken)
        if verdict.broken:
            return _with_crossings(day, verdict.broken, stamp(self.now()), changed)
        return day

    def preview_block(self, date: pendulum.Date, text: str) -> BlockPreview:
        """The block quick-add ``text`` would add on ``date`` and the verdict that add
        would get, computed the way :meth:`add_block` computes it. Writes nothing; bad
        text raises the same :class:`InputError` the add would."""
        day = self.store.day(date)
        title, start, end, sphere, flexible = self.parse_block_text(text, day=day)
        check_exists(date, start, end, self.config.timezone)
        block = Block(
            id=PREVIEW_ID, date=date, start=start, end=end, title=title, sphere=sphere,
            flexible=flexible,
        )  # fmt: skip
        blocks = self.store.blocks_on(date)
        return BlockPreview(block, self.judge(day, blocks, [*blocks, block]).unnamed(block.id))

    # --- blocks ---------------------------------------------------------------------------
    def default_sphere(self, day: Day, start: int, end: int) -> Sphere:
        """Work when at least half the block lies inside the work window, else personal."""
        work_start, work_end = self.window_of(day)
        inside = max(0, min(end, work_end) - max(start, work_start))
        return Sphere.WORK if inside * 2 >= end - start else Sphere.PERSONAL

    def parse_block_text(
        self,
        text: str,
        *,
        start: int | None = None,
        end: int | None = None,
        sphere: Sphere | None = None,
        flexible: bool = False,
        day: Day,
    ) -> tuple[str, int, int, Sphere, bool]:
        """Quick-add text plus explicit flags → title, start, end, sphere, flexible.
        Flags win over what the text says."""
        quick: QuickAdd = parse_quick_add(text)
        start = quick.start if start is None else start
        if start is None and end is None and quick.duration is not None:
            # "Deep work 2h": the next free slot the rules allow (work unless tagged)
            sphere = sphere or quick.sphere or Sphere.WORK
            start, end = self.next_free_slot(day, quick.duration, sphere)
        if start is None:
            raise InputError(
                "no start time: give one ('Standup 9:00-9:15') or a length for the next "
                "free slot ('Deep work 2h')"
            )
        if end is None:
            end = quick.end if quick.start == start and quick.end is not None else None
        if end is None:
            # --start alone moves what the text says: "Call 9:00-10:00 --start 11:00" is 11-12
            length = quick.end - quick.start if quick.start is not None and quick.end else None
            end = start + (length or quick.duration or DEFAULT_BLOCK_MINUTES)
            if end > MINUTES_PER_DAY:
                raise InputError(
                    "the block would end after midnight (blocks cannot cross midnight)"
                )
        sphere = sphere or quick.sphere or self.default_sphere(day, start, end)
        return quick.title, start, end, sphere, flexible or quick.flexible

    def add_block(
        self,
        date: pendulum.Date,
        *,
        title: str,
        start: int,
        end: int,
        sphere: Sphere,
        flexible: bool = False,
        notes: str = "",
        force: bool = False,
        source: str = "",
    ) -> ChangeResult:
        check_exists(date, start, end, self.config.timezone)
        block = Block.create(
            date=date, start=start, end=end, title=title, sphere=sphere, flexible=flexible,
            notes=notes, now=self.now(), source=source,
        )  # fmt: skip
        with self.store.transaction() as txn:
            return self._apply(txn, block, previous=None, force=force)

    def edit_block(self, block_id: str, *, force: bool = False, **changes: Any) -> ChangeResult:
        changes = {k: v for k, v in changes.items() if v is not None}
        with self.store.transaction() as txn:
            current = self._require_block(txn, block_id)
            updated = current.changed(self.now(), **changes)
            check_exists(updated.date, updated.start, updated.end, self.config.timezone)
            return self._apply(txn, updated, previous=current, force=force)

    def remove_block(self, block_id: str) -> Block:
        with self.store.transaction() as txn:
            block = self._require_block(txn, block_id)
            txn.delete_block(block.id, block.date)
            return block

    def _require_block(self, txn: Transaction, block_id: str) -> Block:
        block = txn.find_block(block_id.strip())
        if block is None:
            raise NotFoundError(f"no block with id {block_id!r}")
        return block

    def _apply(
        self, txn: Transaction, block: Block, *, previous: Block | None, force: bool
    ) -> ChangeResult:
        """Store ``block`` (new, or replacing ``previous``) if the day's rules allow it."""
        day = txn.day(block.date)
        others = [b for b in txn.blocks_on(block.date) if b.id != block.id]
        before = [*others, previous] if previous and previous.date == block.date else others
        verdict = self.judge(day, before, [*others, block])
        if previous is None and verdict.broken and not force:
            verdict = verdict.unnamed(block.id)  # refused: name no id that names nothing
        try:
            settled = self.settle(day, verdict, force=force, changed={block.id})
        except RefusedError as refused:
            hint = self._way_forward(day, block, others, verdict.broken)
            raise RefusedError(refusal_message(verdict.broken), verdict.broken, hint) from refused
        if settled != day:
            txn.put_day(settled)
        txn.put_block(block, previous_date=previous.date if previous else None)
        return ChangeResult(block=block, warnings=verdict.warnings, crossed=verdict.broken)

    # --- the day's window -----------------------------------------------------------------
    def set_hours(
        self, date: pendulum.Date, start: int | None, end: int | None, *, force: bool = False
    ) -> ChangeResult:
        """Move the day's work window (``None, None``: back to the configured hours). A
        balance day keeps fixed hours: refused unless forced, and the crossing recorded."""
        if (start is None) != (end is None):
            raise InputError("give both the start and the end of the work window")
        if start is not None and end is not None and not 0 <= start < end <= MINUTES_PER_DAY:
            raise InputError(
                f"the work window {fmt_minutes(start)}-{fmt_minutes(end)} is not a time range"
            )
        if start is not None and end is not None:
            check_exists(date, start, end, self.config.timezone)  # not a time the clocks skip
        if (start, end) == (self.config.work_start, self.config.work_end):
            start = end = None  # the configured hours: follow settings if they change
        with self.store.transaction() as txn:
            day = txn.day(date)
            blocks = txn.blocks_on(date)
            moved = replace(day, work_start=start, work_end=end)
            verdict = self.judge(day, blocks, blocks, changed_day=moved)
            txn.put_day(self.settle(moved, verdict, force=force))
        return ChangeResult(block=None, warnings=verdict.warnings, crossed=verdict.broken)

    # --- modes ----------------------------------------------------------------------------
    def _require_mode(self, mode: str) -> str:
        name = mode.strip()
        if name not in self.mode_table:
            raise InputError(f"unknown mode {mode!r} (modes: {', '.join(self.mode_table)})")
        return name

    def propose_mode(self, date: pendulum.Date, mode: str) -> ModeProposal:
        """What switching ``date`` to ``mode`` would break and fix. Writes nothing."""
        mode = self._require_mode(mode)
        day = self.store.day(date)
        return self._proposal(day, self.store.blocks_on(date), mode, self.store)

    def set_mode(self, date: pendulum.Date, mode: str, *, fix: bool = False) -> ModeProposal:
        """Switch the day's mode (recorded in its history); with ``fix``, move flexible
        blocks to where the new mode allows them. Fixed blocks never move."""
        mode = self._require_mode(mode)
        # the fix is worked out without the lock and stored under it if the day is still
        # what it was worked out from; else once more, then under the lock
        require_day(date, self.config.timezone)
        seen = (self.store.day(date), self.store.blocks_on(date))
        for attempt in range(3):
            proposal = self._proposal(*seen, mode, self.store) if attempt < 2 else None
            with self.store.transaction() as txn:
                current = (txn.day(date), txn.blocks_on(date))
                if proposal is None:
                    proposal = self._proposal(*current, mode, txn)
                elif current != seen:
                    seen = current
                    continue
                return self._switch(txn, current[0], proposal, fix=fix)
        raise AssertionError("unreachable: the last attempt runs under the lock")

    def _switch(
        self, txn: Transaction, day: Day, proposal: ModeProposal, *, fix: bool
    ) -> ModeProposal:
        switched = proposal.mode != proposal.previous
        changed = day
        if switched:
            switch = ModeSwitch(proposal.previous, proposal.mode, stamp(self.now()))
            changed = replace(day, mode=proposal.mode, mode_switches=(*day.mode_switches, switch))
        if fix and proposal.hours_reset is not None:
            changed = replace(changed, work_start=None, work_end=None)  # the configured hours
        if changed != day:
            txn.put_day(changed)
        if fix:  # the moves are the judge's already (_judged_moves), on this very day
            for _, new in proposal.moves:
                txn.put_block(new)
        return replace(proposal, switched=switched, fixed=fix)

    def _proposal(
        self, day: Day, shown: list[Block], mode: str, reader: Store | Transaction
    ) -> ModeProposal:
        """``shown``: the day's blocks now, read by ``reader`` (judged as they will show in
        ``mode``: a routine limited to modes shows or hides with the switch)."""
        previous = self.mode_of(day)
        target = replace(day, mode=mode)
        blocks = reader.blocks_on(day.date, as_day=target) if mode != previous else shown
        violations = self.evaluate(target, blocks)
        hours_reset = None
        if any(v.rule == "fixed-hours" and v.is_hard for v in violations):
            # the mode keeps the configured hours: the fix puts them back first, and moves
            # blocks against that window (not against the moved one it is about to undo)
            hours_reset = (self.config.work_start, self.config.work_end)
            target = replace(target, work_start=None, work_end=None)
            moves, unfixable = self._fix(target, blocks, self.evaluate(target, blocks))
        else:
            moves, unfixable = self._fix(target, blocks, violations)
        return ModeProposal(day.date, previous, mode, violations, moves, unfixable, hours_reset)

    def _fix(
        self, day: Day, blocks: list[Block], violations: list[Violation]
    ) -> tuple[list[tuple[Block, Block]], list[tuple[Block, str]]]:
        """Move the flexible blocks caught in hard violations, each as near its old place
        as the rules allow; whatever stays broken is listed with the reason."""
        involved = {i for v in violations if v.is_hard for i in v.blocks}
        movable = [b for b in blocks if b.id in involved and b.flexible]
        mode = self.mode_named(self.mode_of(day))
        stuck: dict[str, str] = {}
        outcome = None
        from flowday.domain import scheduler  # lazily: only planning needs it

        for _ in range(len(movable) + 1):
            staying = [b for b in blocks if b.id not in involved or not b.flexible]
            staying += [b for b in movable if b.id in stuck]
            requests = [
                scheduler.Request(b, self._real_minutes(b), prefer=b.start)
                for b in movable
                if b.id not in stuck
            ]
            earliest = min([mode.planning_start, *(b.start for b in movable)])
            latest = max([mode.planning_end, *(b.end for b in movable)])
            outcome = scheduler.place(
                self.context(day, staying), requests, earliest=earliest, latest=latest
            )
            if not outcome.unplaced:
                break
            stuck.update({r.template.id: reason for r, reason in outcome.unplaced})
        moves = [
            (request.template, block)
            for request, block in (outcome.placed if outcome else [])
            if (block.start, block.end) != (request.template.start, request.template.end)
        ]
        moves, held = self._judged_moves(day, blocks, moves)
        stuck.update(held)
        final = [b for b in blocks if b.id not in {old.id for old, _ in moves}]
        final += [new for _, new in moves]
        by_id = {b.id: b for b in blocks}
        unfixable: list[tuple[Block, str]] = []
        listed: set[str] = set()
        for violation in self.evaluate(day, final):
            if not violation.is_hard:
                continue
            for block_id in violation.blocks:
                block = by_id.get(block_id)
                if block is None or block_id in listed:
                    continue
                if block_id in stuck:
                    unfixable.append((block, stuck[block_id]))
                elif not block.flexible:
                    unfixable.append(
                        (block, f"fixed block, never moved: {violation.rule}: {violation.message}")
                    )
                else:
                    continue
                listed.add(block_id)
        return moves, unfixable

    def _judged_moves(
        self, day: Day, blocks: list[Block], moves: list[tuple[Block, Block]]
    ) -> tuple[list[tuple[Block, Block]], dict[str, str]]:
        """The fix's moves the judge allows. A move that mends one rule by breaking another
        (an overlap moved outside the work window, past its limit) is not made: the block
        stays, with the reason."""
        held: dict[str, str] = {}
        while moves:
            moved = {new.id: new for _, new in moves}
            verdict = self.judge(day, blocks, [moved.get(b.id, b) for b in blocks])
            if verdict.allowed:
                break
            for violation in verdict.broken:
                culprits = [i for i in violation.blocks if i in moved] or list(moved)
                for block_id in culprits:
                    held.setdefault(
                        block_id,
                        f"moving it would break {violation.rule}: {violation.message}",
                    )
            moves = [(old, new) for old, new in moves if new.id not in held]
        return moves, held

    def _real_minutes(self, block: Block) -> int:
        from flowday.domain.timeparse import real_minutes

        return real_minutes(block.date, block.start, block.end, self.config.timezone)

    # --- auto-scheduling ------------------------------------------------------------------
    def plan(
        self,
        date: pendulum.Date,
        *,
        dry_run: bool = False,
        task_ids: list[str] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> PlanResult:
        """Place inbox tasks (highest priority first, then soonest due) into the earliest
        slots the day's mode allows; placed tasks leave the inbox as flexible blocks.

        The placing is worked out without the store's lock (:meth:`draft_plan`) and only
        stored under it (:meth:`commit_plan`), so a big inbox never keeps another process
        (an ``add`` to another month, the planner) waiting. ``cancelled`` stops the work
        between tasks (:class:`scheduler.Cancelled`); nothing is stored then."""
        draft = self.draft_plan(date, task_ids=task_ids, cancelled=cancelled)
        if dry_run:
            return replace(draft.result, dry_run=True)
        return self.commit_plan(draft, cancelled=cancelled)

    def schedule(
        self, txn: Transaction, date: pendulum.Date, wanted: Sequence[tuple[_O, scheduler.Request]]
    ) -> tuple[list[tuple[_O, Block]], list[tuple[_O, str]]]:
        """The engine ``plan`` and carrying over share: each (origin, request) placed into
        the earliest slot ``date``'s mode allows (from now on today), judged; writes
        nothing. Returns (origin, block) placed and (origin, why) not placed."""
        requests = [request for _, request in wanted]
        day = txn.day(date)
        earliest, latest = self._planning_span(day, self.mode_named(self.mode_of(day)))
        blocks = txn.blocks_on(date)
        from flowday.domain import scheduler  # lazily: only planning needs it

        outcome = scheduler.place(
            self.context(day, blocks), requests, earliest=earliest, latest=latest
        )
        # the scheduler only offers allowed slots; the judge has the last word all the same
        self.settle(
            day,
            self.judge(day, blocks, [*blocks, *(block for _, block in outcome.placed)]),
            force=False,
        )
        origin = {id(request): item for item, request in wanted}
        return (
            [(origin[id(r)], block) for r, block in outcome.placed],
            [(origin[id(r)], why) for r, why in outcome.unplaced],
        )

    def schedule_task(self, task_id: str, date: pendulum.Date) -> PlanResult:
        """The same engine for one task ("schedule this task" in the planner)."""
        return self.plan(date, task_ids=[task_id])

    def draft_plan(
        self,
        date: pendulum.Date,
        *,
        task_ids: list[str] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> PlanDraft:
        """The plan for ``date`` as the store is now, read without the lock; writes nothing."""
        today = self.today()
        if date < today:
            raise InputError(f"{date.to_date_string()} is in the past: plan today or later")
        require_day(date, self.config.timezone)
        return self._drafted(date, self._plan_inputs(self.store, date), task_ids, cancelled)

    def commit_plan(
        self, draft: PlanDraft, *, cancelled: Callable[[], bool] | None = None
    ) -> PlanResult:
        """Store ``draft`` under the lock if the inbox and the day are still what it was
        worked out from. If another process changed them meanwhile, the plan is worked out
        again (its write is never lost): twice without the lock, then under it."""
        for _ in range(2):
            with self.store.transaction() as txn:
                if self._plan_inputs(txn, draft.date) == draft.inputs:
                    return self._store_plan(txn, draft)
            draft = self._drafted(
                draft.date, self._plan_inputs(self.store, draft.date), draft.task_ids, cancelled
            )
        with self.store.transaction() as txn:  # the inbox or day keeps changing: hold them
            inputs = self._plan_inputs(txn, draft.date)
            return self._store_plan(txn, self._drafted(draft.date, inputs, draft.task_ids, None))

    @staticmethod
    def _plan_inputs(source: Store | Transaction, date: pendulum.Date) -> _PlanInputs:
        # in planning order (stable: ties keep the file's order), the same from both sources
        tasks = in_plan_order(source.tasks())
        return _PlanInputs(tasks, source.day(date), source.blocks_on(date))

    def _drafted(
        self,
        date: pendulum.Date,
        inputs: _PlanInputs,
        task_ids: list[str] | None,
        cancelled: Callable[[], bool] | None,
    ) -> PlanDraft:
        inbox = list(inputs.tasks)
        if task_ids is not None:
            wanted = [t.strip() for t in task_ids]
            known = {t.id for t in inbox}
            for task_id in wanted:
                if task_id not in known:
                    raise NotFoundError(f"no task with id {task_id!r}")
            inbox = [t for t in inbox if t.id in wanted]
        day, blocks = inputs.day, list(inputs.blocks)
        mode = self.mode_named(self.mode_of(day))
        earliest, latest = self._planning_span(day, mode)
        requests = self._requests(inbox, date, personal_from=self._home_time(day, mode))
        from flowday.domain import scheduler  # lazily: only planning needs it

        outcome = scheduler.place(
            self.context(day, blocks),
            requests,
            earliest=earliest,
            latest=latest,
            cancelled=cancelled,
        )
        # the scheduler only offers allowed slots; the judge has the last word all the same
        after = [*blocks, *(block for _, block in outcome.placed)]
        self.settle(day, self.judge(day, blocks, after), force=False)
        by_template = {id(r.template): t for r, t in zip(requests, inbox, strict=True)}
        placed = [(by_template[id(r.template)], b) for r, b in outcome.placed]
        unplaced = [(by_template[id(r.template)], why) for r, why in outcome.unplaced]
        return PlanDraft(date, inputs, task_ids, PlanResult(date, placed, unplaced))

    def _store_plan(self, txn: Transaction, draft: PlanDraft) -> PlanResult:
        # judged in _drafted, against these very inputs (checked unchanged under the lock)
        placed = draft.result.placed
        if placed:  # in one pass each (one upsert per block rewrites the month every time)
            txn.add_blocks([block for _, block in placed])
            txn.delete_tasks({task.id for task, _ in placed})
        return draft.result

    def _way_forward(
        self, day: Day, block: Block, others: list[Block], broken: list[Violation]
    ) -> str:
        """What a refusal suggests: a mode whose window moves says so; else the nearest time
        the rules allow for the same block (found by the scheduler), if there is one."""
        mode = self.mode_named(self.mode_of(day))
        if any(v.rule == "work-outside-limit" for v in broken):
            return (f"move this day's work window ({mode.name} lets it): flowday hours "
                    "START-END, H in the planner")  # fmt: skip
        if any(v.rule == "no-overlap" for v in broken) and not block.flexible:
            return ""  # an appointment that clashes: the person decides which one moves
        earliest, latest = self._planning_span(day, mode)
        from flowday.domain import scheduler  # lazily: only planning needs it

        request = scheduler.Request(block, self._real_minutes(block), prefer=block.start)
        outcome = scheduler.place(
            self.context(day, others), [request], earliest=earliest, latest=latest
        )
        if not outcome.placed:
            return ""
        nearest = outcome.placed[0][1]
        span = f"{fmt_minutes(nearest.start)}-{fmt_minutes(nearest.end)}"
        return f"take the nearest time the rules allow: {span}"

    def _planning_span(self, day: Day, mode: Mode) -> tuple[int, int]:
        """Where the scheduler may place things on ``day``: the mode's planning hours,
        and today not in the past (from now, on the next 5 minutes)."""
        earliest = mode.planning_start
        if day.date == self.today():
            now = self.now()
            earliest = max(earliest, -(-(now.hour * 60 + now.minute) // 5) * 5)
        return earliest, mode.planning_end

    def next_free_slot(self, day: Day, minutes: int, sphere: Sphere) -> tuple[int, int]:
        """Where a block of ``minutes`` without a start goes: the slot ``plan`` would give a
        task of that length and sphere (the rules allowed, the fewest warnings, a fenced
        mode's personal time after work). Raises InputError naming what stood in the way."""
        blocks = self.store.blocks_on(day.date)
        mode = self.mode_named(self.mode_of(day))
        earliest, latest = self._planning_span(day, mode)
        task = Task(id="next-slot", title="next slot", sphere=sphere, estimate=minutes)
        [request] = self._requests([task], day.date, personal_from=self._home_time(day, mode))
        from flowday.domain import scheduler  # lazily: only planning needs it

        outcome = scheduler.place(
            self.context(day, blocks), [request], earliest=earliest, latest=latest
        )
        if not outcome.placed:
            why = outcome.unplaced[0][1] if outcome.unplaced else "no room"
            raise InputError(f"no free slot of {fmt_duration(minutes)} on this day: {why}")
        placed = outcome.placed[0][1]
        return placed.start, placed.end

    def _home_time(self, day: Day, mode: Mode) -> int | None:
        """Where a mode that fences personal time out of the window wants it: right after
        work and its transition buffer (the evening first; the morning only when the
        evening is full). None: the mode weaves, personal tasks go in the earliest slot."""
        if mode.use("personal-outside-window") is None:
            return None
        start, end = self.window_of(day)
        return end + mode.buffers.required(Sphere.WORK, end - start)

    def _requests(
        self, tasks: list[Task], date: pendulum.Date, *, personal_from: int | None = None
    ) -> list[scheduler.Request]:
        # one template stamped once (formatting the time 1,000 times showed in a profile)
        base = Block.create(date=date, start=0, end=1, title="task", sphere=Sphere.WORK,
                            flexible=True, now=self.now())  # fmt: skip
        from flowday.domain import scheduler  # lazily: only planning needs it

        requests = []
        for task in tasks:
            end = min(task.estimate, MINUTES_PER_DAY)
            title = clean_title(task.title)
            template = replace(base, id=new_id(), end=end, title=title, sphere=task.sphere)
            prefer = personal_from if task.sphere is Sphere.PERSONAL else None
            requests.append(scheduler.Request(template, task.estimate, prefer=prefer))
        return requests

    # --- tasks ----------------------------------------------------------------------------
    def add_task(
        self,
        text: str,
        *,
        sphere: Sphere | None = None,
        estimate: int | None = None,
        priority: int | None = None,
        due: pendulum.Date | None = None,
    ) -> Task:
        quick = parse_quick_add(text)
        if quick.start is not None:
            raise InputError("a task has no time yet: leave the time out, or add it as a block")
        task = Task.create(
            title=quick.title,
            sphere=sphere or quick.sphere or Sphere.WORK,
            estimate=estimate or quick.duration or DEFAULT_BLOCK_MINUTES,
            priority=priority or 2,
            due=due,
            now=self.now(),
        )
        with self.store.transaction() as txn:
            txn.put_task(task)
        return task

    def edit_task(
        self,
        task_id: str,
        *,
        title: str | None = None,
        sphere: Sphere | None = None,
        estimate: int | None = None,
        priority: int | None = None,
        due: pendulum.Date | None = None,
        clear_due: bool = False,
    ) -> Task:
        """Change an inbox task's fields (None leaves a field as it is)."""
        with self.store.transaction() as txn:
            current = self._require_task(txn, task_id)
            changes: dict[str, Any] = {
                "sphere": sphere, "estimate": estimate, "priority": priority,
                "due": due,
            }  # fmt: skip
            updated = replace(current, **{k: v for k, v in changes.items() if v is not None})
            if title is not None:
                updated = replace(updated, title=clean_title(title))
            if clear_due:
                updated = replace(updated, due=None)
            if updated != current:
                txn.put_task(updated)
            return updated

    def _require_task(self, txn: Transaction, task_id: str) -> Task:
        for task in txn.tasks():
            if task.id == task_id.strip():
                return task
        raise NotFoundError(f"no task with id {task_id!r}")

    def remove_task(self, task_id: str) -> Task:
        with self.store.transaction() as txn:
            task = self._require_task(txn, task_id)
            txn.delete_task(task.id)
            return task

    # --- undo support ---------------------------------------------------------------------
    def snapshot(self, *dates: pendulum.Date, tasks: bool = True) -> Snapshot:
        """The stored state of ``dates`` (each month file read once, however many days)."""
        keys = {d.to_date_string(): d for d in dates}
        blocks: dict[str, list[Block]] = {key: [] for key in keys}
        days: dict[str, Day] = {key: Day(date=date) for key, date in keys.items()}
        if dates:
            first, last = min(dates), max(dates)
            for block in self.store.blocks_between(first, last):
                blocks.get(block.date.to_date_string(), []).append(block)
            for key, day in self.store.days_between(first, last).items():
                if key in days:
                    days[key] = day
        return Snapshot(blocks=blocks, days=days, tasks=self.store.tasks() if tasks else None,
                        routines=self.store.routines())  # fmt: skip

    def revert(self, before: Snapshot, after: Snapshot) -> None:
        """Undo one change: put back what differs between ``before`` and ``after`` (both
        taken around the change), field by field, and leave everything else alone. What
        another process did meanwhile survives an undo: a block it added, a field it
        changed since, a block it deleted (not brought back). Redo is ``revert(after,
        before)``."""
        old = {b.id: b for blocks in before.blocks.values() for b in blocks}
        new = {b.id: b for blocks in after.blocks.values() for b in blocks}
        with self.store.transaction() as txn:
            if before.routines is not None and after.routines is not None:
                # first: an occurrence a routine brings back (an undone skip) is then
                # there, and is not stored again as a block edited by hand
                current_routines = {r.id: r for r in txn.routines()}
                _revert_records(
                    {r.id: r for r in before.routines},
                    {r.id: r for r in after.routines},
                    current_routines.get,
                    put=lambda routine, current: txn.put_routine(routine),
                    delete=lambda current: txn.delete_routine(current.id),
                )

            # occurrences the routines made before the change (not stored): a change that
            # stored one (moved, retimed) is undone by removing the stored copy, so the
            # routine makes it again, not by storing a copy of what it made
            made_before = _made_occurrences(old.values(), before.routines or [])
            made_after = _made_occurrences(new.values(), after.routines or [])

            def find_block(block_id: str) -> Block | None:
                # a stored copy first (one the change stored, maybe on another date); else
                # an occurrence the routines just brought back, made in this transaction
                # (txn.find_block locates through what is committed)
                occurrence = parse_occurrence_id(block_id)
                if occurrence is not None:
                    stored = txn.stored_block(block_id)
                    if stored is not None:
                        return stored
                    made = [b for b in txn.blocks_on(occurrence[1]) if b.id == block_id]
                    if made:
                        return made[0]
                    # one the change left made, hidden now that its routine marks the date
                    # edited again (a redo of a first edit): that is what is changed back
                    return txn.find_block(block_id) or made_after.get(block_id)
                return txn.find_block(block_id)

            def put_block(block: Block, current: Block | None) -> None:
                if current is not None and made_before.get(block.id) == block:
                    txn.delete_block(current.id, current.date, skip=False)
                else:
                    txn.put_block(block, previous_date=current.date if current else None)

            _revert_records(
                old, new, find_block, put=put_block,
                delete=lambda current: txn.delete_block(current.id, current.date),
            )  # fmt: skip
            for key, day in before.days.items():
                changed_day = after.days.get(key)
                if changed_day is not None and day != changed_day:
                    current_day = txn.day(day.date)
                    restored_day = _undone(day, changed_day, current_day)
                    if restored_day != current_day:
                        txn.put_day(restored_day)
            if before.tasks is not None and after.tasks is not None:
                current_tasks = {t.id: t for t in txn.tasks()}
                _revert_records(
                    {t.id: t for t in before.tasks},
                    {t.id: t for t in after.tasks},
                    current_tasks.get,
                    put=lambda task, current: txn.put_task(task),
                    delete=lambda current: txn.delete_task(current.id),
                )


_T = TypeVar("_T", Block, Day, Task, Routine)
_O = TypeVar("_O")  # what a scheduling request stands for (an inbox task, a carried block)
_R = TypeVar("_R", Block, Task, Routine)


def _made_occurrences(blocks: Iterable[Block], routines: Sequence[Routine]) -> dict[str, Block]:
    """The ``blocks`` that are occurrences their routine made (not edited by hand)."""
    edited = {r.id: r.edited for r in routines}
    made = {}
    for block in blocks:
        routine_id, date = parse_occurrence_id(block.id) or ("", None)
        hand_edited = edited.get(routine_id)  # None: not an occurrence of a known routine
        if date and hand_edited is not None and date.to_date_string() not in hand_edited:
            made[block.id] = block
    return made


def _revert_records(
    old: dict[str, _R],
    new: dict[str, _R],
    find: Callable[[str], _R | None],
    *,
    put: Callable[[_R, _R | None], object],
    delete: Callable[[_R], object],
) -> None:
    """Put back what a change did to records (blocks or tasks), as they are now (``find``):
    a changed record gets its changed fields back, an added one goes, a removed one comes
    back unless another process removed it since (then it is gone for good)."""
    for record_id in old.keys() | new.keys():
        was, became = old.get(record_id), new.get(record_id)
        if was == became:
            continue
        current = find(record_id)
        if was is not None and became is not None:  # changed: change it back
            if current is not None:
                restored = _undone(was, became, current)
                if restored != current:
                    put(restored, current)
        elif was is not None:  # removed by the change: bring it back
            if current is None:
                put(was, None)
        elif current is not None:  # added by the change: remove it
            delete(current)


def _undone(was: _T, became: _T, current: _T) -> _T:
    """``current`` with each field the change set (``was`` → ``became``) put back, unless
    that field was changed again since (elsewhere): the later change wins."""
    back = {
        f.name: getattr(was, f.name)
        for f in fields(was)
        if f.name != "updated"
        and f.init  # a derived field (a routine's parsed repeat) follows the others
        and getattr(was, f.name) != getattr(became, f.name)
        and getattr(current, f.name) == getattr(became, f.name)
    }
    return replace(current, **back) if back else current


def _with_crossings(
    day: Day, broken: list[Violation], at: str, changed: Collection[str] = ()
) -> Day:
    """The day with hard rules crossed on purpose recorded, each on the changed block it
    involves (else its first block; "" when the rule concerns the whole day)."""
    crossings = []
    for violation in broken:
        ours = [b for b in violation.blocks if b in changed]
        block = (ours or list(violation.blocks) or [""])[0]
        crossings.append(Crossing(violation.rule, block, at, violation.message))
    return replace(day, crossings=day.crossings + tuple(crossings))


def refusal_message(broken: list[Violation]) -> str:
    more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
    return f"refused: {broken[0].message}{more}; use --force to cross the boundary anyway"
