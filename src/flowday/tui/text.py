"""User text is data: everything shown from the store goes through :func:`literal`."""

from __future__ import annotations

from textual.content import Content

from flowday.domain.text import shown


def literal(text: str, style: str = "") -> Content:
    """A Textual Content that shows ``text`` as-is: never markup, links or actions."""
    return Content.styled(shown(text), style) if style else Content(shown(text))
