"""``week``, ``month`` and ``mode NAME --week``: several days at once."""

from __future__ import annotations

import argparse

from flowday.application.week import DaySummary, month_of, set_week_mode, summaries, week_of
from flowday.cli.common import Context, fit, out, print_json
from flowday.cli.rules import _proposal_json, violation_lines
from flowday.domain.errors import InputError
from flowday.domain.text import shown
from flowday.domain.timeparse import fmt_duration
from flowday.domain.wallclock import fmt_date, fmt_minutes

TITLE_COLUMNS = 48  # a block's title in `flowday week` (80 columns in all)
_GLYPHS = {"work": "■", "personal": "●", "break": "◌"}


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    week = commands.add_parser("week", parents=[shared], help="the week, a row per day")
    week.add_argument("--date", help="any day of the week (default today)")
    week.add_argument("--json", action="store_true", help="machine-readable output")
    week.set_defaults(handler=run_week)

    month = commands.add_parser(
        "month", parents=[shared], help="the month: mode, work planned, crossings, score"
    )
    month.add_argument("--date", help="any day of the month (default today)")
    month.add_argument("--json", action="store_true", help="machine-readable output")
    month.set_defaults(handler=run_month)

    # `flowday mode NAME --week`: the week's flag on the mode command (registered before
    # this module: see COMMAND_MODULES; absent when only `week` or `month` is built),
    # which hands the week to run_mode_week
    mode = commands.choices.get("mode")
    if mode is None:
        return
    mode.add_argument(
        "--week", action="store_true", help="set the mode on each day of --date's week"
    )
    one_day = mode.get_default("handler")

    def run_mode_or_week(args: argparse.Namespace, context: Context) -> int:
        if args.week:
            return run_mode_week(args, context)
        return int(one_day(args, context))

    mode.set_defaults(handler=run_mode_or_week)


def _hours(minutes: int) -> str:
    return fmt_duration(minutes) if minutes else "-"


def day_line(summary: DaySummary) -> str:
    """``Mon 30 Nov  balance      09:00-17:00  work 6h · personal 1h · break 45m``."""
    window = f"{fmt_minutes(summary.window[0])}-{fmt_minutes(summary.window[1])}"
    if not summary.working_day:  # the same width: the columns stay aligned
        window = fit("day off" if summary.day.off else "no work", len(window))
    figures = summary.figures
    spheres = (
        f"work {_hours(figures['work'])} · personal {_hours(figures['personal'])} · "
        f"break {_hours(figures['break'])}"
    )
    return f"{fmt_date(summary.date, 'ddd DD MMM')}  {fit(summary.mode, 12)} {window}  {spheres}"


def block_line(summary: DaySummary, index: int) -> str:
    block = summary.blocks[index]
    mark = "↻" if block.routine else " "
    flex = "~" if block.flexible else " "
    title = fit(shown(block.title), TITLE_COLUMNS).rstrip()
    return f"    {block.span} {_GLYPHS[block.sphere.value]}{flex}{mark} {title}"


def run_week(args: argparse.Namespace, context: Context) -> int:
    monday, sunday = week_of(context.date(args.date))
    days = summaries(context.planner, monday, sunday)
    if args.json:
        print_json(
            {
                "from": monday.to_date_string(),
                "to": sunday.to_date_string(),
                "days": [d.to_dict() for d in days],
            }
        )
        return 0
    out(f"Week of {fmt_date(monday, 'ddd D MMM YYYY')}  (■ work ● personal ◌ break ~ flexible "
        "↻ routine)")  # fmt: skip
    for summary in days:
        out(fit(day_line(summary), 80).rstrip())
        if summary.day.off:
            note = f": {summary.day.off_note}" if summary.day.off_note else ""
            out(fit(f"    day off{note}", 80).rstrip())
        for note in summary.day.notes:
            out(fit(f"    ✎ {note}", 80).rstrip())
        for index in range(len(summary.blocks)):
            out(block_line(summary, index))
    return 0


def month_line(summary: DaySummary) -> str:
    """``Tue 01  balance       6h00   2   4.3  day off: …`` (80 columns)."""
    score = summary.score
    shown_score = "-" if score is None else f"{score:.1f}"
    crossings = summary.figures["crossings"]
    errors = sum(1 for v in summary.violations if v.is_hard)
    broken = (f"{crossings}" if crossings else "-") + (f"+{errors}!" if errors else "")
    off = ""
    if summary.day.off:
        off = "off" + (f": {summary.day.off_note}" if summary.day.off_note else "")
    line = (
        f"{fmt_date(summary.date, 'ddd DD')}  {fit(summary.mode, 12)} "
        f"{_hours(summary.figures['work']):>6}  {broken:>6}  {shown_score:>5}  {off}"
    )
    return fit(line.rstrip(), 80).rstrip()


def run_month(args: argparse.Namespace, context: Context) -> int:
    first, last = month_of(context.date(args.date))
    days = summaries(context.planner, first, last)
    if args.json:
        print_json(
            {
                "month": fmt_date(first, "YYYY-MM"),
                "days": [
                    {k: v for k, v in d.to_dict().items() if k not in ("blocks", "notes")}
                    for d in days
                ],
            }
        )
        return 0
    out(fmt_date(first, "MMMM YYYY"))
    out(f"{'Day':<6}  {'Mode':<12} {'Work':>6}  {'Cross':>6}  {'Score':>5}")
    for summary in days:
        out(month_line(summary))
    out("Cross: crossings recorded (+N!: rules broken now) · Score: the reflection's")
    return 0


def run_mode_week(args: argparse.Namespace, context: Context) -> int:
    """``flowday mode NAME --week``: each day of the week, with what now breaks there."""
    if args.name is None or args.fix:
        raise InputError("--week needs a mode and takes no --fix: flowday mode NAME --week")
    proposals = set_week_mode(context.planner, context.date(args.date), args.name)
    if args.json:
        print_json([_proposal_json(p) for p in proposals])
        return 0
    for proposal in proposals:
        date = fmt_date(proposal.date, "ddd YYYY-MM-DD")
        change = (
            f"{proposal.previous} → {proposal.mode}"
            if proposal.switched
            else f"already {proposal.mode}"
        )
        out(f"{date}: {change}")
        if proposal.violations:
            out("\n".join(violation_lines(proposal.violations)))
    return 0
