"""``import``, ``export``, ``share``: calendars in and out, and availability for others."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pendulum

from flowday.cli.common import Context, out, warn
from flowday.domain.errors import InputError
from flowday.domain.model import Sphere
from flowday.domain.timeparse import FIRST_YEAR, LAST_YEAR

if TYPE_CHECKING:  # icalendar costs ~40 ms to import: only the calendar commands pay it
    from flowday.calendars.importing import Progress

PROGRESS_FROM = 100  # changes; smaller imports finish before progress would help
READING_SHOWN_FROM = 1024 * 1024  # bytes: icalendar reads about 1 MB a second
SHOWN_CROSSINGS = 10  # a busy import can cross hundreds of rules: the rest are counted
SHOWN_PER_DAY = 5
SHOWN_NOTICES = 20  # a hostile file can hold thousands of broken parts: the rest are counted


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    importing = commands.add_parser(
        "import",
        parents=[shared],
        help="bring an .ics calendar's events in as fixed blocks",
        description="Events become fixed blocks (all-day events become day notes). "
        "Re-importing updates and removes, never duplicates. Conflicts are reported, "
        "never refused: the calendar is the truth about meetings.",
    )
    importing.add_argument("file", metavar="FILE.ics")
    importing.add_argument(
        "--sphere", help="work or personal (default: the event's CATEGORIES, else by hours)"
    )
    _range_options(importing)
    importing.add_argument(
        "--me",
        action="append",
        default=[],
        metavar="EMAIL",
        help="your address, to skip invitations you declined (repeatable)",
    )
    importing.set_defaults(handler=run_import)

    export = commands.add_parser(
        "export", parents=[shared], help="write the plan as an .ics calendar"
    )
    export.add_argument("file", metavar="FILE.ics", help="where to write ('-' for stdout)")
    _range_options(export)
    export.add_argument(
        "--sphere",
        action="append",
        default=[],
        help="only these spheres (repeatable, or comma-separated)",
    )
    export.set_defaults(handler=run_export)

    share = commands.add_parser(
        "share", parents=[shared], help="your availability, to send to people"
    )
    when = share.add_mutually_exclusive_group()
    when.add_argument("--date", help="one day (default today)")
    when.add_argument("--week", action="store_true", help="today and the next six days")
    share.add_argument("--ics", metavar="FILE", help="also write free/busy (VFREEBUSY) here")
    share.add_argument(
        "--details", action="store_true", help="show block titles (personal ones too)"
    )
    share.set_defaults(handler=run_share)


def _range_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="first", metavar="D", help="first day (default today)")
    parser.add_argument(
        "--to",
        dest="last",
        metavar="D",
        help="last day (default: about three months after --from)",
    )


def _range(args: argparse.Namespace, context: Context) -> tuple[pendulum.Date, pendulum.Date]:
    from flowday.calendars.bounds import DEFAULT_RANGE_DAYS, check_range

    first = context.date(args.first) if args.first else context.date(None)
    last = context.date(args.last) if args.last else first.add(days=DEFAULT_RANGE_DAYS - 1)
    check_range(first, last)
    return first, last


def _progress_printer() -> Progress:
    tty = sys.stderr.isatty()
    shown = {"last": -1}

    def show(stage: str, done: int, total: int) -> None:
        if stage == "reading" and total >= READING_SHOWN_FROM:
            out(f"flowday: reading {total / 2**20:.1f} MB of calendar...", err=True)
        if stage != "importing" or total < PROGRESS_FROM:
            return
        percent = done * 100 // total
        if tty:
            end = "\n" if done == total else ""
            # only our own words and numbers here, and the \r is the point: printed directly
            print(f"\rflowday: importing {done}/{total}", end=end, file=sys.stderr, flush=True)
        elif percent // 25 > shown["last"] or done == total:
            shown["last"] = percent // 25
            out(f"flowday: importing {done}/{total} ({percent}%)", err=True)

    return show


def run_import(args: argparse.Namespace, context: Context) -> int:
    from flowday.calendars.importing import import_calendar

    sphere = Sphere.parse(args.sphere) if args.sphere else None
    first, last = _range(args, context)
    report = import_calendar(
        context.planner, Path(args.file), sphere=sphere, first=first, last=last,
        me=args.me, progress=_progress_printer(),
    )  # fmt: skip
    out(report.summary())
    for skipped in report.skipped:
        warn(f"skipped '{skipped.title}' (UID {skipped.uid}): {skipped.reason}")
    for notice in report.notices[:SHOWN_NOTICES]:
        warn(notice)
    if len(report.notices) > SHOWN_NOTICES:
        warn(f"... and {len(report.notices) - SHOWN_NOTICES} more broken parts left out")
    for violation in report.crossed[:SHOWN_CROSSINGS]:
        out(f"flowday: crossed ({violation.rule}): {violation.message}", err=True)
    if len(report.crossed) > SHOWN_CROSSINGS:
        more = len(report.crossed) - SHOWN_CROSSINGS
        out(f"flowday: ... and {more} more crossings (recorded on their days)", err=True)
    if report.conflicts:
        out("conflicts after the import:")
        for date, violations in report.conflicts.items():
            for violation in violations[:SHOWN_PER_DAY]:
                rule = violation.rule
                out(f"  {date}  {violation.severity.value}  {violation.message} [{rule}]")
            if len(violations) > SHOWN_PER_DAY:
                more = len(violations) - SHOWN_PER_DAY
                out(f"  {date}  ... and {more} more (flowday check --date {date})")
    return 0


def run_export(args: argparse.Namespace, context: Context) -> int:
    from flowday.calendars.exporting import export_calendar, write_file

    first, last = _range(args, context)
    spheres = [
        Sphere.parse(name) for value in args.sphere for name in value.split(",") if name.strip()
    ]
    if args.sphere and not spheres:
        raise InputError("--sphere needs a sphere: work, personal or break (comma-separated)")
    calendar = export_calendar(context.planner, first, last, spheres=spheres)
    payload = calendar.to_ical()
    events = sum(1 for c in calendar.subcomponents if c.name == "VEVENT")
    if args.file == "-":
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return 0
    write_file(Path(args.file), payload)
    span = f"{first.to_date_string()}..{last.to_date_string()}"
    noun = "event" if events == 1 else "events"
    out(f"exported {events} {noun} ({span}) to {args.file}")
    return 0


def run_share(args: argparse.Namespace, context: Context) -> int:
    from flowday.calendars.exporting import write_file
    from flowday.calendars.sharing import freebusy_calendar, share_text

    first = context.date(args.date)
    dates = [first.add(days=n) for n in range(7 if args.week else 1)]
    if not FIRST_YEAR <= dates[0].year <= LAST_YEAR:
        raise InputError(f"{dates[0].to_date_string()} is outside {FIRST_YEAR}-{LAST_YEAR}")
    text = share_text(context.planner, dates, details=args.details)
    if args.ics:  # the file first: a path that cannot be written fails before any output
        payload = freebusy_calendar(context.planner, dates).to_ical()
        if args.ics != "-":
            write_file(Path(args.ics), payload)
    # with --ics -, stdout is the calendar alone (it is piped somewhere): the text goes aside
    out(text, err=args.ics == "-")
    if args.ics == "-":
        sys.stdout.buffer.write(payload)
    return 0
