"""The shutdown ritual's steps as plain lines (any front end shows them): the day at a
glance, its unfinished flexible work (see :mod:`flowday.application.outcomes`), and
tomorrow at a glance. Each step is a few short lines: it fits 80x24 with room to spare."""

from __future__ import annotations

import pendulum

from flowday.application.planner import Planner
from flowday.domain.figures import day_figures
from flowday.domain.model import Outcome
from flowday.domain.text import shown
from flowday.domain.timeparse import fmt_duration
from flowday.domain.wallclock import fmt_minutes


def day_word(date: pendulum.Date, today: pendulum.Date) -> str:
    """How a question names the day asked about: "today", "yesterday", "on Thursday",
    or "on 3 November" further back."""
    if date == today:
        return "today"
    if date == today.subtract(days=1):
        return "yesterday"
    if today.subtract(days=6) <= date < today:
        return f"on {date.format('dddd')}"
    return f"on {date.format('D MMMM')}"


def day_at_a_glance(planner: Planner, date: pendulum.Date) -> list[str]:
    day = planner.store.day(date)
    blocks = planner.store.blocks_on(date)
    figures = day_figures(planner.context(day, blocks), day)
    done = sum(1 for b in blocks if b.outcome is Outcome.DONE)
    skipped = sum(1 for b in blocks if b.outcome is Outcome.SKIPPED)
    return [
        f"{date.format('dddd D MMMM')} · {planner.mode_of(day)}",
        f"work planned {fmt_duration(figures.work)}, ran {fmt_duration(figures.actual_work)}"
        f" · {done} of {len(blocks)} blocks done" + (f", {skipped} skipped" if skipped else ""),
        f"work planned outside the window {fmt_duration(figures.work_outside_window)}"
        f" · planned crossings {figures.crossings} · overruns {figures.overruns}",
        f"switches {figures.switches} · longest stretch off {fmt_duration(figures.longest_off)}",
    ]


def tomorrow_at_a_glance(planner: Planner, date: pendulum.Date) -> list[str]:
    """The day after ``date``: its mode, window, first block, and what already breaks."""
    tomorrow = date.add(days=1)
    day, violations = planner.check(tomorrow)
    start, end = planner.window_of(day)
    blocks = sorted(planner.store.blocks_on(tomorrow), key=lambda b: (b.start, b.end))
    lines = [
        f"{tomorrow.format('dddd D MMMM')} · {planner.mode_of(day)}"
        f" · work {fmt_minutes(start)}-{fmt_minutes(end)}" + (" · day off" if day.off else ""),
        f"first: {blocks[0].span} {shown(blocks[0].title)}" if blocks else "nothing planned yet",
    ]
    hard = [v for v in violations if v.is_hard]
    lines += [f"already broken: {v.rule}: {v.message}" for v in hard[:3]]
    if len(hard) > 3:
        lines.append(f"... and {len(hard) - 3} more")
    if not hard:
        lines.append("no rule broken")
    return lines
