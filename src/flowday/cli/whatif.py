"""``flowday whatif``: a past week replayed under the other mode's rules (nothing changes)."""

from __future__ import annotations

import argparse

from flowday.cli.common import Context, out, print_json


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    whatif = commands.add_parser(
        "whatif",
        parents=[shared],
        help="replay a past week under the other mode's rules",
        description="Runs a week's actual blocks through another mode's rules and shows what "
        "would have differed: work outside the window, limits broken, fences crossed. "
        "Nothing is changed.",
    )
    whatif.add_argument("--week", metavar="D", help="a day of the week (default: last week)")
    whatif.add_argument("--mode", metavar="M", help="replay every day under this mode")
    whatif.add_argument("--json", action="store_true", help="machine-readable output")
    whatif.set_defaults(handler=run_whatif)


def run_whatif(args: argparse.Namespace, context: Context) -> int:
    from flowday.application import whatif  # loaded only when used

    date = context.date(args.week) if args.week else context.planner.today().subtract(weeks=1)
    data = whatif.replay_week(context.planner, date, args.mode)
    if args.json:
        print_json(data)
        return 0
    for line in whatif.summary_lines(data):
        out(line)
    return 0
