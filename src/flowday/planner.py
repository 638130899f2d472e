"""Use cases shared by the CLI and the TUI: every change goes through here, so the rules
are enforced the same way from both. Domain + store, no UI."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pendulum

from flowday.config import Config
from flowday.domain import rules
from flowday.domain.clock import Clock
from flowday.domain.errors import InputError, NotFoundError, RefusedError
from flowday.domain.model import MINUTES_PER_DAY, Block, Crossing, Day, Sphere, Task, stamp
from flowday.domain.rules import DayContext, Violation
from flowday.domain.timeparse import (
    DEFAULT_BLOCK_MINUTES,
    QuickAdd,
    check_exists,
    parse_quick_add,
)
from flowday.store import Store, Transaction


@dataclass(frozen=True)
class ChangeResult:
    """What a change did: the block (if any), soft warnings now on the day, and the hard
    rules crossed on purpose."""

    block: Block | None = None
    warnings: list[Violation] = field(default_factory=list)
    crossed: list[Violation] = field(default_factory=list)


@dataclass(frozen=True)
class Snapshot:
    """The stored state of some days and the inbox, for undo/redo."""

    blocks: dict[str, list[Block]]
    days: dict[str, Day]
    tasks: list[Task] | None


class Planner:
    def __init__(self, store: Store, config: Config, clock: Clock) -> None:
        self.store = store
        self.config = config
        self.clock = clock

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

    def context(self, day: Day, blocks: list[Block]) -> DayContext:
        work_start, work_end = self.window_of(day)
        return DayContext(
            date=day.date,
            mode=self.mode_of(day),
            work_start=work_start,
            work_end=work_end,
            blocks=tuple(blocks),
            tz=self.config.timezone,
            working_day=self.config.is_working_day(day.date),
        )

    def evaluate(self, day: Day, blocks: list[Block]) -> list[Violation]:
        return rules.evaluate(self.context(day, blocks))

    def check(self, date: pendulum.Date) -> tuple[Day, list[Violation]]:
        day = self.store.day(date)
        return day, self.evaluate(day, self.store.blocks_on(date))

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
        if start is None:
            raise InputError(
                "no start time: write one in the text (e.g. 'Standup 9:00-9:15') or pass --start"
            )
        if end is None:
            end = quick.end if quick.start == start and quick.end is not None else None
        if end is None:
            end = start + (quick.duration or DEFAULT_BLOCK_MINUTES)
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
        before = self.evaluate(
            day, [*others, previous] if previous and previous.date == block.date else others
        )
        after = self.evaluate(day, [*others, block])
        broken = rules.new_hard_violations(before, after)
        if broken and not force:
            raise RefusedError(refusal_message(broken), broken)
        if broken:
            day = self._record_crossings(day, broken, block.id)
            txn.put_day(day)
        txn.put_block(block, previous_date=previous.date if previous else None)
        warnings = [v for v in after if not v.is_hard]
        return ChangeResult(block=block, warnings=warnings, crossed=broken)

    def _record_crossings(self, day: Day, broken: list[Violation], block_id: str) -> Day:
        at = stamp(self.now())
        crossings = tuple(Crossing(v.rule, block_id, at, v.message) for v in broken)
        return replace(day, crossings=day.crossings + crossings)

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

    def remove_task(self, task_id: str) -> Task:
        with self.store.transaction() as txn:
            for task in txn.tasks():
                if task.id == task_id.strip():
                    txn.delete_task(task.id)
                    return task
        raise NotFoundError(f"no task with id {task_id!r}")

    # --- undo support ---------------------------------------------------------------------
    def snapshot(self, *dates: pendulum.Date, tasks: bool = True) -> Snapshot:
        return Snapshot(
            blocks={d.to_date_string(): self.store.blocks_on(d) for d in dates},
            days={d.to_date_string(): self.store.day(d) for d in dates},
            tasks=self.store.tasks() if tasks else None,
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Deprecated for undo (it would drop blocks another process added meanwhile):
        use :meth:`revert`. Puts the snapshotted days back exactly."""
        with self.store.transaction() as txn:
            for key, blocks in snapshot.blocks.items():
                date = pendulum.parse(key).date()  # type: ignore[union-attr]
                for block in txn.blocks_on(date):
                    txn.delete_block(block.id, date)
                for block in blocks:
                    txn.put_block(block)
                txn.put_day(snapshot.days[key])

    def revert(self, before: Snapshot, after: Snapshot) -> None:
        """Undo one change: put back what differs between ``before`` and ``after`` (both
        taken around the change) and leave everything else alone — so a block another
        process added meanwhile survives an undo. Redo is ``revert(after, before)``."""
        old = {b.id: b for blocks in before.blocks.values() for b in blocks}
        new = {b.id: b for blocks in after.blocks.values() for b in blocks}
        with self.store.transaction() as txn:
            for block_id in old.keys() | new.keys():
                if old.get(block_id) == new.get(block_id):
                    continue
                current = txn.find_block(block_id)
                if block_id in old:
                    txn.put_block(old[block_id], previous_date=current.date if current else None)
                elif current is not None:
                    txn.delete_block(block_id, current.date)
            for key, day in before.days.items():
                if day != after.days.get(key):
                    txn.put_day(day)
            if before.tasks is not None and after.tasks is not None:
                old_tasks = {t.id: t for t in before.tasks}
                new_tasks = {t.id: t for t in after.tasks}
                for task_id in old_tasks.keys() | new_tasks.keys():
                    if old_tasks.get(task_id) == new_tasks.get(task_id):
                        continue
                    if task_id in old_tasks:
                        txn.put_task(old_tasks[task_id])
                    else:
                        txn.delete_task(task_id)


def refusal_message(broken: list[Violation]) -> str:
    more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
    return f"refused: {broken[0].message}{more}; use --force to cross the boundary anyway"
