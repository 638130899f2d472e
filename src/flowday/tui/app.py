"""The planner app (foundation version: a real, minimal screen listing the day)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pendulum
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header

from flowday.planner import Planner
from flowday.tui.theming import install_themes

if TYPE_CHECKING:
    from flowday.cli.common import Context


class FlowdayApp(App[None]):
    TITLE = "flowday"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("[", "previous_day", "Prev day", id="previous_day"),
        Binding("]", "next_day", "Next day", id="next_day"),
        Binding("t", "today", "Today", id="today"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self, planner: Planner, date: pendulum.Date | None = None, *, theme: str | None = None
    ) -> None:
        super().__init__()
        self.planner = planner
        self.date = date or planner.today()
        self.cli_theme = theme  # --theme NAME, for this run only

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", id="blocks")
        yield Footer()

    def on_mount(self) -> None:
        install_themes(self, self.planner.store, self.planner.config, self.cli_theme)
        table = self.query_one(DataTable)
        table.add_columns("time", "sphere", "title", "id")
        self.refresh_day()

    def refresh_day(self) -> None:
        day = self.planner.store.day(self.date)
        self.sub_title = f"{self.date.format('ddd D MMM YYYY')} · {self.planner.mode_of(day)}"
        table = self.query_one(DataTable)
        table.clear()
        for block in self.planner.store.blocks_on(self.date):
            # Text(), not str: titles are data and must never be read as markup
            table.add_row(block.span, block.sphere.value, Text(block.title), block.id)

    def action_previous_day(self) -> None:
        self.date = self.date.subtract(days=1)
        self.refresh_day()

    def action_next_day(self) -> None:
        self.date = self.date.add(days=1)
        self.refresh_day()

    def action_today(self) -> None:
        self.date = self.planner.today()
        self.refresh_day()


def run_app(context: Context, *, date: pendulum.Date, theme: str | None = None) -> int:
    FlowdayApp(context.planner, date, theme=theme).run()
    return 0
