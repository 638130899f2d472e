"""The ``flowday`` command line.

Exit statuses: 0 ok; 1 a check found errors (or an unexpected failure); 2 bad input or
configuration; 3 refused by a rule (or an overlap) — use ``--force``; 4 the data folder
cannot be used safely (damaged, newer, unwritable).

Non-TUI commands never import Textual (a test holds us to it): keep TUI imports inside
:func:`run_tui`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, cast

from flowday import __version__
from flowday.cli import (
    blocks,
    calendar,
    common,
    outcomes,
    reflect,
    routines,
    rules,
    tasks,
    themes,
    week,
)
from flowday.domain.errors import FlowdayError
from flowday.domain.text import shown

# Each command module adds its subcommands; order here is the order in --help.
COMMAND_MODULES: list[Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]] = [
    blocks.register,
    outcomes.register,
    tasks.register,
    rules.register,
    week.register,  # after rules: it adds --week to `mode`
    routines.register,
    calendar.register,
    common.register_doctor,
    themes.register,
    reflect.register,
]


class _Parser(argparse.ArgumentParser):
    """Bad usage is one line, like every other error (the full usage is one --help away)."""

    def error(self, message: str) -> NoReturn:
        # the message quotes the arguments, which may be pasted text: shown safely too
        detail = shown(" ".join(message.split()))
        self.exit(2, f"flowday: {detail} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    shared = common.shared_options()
    parser = _Parser(
        prog="flowday",
        description="A keyboard-driven daily planner for balance or integration days.",
        parents=[common.shared_options(suppress=False)],
        epilog="Run 'flowday COMMAND --help' for a command's options. Without a command, "
        "flowday opens the planner on today.",
    )
    parser.add_argument("--version", action="version", version=f"flowday {__version__}")
    # Typed as plain parsers: the shared options are one, and every command's parser is
    # still a _Parser at run time (argparse makes subparsers of the parent's class).
    commands = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND"),
    )
    tui = commands.add_parser("tui", parents=[shared], help="open the planner (the default)")
    tui.add_argument("--date", help="day to open (YYYY-MM-DD, today, tomorrow, a weekday)")
    tui.set_defaults(handler=run_tui)
    for register in COMMAND_MODULES:
        register(commands, shared)
    return parser


def run_tui(args: argparse.Namespace, context: common.Context) -> int:
    from flowday.tui.app import run_app  # Textual is imported only when the TUI runs

    date = context.date(getattr(args, "date", None))
    return run_app(context, date=date, theme=getattr(args, "theme", None))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", run_tui)
    try:
        context = common.Context.from_args(args)
        return handler(args, context)
    except FlowdayError as exc:
        common.error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # e.g. `flowday list | head -1`: the reader left; say nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
