"""The one-line add: quick-add syntax in, a live preview of the block and its verdict."""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

Kind = Literal["block", "task"]
PLACEHOLDERS = {
    "block": "Standup 9:00-9:15 #work · Dentist 12:30 45m #personal · Deep work 2h #flex",
    "task": "Write report 1h #work · Call mum 20m #personal",
}


class QuickAddBar(Vertical):
    """Hidden until ``a``/``A``; the screen computes the preview and handles submit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="quick_close", tooltip="Close without adding"),
    ]

    class Closed(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind: Kind = "block"

    def compose(self) -> ComposeResult:
        yield Static("", id="quick-label")
        yield Input(id="quick-input", compact=True)
        yield Static("", id="quick-preview")

    def open(self, kind: Kind, *, label: str = "") -> None:
        """Open for a block or a task; ``label`` says what it is for (default: the kind)."""
        self.kind = kind
        self.query_one("#quick-label", Static).update(
            label or ("Add a block (enter adds, escape closes)" if kind == "block"
                      else "Add an inbox task (enter adds, escape closes)")
        )  # fmt: skip
        field = self.query_one(Input)
        field.placeholder = PLACEHOLDERS[kind]
        field.value = ""
        self.show_preview(Content(""))
        self.display = True
        field.focus()

    def show_preview(self, content: Content, *, error: bool = False) -> None:
        preview = self.query_one("#quick-preview", Static)
        preview.set_class(error, "error")
        preview.update(content)

    def action_close(self) -> None:
        self.display = False
        self.post_message(self.Closed())
