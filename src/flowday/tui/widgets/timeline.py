"""The day drawn to time scale: one row per 15 real minutes (or the zoom's), painted with the
Line API.

Each block cell starts with an edge column: blank on the title row (or ▸ when selected), a
bar below it (│, ┃ when selected). The title row is drawn in the sphere's full colour, the
rest in a pale tint of it, so each block's start shows in colour and without. Selection,
warnings and crossings colour only that edge column and mark the title (▸ ! ✖): the sphere
keeps its colour in every state. A switch between work and personal is marked in the fence
column on the row the new sphere starts (◇; ◆ when abrupt)."""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Hashable
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.strip import Strip

from flowday.domain.model import Block
from flowday.domain.text import strip_controls
from flowday.tui.compat import SizeAwareScrollView
from flowday.tui.layout import SWITCH_GLYPHS, Cell, CellKind, DayLayout, Row, block_lines

GUTTER = 6  # "09:00 "
HINT_TOP = 2  # the empty day's hint starts on this line of the view
FIRST_VISIBLE_WALL = 6 * 60  # the view opens at 06:00
SKIPPED_DAY = "no such day: the clocks skip it"
STRIP_CACHE_SIZE = 2000  # painted rows kept (a day has ~100 per zoom): cleared when full


class Timeline(SizeAwareScrollView, can_focus=True):
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
        "timeline--switch",
        "timeline--abrupt",
        "timeline--work",
        "timeline--personal",
        "timeline--break",
        "timeline--work-body",
        "timeline--personal-body",
        "timeline--break-body",
        "timeline--title",
        "timeline--violation",
        "timeline--warning",
        "timeline--selected",
        "timeline--lane-title",
        "timeline--hint",
        "timeline--ran",
        "timeline--overrun",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.layout_data: DayLayout | None = None
        self.blocks: list[Block] = []
        self.selected_id: str | None = None
        self.hint: tuple[str, ...] = ()
        self.fit_wall: int | None = None  # zoomed to fit the waking day: where it starts
        self._opened = False
        self._open_pending = False  # opened before the final size: open again on resize
        self._open_on_size = False  # opened before any size: open in the first layout
        self._strips: dict[Hashable, Strip] = {}

    # --- called by the screen ------------------------------------------------------------
    def show(self, layout: DayLayout, blocks: list[Block], *, hint: tuple[str, ...] = ()) -> None:
        """Draw another layout (of the same day or another); the first one opens at the start.
        ``hint``: lines drawn over an empty day, near the top of the view."""
        old, old_hint, old_selected = self.layout_data, self.hint, self.selected_id
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
        if (
            old is None or old.lanes != layout.lanes or len(old.rows) != len(layout.rows)
            or hint != old_hint
        ):  # fmt: skip
            self.refresh()
            return
        # the same geometry (a block moved, made longer, marked): repaint the rows that
        # changed, the pinned first row, the lane titles and the selection's rows; only
        # those in view (a scroll repaints the whole view; comparing all ~100 rows was
        # most of a day change's time here)
        top = int(self.scroll_offset.y)
        seen = range(max(0, top - 1), min(len(layout.rows), top + self.size.height))
        changed = {i for i in seen if old.rows[i] != layout.rows[i]}
        for block_id in {old_selected, self.selected_id} - {None}:
            for rows in (old.rows_of(block_id or ""), layout.rows_of(block_id or "")):
                if rows is not None:
                    changed.update(range(max(rows[0], seen.start), min(rows[1] + 1, seen.stop)))
        # in one call (a refresh_lines each cost ~40 µs): the lane titles and the pinned
        # row, then the rows (virtual line 0 holds the lane titles)
        width = max(self.virtual_size.width, self.size.width)
        runs = [(0, 2)] + [(first + 1 - top, count) for first, count in _runs(sorted(changed))]
        self.refresh(*(Region(0, y, width, count) for y, count in runs))

    def open_at_start(self) -> None:
        """Scroll to where a day opens (06:00, or the now-line today): now when the view
        has its size, else as it is laid out, so the first frame already shows it."""
        self._opened = True
        self._open_on_size = not self.size.height
        if not self._open_on_size:
            self._scroll_open()

    def on_size_known(self) -> None:
        if self._open_on_size and self.size.height:
            self._open_on_size = False
            self._scroll_open()

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
        previous, self.selected_id = self.selected_id, block_id
        self._open_pending = False  # the person moved: a resize no longer reopens the day
        # only the lines of the two blocks (and the pinned first row) change: repainting
        # the whole view showed in profiles of j/k; a scroll below repaints what it must
        layout = self.layout_data
        if layout is None:
            self.refresh()
        else:
            top = int(self.scroll_offset.y)
            self.refresh_lines(top + 1)
            for rows in (layout.rows_of(previous or ""), layout.rows_of(block_id or "")):
                if rows is not None:  # virtual line 0 holds the lane titles
                    self.refresh_lines(rows[0] + 1, rows[1] - rows[0] + 1)
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
        """Open at 06:00 (at the now-line on today; where the fitted day starts when zoomed
        to fit), then bring the selection into view."""
        rows = self.layout_data.rows if self.layout_data else ()
        top = next((r.index for r in rows if r.wall >= FIRST_VISIBLE_WALL), 0)
        now_row = next((r.index for r in rows if r.now), None)
        if self.fit_wall is not None:
            top = next((r.index for r in rows if r.wall >= self.fit_wall), 0)
        elif now_row is not None:  # a quarter of the screen of what came before, the rest ahead
            top = max(0, now_row - max(3, self.size.height // 4))
        self.scroll_to(y=top, animate=False, immediate=True)
        # laid out before its final size, the scroll stops short of the top asked for
        self._open_pending = int(self.scroll_offset.y) < top
        self.scroll_to_selected()

    def scroll_to_wall(self, wall: int) -> None:
        """Show the row of wall-clock minute ``wall`` at the top."""
        if self.layout_data is not None and self.layout_data.rows:
            top = self.layout_data.row_at(wall)
            self.scroll_to(y=top, animate=False, immediate=True)

    # --- actions --------------------------------------------------------------------------
    def action_to_row(self, row: int) -> None:
        self._open_pending = False
        self.scroll_to(y=0 if row == 0 else self.max_scroll_y, animate=False, immediate=True)

    def action_by_rows(self, pages: int) -> None:
        self._open_pending = False
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
        """The mouse works too: a click on a block selects it; on a row shared by several
        blocks, each click selects the next of them."""
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
                    # a row holding several blocks (zoomed out): each click the next one
                    ids = [b.id for b in cell.blocks or (cell.block,)]
                    at = ids.index(self.selected_id) + 1 if self.selected_id in ids else 0
                    self.select(ids[at % len(ids)])
                return
            x -= lane_width + 1  # the lane divider

    # --- painting -------------------------------------------------------------------------
    def _clear_caches(self) -> None:
        self._paint_styles: dict[tuple[str, bool], Style] = {}
        self._paint_lines: dict[tuple[Block, int, int], list[str]] = {}

    def on_resize(self) -> None:
        if self.layout_data is not None:
            self.virtual_size = Size(
                self.scrollable_content_region.width, max(len(self.layout_data.rows), 1) + 1
            )
        if self._open_pending:  # the first open ran before the final size: open again
            self._open_pending = False
            self.call_after_refresh(self._scroll_open)
            return
        self.scroll_to_selected()

    def forget_rendered(self) -> None:  # a style update comes here too
        self._clear_caches()
        self._strips.clear()
        super().forget_rendered()

    def _style(self, name: str, *, partial: bool = False) -> Style:
        """A component's style; ``partial``: only what it sets (a mark laid over another
        style keeps that style's colours)."""
        cache = getattr(self, "_paint_styles", None)
        if cache is None:
            cache = self._paint_styles = {}
        if (name, partial) not in cache:
            # "": the widget's own style (asked for per row and cell: ~6 µs each uncached)
            cache[name, partial] = (
                self.get_component_rich_style(f"timeline--{name}", partial=partial)
                if name
                else self.rich_style
            )
        return cache[name, partial]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self.layout_data
        index = y + int(self.scroll_offset.y)
        if layout is None:
            return Strip.blank(width)
        # each line is kept by what it shows: the same content, the same Strip (the
        # finished line is kept by it too, see FinishedLines)
        if y == 0:  # the lane titles stay put at the top
            titles = ("titles", layout.lanes, layout.row_minutes, self.fit_wall is not None, width)
            return self._cached_strip(titles, lambda: self._title_strip(layout, width))
        index -= 1
        if layout.skipped and index == 0:
            return self._cached_strip(("skipped", width), lambda: self._skipped_strip(width))
        if not 0 <= index < len(layout.rows):
            return Strip.blank(width)
        # the first visible row says its hour, and the title of a block begun above it
        row = layout.pinned(index) if y == 1 else layout.rows[index]
        strip = self._cached_row_strip(row, layout, width)
        if not self.blocks and self.hint:
            line = y - HINT_TOP  # an empty day: no selection in the row's key
            hinted = ("hint", row, len(layout.lanes), width, self.hint, line)
            return self._cached_strip(hinted, lambda: self._with_hint(strip, line, width))
        return strip

    def _cached_strip(self, key: Hashable, make: Callable[[], Strip]) -> Strip:
        cache = self._strips
        strip = cache.get(key)
        if strip is None:
            if len(cache) > STRIP_CACHE_SIZE:
                cache.clear()
            strip = cache[key] = make()
        return strip

    def _with_hint(self, strip: Strip, line: int, width: int) -> Strip:
        """An empty day explains itself: the hint's lines over the lanes (the hours stay)."""
        room = width - GUTTER - 2
        lines = _wrapped(self.hint, max(10, room))
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
        """The lane titles, with the zoom in the gutter ("15m", "30m fit")."""
        style = self._style("lane-title")
        zoom = f"{layout.row_minutes}m" + (" fit" if self.fit_wall is not None else "")
        segments = [Segment(_fit(zoom, GUTTER + 1), style)]
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

    def _cached_row_strip(self, row: Row, layout: DayLayout, width: int) -> Strip:
        """A row's strip, kept by what it shows: a selection move, a block moved by J or a
        redraw after a change repaint only the rows whose content changed."""
        selected = self.selected_id
        if selected is not None and not any(
            b.id == selected for cell in row.cells for b in cell.blocks or (cell.block,) if b
        ):
            selected = None
        key = (row, len(layout.lanes), width, selected)
        return self._cached_strip(key, lambda: self._row_strip(row, layout, width))

    def _row_strip(self, row: Row, layout: DayLayout, width: int) -> Strip:
        base = self._style("")
        label_style = self._style("now" if row.now else "hour" if row.wall % 60 == 0 else "label")
        label = row.label
        fence_char = " "
        if row.in_window:
            woven = len(layout.lanes) == 1
            fence_char = {"start": "┏", "end": "┗"}.get(row.window_edge, "┃")
            if woven:
                fence_char = {"start": "╭", "end": "╰"}.get(row.window_edge, "┊")
        fence_style = self._style("fence") if row.in_window else base
        if row.switch:  # work ↔ personal starts here (◆: abrupt, no gap before it)
            fence_char, fence_style = SWITCH_GLYPHS[row.switch], self._style(row.switch)
        if row.now:
            fence_char, fence_style = "▶", self._style("now")
        segments = [Segment(f"{label:<5} ", label_style), Segment(fence_char, fence_style)]
        for lane, (cell, lane_width) in enumerate(
            zip(row.cells, self._lane_widths(layout, width), strict=True)
        ):
            if lane:
                segments.append(Segment("│", self._style("label")))
            segments.extend(self._cell_segments(cell, lane_width, row.now))
        return Strip(segments).adjust_cell_length(width, base)

    def _cell_segments(self, cell: Cell, width: int, now: bool) -> list[Segment]:
        if cell.kind in (CellKind.BLOCK, CellKind.OVERLAP) and cell.block is not None:
            return self._block_segments(cell, width, now)
        if cell.kind is CellKind.RAN and cell.block is not None and width > 1:
            # the actual span: its mark (┆, » an overrun) in the block's tint, then the words
            edge = self._style("overrun" if cell.overrun else f"{cell.block.sphere.value}-body")
            words = Segment(_fit(cell.text[1:], width - 1), self._style("ran"))
            return [Segment(cell.text[:1], edge), words]
        if now:
            return [Segment(_fit("─" * width, width), self._style("now"))]
        kind_style = {
            CellKind.WINDOW: "window",
            CellKind.FENCED: "fenced",
            CellKind.BUFFER: "buffer",
        }.get(cell.kind)
        style = self._style(kind_style or "")
        return [Segment(_fit(cell.text, width), style)]

    def _block_segments(self, cell: Cell, width: int, now: bool) -> list[Segment]:
        """The edge column, then the text on the sphere's colour (full on the title row)."""
        block = cell.block
        assert block is not None
        selected = self.selected_id is not None and any(
            b.id == self.selected_id for b in cell.blocks or (block,)
        )
        if selected and cell.kind is CellKind.BLOCK and len(cell.blocks) > 1:
            block = next(b for b in cell.blocks if b.id == self.selected_id)
        sphere = block.sphere.value
        title_row = cell.first or cell.offset == 0
        style = self._style(sphere if title_row or selected else f"{sphere}-body")
        if title_row:
            style += self._style("title", partial=True)
        text = cell.text
        if cell.kind is CellKind.BLOCK and len(cell.blocks) <= 1 and not title_row:
            text = self._lines(block, cell.height, width - 1)[min(cell.offset, cell.height - 1)]
        mark = {"error": "✖ ", "warning": "! "}.get(cell.severity, "")
        if cell.overrun:  # what really happened crossed the mode: said in glyphs too
            mark += "» "
        if title_row:
            text = mark + text
        edge_name = (
            "selected"
            if selected
            else {"error": "violation", "warning": "warning"}.get(cell.severity, "")
            or ("overrun" if cell.overrun else "")
        )
        edge_style = self._style(edge_name) if edge_name else style
        edge = ("▸" if selected else " ") if title_row else ("┃" if selected else "│")
        segments = [Segment(edge, edge_style)]
        body = _fit(text, width - 1)
        if now:  # the now-line runs on over the block, after its text
            used = cell_len(strip_controls(text).rstrip())
            if used < width - 3:
                body = _fit(text, used + 1)
                segments.append(Segment(body, style))
                line = Style(color=self._style("now").color, bold=True)
                segments.append(Segment("─" * (width - 2 - used), style + line))
                return segments
        segments.append(Segment(body, style))
        return segments

    def _lines(self, block: Block, height: int, width: int) -> list[str]:
        """A block's rows at this width (notes wrapped), kept until the next redraw."""
        cache = getattr(self, "_paint_lines", None)
        if cache is None:
            cache = self._paint_lines = {}
        key = (block, height, width)
        if key not in cache:
            cache[key] = block_lines(block, height, max(width - 2, 8))
        return cache[key]


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Sorted indices as (first, count) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for index in indices:
        if runs and runs[-1][0] + runs[-1][1] == index:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((index, 1))
    return runs


@functools.lru_cache(maxsize=8)
def _wrapped(hint: tuple[str, ...], width: int) -> list[str]:
    """The hint's lines at ``width`` (worked out once, not for every painted row)."""
    return [part for text in hint for part in textwrap.wrap(text, width)]


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
