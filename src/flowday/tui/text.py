"""User text is data: everything shown from the store goes through :func:`literal`."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.content import Content

from flowday.domain.text import shown


def literal(text: str, style: str = "") -> Content:
    """A Textual Content that shows ``text`` as-is: never markup, links or actions."""
    return Content.styled(shown(text), style) if style else Content(shown(text))


def fit(text: str, width: int) -> str:
    """Exactly ``width`` cells of ``text`` (controls removed; cut with … when longer)."""
    if width <= 0:
        return ""
    text = shown(text).replace("\n", " ")
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)
