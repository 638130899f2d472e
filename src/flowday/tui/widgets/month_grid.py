"""The month as a calendar: a cell per day with its mode, the work planned, crossings and
the reflection's score (what ``flowday month`` lists, from the same
:class:`~flowday.application.week.DaySummary`). Draws what the screen tells it."""

from __future__ import annotations

from typing import ClassVar

import pendulum
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from flowday.application.week import DaySummary
from flowday.domain.timeparse import fmt_duration
from flowday.tui.text import fit

CELL_LINES = 3  # day + mode · work + crossings · score (or the day off's note)
MAX_CELL_LINES = 6  # a tall terminal spaces the weeks out, up to this
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def cell_lines(summary: DaySummary, width: int) -> tuple[str, str, str]:
    """A day's three lines in ``width`` cells: ``25 balance``, ``■ 6h ✖2``, ``★ 4.3``."""
    mode = summary.mode if width >= 12 else summary.mode[:3]
    head = f"{summary.date.day:>2} {mode}"
    if summary.day.off:  # narrow: the day off says more than the mode
        head = f"{summary.date.day:>2} off" if width < 14 else f"{head} · off"
    work = summary.figures["work"]
    crossings = summary.figures["crossings"]
    errors = sum(1 for v in summary.violations if v.is_hard)
    gap = " " if width >= 12 else ""  # narrow: ■2h15⚑1✖1 still fits 9 cells
    middle = f"■{fmt_duration(work)}" if work else "■-"
    if crossings:
        middle += f"{gap}⚑{crossings}"  # crossed on purpose, recorded
    if errors:
        middle += f"{gap}✖{errors}"  # broken now
    score = summary.score
    last = f"★{score:.1f}" if score is not None else ""
    if summary.day.off and summary.day.off_note and width >= 16:
        last = (last + " " if last else "") + summary.day.off_note
    return head, middle, last


class MonthGrid(Widget, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "month--head",
        "month--day",
        "month--weekend",
        "month--today",
        "month--off",
        "month--broken",
        "month--selected",
        "month--rule",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.days: list[DaySummary] = []
        self.selected: pendulum.Date | None = None
        self.today: pendulum.Date | None = None
        self._paint_styles: dict[str, Style] = {}
        self._lines: dict[tuple[int, int, int], Strip] = {}  # (line, width, height) → painted

    def show(self, days: list[DaySummary], selected: pendulum.Date, today: pendulum.Date) -> None:
        self.days, self.selected, self.today = days, selected, today
        self._lines.clear()
        self.refresh()

    def select(self, date: pendulum.Date) -> None:
        self.selected = date
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._paint_styles = {}
        self._lines.clear()

    def _style(self, name: str) -> Style:
        if name not in self._paint_styles:
            self._paint_styles[name] = self.get_component_rich_style(f"month--{name}")
        return self._paint_styles[name]

    def weeks(self) -> list[list[DaySummary | None]]:
        """The month's weeks, Monday first (None: a day of another month)."""
        if not self.days:
            return []
        lead: list[DaySummary | None] = [None] * self.days[0].date.weekday()
        cells = lead + list(self.days)
        cells += [None] * (-len(cells) % 7)
        return [cells[i : i + 7] for i in range(0, len(cells), 7)]

    def render_line(self, y: int) -> Strip:
        key = (y, self.size.width, self.size.height)
        if key not in self._lines:
            self._lines[key] = self._paint_line(y)
        return self._lines[key]

    def _paint_line(self, y: int) -> Strip:
        width = self.size.width
        cw = max(6, width // 7)
        if y == 0:
            head = self._style("head")
            return Strip(
                [Segment(fit(" " + name, cw), head) for name in WEEKDAYS]
            ).adjust_cell_length(width, head)
        weeks = self.weeks()
        week, line = divmod(y - 1, self.cell_height(len(weeks)))
        if not 0 <= week < len(weeks):
            return Strip.blank(width)
        segments = []
        for number, summary in enumerate(weeks[week]):
            if summary is None:
                segments.append(Segment(" " * cw, self.rich_style))
                continue
            text = cell_lines(summary, cw - 2)[line] if line < CELL_LINES else ""
            style = self._style("weekend" if number >= 5 else "day")
            if summary.day.off:
                style += self._style("off")
            if line == 1 and any(v.is_hard for v in summary.violations):
                style += self._style("broken")
            if summary.date == self.today and line == 0:
                style += self._style("today")
            if summary.date == self.selected:
                style += self._style("selected")
            segments.append(Segment(" " + fit(text, cw - 2), style))
            segments.append(Segment("│" if number < 6 else " ", self._style("rule")))
        return Strip(segments).adjust_cell_length(width, self.rich_style)

    def cell_height(self, weeks: int) -> int:
        return max(CELL_LINES, min(MAX_CELL_LINES, (self.size.height - 1) // max(weeks, 1)))
