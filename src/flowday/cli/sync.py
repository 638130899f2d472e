"""``sync``: two-way sync of the plan with a CalDAV calendar (see flowday.sync).

Exit statuses beyond the common ones: 6 the server could not be reached or refused a
request (what was done is recorded; run it again), 7 the sync would delete more than 20
events or a whole day and nobody confirmed (nothing was changed; ``--yes`` goes ahead).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from flowday.cli.common import Context, out, print_json, warn
from flowday.domain.errors import InputError

if TYPE_CHECKING:
    from flowday.sync.engine import SyncReport
    from flowday.sync.subscriptions import SubscriptionReport

PROGRESS_FROM = 100  # events read or sent; smaller syncs finish before progress would help
SHOWN_SKIPPED = 20


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    sync = commands.add_parser(
        "sync",
        parents=[shared],
        help="sync the plan with a CalDAV calendar ([sync] in config.toml)",
        description="Pulls the server's changes, merges each event field by field, pushes "
        "yours. The same field changed on both sides is kept both ways as a conflict "
        "until you choose with --resolve. Prints '↑sent ↓received, N conflicts'.",
    )
    sync.add_argument(
        "--dry-run", action="store_true", help="show what would change; change nothing"
    )
    sync.add_argument("--json", action="store_true", help="machine-readable report")
    sync.add_argument(
        "--yes", action="store_true",
        help="go ahead when the sync would delete more than 20 events or a whole day",
    )  # fmt: skip
    sync.add_argument(
        "--resolve", action="append", default=[], metavar="ID",
        help="settle a conflict (a block, routine or task id, a day's date, or reflection-DATE, "
        "as the sync lists it; repeatable)",
    )  # fmt: skip
    sync.add_argument(
        "--take", choices=("local", "remote"),
        help="with --resolve: keep this device's values (local) or the server's (remote)",
    )  # fmt: skip
    sync.set_defaults(handler=run_sync_command)


def run_sync_command(args: argparse.Namespace, context: Context) -> int:
    from flowday.sync.everything import sync_everything
    from flowday.sync.setup import connector, sync_settings

    if args.resolve and not args.take:
        raise InputError("--resolve needs --take local or --take remote")
    if args.take and not args.resolve:
        raise InputError("--take goes with --resolve ID")
    planner = context.planner
    settings = sync_settings(context.config)
    connect = connector(context.config)
    interactive = sys.stdin.isatty() and not args.json

    def confirm(question: str) -> bool:
        if not interactive:
            return False
        out(f"flowday: {question} [y/N] ", err=True)
        return sys.stdin.readline().strip().lower() in ("y", "yes")

    def progress(stage: str, done: int, total: int) -> None:
        # a first sync of years of plans reads or sends thousands of events: say how far
        if total >= PROGRESS_FROM and (done % PROGRESS_FROM == 0 or done == total):
            out(f"flowday: {stage} {done}/{total}", err=True)

    reports = sync_everything(
        planner, settings, connect, dry_run=args.dry_run, yes=args.yes, confirm=confirm,
        resolutions=[(key, args.take) for key in args.resolve], progress=progress,
    )  # fmt: skip
    report, reflections, subscribed = reports.plan, reports.reflections, reports.subscriptions
    if args.json:
        print_json(reports.to_json())
        return 0
    out(report.summary())
    _details(report)
    # the first line stays the plan's; reflections speak when something moved
    if reflections is not None and (reflections.pushed or reflections.pulled
                                    or reflections.conflicts or reflections.resolved):  # fmt: skip
        out(f"reflections: {reflections.summary()}")
    if reflections is not None:
        _details(reflections)
    for pulled in subscribed:
        out(pulled.summary())
        _details(pulled)
    return 0


def _details(report: SyncReport | SubscriptionReport) -> None:
    for conflict in getattr(report, "conflicts", []):
        for name, (mine, theirs) in conflict.fields.items():
            out(f"  conflict {conflict.block_id} {name}: here {mine!r}, server {theirs!r}")
    if getattr(report, "conflicts", []):
        out("  settle with: flowday sync --resolve ID --take local|remote")
    for line in report.skipped[:SHOWN_SKIPPED]:
        warn(f"left alone: {line}")
    if len(report.skipped) > SHOWN_SKIPPED:
        warn(f"... and {len(report.skipped) - SHOWN_SKIPPED} more left alone")
    for violation in report.crossed:
        out(f"flowday: crossed ({violation.rule}): {violation.message}", err=True)
