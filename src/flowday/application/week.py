"""Several days at once: the week and the month as data (for ``flowday week``/``month``
and, later, the planner's views), a whole week's mode, and days off planned ahead.

Every day here is read the way the day view reads it (blocks through the store, routine
occurrences included) and every change goes through :meth:`Planner.judge`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pendulum

from flowday.application.planner import ModeProposal, Planner, Verdict
from flowday.application.reviews import week_of
from flowday.application.routines import refusal_for_days
from flowday.domain.errors import InputError, RefusedError
from flowday.domain.figures import day_figures
from flowday.domain.frozen import Record, define, field, replace
from flowday.domain.insights import DayRecord
from flowday.domain.model import Block, Day
from flowday.domain.rules import Violation, day_switches
from flowday.domain.text import clean_text
from flowday.domain.transitions import Switch
from flowday.domain.wallclock import fmt_date, fmt_minutes

MAX_DAYS_OFF = 366  # one `flowday off` covers at most a year


@define
class DaySummary(Record):
    """One day as the week and month show it."""

    date: pendulum.Date
    day: Day
    mode: str
    window: tuple[int, int]
    blocks: list[Block]
    figures: dict[str, int]
    violations: list[Violation] = field(default_factory=list)
    working_day: bool = True  # a configured working day, not planned off
    switches: tuple[Switch, ...] = ()  # between work and personal, as the day view draws them

    @property
    def score(self) -> float | None:
        """The reflection's score (mean of energy, peace, meaning), None without one."""
        if self.day.reflection is None:
            return None
        return DayRecord(self.date, self.mode, self.figures, self.day.reflection).score

    def to_dict(self) -> dict[str, Any]:
        score = self.score
        return {
            "date": self.date.to_date_string(),
            "weekday": fmt_date(self.date, "ddd"),
            "mode": self.mode,
            "work_start": fmt_minutes(self.window[0]),
            "work_end": fmt_minutes(self.window[1]),
            "off": bool(self.day.off),
            "off_note": self.day.off_note,
            "working_day": self.working_day,
            "work_minutes": self.figures["work"],
            "personal_minutes": self.figures["personal"],
            "break_minutes": self.figures["break"],
            "crossings": self.figures["crossings"],
            "errors": sum(1 for v in self.violations if v.is_hard),
            "warnings": sum(1 for v in self.violations if not v.is_hard),
            "score": None if score is None else round(score, 2),
            "notes": list(self.day.notes),
            "blocks": [b.to_dict() for b in self.blocks],
        }


def summaries(planner: Planner, first: pendulum.Date, last: pendulum.Date) -> list[DaySummary]:
    """Each day from ``first`` to ``last`` (month files read once, however many days)."""
    stored_days = planner.store.days_between(first, last)
    by_date: dict[str, list[Block]] = {}
    for block in planner.store.blocks_between(first, last):
        by_date.setdefault(block.date.to_date_string(), []).append(block)
    found = []
    date = first
    while date <= last:
        key = date.to_date_string()
        day = stored_days.get(key) or Day(date=date)
        blocks = by_date.get(key, [])
        ctx = planner.context(day, blocks)
        found.append(
            DaySummary(
                date=date,
                day=day,
                mode=ctx.mode,
                window=(ctx.work_start, ctx.work_end),
                blocks=blocks,
                figures=day_figures(ctx, day).to_dict(),
                violations=planner.evaluate(day, blocks),
                working_day=ctx.working_day,
                switches=tuple(day_switches(ctx)),
            )
        )
        date = date.add(days=1)
    return found


def month_of(date: pendulum.Date) -> tuple[pendulum.Date, pendulum.Date]:
    first = date.start_of("month")
    return first, first.end_of("month")


# --- changes ---------------------------------------------------------------------------------


def set_week_mode(planner: Planner, date: pendulum.Date, mode: str) -> list[ModeProposal]:
    """``mode`` on each day of ``date``'s week, one day at a time (each with its own
    "what now breaks"); a mode switch is never refused, like one day's."""
    monday, _ = week_of(date)
    return [planner.set_mode(monday.add(days=i), mode) for i in range(7)]


@define
class DaysOffResult(Record):
    days: list[Day]
    crossed: dict[pendulum.Date, Verdict] = field(default_factory=dict)


def set_days_off(
    planner: Planner,
    first: pendulum.Date,
    last: pendulum.Date,
    *,
    note: str = "",
    clear: bool = False,
    imported: bool = False,
    force: bool = False,
) -> DaysOffResult:
    """Mark ``first``..``last`` as days off (``no-work-on-days-off`` applies there in every
    mode that has it), or ``clear`` them; ``imported``: only the days holding an all-day
    event a calendar import brought (a holiday calendar), each noted with that event. Work
    already planned on them is judged like any change: refused unless ``force``, then the
    crossing is recorded on the day."""
    if last < first:
        raise InputError(f"TO {last.to_date_string()} is before FROM {first.to_date_string()}: "
                         "give the first day, then the last")  # fmt: skip
    if (last - first).days >= MAX_DAYS_OFF:
        raise InputError(f"at most {MAX_DAYS_OFF} days off at once")
    note = clean_text(note, limit=200)
    verdicts: dict[pendulum.Date, tuple[Day, Verdict]] = {}
    changed: list[Day] = []
    with planner.store.transaction() as txn:
        date = first
        while date <= last:
            day = txn.day(date)
            if (imported and not day.imported_notes) or (clear and not day.off):
                date = date.add(days=1)  # nothing to mark, or not off: nothing to clear
                continue
            why = day.imported_notes[0].text if imported and not note else note
            new = replace(day, off=not clear, off_note="" if clear else clean_text(why, limit=200))
            if new != day:
                before = txn.blocks_on(date)
                txn.put_day(new)  # read back: a day off hides its work routines' occurrences
                verdict = planner.judge(day, before, txn.blocks_on(date), changed_day=new)
                if verdict.broken:
                    verdicts[date] = (new, verdict)
                changed.append(new)
            date = date.add(days=1)
        if verdicts and not force:
            only = {d: v for d, (_, v) in verdicts.items()}
            broken = next(iter(only.values())).broken
            raise RefusedError(refusal_for_days(only, "the days off"), broken)
        for new, verdict in verdicts.values():
            txn.put_day(planner.settle(new, verdict, force=True))
    return DaysOffResult(changed, {d: v for d, (_, v) in verdicts.items()})


def describe_verdicts(verdicts: Mapping[pendulum.Date, Verdict]) -> list[str]:
    """One line per day and crossed rule (for the CLI's report)."""
    return [
        f"{date.to_date_string()}: crossed ({v.rule}): {v.message}"
        for date, verdict in verdicts.items()
        for v in verdict.broken
    ]
