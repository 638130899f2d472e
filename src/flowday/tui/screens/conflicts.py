"""Sync conflicts: the same field changed here and on the server since they last agreed.

One row per block, routine or task, each field with both values; ``l`` keeps this
device's value, ``r`` takes the server's, and enter settles the choices with one sync
(``flowday sync --resolve ID --take local|remote``, the same code path). Escape never
loses anything: a conflict stays as it was until it is settled, and choices not yet
settled are asked about first.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from flowday.domain.frozen import Record, define
from flowday.domain.text import counted
from flowday.tui.screens.guarded import GuardedDialog
from flowday.tui.text import literal

if TYPE_CHECKING:
    from flowday.sync.state import Conflict

VALUE_WIDTH = 28  # cells per value: a row of both fits the dialog at 80 columns
SIDES = {"local": "keep here", "remote": "take server's"}


@define
class ConflictRow(Record):
    """One conflict as shown: what it is, and each field's two values."""

    id: str  # what --resolve takes
    kind: str  # block, routine, task
    title: str
    fields: tuple[tuple[str, str, str], ...]  # (field, here, server)


def conflict_rows(conflicts: Iterable[Conflict]) -> list[ConflictRow]:
    rows = []
    for conflict in conflicts:
        server = conflict.remote.fields or {}
        here_title = conflict.fields.get("title", ("", ""))[0]
        title = here_title or server.get("title") or server.get("text") or conflict.block_id
        kind = server.get("kind") or "block"
        when = server.get("start", "") if kind == "block" else ""
        label = f"{title} · {kind} {conflict.block_id}" + (f" · {when}" if when else "")
        fields = tuple((name, here, there) for name, (here, there) in conflict.fields.items())
        rows.append(ConflictRow(conflict.block_id, kind, label, fields))
    return rows


def _value(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return "(none)"
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


class ConflictsScreen(GuardedDialog[list[tuple[str, str]]]):
    """Dismissed with the choices to settle, as (id, "local" | "remote"), or None."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["dialogs.tcss", "conflicts.tcss"]
    AUTO_FOCUS = "#conflict-list"
    DISCARD_QUESTION = "Discard your choices? (every conflict stays as it is)"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l,left", "take('local')", "Keep here", id="conflict_local",
                tooltip="Keep this device's value (it is sent to the server)"),
        Binding("r,right", "take('remote')", "Take server's", id="conflict_remote",
                tooltip="Take the server's value here"),
        Binding("s", "settle", "Settle", id="conflict_settle",
                tooltip="Settle the choices and sync"),
        Binding("escape", "cancel", "Close", id="conflict_close", tooltip="Close; settle nothing"),
    ]  # fmt: skip

    def __init__(self, rows: list[ConflictRow]) -> None:
        super().__init__()
        self.rows = rows
        self.choices: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="conflicts-dialog"):
            yield Label(
                literal(f"Sync conflicts: {counted(len(self.rows), 'item')} changed both "
                        "here and on the server"),
                classes="dialog-title",
            )  # fmt: skip
            yield OptionList(*self._options(), id="conflict-list")
            hint = "l keeps here · r takes the server's · enter settles, syncs · escape closes"
            yield Static(literal(hint), id="conflict-hint")

    def _options(self) -> list[Option]:
        options = []
        for row in self.rows:
            choice = self.choices.get(row.id)
            mark = f"→ {SIDES[choice]}" if choice else "undecided"
            lines = [literal(f"{row.title}  [{mark}]", "bold" if choice else "")]
            for name, here, there in row.fields:
                lines.append(literal(f"  {name}: here {_value(here)} │ server {_value(there)}"))
            options.append(Option(Content("\n").join(lines), id=row.id))
        return options

    def has_edits(self) -> bool:
        return bool(self.choices)

    def action_take(self, side: str) -> None:
        listing = self.query_one(OptionList)
        index = listing.highlighted
        if index is None:
            return
        self.choices[self.rows[index].id] = side
        listing.set_options(self._options())
        listing.highlighted = min(index + 1, len(self.rows) - 1)  # on to the next

    def on_option_list_option_selected(self) -> None:
        self.action_settle()

    def action_settle(self) -> None:
        if not self.choices:
            self.notify("Choose first: l keeps here, r takes the server's", markup=False)
            return
        self.dismiss(list(self.choices.items()))
