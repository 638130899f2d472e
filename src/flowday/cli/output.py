"""Plain-text and JSON output of every command: outside text (stored titles, config values,
file names) reaches the terminal only through :func:`flowday.domain.text.shown`. Light on
purpose: ``flowday next``'s fast path prints through it without loading the planner."""

from __future__ import annotations

import contextlib
import json
import re
import sys

from flowday.domain.text import CONTROL, shown

TYPE_CHECKING = False  # typing itself costs `flowday next` ~3 ms: mypy reads this as True
if TYPE_CHECKING:
    from typing import Any


def out(text: str = "", *, err: bool = False) -> None:
    """Every human-readable line goes out here: stored titles, config and theme values and
    the errors naming them are outside text, and a control sequence in them must not reach
    the terminal (the planner shows them through the same :func:`shown`)."""
    if not err:
        print(shown(text))
        return
    with contextlib.suppress(OSError):  # stderr on a full device: the exit status tells
        print(shown(text), file=sys.stderr)


def error(message: str) -> None:
    # one line whatever it names: a line break in a path or a value shows as \n
    out("flowday: " + message.replace("\n", "\\n"), err=True)


def warn(message: str) -> None:
    out(f"flowday: warning: {message}", err=True)


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    # below U+0020 json.dumps has escaped every one inside a string: what is left is our indent
    return char if char < " " else f"\\u{ord(char):04x}"


def print_json(data: Any) -> None:
    # DEL, C1 controls and bidi marks would stay raw with ensure_ascii=False (kept so other
    # text stays readable): escaped as \uXXXX too, the same JSON value
    print(CONTROL.sub(_json_escape, json.dumps(data, ensure_ascii=False, indent=2)))
