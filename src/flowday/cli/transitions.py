"""``intrusion``: log a boundary violation as it happens, with its direction."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import pendulum

from flowday.application.intrusions import log_intrusion, remove_intrusion
from flowday.cli.common import Context, out, print_json
from flowday.domain.errors import InputError
from flowday.domain.model import IMPORTED, Intrusion, Sphere
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
    instead = intrusion.add_mutually_exclusive_group()
    instead.add_argument(
        "--list", action="store_true", help="list the day's intrusions, numbered, instead"
    )
    instead.add_argument(
        "--remove", metavar="N", type=int, help="remove the day's Nth intrusion (see --list)"
    )
    intrusion.set_defaults(handler=run_intrusion)


def _as_json(date: pendulum.Date, intrusion: Intrusion) -> dict[str, Any]:
    at = None if intrusion.at is None else fmt_minutes(intrusion.at)
    return {"date": date.to_date_string(), "at": at, "direction": intrusion.direction,
            "from": intrusion.from_sphere.value, "note": intrusion.note,
            "source": intrusion.source}  # fmt: skip


def _line(date: pendulum.Date, intrusion: Intrusion) -> str:
    at = "" if intrusion.at is None else fmt_minutes(intrusion.at)
    note = f"  {shown(intrusion.note)}" if intrusion.note else ""
    return f"{date.to_date_string()} {at}  intrusion: {intrusion.direction.replace('-', ' ')}{note}"


def run_intrusion(args: argparse.Namespace, context: Context) -> int:
    date = context.date(args.date)
    if args.list or args.remove is not None:
        logging_flags = [flag for flag, value in (("--from", args.from_sphere),
                         ("--note", args.note), ("--at", args.at)) if value]  # fmt: skip
        if logging_flags:
            what = "--list" if args.list else "--remove"
            raise InputError(f"{what} takes only --date and --json, not {logging_flags[0]}")
    if args.list:
        return _list(date, context.store.day(date).intrusions, as_json=args.json)
    if args.remove is not None:
        removed = remove_intrusion(context.planner, date, args.remove)
        if args.json:
            print_json({**_as_json(date, removed), "removed": args.remove})
        else:
            out(f"removed {args.remove}: {_line(date, removed)}")
        return 0
    logged = log_intrusion(
        context.planner,
        date,
        from_sphere=Sphere(args.from_sphere) if args.from_sphere else None,
        at=parse_clock(args.at) if args.at else None,
        note=args.note,
    )
    if args.json:
        print_json(_as_json(date, logged))
    else:
        out(_line(date, logged))
    return 0


def _list(date: pendulum.Date, intrusions: Sequence[Intrusion], *, as_json: bool) -> int:
    if as_json:
        print_json([{"n": n, **_as_json(date, i)} for n, i in enumerate(intrusions, 1)])
        return 0
    if not intrusions:
        out(f"{date.to_date_string()}: no intrusions logged")
    for n, intrusion in enumerate(intrusions, 1):
        source = "  (from an import)" if intrusion.source == IMPORTED else ""
        out(f"{n:>2}  {_line(date, intrusion)}{source}")
    return 0
