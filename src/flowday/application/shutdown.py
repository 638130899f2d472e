"""The shutdown ritual's steps as plain lines (any front end shows them): the day at a
glance, its unfinished flexible work (see :mod:`flowday.application.outcomes`), and
tomorrow at a glance. Each step is a few short lines: it fits 80x24 with room to spare."""

from __future__ import annotations

import pendulum

from flowday.application import outcomes
from flowday.application.day_screen import is_woven
from flowday.application.planner import Planner
from flowday.domain.errors import FlowdayError
from flowday.domain.figures import day_figures
from flowday.domain.model import Block, Outcome, Sphere
from flowday.domain.text import shown
from flowday.domain.timeparse import fmt_duration
from flowday.domain.wallclock import fmt_date, fmt_minutes


def day_word(date: pendulum.Date, today: pendulum.Date) -> str:
    """How a question names the day asked about: "today", "yesterday", "on Thursday",
    or "on 3 November" further back."""
    if date == today:
        return "today"
    if date == today.subtract(days=1):
        return "yesterday"
    if today.subtract(days=6) <= date < today:
        return f"on {fmt_date(date, 'dddd')}"
    return f"on {fmt_date(date, 'D MMMM')}"


def day_at_a_glance(planner: Planner, date: pendulum.Date) -> list[str]:
    day = planner.store.day(date)
    blocks = planner.store.blocks_on(date)
    figures = day_figures(planner.context(day, blocks), day)
    done = sum(1 for b in blocks if b.outcome is Outcome.DONE)
    skipped = sum(1 for b in blocks if b.outcome is Outcome.SKIPPED)
    return [
        f"{fmt_date(date, 'dddd D MMMM')} · {planner.mode_of(day)}",
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
        f"{fmt_date(tomorrow, 'dddd D MMMM')} · {planner.mode_of(day)}"
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


SHUTDOWN_TITLE = "Shutdown"
SHUTDOWN_MINUTES = 10  # the block drawn: short, ending when the ritual was completed
SHUTDOWN_MIN_MINUTES = 5  # a free gap shorter than this is not worth a block


def record_shutdown(planner: Planner, date: pendulum.Date) -> str:
    """The completed ritual on the day it closes, as a short block marked done: what
    happened, visible on the timeline and in the figures. Only for today (a shutdown done
    for an earlier day did not happen on that day), once a day (a block titled "Shutdown"
    the person planned is marked done instead), in a break block on fenced (balance-like)
    days — break time may sit in the work window, so finishing early breaks no fence — and a
    personal one on woven days. It ends when the ritual was completed (it is what happened:
    never moved to another time) and is never forced: when another block holds that time or
    a rule refuses it, nothing is added and the returned line says why. Off with
    ``[reflection] shutdown_block = false``."""
    now = planner.now()
    if not planner.config.reflection.shutdown_block or date != now.date():
        return ""
    blocks = planner.store.blocks_on(date)
    planned = next((b for b in blocks if b.title.strip().casefold() == "shutdown"), None)
    if planned is not None:
        if planned.outcome is Outcome.PLANNED:
            outcomes.mark_done(planner, planned.id)
            return f"shutdown: '{shown(planned.title)}' {planned.span} marked done"
        return ""
    slot = _slot_ending_at(blocks, now.hour * 60 + now.minute)
    if slot is None:
        return "shutdown: not added: the day has just begun"
    if isinstance(slot, Block):  # the ritual's block goes where it happened, or nowhere
        return f"shutdown: not added: '{shown(slot.title)}' holds that time (blocks never overlap)"
    day = planner.store.day(date)
    sphere = Sphere.PERSONAL if is_woven(planner, planner.mode_of(day)) else Sphere.BREAK
    try:
        added = planner.add_block(
            date, title=SHUTDOWN_TITLE, start=slot[0], end=slot[1], sphere=sphere,
            notes=f"the shutdown ritual, completed at {fmt_date(now, 'HH:mm')}",
        ).block  # fmt: skip
    except FlowdayError as exc:  # never forced: a rule of the mode says no (or the store)
        return f"shutdown: not added ({exc})"
    if added is None:
        return ""
    outcomes.mark_done(planner, added.id)
    return f"shutdown: {added.span} added as done ({sphere.value})"


def _slot_ending_at(blocks: list[Block], minute: int) -> tuple[int, int] | Block | None:
    """Up to :data:`SHUTDOWN_MINUTES` ending at ``minute`` (when the ritual was completed),
    cut short by a block before it; the block in the way when not even
    :data:`SHUTDOWN_MIN_MINUTES` are free. A block's plan and what really ran both count
    (no-overlap is a hard rule of every mode, and the actual time is what happened)."""
    start = max(0, minute - SHUTDOWN_MINUTES)
    for block in blocks:
        for begin, end in {(block.start, block.end), block.actual}:
            if begin < minute and end > start:  # in the way of [start, minute)
                if end > minute - SHUTDOWN_MIN_MINUTES:
                    return block
                start = end
    return (start, minute) if minute - start >= SHUTDOWN_MIN_MINUTES else None  # 00:03
