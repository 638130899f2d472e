"""Seven days side by side, drawn to the day view's time scale and zoom (15 minutes a row
unless zoomed: z, Z, f as in the day view).

Each day is laid out by :func:`flowday.tui.layout.build_layout` (the day view's own
geometry: DST days, fences, overlaps); this widget only paints those layouts in columns,
row for row by wall-clock time, under a fixed header of each day's date, mode and work
window. The screen owns the selection and the keys; this widget draws what it is told.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from flowday.application.week import DaySummary
from flowday.domain.frozen import Record, define, field
from flowday.domain.model import Block, Sphere
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_date, fmt_minutes
from flowday.tui.layout import (
    ROW_MINUTES,
    SPHERE_GLYPHS,
    SWITCH_GLYPHS,
    Cell,
    CellKind,
    DayLayout,
    Row,
)
from flowday.tui.text import fit

GUTTER = 6  # "09:00 "
HEAD = 3  # header lines: date, mode, window (or day off)
WIDE = 20  # a column this wide shows times on a block's second row
SPLIT = 16  # a column this wide splits between two lanes' blocks on one row; narrower, the
# second lane's block is its sphere glyph at the column's right edge
OPEN_WALL = 7 * 60  # the grid opens here unless the selection is elsewhere


@define
class WeekColumn(Record):
    """One day of the week as the grid draws it."""

    summary: DaySummary
    layout: DayLayout
    woven: bool  # integration-like: one interleaved lane (else fenced)
    blocks: list[Block] = field(default_factory=list)  # in time order

    def ids(self) -> list[str]:
        return [b.id for b in self.blocks]

    def row_at(self, wall: int) -> Row | None:
        """The day's first row at that wall-clock time (None: the clocks skip it)."""
        return self._by_wall().get(wall)

    def _by_wall(self) -> dict[int, Row]:
        cached: dict[int, Row] | None = self.__dict__.get("_rows")
        if cached is None:
            cached = {}
            for row in self.layout.rows:
                cached.setdefault(row.wall, row)
            object.__setattr__(self, "_rows", cached)
        return cached


