"""User text is data: everything shown from the store goes through :func:`literal`."""

from __future__ import annotations

from textual.content import Content

from flowday.domain.text import shown

# Text with terminal controls removed (a title from a hand-edited file may hold some); line
# breaks we put there ourselves survive. The CLI's output uses the same helper.
plain = shown


def literal(text: str, style: str = "") -> Content:
    """A Textual Content that shows ``text`` as-is: never markup, links or actions."""
    return Content.styled(plain(text), style) if style else Content(plain(text))
