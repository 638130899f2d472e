"""A store that fails never ends the planner: the action says what failed in one line and
the screen stays as it was (issue #17).

Screens catch :data:`FAILURES` around each store call (or wrap an action with
:func:`reports_failures`); an error that reaches Textual ends the app.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from textual.widget import Widget

from flowday.domain.errors import FlowdayError

# OSError too: a stat() or a folder listing the store does not wrap (a folder made
# unreadable, a disk that went away) must not end the app either
FAILURES: tuple[type[Exception], ...] = (FlowdayError, OSError)

P = ParamSpec("P")
R = TypeVar("R")
N = TypeVar("N", bound=Widget)


def one_line(error: BaseException | str, what: str = "") -> str:
    """``what: error`` on one line (a toast is read at a glance)."""
    text = " ".join(str(error).split())
    return f"{what}: {text}" if what else text


def report(node: Widget, error: BaseException | str, what: str = "") -> None:
    node.notify(one_line(error, what), severity="error", markup=False)


def reports_failures(
    method: Callable[Concatenate[N, P], R],
) -> Callable[Concatenate[N, P], R | None]:
    """Run ``method``; a failure of the store is reported as a toast instead of raised."""

    @functools.wraps(method)
    def run(self: N, *args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return method(self, *args, **kwargs)
        except FAILURES as error:
            report(self, error)
            return None

    return run