def grid_rows(block: Block, row_minutes: int) -> tuple[int, int]:
    """The grid rows (wall clock) a block covers: its first, and the one after its last."""
    first = block.start // row_minutes
    return first, max(first + 1, -(-block.end // row_minutes))


def short_window(window: tuple[int, int]) -> str:
    """``9-17`` (``9:30-17:15`` when not on the hour): a window in a narrow header."""

    def part(minutes: int) -> str:
        hours, rest = divmod(minutes, 60)
        return f"{hours}" if not rest else f"{hours}:{rest:02d}"

    return f"{part(window[0])}-{part(window[1])}"


class WeekGrid(ScrollView, can_focus=True):
    """Paints :class:`WeekColumn` s; :attr:`day_index` and :attr:`block_id` are the
    selection (set by the screen through :meth:`show` and :meth:`select`)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "week--label",
        "week--hour",
        "week--head",
        "week--head-selected",
        "week--fence",
        "week--window",
        "week--buffer",
        "week--switch",
        "week--abrupt",
        "week--off",
        "week--now",
        "week--work",
        "week--personal",
        "week--break",
        "week--violation",
        "week--selected",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: list[WeekColumn] = []
        self.day_index = 0
        self.block_id: str | None = None
        self.row_minutes = ROW_MINUTES  # the zoom: each of the layouts' own row_minutes
        self.open_wall: int | None = None  # "fit": the wall time the fitted week starts at
        self._paint_styles: dict[str, Style] | None = None
        self._lines: dict[tuple[int, int], Strip] = {}  # (row, width) → painted, until a change

    # --- called by the screen ------------------------------------------------------------
    @property
    def rows(self) -> int:
        return MINUTES_PER_DAY // self.row_minutes

    def show(
        self, columns: list[WeekColumn], day_index: int, block_id: str | None, *,
        row_minutes: int = ROW_MINUTES, open_wall: int | None = None,
    ) -> None:  # fmt: skip
        self.columns = columns
        self.day_index, self.block_id = day_index, block_id
        self.row_minutes, self.open_wall = row_minutes, open_wall
        self.virtual_size = Size(self.scrollable_content_region.width, self.rows + HEAD)
        self._paint_styles = None
        self._lines.clear()
        self.refresh()

    def select(self, day_index: int, block_id: str | None) -> None:
        self.day_index, self.block_id = day_index, block_id
        self._lines.clear()
        self.refresh()
        self.scroll_to_selection()

    def column_width(self) -> int:
        return max(6, (self.scrollable_content_region.width - GUTTER) // 7)

    def scroll_to_selection(self, *, opening: bool = False) -> None:
        """Bring the selected block into view; ``opening``: the grid starts at 07:00 (or
        the start of the day's window, if earlier; a fitted week where it fits) when the
        selection shows from there."""
        height = self.scrollable_content_region.height - HEAD
        if height <= 0 or not self.columns:
            return
        column = self.columns[self.day_index]
        block = next((b for b in column.blocks if b.id == self.block_id), None)
        opened = min(OPEN_WALL, column.summary.window[0])
        if self.open_wall is not None:
            opened = self.open_wall
        top = opened // self.row_minutes if opening else int(self.scroll_offset.y)
        if block is not None:
            first, last = grid_rows(block, self.row_minutes)
            if first < top or min(last, first + height) > top + height:
                top = first - 1
        self.scroll_to(y=max(0, min(top, self.rows - height)), animate=False, immediate=True)

    # --- painting ------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._paint_styles = None
        self._lines.clear()

    def _style(self, name: str) -> Style:
        cache = self._paint_styles
        if cache is None:
            cache = {}
            self._paint_styles = cache
        if name not in cache:
            cache[name] = self.get_component_rich_style(f"week--{name}")
        return cache[name]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if not self.columns:
            return Strip.blank(width)
        if y < HEAD:
            return self._head_strip(y, width)
        index = y - HEAD + int(self.scroll_offset.y)
        if not 0 <= index < self.rows:
            return Strip.blank(width)
        key = (index, width)
        if key not in self._lines:  # scrolling repaints the same rows: paint each once
            self._lines[key] = self._row_strip(index, width)
        return self._lines[key]

    def _head_strip(self, line: int, width: int) -> Strip:
        cw = self.column_width()
        base = self._style("head")
        zoom = (
            f"{self.row_minutes}m"
            if line == 0
            else "fit"
            if self.open_wall is not None and line == 1
            else ""
        )
        segments = [Segment(fit(zoom, GUTTER), base)]
        for number, column in enumerate(self.columns):
            summary = column.summary
            style = self._style("head-selected") if number == self.day_index else base
            if line == 0:
                text = fmt_date(summary.date, "ddd D MMM" if cw > 12 else "ddd D")
            elif line == 1:
                fence = "≈" if column.woven else "┃"  # woven or fenced, as the column draws
                text = f"{fence}{summary.mode}"
            elif summary.day.off:
                note = summary.day.off_note
                text = f"off: {note}" if note and cw > 12 else "day off" if cw > 8 else "off"
            elif not summary.working_day:
                text = "no work"
            else:
                text = (
                    f"{short_window(summary.window)}"
                    if cw <= 12
                    else f"{fmt_minutes(summary.window[0])}-{fmt_minutes(summary.window[1])}"
                )
                switches = summary.figures.get("switches", 0)
                if switches:  # how often the day moves between work and personal
                    text += f" {SWITCH_GLYPHS['switch']}{switches}"
            segments.append(Segment(" " + fit(text, cw - 1), style))
        return Strip(segments).adjust_cell_length(width, base)

    def _row_strip(self, index: int, width: int) -> Strip:
        wall = index * self.row_minutes
        cw = self.column_width()
        now = any((row := c.row_at(wall)) is not None and row.now for c in self.columns)
        label_style = self._style("now" if now else "hour" if wall % 60 == 0 else "label")
        label = f"{wall // 60:02d}:00" if wall % 60 == 0 else f"  :{wall % 60:02d}"
        segments = [Segment(f"{label:<5} ", label_style)]
        for column in self.columns:
            segments.extend(self._cell(column, column.row_at(wall), cw))
        return Strip(segments).adjust_cell_length(width, self.rich_style)

    def _cell(self, column: WeekColumn, row: Row | None, cw: int) -> list[Segment]:
        """One day's row: the fence mark (┃ fenced, ┊ woven, inside the window), then the
        block there (the work lane first; a fenced day's personal block beside it, or as its
        glyph in a narrow column), the transition buffer, or the window."""
        base = self.rich_style
        if row is None:  # the clocks skip this time on that day
            return [Segment(" " + fit("", cw - 1), base)]
        mark, mark_style = " ", base
        if row.in_window:
            mark = "┊" if column.woven else "┃"
            mark_style = self._style("fence")
        if row.switch:  # work ↔ personal starts here (◆: abrupt)
            mark, mark_style = SWITCH_GLYPHS[row.switch], self._style(row.switch)
        if row.now:
            mark, mark_style = "▶", self._style("now")
        # fenced (balance): the work lane first, then the personal lane's block beside it
        kinds = (CellKind.BLOCK, CellKind.OVERLAP)
        cells = [c for c in row.cells if c.kind in kinds and c.block is not None]
        if cells:
            width = cw - 1
            if len(cells) == 1:
                return [Segment(mark, mark_style), self._block_segment(cells[0], width)]
            if width >= SPLIT:
                left = (width + 1) // 2
                return [Segment(mark, mark_style), self._block_segment(cells[0], left),
                        self._block_segment(cells[1], width - left)]  # fmt: skip
            second = cells[1]
            assert second.block is not None
            return [Segment(mark, mark_style), self._block_segment(cells[0], width - 1),
                    self._block_segment(second, 1, SPHERE_GLYPHS[second.block.sphere])]  # fmt: skip
        if column.summary.day.off:
            return [Segment(mark, mark_style), Segment("╱" * (cw - 1), self._style("off"))]
        if any(c.kind is CellKind.BUFFER for c in row.cells):
            return [Segment(mark, mark_style), Segment(fit("≈", cw - 1), self._style("buffer"))]
        style = self._style("window") if row.in_window else base
        if row.now:
            return [Segment(mark, mark_style), Segment("─" * (cw - 1), self._style("now"))]
        return [Segment(mark, mark_style), Segment(" " * (cw - 1), style)]

    def _block_segment(self, cell: Cell, width: int, text: str | None = None) -> Segment:
        assert cell.block is not None
        sphere = cell.block.sphere
        style = self._style(
            "work" if sphere is Sphere.WORK else "personal" if sphere is Sphere.PERSONAL
            else "break"
        )  # fmt: skip
        # narrow: the title on the block's first row, its glyph below; wide: the day's text
        if text is None:
            text = cell.text if cell.first or width >= WIDE else SPHERE_GLYPHS[sphere]
        if cell.severity == "error":
            style += self._style("violation")
        if self.block_id in [b.id for b in cell.blocks] or cell.block.id == self.block_id:
            style += self._style("selected")  # zoomed out, one of the blocks sharing a row
        return Segment(fit(text, width), style)
