"""``done``, ``skip``, ``undone``, ``carry``: what happened to the plan, and unfinished
flexible work carried over to tomorrow or back to the inbox."""

from __future__ import annotations

import argparse

from flowday.application import outcomes
from flowday.cli.common import Context, out, print_json
from flowday.domain.timeparse import parse_span


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    done = commands.add_parser(
        "done", parents=[shared], help="mark a block done: flowday done ID [--at 17:00-18:30]"
    )
    done.add_argument("id")
    done.add_argument(
        "--at", metavar="HH:MM-HH:MM", help="when it really happened (the plan is kept)"
    )
    done.set_defaults(handler=run_done)

    skip = commands.add_parser("skip", parents=[shared], help="mark a block skipped")
    skip.add_argument("id")
    skip.set_defaults(handler=run_skip)

    undone = commands.add_parser(
        "undone", parents=[shared], help="a done or skipped block back to planned"
    )
    undone.add_argument("id")
    undone.set_defaults(handler=run_undone)

    carry = commands.add_parser(
        "carry",
        parents=[shared],
        help="carry a day's unfinished flexible work to tomorrow or back to the inbox",
    )
    carry.add_argument("ids", nargs="*", metavar="ID", help="only these blocks (default all)")
    carry.add_argument("--date", help="the day to carry from (default today)")
    carry.add_argument(
        "--to", choices=("tomorrow", "inbox"), default="tomorrow",
        help="where to (default tomorrow, placed like plan)",
    )  # fmt: skip
    carry.add_argument("--dry-run", action="store_true", help="show what would move, store nothing")
    carry.add_argument("--json", action="store_true", help="machine-readable output")
    carry.set_defaults(handler=run_carry)
    register_next(commands, shared)


def _said(result: outcomes.OutcomeResult) -> int:
    block = result.block
    ran = f" (ran {block.actual_span}, planned {block.span})" if block.ran_differently else ""
    out(f"{block.id}  {block.outcome.value}{ran}  {block.title}")
    for violation in result.overruns:
        out(f"flowday: overrun ({violation.rule}): {violation.message}", err=True)
    return 0


def run_done(args: argparse.Namespace, context: Context) -> int:
    at = parse_span(args.at) if args.at else None
    return _said(outcomes.mark_done(context.planner, args.id, at=at))


def run_skip(args: argparse.Namespace, context: Context) -> int:
    return _said(outcomes.mark_skipped(context.planner, args.id))


def run_undone(args: argparse.Namespace, context: Context) -> int:
    return _said(outcomes.mark_planned(context.planner, args.id))


def run_carry(args: argparse.Namespace, context: Context) -> int:
    date = context.date(args.date)
    result = outcomes.carry(
        context.planner, date, to=args.to, ids=args.ids or None, dry_run=args.dry_run
    )
    if args.json:
        print_json(
            {
                "date": date.to_date_string(),
                "to": result.to,
                "dry_run": result.dry_run,
                "placed": [
                    {
                        "block": old.id,
                        "title": old.title,
                        "from": old.span,
                        "new_block": new.id,
                        "date": new.date.to_date_string(),
                        "to": new.span,
                    }
                    for old, new in result.placed
                ],
                "inbox": [
                    {"block": old.id, "title": old.title, "task": task.id}
                    for old, task in result.inboxed
                ],
                "unplaced": [
                    {"block": old.id, "title": old.title, "reason": why}
                    for old, why in result.unplaced
                ],
            }
        )
        return 0
    verb = "would move" if result.dry_run else "moved"
    if not (result.placed or result.inboxed or result.unplaced):
        out(f"{date.to_date_string()}: no unfinished flexible work to carry")
    for old, new in result.placed:
        out(f"  {verb} '{old.title}' {old.span} → {new.date.to_date_string()} {new.span}  {new.id}")
    for old, task in result.inboxed:
        out(f"  {verb} '{old.title}' {old.span} → inbox  {task.id}")
    for old, why in result.unplaced:
        out(f"  left '{old.title}' {old.span}: {why}")
    return 0


def register_next(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    status = commands.add_parser(
        "next", parents=[shared], help="one line for a status bar: the block now or next"
    )
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=run_next)


def run_next(args: argparse.Namespace, context: Context) -> int:
    from flowday.application import statusbar
    from flowday.application.status import snapshot_of
    from flowday.places import config_path

    snapshot = snapshot_of(context.planner)
    status = statusbar.status_from(snapshot, context.planner.now())
    # left for the next call (the status bar's fast path): computed from the files as read
    statusbar.save(context.data_path, config_path(getattr(args, "config", None)), snapshot)
    if args.json:
        print_json(status.to_dict())
    else:
        out(status.line())
    return 0
