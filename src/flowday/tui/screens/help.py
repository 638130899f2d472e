"""Every key of the main screen, as the keymap has it now."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from flowday.domain.text import shown


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#help-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help_close"),
        # the planner's own movement keys work here too (the table alone knows arrows)
        Binding("j", "step(1)", "Down", show=False),
        Binding("k", "step(-1)", "Up", show=False),
        # the table's own home/end scroll sideways: first and last row are what people want
        Binding("home,g", "edge(False)", "First", show=False, priority=True),
        Binding("end,G", "edge(True)", "Last", show=False, priority=True),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(
                "flowday keys  (escape closes; ctrl+p finds any action)", classes="dialog-title"
            )
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("key", "action", "what it does")
        for key, name, tooltip in self.rows:
            table.add_row(Text(shown(key)), Text(shown(name)), Text(shown(tooltip)))

    def action_step(self, rows: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + rows)))

    def action_edge(self, last: bool) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=table.row_count - 1 if last else 0)
