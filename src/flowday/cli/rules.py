"""``check``, ``mode``, ``hours``, ``plan``: the day's rules, its mode, its window, and
auto-scheduling of the inbox."""

from __future__ import annotations

import argparse
from itertools import groupby

from flowday.application.planner import ModeProposal
from flowday.cli.common import Context, day_heading, out, print_json, report
from flowday.domain.errors import InputError
from flowday.domain.rules import Violation
from flowday.domain.text import counted
from flowday.domain.timeparse import parse_span
from flowday.domain.wallclock import fmt_minutes


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    check = commands.add_parser(
        "check", parents=[shared], help="the day's rule violations (exit 1 when any is an error)"
    )
    check.add_argument("--date", help="day (default today)")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=run_check)

    mode = commands.add_parser(
        "mode", parents=[shared], help="show or set the day's mode (balance, integration, …)"
    )
    mode.add_argument("name", nargs="?", help="the mode to switch to (omit to show)")
    mode.add_argument("--date", help="day (default today)")
    mode.add_argument(
        "--fix", action="store_true", help="move flexible blocks to where the new mode allows"
    )
    mode.add_argument("--json", action="store_true", help="machine-readable output")
    mode.set_defaults(handler=run_mode)

    hours = commands.add_parser(
        "hours", parents=[shared], help="move the day's work window: flowday hours 10:00-18:30"
    )
    hours.add_argument("span", help="START-END (e.g. 10:00-18:30), or 'default'")
    hours.add_argument("--date", help="day (default today)")
    hours.add_argument(
        "--force", action="store_true", help="cross a hard rule on purpose (recorded)"
    )
    hours.set_defaults(handler=run_hours)

    plan = commands.add_parser(
        "plan", parents=[shared], help="place inbox tasks into the day's free, allowed slots"
    )
    plan.add_argument("--date", help="day (default today)")
    plan.add_argument("--dry-run", action="store_true", help="show the plan, store nothing")
    plan.add_argument("--json", action="store_true", help="machine-readable output")
    plan.set_defaults(handler=run_plan)


def violation_lines(violations: list[Violation]) -> list[str]:
    """Grouped by rule: a heading per rule, a line per violation."""
    lines: list[str] = []
    first = {v.rule: index for index, v in reversed(list(enumerate(violations)))}
    ordered = sorted(violations, key=lambda v: first[v.rule])  # the mode's rule order
    for rule, group in groupby(ordered, key=lambda v: v.rule):
        found = list(group)
        lines.append(f"  {rule} ({found[0].severity.value}):")
        lines.extend(f"    - {v.message}" for v in found)
    return lines


def run_check(args: argparse.Namespace, context: Context) -> int:
    planner = context.planner
    date = context.date(args.date)
    day, violations = planner.check(date)
    mode = planner.mode_of(day)
    failed = any(v.is_hard for v in violations)
    if args.json:
        print_json(
            {
                "date": date.to_date_string(),
                "mode": mode,
                "violations": [v.to_dict() for v in violations],
                # recorded on the day, apart: crossed on purpose in the plan, and what
                # really happened crossed (a block done at other times)
                "planned_crossings": [c.to_dict() for c in day.crossings if not c.overrun],
                "overruns": [c.to_dict() for c in day.crossings if c.overrun],
            }
        )
        return 1 if failed else 0
    out(
        day_heading(
            day,
            mode,
            planner.window_of(day),
            planner.config.timezone,
            working=planner.is_working_day(day),
        )
    )
    if not violations:
        out("  no rule is broken")
    for violation in violations:
        out(f"  {violation.severity.value:<7}  {violation.rule:<24} {violation.message}")
    planned = [c for c in day.crossings if not c.overrun]
    overruns = [c for c in day.crossings if c.overrun]
    if planned or overruns:
        out(f"  recorded: {_count(len(planned), 'planned crossing')}, "
            f"{_count(len(overruns), 'overrun')}")  # fmt: skip
    for crossing in overruns:
        out(f"  overrun  {crossing.rule:<24} {crossing.message}")
    return 1 if failed else 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _proposal_json(proposal: ModeProposal) -> dict[str, object]:
    return {
        "date": proposal.date.to_date_string(),
        "previous": proposal.previous,
        "mode": proposal.mode,
        "switched": proposal.switched,
        "fixed": proposal.fixed,
        "violations": [v.to_dict() for v in proposal.violations],
        "moves": [
            {"block": old.id, "title": old.title, "from": old.span, "to": new.span}
            for old, new in proposal.moves
        ],
        "unfixable": [
            {"block": block.id, "title": block.title, "reason": reason}
            for block, reason in proposal.unfixable
        ],
        "hours_reset": _window(proposal.hours_reset),
    }


