"""What-if replay: a past week's actual blocks run through another mode's rules.

Nothing is changed: each day's blocks are judged twice, under the mode the day had and
under the other one (balance and integration swap; a mode of one's own is replayed as the
built-in mode of the other family), and what would have differed is listed: the hours of
work outside the window, the limits broken, the hard lines ("fences") crossed."""

from __future__ import annotations

import textwrap
from typing import Any

import pendulum

from flowday.application.planner import Planner
from flowday.domain import insights, rules
from flowday.domain.errors import InputError
from flowday.domain.figures import day_figures
from flowday.domain.frozen import replace
from flowday.domain.model import Block, Day

CAPS = frozenset({"max-work", "max-stretch", "max-switches", "work-outside-limit", "min-block"})


def other_mode(planner: Planner, mode: str) -> str:
    family = insights.mode_family(use.rule for use in planner.mode_named(mode).rules)
    return "balance" if family == "integration" else "integration"


def _violation(v: rules.Violation) -> dict[str, Any]:
    return {"rule": v.rule, "hard": v.is_hard, "message": v.message}


def replay_week(planner: Planner, date: pendulum.Date, mode: str | None = None) -> dict[str, Any]:
    """The week (Monday to Sunday) holding ``date`` replayed under ``mode`` (default: each
    day under the other mode). JSON-ready: ``week``, ``days`` and ``totals``."""
    if mode is not None and mode not in planner.modes():
        raise InputError(f"no mode named {mode!r} (modes: {', '.join(planner.modes())})")
    monday = date.subtract(days=date.weekday())
    sunday = monday.add(days=6)
    stored = planner.store.days_between(monday, sunday)
    by_day: dict[str, list[Block]] = {}
    for block in planner.store.blocks_between(monday, sunday):
        by_day.setdefault(block.date.to_date_string(), []).append(block)
    days: list[dict[str, Any]] = []
    for key in sorted(by_day):
        blocks = by_day[key]
        day = stored.get(key) or Day(date=blocks[0].date)
        actual = planner.context(day, blocks)
        lived = day.reflection.mode if day.reflection and day.reflection.mode else actual.mode
        if lived != actual.mode:
            actual = planner.context(replace(day, mode=lived), blocks)
        replayed_as = mode or other_mode(planner, lived)
        replayed = planner.context(replace(day, mode=replayed_as), blocks)
        before, after = rules.evaluate(actual), rules.evaluate(replayed)
        before_keys = {v.key() for v in before}
        after_keys = {v.key() for v in after}
        figures = day_figures(actual, day)
        days.append({
            "date": key,
            "mode": lived,
            "replayed_as": replayed_as,
            "work_outside_window": figures.work_outside_window,
            "broken": [_violation(v) for v in before],
            "would_break": [_violation(v) for v in after if v.key() not in before_keys],
            "would_clear": [_violation(v) for v in before if v.key() not in after_keys],
            "fences_crossed": {"actual": sum(v.is_hard for v in before),
                               "replayed": sum(v.is_hard for v in after)},
            "caps_broken": {"actual": sum(v.rule in CAPS for v in before),
                            "replayed": sum(v.rule in CAPS for v in after)},
        })  # fmt: skip
    totals = {
        "days": len(days),
        "work_outside_window": sum(d["work_outside_window"] for d in days),
        "fences_crossed": {
            side: sum(d["fences_crossed"][side] for d in days) for side in ("actual", "replayed")
        },
        "caps_broken": {
            side: sum(d["caps_broken"][side] for d in days) for side in ("actual", "replayed")
        },
        "would_break": sum(len(d["would_break"]) for d in days),
        "would_clear": sum(len(d["would_clear"]) for d in days),
    }
    return {
        "week": monday.to_date_string(),
        "mode": mode,
        "days": days,
        "totals": totals,
    }


def summary_lines(data: dict[str, Any]) -> list[str]:
    """The readable form: a line a day, what would differ under it, and a total."""
    lines = [f"What if: the week of {data['week']} under the other mode's rules"]
    if not data["days"]:
        return [*lines, "  nothing planned that week"]
    for day in data["days"]:
        fences = day["fences_crossed"]
        lines.append(
            f"  {day['date']}  {day['mode'][:11]:<11} → {day['replayed_as'][:11]:<11} "
            f"fences {fences['actual']}→{fences['replayed']}  "
            f"+{len(day['would_break'])} -{len(day['would_clear'])}"
        )
        for item in day["would_break"]:  # wrapped: the messages are long
            lines += textwrap.wrap(
                f"would break: {item['message']}", 78,
                initial_indent="      ", subsequent_indent="        ",
            )  # fmt: skip
        for item in day["would_clear"]:
            lines.append(f"      would not matter: {item['rule']}")
    totals = data["totals"]
    hours = totals["work_outside_window"] / 60
    lines.append(f"  In all: {hours:.1f}h of work outside the window;")
    lines.append(
        f"  fences crossed {totals['fences_crossed']['actual']} → "
        f"{totals['fences_crossed']['replayed']}, limits broken "
        f"{totals['caps_broken']['actual']} → {totals['caps_broken']['replayed']}."
    )
    return lines
