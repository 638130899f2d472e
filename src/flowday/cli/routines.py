"""``routine add|list|edit|rm``: repeating blocks; ``off``: days off planned ahead."""

from __future__ import annotations

import argparse

import pendulum

from flowday.application import routines as use
from flowday.application.planner import Verdict
from flowday.application.week import describe_verdicts, set_days_off
from flowday.cli.common import Context, out, print_json
from flowday.domain.recurrence import EXAMPLES
from flowday.domain.routines import Routine


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    routine = commands.add_parser(
        "routine", parents=[shared], help="repeating blocks: routine add|list|edit|rm"
    )
    actions = routine.add_subparsers(dest="routine_command", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add", parents=[shared],
        help="flowday routine add 'Standup 9:00-9:15 #work' --every weekdays",
    )  # fmt: skip
    add.add_argument("text", nargs="+", help="quick-add text: title, times, #sphere, #flex")
    add.add_argument("--every", required=True, metavar="SPEC", help=f"how it repeats: {EXAMPLES}")
    _when_options(add)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", parents=[shared], help="the routines")
    listing.add_argument("--all", action="store_true", help="removed routines too")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=run_list)

    edit = actions.add_parser(
        "edit", parents=[shared],
        help="change this and the following occurrences (never past days, never "
        "occurrences edited by hand)",
    )  # fmt: skip
    edit.add_argument("id")
    edit.add_argument("text", nargs="*", help="new quick-add text (title, times, #sphere)")
    edit.add_argument("--every", metavar="SPEC", help=f"how it repeats: {EXAMPLES}")
    _when_options(edit, change=True)
    edit.set_defaults(handler=run_edit)

    remove = actions.add_parser(
        "rm", parents=[shared], help="end a routine: its future occurrences go, the past stays"
    )
    remove.add_argument("id")
    remove.set_defaults(handler=run_rm)

    off = commands.add_parser(
        "off", parents=[shared],
        help="days off planned ahead: flowday off FROM [TO] [--note TEXT]",
    )  # fmt: skip
    off.add_argument("first", metavar="FROM", help="first day off")
    off.add_argument("last", metavar="TO", nargs="?", help="last day off (default FROM)")
    off.add_argument("--note", default="", help="why, e.g. 'Holiday in Lisbon'")
    off.add_argument("--clear", action="store_true", help="make them ordinary days again")
    off.add_argument(
        "--imported", action="store_true",
        help="only days with an imported all-day event (a holiday calendar); noted with it",
    )  # fmt: skip
    off.add_argument("--force", action="store_true", help="even with work planned (recorded)")
    off.set_defaults(handler=run_off)


def _when_options(parser: argparse.ArgumentParser, *, change: bool = False) -> None:
    first = "first day of the change (default today)" if change else "first day (default today)"
    parser.add_argument("--from", dest="first", metavar="D", help=first)
    parser.add_argument("--until", metavar="D", help="last possible day" +
                        (" ('none': open-ended)" if change else ""))  # fmt: skip
    parser.add_argument(
        "--modes", metavar="M1,M2",
        help="only on days in these modes" + (" ('all': every day)" if change else ""),
    )  # fmt: skip
    parser.add_argument("--force", action="store_true", help="cross hard rules on purpose")


def _modes(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [] if text.strip().lower() == "all" else text.split(",")


def routine_line(routine: Routine) -> str:
    until = f" until {routine.until.to_date_string()}" if routine.until else ""
    modes = f" · only {','.join(routine.modes)}" if routine.modes else ""
    skipped = f" · {len(routine.skipped)} skipped" if routine.skipped else ""
    ended = " · removed" if routine.removed else ""
    return (
        f"  {routine.id}  {routine.span}  {routine.sphere.value:<8} ↻ {routine.title} · "
        f"{routine.repeat.describe()} from {routine.first.to_date_string()}{until}"
        f"{modes}{skipped}{ended}"
    )


def routine_json(routine: Routine) -> dict[str, object]:
    return {**routine.to_dict(), "describe": routine.repeat.describe()}


def _report(crossed: dict[pendulum.Date, Verdict]) -> None:
    for line in describe_verdicts(crossed):
        out(f"flowday: {line}", err=True)


def run_add(args: argparse.Namespace, context: Context) -> int:
    result = use.add_routine(
        context.planner, " ".join(args.text), args.every,
        start=context.date(args.first) if args.first else None,
        until=context.date(args.until) if args.until else None,
        modes=_modes(args.modes) or (), force=args.force,
    )  # fmt: skip
    assert result.routine is not None
    out(result.routine.id)
    _report(result.crossed)
    return 0


def run_list(args: argparse.Namespace, context: Context) -> int:
    found = use.routines(context.planner, removed=args.all)
    if args.json:
        print_json([routine_json(r) for r in found])
        return 0
    if not found:
        out("  (no routines)")
    for routine in found:
        out(routine_line(routine))
    return 0


def run_edit(args: argparse.Namespace, context: Context) -> int:
    no_until = args.until is not None and args.until.strip().lower() == "none"
    result = use.edit_routine(
        context.planner, args.id,
        text=" ".join(args.text) if args.text else None, every=args.every,
        until=context.date(args.until) if args.until and not no_until else None,
        no_until=no_until, modes=_modes(args.modes),
        start=context.date(args.first) if args.first else None, force=args.force,
    )  # fmt: skip
    assert result.routine is not None
    if result.ended is not None:
        out(f"ended {result.ended.id} after {result.ended.until}; continued as:")
    out(routine_line(result.routine))
    _report(result.crossed)
    return 0


def run_rm(args: argparse.Namespace, context: Context) -> int:
    routine = use.remove_routine(context.planner, args.id)
    if routine.removed and routine.until is not None:
        out(f"removed {routine.id} from {routine.until.add(days=1)} on  {routine.title}")
    else:
        out(f"removed {routine.id}  {routine.title}")
    return 0


def run_off(args: argparse.Namespace, context: Context) -> int:
    first = context.date(args.first)
    last = context.date(args.last) if args.last else first
    result = set_days_off(
        context.planner, first, last, note=args.note, clear=args.clear,
        imported=args.imported, force=args.force,
    )  # fmt: skip
    what = "ordinary days again" if args.clear else "days off"
    span = first.to_date_string() + (f" to {last.to_date_string()}" if last != first else "")
    out(f"{span}: {what} ({len(result.days)} changed)")
    _report(result.crossed)
    return 0
