"""What the planner screen shows for one date, read from the planner in one place (shared
by any front end; no Textual here)."""

from __future__ import annotations

import pendulum

from flowday.application import trial
from flowday.application.planner import Planner, Snapshot
from flowday.domain.figures import day_figures
from flowday.domain.frozen import Record, define, replace
from flowday.domain.model import Block, Day, Task
from flowday.domain.rules import Violation, day_switches
from flowday.domain.timeparse import day_exists
from flowday.domain.transitions import Switch


@define
class DayScreen(Record):
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
    buffer_minutes: int  # the mode's transition buffer (0: none)
    woven: bool  # one interleaved lane (integration-like) rather than fenced lanes
    skipped: bool = False  # the clocks skip the whole day in the zone: nothing can be on it
    trial: str = ""  # "trial day 3 of 20" on a day of a running mode trial
    switches: tuple[Switch, ...] = ()  # between work and personal, drawn where they happen
    working_day: bool = True  # a configured working day, not planned off


def load_day_screen(planner: Planner, date: pendulum.Date) -> DayScreen:
    day, violations = planner.check(date)
    blocks = planner.store.blocks_on(date)
    now = planner.now()
    mode = planner.mode_of(day)
    ctx = planner.context(day, blocks)
    return DayScreen(
        date=date,
        day=day,
        mode=mode,
        window=planner.window_of(day),
        blocks=blocks,
        violations=violations,
        tasks=planner.store.tasks(),  # in the order `p` takes them
        figures=day_figures(ctx, day).to_dict(),
        now=now,
        is_today=now.date() == date,
        buffer_minutes=buffer_minutes(planner, mode),
        woven=is_woven(planner, mode),
        skipped=not day_exists(date, planner.config.timezone),
        trial=trial.day_label(planner, date, mode),
        switches=tuple(day_switches(ctx)),
        working_day=ctx.working_day,
    )


def with_blocks(
    planner: Planner,
    view: DayScreen,
    blocks: list[Block],
    *,
    day: Day | None = None,
    violations: list[Violation] | None = None,
) -> DayScreen:
    """``view`` with other blocks (and ``day``: other settings or crossings) on its day:
    the violations, figures and switches worked out again, from nothing but what is in
    memory (what a change will show once stored)."""
    day = day or view.day
    ctx = planner.context(day, blocks)
    return replace(
        view,
        day=day,
        blocks=blocks,
        violations=planner.evaluate(day, blocks) if violations is None else violations,
        figures=day_figures(ctx, day).to_dict(),
        switches=tuple(day_switches(ctx)),
    )


def forecast(
    planner: Planner, view: DayScreen, blocks: list[Block], *, day: Day | None = None
) -> DayScreen | None:
    """What ``view`` shows once a change of its blocks (and ``day``) is stored, as
    :meth:`Planner.judge` rules on it in memory; None when the judge refuses it (then
    nothing may be shown before the refusal is answered)."""
    verdict = planner.judge(view.day, view.blocks, blocks, changed_day=day)
    if not verdict.allowed:
        return None
    return with_blocks(planner, view, blocks, day=day, violations=verdict.violations)


def reverted(
    planner: Planner, view: DayScreen, was: Snapshot, becomes: Snapshot
) -> DayScreen | None:
    """What ``view`` shows once :meth:`Planner.revert` takes its day from ``was`` back to
    ``becomes`` (undo: after → before; redo: the other way), worked out in memory. None
    unless that is certain from the snapshots alone: the day shows ``was`` as it is (no
    other process changed it since), the change kept to blocks and the day's own records
    (not its mode or window, the inbox or the routines)."""
    key = view.date.to_date_string()
    if key not in was.blocks or key not in becomes.blocks:
        return None
    if was.tasks != becomes.tasks or was.routines != becomes.routines:
        return None
    if {b.id: b for b in view.blocks} != {b.id: b for b in was.blocks[key]}:
        return None
    day = becomes.days.get(key)
    if day is None or view.day != was.days.get(key):
        return None
    if (planner.mode_of(day), planner.window_of(day), day.off) != (
        planner.mode_of(view.day), planner.window_of(view.day), view.day.off
    ):  # fmt: skip
        return None
    return with_blocks(planner, view, list(becomes.blocks[key]), day=day)


def buffer_minutes(planner: Planner, mode: str) -> int:
    """The mode's transition buffer, drawn after the work day (0 when it has none)."""
    return planner.mode_named(mode).buffers.after_work


def is_woven(planner: Planner, mode: str) -> bool:
    """Modes that let personal time into the work window draw one interleaved lane;
    modes that fence it out draw two."""
    return planner.mode_named(mode).use("personal-outside-window") is None
