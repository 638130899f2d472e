"""``flowday trial``: a personal mode trial (start, status, stop)."""

from __future__ import annotations

import argparse

from flowday.cli.common import Context, out, print_json


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    trial = commands.add_parser(
        "trial",
        parents=[shared],
        help="a personal mode trial: modes assigned at random, compared at the end",
        description="Assigns balance or integration at random (half each) to the coming "
        "working days or weeks, shows them in the planner like any mode, and at the end "
        "compares your reflections once, on the combined score chosen in advance.",
    )
    actions = trial.add_subparsers(dest="action", metavar="ACTION", required=True)
    start = actions.add_parser("start", parents=[shared], help="assign the coming days")
    start.add_argument("--weeks", type=int, required=True, metavar="N", help="how long (1-26)")
    start.add_argument(
        "--unit", choices=("day", "week"), default="day", help="assign by day (default) or week"
    )
    start.add_argument(
        "--keep", action="append", default=[], metavar="D", help="a day to leave out (repeat)"
    )
    start.add_argument("--json", action="store_true", help="machine-readable output")
    status = actions.add_parser("status", parents=[shared], help="progress, or the result")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    stop = actions.add_parser("stop", parents=[shared], help="end the trial now")
    stop.add_argument("--json", action="store_true", help="machine-readable output")
    trial.set_defaults(handler=run_trial)


def run_trial(args: argparse.Namespace, context: Context) -> int:
    from flowday.application import trial  # loaded only when used

    planner = context.planner
    if args.action == "start":
        keep = tuple(context.date(text) for text in args.keep)
        started = trial.start(planner, args.weeks, args.unit, keep)
        if args.json:
            print_json(started.to_dict())
            return 0
        counts = {m: sum(1 for v in started.assigned.values() if v == m) for m in trial.MODES}
        out(
            f"trial started: {started.first.to_date_string()} to {started.last.to_date_string()}, "
            f"{counts['balance']} balance and {counts['integration']} integration days "
            f"(by the {started.unit}); the planner shows each day's mode"
        )
        return 0
    if args.action == "stop":
        stopped = trial.stop(planner)
        if args.json:
            print_json(stopped.to_dict())
            return 0
        out(f"trial stopped on {planner.today().to_date_string()}; coming days follow your map")
        return 0
    data = trial.status(planner)
    if args.json:
        print_json(data)
        return 0
    out(data["text"])
    return 0
