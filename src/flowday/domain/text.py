"""User text is data: strip what could steer a terminal, keep everything else literally."""

from __future__ import annotations

import re

from flowday.domain.errors import InputError

TITLE_LIMIT = 200

# C0 controls, DEL, C1 controls, and the bidi embedding/override/isolate marks that can
# make a title display as something other than what it is.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def strip_controls(text: str) -> str:
    # whitespace controls become spaces so "a\tb" stays two words
    return CONTROL.sub("", re.sub("[\t\n\r\x0b\x0c]", " ", text))


def shown(text: str) -> str:
    """``text`` from outside flowday's code (a stored title, a config value, a file name, an
    error naming them) as it may reach a terminal, in the planner and the CLI alike: each
    line with its controls removed, so an ESC or OSC sequence in a hand-edited or synced
    file shows as its printable rest and never acts; the line breaks stay (the lines of a
    message are ours). Removed, not replaced by a marker: the planner stores typed text the
    same way, so a title reads the same whichever way it came in."""
    return "\n".join(strip_controls(line) for line in text.split("\n"))


def clean_text(text: str, *, limit: int) -> str:
    return _SPACES.sub(" ", strip_controls(text)).strip()[:limit]


def clean_title(title: str) -> str:
    cleaned = clean_text(title, limit=TITLE_LIMIT).strip()
    if not cleaned:
        raise InputError("title is empty")
    return cleaned


def counted(count: int, word: str, plural: str = "", *, zero: str = "") -> str:
    """``1 block``, ``2 blocks``, ``0 blocks`` (or ``zero``, e.g. "no blocks"): counts
    read as a person writes them, never "block(s)"."""
    many = plural or f"{word}s"
    if count == 0 and zero:
        return f"{zero} {many}"
    return f"{count} {word if count == 1 else many}"
