"""``add``, ``list``, ``edit``, ``rm``: blocks on the timeline."""

from __future__ import annotations

import argparse

from flowday.cli.common import Context, block_rows, day_heading, out, print_json, report
from flowday.domain.errors import InputError
from flowday.domain.model import Sphere
from flowday.domain.wallclock import fmt_minutes, parse_clock


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    add = commands.add_parser(
        "add", parents=[shared], help="add a block: flowday add 'Standup 9:00-9:15 #work'"
    )
    add.add_argument(
        "text", nargs="+", help="quick-add text: title, times, duration, #sphere, #flex"
    )
    add.add_argument("--date", help="day (YYYY-MM-DD, today, tomorrow, yesterday, a weekday)")
    add.add_argument("--start", help="start time HH:MM (overrides the text)")
    add.add_argument("--end", help="end time HH:MM, 24:00 for midnight (overrides the text)")
    spheres = add.add_mutually_exclusive_group()
    for sphere in Sphere:
        spheres.add_argument(
            f"--{sphere.value}",
            dest="sphere",
            action="store_const",
            const=sphere,
            help=f"a {sphere.value} block",
        )
    add.add_argument("--flexible", action="store_true", help="the scheduler may move it")
    add.add_argument("--force", action="store_true", help="cross a hard rule on purpose (recorded)")
    add.set_defaults(handler=run_add)

    listing = commands.add_parser("list", parents=[shared], help="the day's blocks")
    listing.add_argument("--date", help="day (default today)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.add_argument(
        "--with-notes",
        action="store_true",
        help="with --json: the whole day as one object "
        '{"date", "mode", "window", "blocks", "notes", "off"} (day notes included)',
    )
    listing.set_defaults(handler=run_list)

    edit = commands.add_parser("edit", parents=[shared], help="change a block")
    edit.add_argument("id")
    edit.add_argument("--title")
    edit.add_argument("--start", help="HH:MM")
    edit.add_argument("--end", help="HH:MM (24:00 for midnight)")
    edit.add_argument("--sphere", help="work, personal or break")
    edit.add_argument("--date", help="move to another day")
    edit.add_argument("--notes")
    flex = edit.add_mutually_exclusive_group()
    flex.add_argument("--flexible", dest="flexible", action="store_true", default=None)
    flex.add_argument("--fixed", dest="flexible", action="store_false")
    remind = edit.add_mutually_exclusive_group()
    remind.add_argument("--remind", dest="remind", action="store_true", default=None,
                        help="a reminder before it starts (the default)")  # fmt: skip
    remind.add_argument("--no-remind", dest="remind", action="store_false",
                        help="no reminder before this block")  # fmt: skip
    edit.add_argument(
        "--force", action="store_true", help="cross a hard rule on purpose (recorded)"
    )
    edit.set_defaults(handler=run_edit)

    remove = commands.add_parser("rm", parents=[shared], help="delete a block")
    remove.add_argument("id")
    remove.set_defaults(handler=run_rm)


def run_add(args: argparse.Namespace, context: Context) -> int:
    planner = context.planner
    date = context.date(args.date)
    start = parse_clock(args.start) if args.start else None
    end = parse_clock(args.end, allow_midnight_end=True) if args.end else None
    if end is not None and start is None:
        raise InputError("--end needs --start")
    title, start, end, sphere, flexible = planner.parse_block_text(
        " ".join(args.text), start=start, end=end, sphere=args.sphere,
        flexible=args.flexible, day=context.store.day(date),
    )  # fmt: skip
    result = planner.add_block(
        date, title=title, start=start, end=end, sphere=sphere, flexible=flexible, force=args.force
    )
    assert result.block is not None
    out(result.block.id)
    report(result.warnings, result.crossed)
    return 0


def run_list(args: argparse.Namespace, context: Context) -> int:
    date = context.date(args.date)
    blocks = context.store.blocks_on(date)
    if args.with_notes and not args.json:
        raise InputError("--with-notes goes with --json (the plain listing shows notes already)")
    if args.json and not args.with_notes:  # the contract since 1.0: the array of blocks
        print_json([{**b.to_dict(), **b.outcome_fields()} for b in blocks])
        return 0
    day = context.store.day(date)
    planner = context.planner
    if args.json:
        window = planner.window_of(day)
        sources = {note.source: note.text for note in day.imported_notes}
        by_text = {text: source for source, text in sources.items()}
        print_json(
            {
                "date": date.to_date_string(),
                "mode": planner.mode_of(day),
                "window": {"start": fmt_minutes(window[0]), "end": fmt_minutes(window[1])},
                "blocks": [{**b.to_dict(), **b.outcome_fields()} for b in blocks],
                # all-day notes (an imported holiday or conference day), in order; "source"
                # is the event a note came from (ics:<UID>...), "" for other notes
                "notes": [{"text": text, "source": by_text.get(text, "")} for text in day.notes],
                "off": day.off or not planner.config.is_working_day(date),
            }
        )
        return 0
    out(
        day_heading(
            day,
            planner.mode_of(day),
            planner.window_of(day),
            planner.config.timezone,
            working=planner.is_working_day(day),
        )
    )
    if day.off:  # planned ahead: no work today
        out(f"  day off{': ' + day.off_note if day.off_note else ''}")
    for note in day.notes:  # all-day notes (an imported holiday): the day's context
        out(f"  ✎ {note}")
    out("\n".join(block_rows(blocks)))
    return 0


def run_edit(args: argparse.Namespace, context: Context) -> int:
    changes = {
        "title": args.title,
        "start": parse_clock(args.start) if args.start else None,
        "end": parse_clock(args.end, allow_midnight_end=True) if args.end else None,
        "sphere": Sphere.parse(args.sphere) if args.sphere else None,
        "date": context.date(args.date) if args.date else None,
        "notes": args.notes,
        "flexible": args.flexible,
        "remind": args.remind,
    }
    result = context.planner.edit_block(args.id, force=args.force, **changes)
    assert result.block is not None
    block = result.block
    when = f"{block.date.to_date_string()} {block.span}"
    out(f"{block.id}  {when}  {block.sphere.value}  {block.title}")
    report(result.warnings, result.crossed)
    return 0


def run_rm(args: argparse.Namespace, context: Context) -> int:
    block = context.planner.remove_block(args.id)
    out(f"removed {block.id}  {block.date.to_date_string()} {block.span}  {block.title}")
    return 0
