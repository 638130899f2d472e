"""The month overview: per day its mode, work planned, crossings and reflection score,
from :func:`~flowday.application.week.summaries` (what ``flowday month`` computes);
enter opens a day in the day view."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pendulum
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Static

from flowday.application.week import month_of, summaries
from flowday.domain.text import counted
from flowday.domain.timeparse import fmt_duration
from flowday.domain.wallclock import fmt_date
from flowday.tui import failures
from flowday.tui.failures import FAILURES
from flowday.tui.screens.week import view_binding
from flowday.tui.text import literal
from flowday.tui.widgets.footer import StableFooter
from flowday.tui.widgets.month_grid import MonthGrid

if TYPE_CHECKING:
    from flowday.tui.screens.main import MainScreen

LEGEND = "■ work planned · ⚑ crossed (recorded) · ✖ broken now · ★ reflection score"


_b = view_binding("month")


class MonthScreen(Screen[None]):
    CSS_PATH = "month.tcss"
    ACTIONS_IN_PALETTE: ClassVar[bool] = True
    """The palette lists this view's keys (the app adds them: see ``get_system_commands``)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        _b("h,left", "move(-1)", "move_back", "◀", "The previous day", show=False),
        _b("l,right", "move(1)", "move_on", "▶", "The next day", show=False),
        _b("k,up", "move(-7)", "move_week_back", "▲", "The same day a week before", show=False),
        _b("j,down", "move(7)", "move_week_on", "▼", "The same day a week later", show=False),
        _b("left_square_bracket", "month(-1)", "month_back", "Prev month", "The previous month"),
        _b("right_square_bracket", "month(1)", "month_on", "Next month", "The next month"),
        _b("enter", "open_day", "open_day", "Open", "Open the selected day in the day view"),
        _b("escape,M", "close", "close", "Back", "Back to the day view"),
    ]

    def __init__(self, main: MainScreen, date: pendulum.Date) -> None:
        super().__init__()
        self.main = main
        self.planner = main.planner
        self.date = date
        self.shown: tuple[pendulum.Date, pendulum.Date] | None = None
        self.seen: tuple[float, ...] = ()  # what the day view's poll compares (OpenView)

    def compose(self) -> ComposeResult:
        yield Static(id="month-title")
        yield MonthGrid(id="month-grid")
        yield Static(literal(LEGEND), id="month-legend")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(MonthGrid).focus()

    def shown_dates(self) -> list[pendulum.Date]:
        return [month_of(self.date)[0]]

    def reload(self) -> None:
        """Read the month again (the day view's poll calls it when another process wrote)."""
        first, last = month_of(self.date)
        try:
            self.seen = self.main.signature_of([first])  # taken before reading
            days = summaries(self.planner, first, last)
        except FAILURES as exc:
            failures.report(self, exc, f"cannot read {fmt_date(first, 'MMMM YYYY')}")
            return
        self.shown = (first, last)
        work = sum(d.figures["work"] for d in days)
        crossings = sum(d.figures["crossings"] for d in days)
        off = sum(1 for d in days if d.day.off)
        title = f"{fmt_date(first, 'MMMM YYYY')} · work {fmt_duration(work) if work else '-'}"
        title += f" · {counted(crossings, 'crossing')}" if crossings else ""
        title += f" · {counted(off, 'day')} off" if off else ""
        self.query_one("#month-title", Static).update(literal(title))
        self.query_one(MonthGrid).show(days, self.date, self.planner.today())

    def action_move(self, days: int) -> None:
        self._go(self.date.add(days=days))

    def action_month(self, step: int) -> None:
        target = self.date.add(months=step)  # the 31st → the month's last day
        self._go(target)

    def _go(self, date: pendulum.Date) -> None:
        self.date = date
        if self.shown is None or not self.shown[0] <= date <= self.shown[1]:
            self.reload()
        else:
            self.query_one(MonthGrid).select(date)

    def action_open_day(self) -> None:
        date = self.date
        self.dismiss(None)
        self.main.date = date

    def action_close(self) -> None:
        self.dismiss(None)
