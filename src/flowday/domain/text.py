"""User text is data: strip what could steer a terminal, keep everything else literally."""

from __future__ import annotations

import re

from flowday.domain.errors import InputError

TITLE_LIMIT = 200

# C0 controls, DEL, C1 controls, and the bidi embedding/override/isolate marks that can
# make a title display as something other than what it is.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def strip_controls(text: str) -> str:
    # whitespace controls become spaces so "a\tb" stays two words
    return _CONTROL.sub("", re.sub("[\t\n\r\x0b\x0c]", " ", text))


def clean_text(text: str, *, limit: int) -> str:
    return _SPACES.sub(" ", strip_controls(text)).strip()[:limit]


def clean_title(title: str) -> str:
    cleaned = clean_text(title, limit=TITLE_LIMIT).strip()
    if not cleaned:
        raise InputError("title is empty")
    return cleaned