def _window(hours: tuple[int, int] | None) -> str | None:
    return None if hours is None else f"{fmt_minutes(hours[0])}-{fmt_minutes(hours[1])}"


def run_mode(args: argparse.Namespace, context: Context) -> int:
    planner = context.planner
    date = context.date(args.date)
    if args.name is None:
        if args.fix:
            raise InputError("--fix needs a mode: flowday mode NAME --fix")
        day = context.store.day(date)
        current = planner.mode_of(day)
        if args.json:
            print_json({"date": date.to_date_string(), "mode": current, "modes": planner.modes()})
            return 0
        out(f"{date.to_date_string()}: {current}")
        for name in planner.modes():
            mark = "*" if name == current else " "
            mode = planner.mode_named(name)
            out(f" {mark} {name:<14} {mode.description}")
            out(f"   {'':<14} transition buffers: {mode.buffers.describe()}")
        return 0
    proposal = planner.set_mode(date, args.name, fix=args.fix)
    # after a fix, what matters is what is still broken, not what broke before it
    remaining = planner.check(date)[1] if proposal.fixed else proposal.violations
    if args.json:
        print_json({**_proposal_json(proposal), "violations": [v.to_dict() for v in remaining]})
        return 0
    if proposal.switched:
        out(f"{date.to_date_string()}: {proposal.previous} → {proposal.mode}")
    else:
        out(f"{date.to_date_string()}: already {proposal.mode}")
    if proposal.fixed:
        if proposal.hours_reset is not None:
            out(f"  work window back to {_window(proposal.hours_reset)}")
        for old, new in proposal.moves:
            out(f"  moved '{old.title}' {old.span} → {new.span}  {old.id}")
    if remaining:
        out("What breaks now:" if not proposal.fixed else "Still broken:")
        out("\n".join(violation_lines(remaining)))
    else:
        out("Nothing breaks.")
    if proposal.unfixable:
        out("Cannot fix:")
        for block, reason in proposal.unfixable:
            out(f"  '{block.title}' {block.span} ({block.id}): {reason}")
    if not proposal.fixed and proposal.fixable:
        steps = [f"move {counted(len(proposal.moves), 'flexible block')}"] if proposal.moves else []
        if proposal.hours_reset is not None:
            steps.insert(0, f"set the work window back to {_window(proposal.hours_reset)}")
        out(
            f"'flowday mode {proposal.mode} --fix' would {' and '.join(steps)}"
            + (":" if proposal.moves else "")
        )
        for old, new in proposal.moves:
            out(f"  '{old.title}' {old.span} → {new.span}")
    return 0


def run_hours(args: argparse.Namespace, context: Context) -> int:
    date = context.date(args.date)
    if args.span.strip().lower() == "default":
        start = end = None
    else:
        start, end = parse_span(args.span)
    result = context.planner.set_hours(date, start, end, force=args.force)
    day = context.store.day(date)
    window = context.planner.window_of(day)
    out(f"{date.to_date_string()}: work window {fmt_minutes(window[0])}-{fmt_minutes(window[1])}")
    report(result.warnings, result.crossed)
    return 0


def run_plan(args: argparse.Namespace, context: Context) -> int:
    date = context.date(args.date)
    result = context.planner.plan(date, dry_run=args.dry_run)
    if args.json:
        print_json(
            {
                "date": date.to_date_string(),
                "dry_run": result.dry_run,
                "placed": [
                    {"task": task.id, "block": block.to_dict()} for task, block in result.placed
                ],
                "unplaced": [
                    {"task": task.id, "title": task.title, "reason": reason}
                    for task, reason in result.unplaced
                ],
            }
        )
        return 0
    if not result.placed and not result.unplaced:
        out("inbox is empty: nothing to plan")
        return 0
    for task, block in result.placed:
        out(f"  placed  {block.span}  {block.sphere.value:<8} {task.title}  {block.id}")
    for task, reason in result.unplaced:
        out(f"  cannot place '{task.title}' ({task.id}): {reason}")
    if result.dry_run:
        out("(dry run: nothing was stored)")
    return 0
