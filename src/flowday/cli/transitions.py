"""``intrusion``: log a boundary violation as it happens, with its direction."""

from __future__ import annotations

import argparse

from flowday.application.intrusions import log_intrusion
from flowday.cli.common import Context, out, print_json
from flowday.domain.model import Sphere
from flowday.domain.text import shown
from flowday.domain.wallclock import fmt_minutes, parse_clock


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    intrusion = commands.add_parser(
        "intrusion",
        parents=[shared],
        help="log a boundary violation now: work into personal time or personal into work",
    )
    intrusion.add_argument(
        "--from", dest="from_sphere", choices=("work", "personal"),
        help="who intruded (default: the side that does not own that time)",
    )  # fmt: skip
    intrusion.add_argument("--note", default="", help="what happened, e.g. 'call at dinner'")
    intrusion.add_argument("--date", help="the day (default today)")
    intrusion.add_argument(
        "--at", metavar="HH:MM", help="when (default now; needed for other days)"
    )
    intrusion.add_argument("--json", action="store_true", help="machine-readable output")
    intrusion.set_defaults(handler=run_intrusion)


def run_intrusion(args: argparse.Namespace, context: Context) -> int:
    date = context.date(args.date)
    logged = log_intrusion(
        context.planner,
        date,
        from_sphere=Sphere(args.from_sphere) if args.from_sphere else None,
        at=parse_clock(args.at) if args.at else None,
        note=args.note,
    )
    at = "" if logged.at is None else fmt_minutes(logged.at)
    if args.json:
        print_json({"date": date.to_date_string(), "at": at or None,
                    "direction": logged.direction, "from": logged.from_sphere.value,
                    "note": logged.note, "source": logged.source})  # fmt: skip
    else:
        note = f"  {shown(logged.note)}" if logged.note else ""
        out(f"{date.to_date_string()} {at}  intrusion: {logged.direction.replace('-', ' ')}{note}")
    return 0
