"""The day drawn to time scale: one row per 15 real minutes, painted with the Line API."""

from __future__ import annotations

import textwrap
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from flowday.domain.model import Block, Sphere
from flowday.domain.text import strip_controls
from flowday.tui.layout import Cell, CellKind, DayLayout, Row

GUTTER = 6  # "09:00 "
HINT_TOP = 2  # the empty day's hint starts on this line of the view
FIRST_VISIBLE_WALL = 6 * 60  # the view opens at 06:00
SKIPPED_DAY = "no such day: the clocks skip it"


class Timeline(ScrollView, can_focus=True):
    """Shows a :class:`DayLayout`; keeps the selected block by id across redraws."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down",
            "select_next",
            "Next block",
            id="select_next",
            tooltip="Select the next block",
            show=False,
        ),
        Binding(
            "k,up",
            "select_previous",
            "Previous block",
            id="select_previous",
            tooltip="Select the previous block",
            show=False,
        ),
        Binding("home", "to_row(0)", "Midnight", show=False),
        Binding("end", "to_row(-1)", "End of day", show=False),
        Binding("pageup", "by_rows(-1)", "Page up", show=False),
        Binding("pagedown", "by_rows(1)", "Page down", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--label",
        "timeline--hour",
        "timeline--fence",
        "timeline--now",
        "timeline--window",
        "timeline--fenced",
        "timeline--buffer",
        "timeline--work",
        "timeline--personal",
        "timeline--break",
        "timeline--violation",
        "timeline--warning",
        "timeline--selected",
        "timeline--lane-title",
        "timeline--hint",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.layout_data: DayLayout | None = None
        self.blocks: list[Block] = []
        self.selected_id: str | None = None
        self.hint: tuple[str, ...] = ()
        self._opened = False

    # --- called by the screen ------------------------------------------------------------
    def show(self, layout: DayLayout, blocks: list[Block], *, hint: tuple[str, ...] = ()) -> None:
        """Draw another layout (of the same day or another); the first one opens at the start.
        ``hint``: lines drawn over an empty day, near the top of the view."""
        self.layout_data = layout
        self.hint = hint
        self.blocks = sorted(blocks, key=lambda b: (b.start, b.end, b.id))
        ids = [b.id for b in self.blocks]
        if self.selected_id not in ids:
            self.selected_id = self._first_choice(layout)
        self.virtual_size = Size(self.scrollable_content_region.width, max(len(layout.rows), 1) + 1)
        self._clear_caches()
        if not self._opened:
            self.open_at_start()
        self.refresh()

    def open_at_start(self) -> None:
        """Scroll to where a day opens (06:00, or the now-line today) once it is laid out."""
        self._opened = True
        self.call_after_refresh(self._scroll_open)

    def _first_choice(self, layout: DayLayout) -> str | None:
        """Today: the block under way or next (what matters now), else the last one.
        Other days: the first block."""
        if not self.blocks:
            return None
        now_row = next((r.index for r in layout.rows if r.now), None)
        if now_row is None:
            return self.blocks[0].id
        for block in self.blocks:
            rows = layout.rows_of(block.id)
            if rows is not None and rows[1] > now_row:
                return block.id
        return self.blocks[-1].id

    @property
    def selected_block(self) -> Block | None:
        return next((b for b in self.blocks if b.id == self.selected_id), None)

    def select(self, block_id: str | None) -> None:
        if block_id == self.selected_id:
            return
        self.selected_id = block_id
        self._clear_caches()
        self.refresh()
        self.scroll_to_selected()

    def scroll_to_selected(self) -> None:
        if self.layout_data is None or self.selected_id is None:
            return
        rows = self.layout_data.rows_of(self.selected_id)
        if rows:
            first, last = rows
            # virtual line 0 hides under the fixed lane titles: ask for one line above
            region = Region(0, first, 1, max(2, min(last - first + 1, self.size.height - 1)))
            self.scroll_to_region(region, animate=False, immediate=True)

    def _scroll_open(self) -> None:
        """Open at 06:00 (at the now-line on today), then bring the selection into view."""
        rows = self.layout_data.rows if self.layout_data else ()
        top = next((r.index for r in rows if r.wall >= FIRST_VISIBLE_WALL), 0)
        now_row = next((r.index for r in rows if r.now), None)
        if now_row is not None:  # a quarter of the screen of what came before, the rest ahead
            top = max(0, now_row - max(3, self.size.height // 4))
        self.scroll_to(y=top, animate=False, immediate=True)
        self.scroll_to_selected()

    # --- actions --------------------------------------------------------------------------
    def action_to_row(self, row: int) -> None:
        self.scroll_to(y=0 if row == 0 else self.max_scroll_y, animate=False, immediate=True)

    def action_by_rows(self, pages: int) -> None:
        step = max(1, self.size.height - 2) * pages
        self.scroll_to(y=self.scroll_offset.y + step, animate=False, immediate=True)

    def action_select_next(self) -> None:
        self._step(1)

    def action_select_previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self.blocks:
            return
        ids = [b.id for b in self.blocks]
        index = ids.index(self.selected_id) if self.selected_id in ids else -delta
        self.select(ids[max(0, min(len(ids) - 1, index + delta))])

    def on_click(self, event: events.Click) -> None:
        """The mouse works too: a click on a block selects it."""
        offset = event.get_content_offset(self)
        layout = self.layout_data
        if offset is None or layout is None or offset.y == 0:  # line 0: the lane titles
            return
        index = offset.y - 1 + int(self.scroll_offset.y)
        if not 0 <= index < len(layout.rows):
            return
        x = offset.x - GUTTER - 1
        widths = self._lane_widths(layout, self.scrollable_content_region.width)
        for cell, lane_width in zip(layout.rows[index].cells, widths, strict=True):
            if 0 <= x < lane_width:
                if cell.block is not None:
                    self.select(cell.block.id)
                return
            x -= lane_width + 1  # the lane divider

    # --- painting -------------------------------------------------------------------------
    def _clear_caches(self) -> None:
        self._paint_styles: dict[str, Style] = {}

    def on_resize(self) -> None:
        if self.layout_data is not None:
            self.virtual_size = Size(
                self.scrollable_content_region.width, max(len(self.layout_data.rows), 1) + 1
            )
        self.scroll_to_selected()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._clear_caches()

    def _style(self, name: str) -> Style:
        cache = getattr(self, "_paint_styles", None)
        if cache is None:
            cache = self._paint_styles = {}
        if name not in cache:
            cache[name] = self.get_component_rich_style(f"timeline--{name}")
        return cache[name]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self.layout_data
        index = y + int(self.scroll_offset.y)
        if layout is None:
            return Strip.blank(width)
        if y == 0:  # the lane titles stay put at the top
            return self._title_strip(layout, width)
        index -= 1
        if layout.skipped and index == 0:
            return self._skipped_strip(width)
        if not 0 <= index < len(layout.rows):
            return Strip.blank(width)
        strip = self._row_strip(layout.rows[index], layout, width)
        if not self.blocks and self.hint:
            return self._with_hint(strip, y - HINT_TOP, width)
        return strip

    def _with_hint(self, strip: Strip, line: int, width: int) -> Strip:
        """An empty day explains itself: the hint's lines over the lanes (the hours stay)."""
        room = width - GUTTER - 2
        lines = [part for text in self.hint for part in textwrap.wrap(text, max(10, room))]
        if not 0 <= line < len(lines) or room < 10:
            return strip
        hint = Segment(_fit(" " + lines[line], room + 1), self._style("hint"))
        return Strip([*strip.crop(0, GUTTER + 1)._segments, hint]).adjust_cell_length(width)

    def _lane_widths(self, layout: DayLayout, width: int) -> list[int]:
        room = max(4, width - GUTTER - 1)
        if len(layout.lanes) == 1:
            return [room]
        first = (room - 1) // 2
        return [first, room - 1 - first]

    def _title_strip(self, layout: DayLayout, width: int) -> Strip:
        style = self._style("lane-title")
        segments = [Segment(" " * (GUTTER + 1), style)]
        widths = self._lane_widths(layout, width)
        for lane, (title, lane_width) in enumerate(zip(layout.lanes, widths, strict=True)):
            if lane:
                segments.append(Segment("│", style))
            segments.append(Segment(_fit(title, lane_width, center=True), style))
        return Strip(segments).adjust_cell_length(width, style)

    def _skipped_strip(self, width: int) -> Strip:
        """A day the clocks skip entirely has no rows: say so where they would be."""
        style = self._style("label")
        text = " " * (GUTTER + 1) + SKIPPED_DAY
        return Strip([Segment(_fit(text, width), style)]).adjust_cell_length(width, style)

    def _row_strip(self, row: Row, layout: DayLayout, width: int) -> Strip:
        base = self.rich_style
        label_style = self._style("now" if row.now else "hour" if row.wall % 60 == 0 else "label")
        label = row.label
        fence_char = " "
        if row.in_window:
            woven = len(layout.lanes) == 1
            fence_char = {"start": "┏", "end": "┗"}.get(row.window_edge, "┃")
            if woven:
                fence_char = {"start": "╭", "end": "╰"}.get(row.window_edge, "┊")
        fence_style = self._style("fence") if row.in_window else base
        if row.now:
            fence_char, fence_style = "▶", self._style("now")
        segments = [Segment(f"{label:<5} ", label_style), Segment(fence_char, fence_style)]
        for lane, (cell, lane_width) in enumerate(
            zip(row.cells, self._lane_widths(layout, width), strict=True)
        ):
            if lane:
                segments.append(Segment("│", self._style("label")))
            segments.append(self._cell_segment(cell, lane_width, row.now))
        return Strip(segments).adjust_cell_length(width, base)

    def _cell_segment(self, cell: Cell, width: int, now: bool) -> Segment:
        if cell.kind in (CellKind.BLOCK, CellKind.OVERLAP) and cell.block is not None:
            sphere = cell.block.sphere
            style = self._style(
                "work" if sphere is Sphere.WORK else "personal" if sphere is Sphere.PERSONAL
                else "break"
            )  # fmt: skip
            text = cell.text
            if cell.severity == "error":
                style = style + self._style("violation")
                text = ("✖ " + text) if cell.first else text
            elif cell.severity == "warning" and cell.first:
                style = style + self._style("warning")
                text = "! " + text
            if cell.block.id == self.selected_id:
                style = style + self._style("selected")
                text = "▸" + text
            return Segment(_fit(text, width), style)
        if now:
            return Segment(_fit("─" * width, width), self._style("now"))
        kind_style = {
            CellKind.WINDOW: "window",
            CellKind.FENCED: "fenced",
            CellKind.BUFFER: "buffer",
        }.get(cell.kind)
        style = self._style(kind_style) if kind_style else self.rich_style
        return Segment(_fit(cell.text, width), style)


def _fit(text: str, width: int, *, center: bool = False) -> str:
    """Exactly ``width`` cells of ``text`` with terminal controls removed (titles are data)."""
    if width <= 0:
        return ""
    text = strip_controls(text)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    if center:
        pad = width - cell_len(text)
        return " " * (pad // 2) + text + " " * (pad - pad // 2)
    return set_cell_size(text, width)
