"""User text is data: everything shown from the store goes through :func:`literal`."""

from __future__ import annotations

from textual.content import Content

from flowday.domain.text import strip_controls


def plain(text: str) -> str:
    """Text with terminal controls removed (a title from a hand-edited file may hold some);
    line breaks we put there ourselves survive."""
    return "\n".join(strip_controls(line) for line in text.split("\n"))


def literal(text: str, style: str = "") -> Content:
    """A Textual Content that shows ``text`` as-is: never markup, links or actions."""
    return Content.styled(plain(text), style) if style else Content(plain(text))
