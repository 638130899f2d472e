"""What the planner screen shows for one date, read from the planner in one place (shared
by any front end; no Textual here)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pendulum

from flowday.application import trial
from flowday.application.planner import Planner
from flowday.domain.figures import day_figures
from flowday.domain.model import Block, Day, Task
from flowday.domain.rules import Violation, day_switches
from flowday.domain.timeparse import day_exists
from flowday.domain.transitions import Switch


@dataclass(frozen=True)
class DayScreen:
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


def with_blocks(planner: Planner, view: DayScreen, blocks: list[Block]) -> DayScreen:
    """``view`` with other blocks on its day: the violations, figures and switches worked
    out again, from nothing but what is in memory (what a change will show once stored)."""
    ctx = planner.context(view.day, blocks)
    return replace(
        view,
        blocks=blocks,
        violations=planner.evaluate(view.day, blocks),
        figures=day_figures(ctx, view.day).to_dict(),
        switches=tuple(day_switches(ctx)),
    )


def buffer_minutes(planner: Planner, mode: str) -> int:
    """The mode's transition buffer, drawn after the work day (0 when it has none)."""
    return planner.mode_named(mode).buffers.after_work


def is_woven(planner: Planner, mode: str) -> bool:
    """Modes that let personal time into the work window draw one interleaved lane;
    modes that fence it out draw two."""
    return planner.mode_named(mode).use("personal-outside-window") is None
