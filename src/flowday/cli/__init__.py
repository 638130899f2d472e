"""The ``flowday`` command line.

Exit statuses: 0 ok; 1 a check found errors (or an unexpected failure); 2 bad input or
configuration; 3 refused by a rule (or an overlap) — use ``--force``; 4 the data folder
cannot be used safely (damaged, newer, unwritable); 5 the output could not be written
(standard output on a full device); 6 the sync server could not be reached or refused
(``flowday sync``: what was done is recorded, run it again); 7 a sync that would delete
many events was not confirmed (``--yes``); 130 interrupted (Ctrl+C).

Non-TUI commands never import Textual (a test holds us to it): keep TUI imports inside
:func:`flowday.cli.parsing.run_tui`. Importing this module stays light (no argparse, no
typing): the parser and the commands' modules are loaded when a command needs them, so
``flowday next`` can answer a status bar without them (:mod:`flowday.cli.fast_next`).
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import sys
from collections.abc import Iterator, Sequence

from flowday.cli.output import error

TYPE_CHECKING = False  # typing itself costs `flowday next` ~3 ms: mypy reads this as True
if TYPE_CHECKING:
    from typing import Any


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
            written: int = self._stream.write(data)
            return written
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
    sys.stdout = guarded  # a TextIO in all it is asked (its __getattr__ passes the rest on)
    try:
        try:
            status = _run(sys.argv[1:] if argv is None else argv, whole_process=argv is None)
        except SystemExit:  # argparse's --help, --version and usage errors end here
            guarded.flush()
            raise
        guarded.flush()  # output kept in the buffer meets a full device here, not at exit
        return status
    except OutputError as exc:
        return _output_failed(stdout, exc.cause)
    finally:
        sys.stdout = stdout


def _run(argv: Sequence[str], whole_process: bool) -> int:
    bad = _not_text(argv)
    if bad is not None:
        error(f"an argument is not valid UTF-8 text: {bad!r}")
        return 2
    with _start_up(whole_process):
        from flowday.cli.fast_next import answer

        fast = answer(argv)  # a status bar's `flowday next`, without loading the planner
        if fast is not None:
            return fast
        from flowday.cli import common
        from flowday.cli.parsing import build_parser, run_tui
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


@contextlib.contextmanager
def _start_up(whole_process: bool) -> Iterator[None]:
    """Loading the modules and building the parser, in a process that is ``flowday``:
    what they make lives as long as the process, so the garbage collector is kept off
    them (``gc.freeze``): scanning them again and again found nothing to free and cost
    ``flowday list`` about a tenth of its time. Not when ``main`` is called in a longer
    process (the tests'), whose objects would then never be freed."""
    if not whole_process:
        yield
        return
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


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
