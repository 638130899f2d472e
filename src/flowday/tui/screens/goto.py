"""One-line dialogs: ask for a value, parse it, show the error inline until it parses.

Go to a date takes the same words as the CLI (2026-12-01, tomorrow, fri); the palette's
"Set work hours…" and "Import calendar…" ask through the same dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

import pendulum
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from flowday.domain.errors import FlowdayError
from flowday.domain.timeparse import parse_date
from flowday.tui.screens.guarded import GuardedDialog
from flowday.tui.text import literal

T = TypeVar("T")


class AskScreen(GuardedDialog[T], Generic[T]):
    """Dismisses with ``parse(text)``; a :class:`FlowdayError` keeps the dialog open;
    escape with something typed asks first."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ask_cancel", tooltip="Close, change nothing")
    ]

    def __init__(
        self, title: str, placeholder: str, parse: Callable[[str], T], *, name: str = "ask",
        value: str = "",
    ) -> None:  # fmt: skip
        super().__init__()
        self.title_text, self.placeholder, self.parse, self.value = title, placeholder, parse, value
        self.input_id = f"{name}-input"
        self.error_id = f"{name}-error"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id=self.input_id, compact=True)
            yield Static("", id=self.error_id, classes="error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def has_edits(self) -> bool:
        return self.query_one(Input).value.strip() != self.value.strip()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(self.parse(event.value))
        except FlowdayError as exc:
            self.query_one(f"#{self.error_id}", Static).update(literal(str(exc)))


class GoToDateScreen(AskScreen[pendulum.Date]):
    def __init__(self, today: pendulum.Date) -> None:
        super().__init__(
            "Go to date", "YYYY-MM-DD, today, tomorrow, mon…",
            lambda text: parse_date(text, today), name="goto",
        )  # fmt: skip
