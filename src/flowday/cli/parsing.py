"""The command line's parser: each command module registers its subcommands; a command
builds only the modules it needs (``COMMAND_MODULES``), so ``flowday list`` does not pay for
every other command's parser and imports."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn, cast

from flowday import __version__
from flowday.domain.text import shown

if TYPE_CHECKING:
    from flowday.cli import common

Register = Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]


# The command each module adds, in --help order: `flowday list` loads only the modules its
# command needs, not every command's (building them all cost ~30 ms of a 100 ms budget).
# A test checks this table against what the modules register.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "blocks": ("add", "list", "edit", "rm"),
    "outcomes": ("done", "skip", "undone", "carry", "next"),
    "tasks": ("task",),
    "rules": ("check", "mode", "hours", "plan"),
    "week": ("week", "month"),  # after rules: it adds --week to `mode`
    "routines": ("routine", "off"),
    "calendar": ("import", "export", "share"),
    "common": ("doctor",),
    "themes": ("themes",),
    "reflect": ("reflect", "stats"),
    "whatif": ("whatif",),
    "trial": ("trial",),
    "transitions": ("intrusion",),
    "sync": ("sync",),
}
# a module that extends another module's command is loaded with it
_EXTENDS: dict[str, tuple[str, ...]] = {"mode": ("week",)}


def command_modules(command: str | None = None) -> list[Register]:
    """The register functions of every command module (in --help order), or only those
    ``command`` needs."""
    import importlib

    names = [
        module
        for module, commands in COMMAND_MODULES.items()
        if command is None or command in commands or module in _EXTENDS.get(command, ())
    ]
    registers: list[Register] = []
    for name in names:
        module = importlib.import_module(f"flowday.cli.{name}")
        registers.append(module.register_doctor if name == "common" else module.register)
    return registers


def _command_word(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (skipping the shared options and their values); "tui"
    when there is none (the planner starts without every command's parser); None when the
    whole parser must answer: a word it does not know, ``--help`` or ``--version``."""
    takes_value = {"--data-dir", "--config", "--theme"}
    known = {command for commands in COMMAND_MODULES.values() for command in commands}
    words = iter(argv)
    for word in words:
        if word == "--":
            return None
        asks = ("--help", "--version")
        if word == "-h" or any(o.startswith(word) for o in asks if len(word) > 2):
            return None
        if word.startswith("-"):
            # `--data-dir D` and its abbreviations (`--data D`) take the next word
            if "=" not in word and any(o.startswith(word) for o in takes_value if len(word) > 2):
                next(words, None)
            continue
        return word if word in known or word == "tui" else None
    return "tui"


class _Parser(argparse.ArgumentParser):
    """Bad usage is one line, like every other error (the full usage is one --help away)."""

    def error(self, message: str) -> NoReturn:
        # the message quotes the arguments, which may be pasted text: shown safely too
        detail = shown(" ".join(message.split()))
        self.exit(2, f"flowday: {detail} (see '{self.prog} --help')\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser; given ``argv`` naming a known command, one holding only what that
    command needs (it parses ``argv`` exactly as the whole one would)."""
    from flowday.cli import common

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
    for register in command_modules(None if argv is None else _command_word(argv)):
        register(commands, shared)
    return parser


def run_tui(args: argparse.Namespace, context: common.Context) -> int:
    from flowday.tui.app import run_app  # Textual is imported only when the TUI runs

    date = context.date(getattr(args, "date", None))
    return run_app(context, date=date, theme=getattr(args, "theme", None))
