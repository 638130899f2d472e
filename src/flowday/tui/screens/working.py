"""Long work under way (planning a big inbox): said on screen, and escape stops it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, LoadingIndicator

from flowday.tui.text import literal


class WorkingScreen(ModalScreen[bool]):
    """Shown while a worker runs; dismissed with False when the person cancels (escape),
    by the caller with True when the work is done."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="working_cancel", tooltip="Stop; change nothing"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(f"{self.what}… (escape cancels)"), classes="dialog-title")
            yield LoadingIndicator()

    def action_cancel(self) -> None:
        self.dismiss(False)
