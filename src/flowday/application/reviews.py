"""End-of-day reflections and the review of them (application layer, shared by CLI and TUI):
saving and skipping a reflection, the day records and ``flowday stats``. The disk cache
behind the records is :mod:`flowday.application.stats_cache`; when the planner offers the
prompt is :mod:`flowday.application.reflection_prompts`.

A reflection is stored on its :class:`Day` (``Day.reflection``) together with the mode the
day had and the day's figures at that moment, so the history keeps meaning what it meant
even if the weekly mode map changes later. :func:`stats` is the JSON of ``flowday stats``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pendulum

from flowday.application.planner import Planner
from flowday.application.stats_cache import MonthCache
from flowday.domain import insights
from flowday.domain.errors import InputError
from flowday.domain.figures import day_figures
from flowday.domain.frozen import replace
from flowday.domain.insights import DayRecord, Recommendation
from flowday.domain.model import Block, Day, Reflection, Sphere, stamp
from flowday.domain.questions import Answers
from flowday.domain.timeparse import require_day
from flowday.domain.wallclock import fmt_minutes


def min_reflected_days(planner: Planner) -> int:
    """``[reflection] min_days`` in the config, else 5."""
    return planner.config.reflection.min_days


def _check_past(planner: Planner, date: pendulum.Date) -> None:
    if date > planner.today():
        raise InputError(
            f"{date.to_date_string()} has not happened yet: reflect on today or an earlier day"
        )
    require_day(date, planner.config.timezone)


def save_reflection(
    planner: Planner, date: pendulum.Date, answers: Answers | Mapping[str, Any]
) -> Day:
    """Store the answers with the day's mode and figures; replaces an earlier reflection."""
    if not isinstance(answers, Answers):
        answers = Answers.from_mapping(answers)
    _check_past(planner, date)
    with planner.store.transaction() as txn:
        day = txn.day(date)
        ctx = planner.context(day, txn.blocks_on(date))
        reflection = Reflection(
            answers, stamp(planner.now()), ctx.mode, day_figures(ctx, day).to_dict()
        )
        day = replace(day, reflection=reflection, reflection_skipped=False)
        txn.put_day(day)
    return day


def skip_reflection(planner: Planner, date: pendulum.Date) -> Day:
    """Remember that the person chose not to reflect on ``date`` (no more prompts for it)."""
    with planner.store.transaction() as txn:
        day = replace(txn.day(date), reflection_skipped=True)
        txn.put_day(day)
    return day


# --- the review -------------------------------------------------------------------------


def _answers_only(reflection: Reflection | None) -> dict[str, Any] | None:
    if reflection is None:
        return None
    return {**reflection.answers.to_dict(), "at": reflection.at}


def records_between(planner: Planner, first: pendulum.Date, last: pendulum.Date) -> list[DayRecord]:
    """Every day in the range that has blocks or a stored record, oldest first.

    Figures are computed from the blocks as they are now; the mode of a reflected day is
    the one stored with its reflection (the mode the person actually lived). Whole months
    are computed at a time and kept in the stats cache (see :class:`MonthCache`)."""
    cache = MonthCache(planner, compute_records)
    records: list[DayRecord] = []
    month = first.start_of("month")
    while month <= last:
        records.extend(r for r in cache.month(month) if first <= r.date <= last)
        month = month.add(months=1)
    return records


def compute_records(planner: Planner, first: pendulum.Date, last: pendulum.Date) -> list[DayRecord]:
    """The uncached computation behind :func:`records_between`."""
    days = planner.store.days_between(first, last)
    blocks_by_day: dict[str, list[Block]] = {}
    for block in planner.store.blocks_between(first, last):
        blocks_by_day.setdefault(block.date.to_date_string(), []).append(block)
    records: list[DayRecord] = []
    for key in sorted(set(days) | set(blocks_by_day)):
        blocks = blocks_by_day.get(key, [])
        day = days.get(key) or Day(date=blocks[0].date)
        ctx = planner.context(day, blocks)
        reflection = day.reflection
        mode = (reflection.mode or ctx.mode) if reflection else ctx.mode
        work = [b for b in blocks if b.sphere is Sphere.WORK]
        records.append(
            DayRecord(
                date=day.date,
                mode=mode,
                figures=day_figures(ctx, day).to_dict(),
                reflection=reflection,
                last_work_end=max(b.end for b in work) if work else None,
                first_work_start=min(b.start for b in work) if work else None,
                day_off=not ctx.working_day,
            )
        )
    return records


def day_json(record: DayRecord) -> dict[str, Any]:
    return {
        "date": record.date.to_date_string(),
        "mode": record.mode,
        "figures": dict(record.figures),
        "last_work_end": None
        if record.last_work_end is None
        else fmt_minutes(record.last_work_end),
        "reflection": _answers_only(record.reflection),
        "day_off": record.day_off,
    }


def stats(planner: Planner, first: pendulum.Date, last: pendulum.Date) -> dict[str, Any]:
    """The ``flowday stats`` JSON: ``days``, ``by_mode`` and ``recommendation``."""
    if last < first:
        raise InputError(
            f"the range ends ({last.to_date_string()}) before it starts ({first.to_date_string()})"
        )
    records = records_between(planner, first, last)
    return stats_of(
        records, first, last, min_days=min_reflected_days(planner), families=families(planner)
    )


def families(planner: Planner) -> dict[str, str | None]:
    """Each mode's family from the rules it actually has (own modes included)."""
    return {
        name: insights.mode_family(use.rule for use in planner.mode_named(name).rules)
        for name in planner.modes()
    }


def recommendation(
    planner: Planner, records: list[DayRecord], last: pendulum.Date
) -> Recommendation:
    return insights.recommend(
        records, min_days=min_reflected_days(planner), through=last, families=families(planner)
    )


def stats_of(
    records: list[DayRecord],
    first: pendulum.Date,
    last: pendulum.Date,
    *,
    min_days: int,
    families: Mapping[str, str | None] = insights.DEFAULT_FAMILIES,
) -> dict[str, Any]:
    """``by_mode`` counts working days; days off are ``days_off`` in the recommendation.
    ``weeks``: per week (its Monday) each rating's mean and the work hours, for trends."""
    summaries = insights.summarize(records)
    found = insights.recommend(records, min_days=min_days, through=last, families=families)
    return {
        "from": first.to_date_string(),
        "to": last.to_date_string(),
        "days": [day_json(r) for r in records],
        "by_mode": {mode: s.to_dict() for mode, s in summaries.items()},
        "recommendation": found.to_dict(),
        "weeks": insights.weekly_trends(records),
    }


def history_start(planner: Planner) -> pendulum.Date:
    """The first day of the oldest stored month (today when there is no history)."""
    return planner.store.first_month() or planner.today()


def week_of(date: pendulum.Date) -> tuple[pendulum.Date, pendulum.Date]:
    """Monday and Sunday of the week holding ``date``."""
    monday = date.subtract(days=date.weekday())
    return monday, monday.add(days=6)
