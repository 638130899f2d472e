"""What the TUI asks of the planner, in one place.

The rules engine (modes, figures, scheduling) lands in parallel; until a planner method
exists this module falls back to the smallest honest behaviour, so the UI keeps working
and picks the real thing up as soon as it is there. No Textual here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from typing import Any

import pendulum

from flowday.domain.errors import InputError
from flowday.domain.model import Block, Day, ModeSwitch, Sphere, Task, stamp
from flowday.domain.rules import Violation
from flowday.planner import Planner
from flowday.tui.layout import DEFAULT_BUFFER_MINUTES, woven

BUILTIN_MODES = ("balance", "integration")


@dataclass(frozen=True)
class DayView:
    """Everything the main screen shows for one date, read once per refresh."""

    date: pendulum.Date
    day: Day
    mode: str
    window: tuple[int, int]
    blocks: list[Block]
    violations: list[Violation]
    tasks: list[Task]
    figures: dict[str, int]
    now: pendulum.DateTime
    is_today: bool
    buffer_minutes: int = DEFAULT_BUFFER_MINUTES
    woven: bool = False  # one interleaved lane (integration) rather than fenced lanes


@dataclass(frozen=True)
class Proposal:
    """A mode switch before it happens (mirrors the planner's ModeProposal)."""

    violations: list[Violation] = field(default_factory=list)
    moves: list[tuple[Block, Block]] = field(default_factory=list)
    unfixable: list[tuple[Block, str]] = field(default_factory=list)


def load_view(planner: Planner, date: pendulum.Date) -> DayView:
    day, violations = planner.check(date)
    blocks = planner.store.blocks_on(date)
    now = planner.now()
    mode = planner.mode_of(day)
    return DayView(
        date=date,
        day=day,
        mode=mode,
        window=planner.window_of(day),
        blocks=blocks,
        violations=violations,
        tasks=planner.store.tasks(),
        figures=figures(planner, day, blocks),
        now=now,
        is_today=now.date() == date,
        buffer_minutes=buffer_minutes(planner, mode),
        woven=is_woven(planner, mode),
    )


def buffer_minutes(planner: Planner, mode: str) -> int:
    """The mode's transition buffer (0 when it has none), drawn after the work day."""
    if hasattr(planner, "mode_named"):
        use = planner.mode_named(mode).use("transition-buffer")
        return int(use.params.get("minutes", DEFAULT_BUFFER_MINUTES)) if use else 0
    return 0 if mode == "integration" else DEFAULT_BUFFER_MINUTES


def is_woven(planner: Planner, mode: str) -> bool:
    """Modes that let personal time into the work window draw one interleaved lane;
    modes that fence it out draw two."""
    if hasattr(planner, "mode_named"):
        return planner.mode_named(mode).use("personal-outside-window") is None
    return woven(mode, planner.config.modes)


def figures(planner: Planner, day: Day, blocks: list[Block]) -> dict[str, int]:
    try:
        module = importlib.import_module("flowday.domain.figures")
    except ImportError:
        module = None
    if module is not None and hasattr(module, "day_figures"):
        result = module.day_figures(planner.context(day, blocks), day)
        return dict(result.to_dict())
    return _basic_figures(planner, day, blocks)


def _basic_figures(planner: Planner, day: Day, blocks: list[Block]) -> dict[str, int]:
    totals = dict.fromkeys(Sphere, 0)
    for block in blocks:
        totals[block.sphere] += block.wall_minutes
    start, end = planner.window_of(day)
    outside = sum(
        b.wall_minutes - max(0, min(b.end, end) - max(b.start, start))
        for b in blocks
        if b.sphere is Sphere.WORK
    )
    switches, last = 0, None
    for block in sorted(blocks, key=lambda b: b.start):
        if block.sphere is Sphere.BREAK:
            continue
        if last is not None and block.sphere is not last:
            switches += 1
        last = block.sphere
    return {
        "work": totals[Sphere.WORK],
        "personal": totals[Sphere.PERSONAL],
        "break": totals[Sphere.BREAK],
        "work_outside_window": outside,
        "switches": switches,
        "crossings": len(day.crossings),
        "mode_switches": len(day.mode_switches),
    }


def modes(planner: Planner) -> list[str]:
    if hasattr(planner, "modes"):
        return list(planner.modes())
    names = list(BUILTIN_MODES)
    names += [name for name in planner.config.modes if name not in names]
    return names


def propose_mode(planner: Planner, date: pendulum.Date, mode: str) -> Proposal:
    if hasattr(planner, "propose_mode"):
        found = planner.propose_mode(date, mode)
        return Proposal(list(found.violations), list(found.moves), list(found.unfixable))
    day = planner.store.day(date)
    return Proposal(violations=planner.evaluate(replace(day, mode=mode), _blocks(planner, date)))


def set_mode(planner: Planner, date: pendulum.Date, mode: str, *, fix: bool) -> Proposal:
    if mode not in modes(planner):
        raise InputError(f"unknown mode {mode!r}")
    if hasattr(planner, "set_mode"):
        found = planner.set_mode(date, mode, fix=fix)
        return Proposal(list(found.violations), list(found.moves), list(found.unfixable))
    with planner.store.transaction() as txn:
        day = txn.day(date)
        switch = ModeSwitch(planner.mode_of(day), mode, stamp(planner.now()))
        txn.put_day(replace(day, mode=mode, mode_switches=(*day.mode_switches, switch)))
    return propose_mode(planner, date, mode)


def can_schedule(planner: Planner) -> bool:
    return hasattr(planner, "schedule_task") and hasattr(planner, "plan")


def schedule_task(planner: Planner, task_id: str, date: pendulum.Date) -> Any:
    return planner.schedule_task(task_id, date)  # type: ignore[attr-defined]


def plan(planner: Planner, date: pendulum.Date) -> Any:
    return planner.plan(date)  # type: ignore[attr-defined]


def _blocks(planner: Planner, date: pendulum.Date) -> list[Block]:
    return planner.store.blocks_on(date)
