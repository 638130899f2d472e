"""Go to a date: the same words the CLI takes (2026-12-01, tomorrow, fri)."""

from __future__ import annotations

from typing import ClassVar

import pendulum
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from flowday.domain.errors import FlowdayError
from flowday.domain.timeparse import parse_date
from flowday.tui.text import literal


class GoToDateScreen(ModalScreen[pendulum.Date | None]):
    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#goto-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="goto_cancel", tooltip="Stay on this day")
    ]

    def __init__(self, today: pendulum.Date) -> None:
        super().__init__()
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Go to date", classes="dialog-title")
            yield Input(
                placeholder="YYYY-MM-DD, today, tomorrow, mon…", id="goto-input", compact=True
            )
            yield Static("", id="goto-error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(parse_date(event.value, self.today))
        except FlowdayError as exc:
            self.query_one("#goto-error", Static).update(literal(str(exc)))
