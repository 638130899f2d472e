"""Edit one block: title, times, sphere, flexible. Bad input is shown inline, never lost."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from flowday.domain.errors import FlowdayError, InputError
from flowday.domain.model import Block, Sphere
from flowday.domain.text import clean_title
from flowday.domain.wallclock import fmt_minutes, parse_clock
from flowday.tui.text import literal


class EditBlockScreen(ModalScreen[dict[str, Any] | None]):
    """Returns the changed fields (only those that differ), or None when cancelled."""

    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#edit-title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="edit_cancel", tooltip="Keep the block"),
        Binding("ctrl+s", "save", "Save", id="edit_save", tooltip="Save the changes"),
    ]

    def __init__(self, block: Block) -> None:
        super().__init__()
        self.block = block

    def compose(self) -> ComposeResult:
        block = self.block
        with Vertical(classes="dialog"):
            yield Label("Edit block", classes="dialog-title")
            yield Label("Title")
            yield Input(block.title, id="edit-title", compact=True)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Start")
                    yield Input(fmt_minutes(block.start), id="edit-start", compact=True)
                with Vertical():
                    yield Label("End")
                    yield Input(fmt_minutes(block.end), id="edit-end", compact=True)
            with Horizontal(classes="row"):
                yield Select(
                    [(s.value, s) for s in Sphere], value=block.sphere, allow_blank=False,
                    id="edit-sphere",
                    compact=True,
                )  # fmt: skip
                yield Checkbox("flexible", block.flexible, id="edit-flexible", compact=True)
            yield Static("", id="edit-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (enter)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        try:
            changes = self.changes()
        except FlowdayError as exc:
            self.query_one("#edit-error", Static).update(literal(str(exc)))
            return
        self.dismiss(changes)

    def changes(self) -> dict[str, Any]:
        title = clean_title(self.query_one("#edit-title", Input).value)
        start = parse_clock(self.query_one("#edit-start", Input).value)
        end = parse_clock(self.query_one("#edit-end", Input).value, allow_midnight_end=True)
        if end <= start:
            raise InputError(f"end {fmt_minutes(end)} is not after start {fmt_minutes(start)}")
        sphere = self.query_one("#edit-sphere", Select).value
        flexible = self.query_one("#edit-flexible", Checkbox).value
        wanted = {
            "title": title,
            "start": start,
            "end": end,
            "sphere": sphere,
            "flexible": flexible,
        }
        return {k: v for k, v in wanted.items() if getattr(self.block, k) != v}
