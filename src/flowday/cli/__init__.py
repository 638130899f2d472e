"""The ``flowday`` command line.

Exit statuses: 0 ok; 1 a check found errors (or an unexpected failure); 2 bad input or
configuration; 3 refused by a rule (or an overlap) — use ``--force``; 4 the data folder
cannot be used safely (damaged, newer, unwritable); 5 the output could not be written
(standard output on a full device); 6 the sync server could not be reached or refused
(``flowday sync``: what was done is recorded, run it again); 7 a sync that would delete
many events was not confirmed (``--yes``); 130 interrupted (Ctrl+C).

Non-TUI commands never import Textual (a test holds us to it): keep TUI imports inside
:func:`run_tui`. Importing this module stays light: the commands' modules are loaded when
the parser is built, so ``flowday next`` can answer a status bar without them
(:mod:`flowday.cli.fast_next`).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from flowday import __version__
from flowday.cli.output import error
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
    """The command named in ``argv`` (skipping the shared options and their values), or
    None when there is none or it is not a known one."""
    takes_value = {"--data-dir", "--config", "--theme"}
    known = {command for commands in COMMAND_MODULES.values() for command in commands}
    words = iter(argv)
    for word in words:
        if word == "--":
            break
        if word.startswith("-"):
            # `--data-dir D` and its abbreviations (`--data D`) take the next word
            if "=" not in word and any(o.startswith(word) for o in takes_value if len(word) > 2):
                next(words, None)
            continue
        return word if word in known else None
    return None


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


class OutputError(Exception):
    """Standard output could not be written (a full device, a closed pipe)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(cause.strerror or str(cause))
        self.cause = cause


class _Guarded:
    """Standard output for one command: a write or flush that fails raises
    :class:`OutputError`, so a full device is told apart from every other failure (a data
    file's own write errors are the store's, reported as theirs)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: Any) -> int:
        try:
            return cast(int, self._stream.write(data))
        except OSError as exc:
            raise OutputError(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputError(exc) from None

    @property
    def buffer(self) -> _Guarded:  # `export -` writes bytes
        return _Guarded(self._stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _not_text(argv: Sequence[str]) -> str | None:
    """The first argument that is not valid UTF-8 (its bytes were decoded with
    surrogateescape), shown with the bad bytes replaced; None when all are text."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            try:  # the bytes Python could not decode, each shown as U+FFFD
                return arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            except UnicodeEncodeError:  # a surrogate no bytes make (main called directly)
                return arg.encode("utf-8", "replace").decode("utf-8")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status (README "Exit statuses"): every failure
    flowday can name is one line on stderr, never a traceback."""
    stdout = sys.stdout
    guarded = _Guarded(stdout)
    sys.stdout = cast(TextIO, guarded)
    try:
        try:
            status = _run(sys.argv[1:] if argv is None else argv)
        except SystemExit:  # argparse's --help, --version and usage errors end here
            guarded.flush()
            raise
        guarded.flush()  # output kept in the buffer meets a full device here, not at exit
        return status
    except OutputError as exc:
        return _output_failed(stdout, exc.cause)
    finally:
        sys.stdout = stdout


def _run(argv: Sequence[str]) -> int:
    bad = _not_text(argv)
    if bad is not None:
        error(f"an argument is not valid UTF-8 text: {bad!r}")
        return 2
    from flowday.cli.fast_next import answer

    fast = answer(argv)  # a status bar's `flowday next`, without loading the planner
    if fast is not None:
        return fast
    from flowday.cli import common
    from flowday.domain.errors import FlowdayError

    parser = build_parser(argv)
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", run_tui)
    try:
        context = common.Context.from_args(args)
        return handler(args, context)
    except FlowdayError as exc:
        error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _output_failed(stdout: Any, cause: OSError) -> int:
    # what is still buffered would fail again as Python exits (a second, raw report):
    # standard output points at /dev/null from here on
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
    if isinstance(cause, BrokenPipeError):
        return 0  # e.g. `flowday list | head -1`: the reader left; say nothing
    with contextlib.suppress(OSError):  # stderr may be full too: then the status alone
        error(f"cannot write the output: {cause.strerror or cause}")
    return 5
