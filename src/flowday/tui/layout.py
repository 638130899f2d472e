"""The day drawn to time scale, as plain data: which row shows what, in which lane.

No Textual here: the timeline widget only paints these rows, so the geometry (DST days,
fences, overlaps) is testable without a terminal. One row is 15 *real* minutes, so a
spring-forward day has 92 rows and a fall-back day 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pendulum

from flowday.domain.model import Block, Sphere
from flowday.domain.rules import Violation, real_clock
from flowday.domain.timeparse import Zone, day_bounds
from flowday.domain.wallclock import fmt_minutes

ROW_MINUTES = 15
DEFAULT_BUFFER_MINUTES = 15
SPHERE_GLYPHS = {Sphere.WORK: "■", Sphere.PERSONAL: "●", Sphere.BREAK: "◌"}
SPHERE_LABELS = {Sphere.WORK: "work", Sphere.PERSONAL: "personal", Sphere.BREAK: "break"}


class CellKind(StrEnum):
    EMPTY = "empty"  # nothing planned, outside any fence
    WINDOW = "window"  # inside the work window (work lane in balance; the one lane else)
    FENCED = "fenced"  # personal lane inside the window in balance: the fence
    BUFFER = "buffer"  # the transition buffer after work (balance)
    BLOCK = "block"
    OVERLAP = "overlap"  # two or more blocks on this row of one lane


@dataclass(frozen=True, slots=True)
class Cell:
    kind: CellKind
    text: str = ""
    block: Block | None = None
    first: bool = False  # the block's first row (carries its title)
    severity: str = ""  # "error" / "warning" when a violation names the block


@dataclass(frozen=True, slots=True)
class Row:
    index: int
    wall: int  # wall-clock minutes at the row's start
    label: str  # "09:00" on full hours, ":15" between
    in_window: bool
    window_edge: str  # "start", "end" or "" (the fence's top and bottom rows)
    now: bool
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class DayLayout:
    rows: tuple[Row, ...]
    lanes: tuple[str, ...]  # lane titles: ("work", "personal") or ("day",)
    block_rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # id -> rows

    @property
    def skipped(self) -> bool:
        """The clocks skip the whole day (Pacific/Apia, 2011-12-30): it has no rows."""
        return not self.rows

    def rows_of(self, block_id: str) -> tuple[int, int] | None:
        return self.block_rows.get(block_id)


def real_offset(date: pendulum.Date, wall: int, tz: Zone) -> int:
    """Real minutes from the day's first instant to a wall-clock time (the rules' clock)."""
    return real_clock(date, tz)(wall)


def worst_severity(violations: list[Violation]) -> dict[str, str]:
    found: dict[str, str] = {}
    for violation in violations:
        for block_id in violation.blocks:
            if violation.is_hard or found.get(block_id) != "error":
                found[block_id] = "error" if violation.is_hard else "warning"
    return found


def build_layout(
    *,
    date: pendulum.Date,
    tz: Zone,
    blocks: list[Block],
    violations: list[Violation],
    window: tuple[int, int],
    woven_lane: bool,
    now: pendulum.DateTime | None,
    buffer_minutes: int = DEFAULT_BUFFER_MINUTES,
) -> DayLayout:
    midnight, day_end = day_bounds(date, tz)  # midnight: the day's first instant
    count = int((day_end - midnight).total_seconds() // 60) // ROW_MINUTES  # 0: a skipped day
    severities = worst_severity(violations)
    work_start, work_end = window
    win_first = real_offset(date, work_start, tz) // ROW_MINUTES
    win_last = -(-real_offset(date, work_end, tz) // ROW_MINUTES)  # exclusive
    now_row = -1
    if now is not None and now.in_timezone(tz).date() == date:
        now_row = int((now - midnight).total_seconds() // 60) // ROW_MINUTES

    def lane_of(block: Block) -> int:
        if woven_lane:
            return 0
        if block.sphere is Sphere.WORK:
            return 0
        if block.sphere is Sphere.BREAK and work_start <= block.start < work_end:
            return 0  # lunch inside the window sits with the work it interrupts
        return 1

    lanes = ("day",) if woven_lane else ("work", "personal")
    per_lane: list[list[list[Block]]] = [[[] for _ in range(count)] for _ in lanes]
    block_rows: dict[str, tuple[int, int]] = {}
    for block in sorted(blocks, key=lambda b: (b.start, b.end, b.id)) if count else ():
        first = real_offset(date, block.start, tz) // ROW_MINUTES
        last = max(first + 1, -(-real_offset(date, block.end, tz) // ROW_MINUTES))
        first, last = min(first, count - 1), min(last, count)
        block_rows[block.id] = (first, last)
        for row in range(first, last):
            per_lane[lane_of(block)][row].append(block)

    buffer_rows: set[int] = set()
    if not woven_lane and buffer_minutes > 0:
        work_ends = [b.end for b in blocks if b.sphere is Sphere.WORK]
        # balance keeps personal time out of the window, so the buffer follows whichever
        # ends later: the window or work done past it
        after = max([*work_ends, work_end])
        start_row = -(-real_offset(date, min(after, 1440), tz) // ROW_MINUTES)
        buffer_rows = set(range(start_row, min(count, start_row + -(-buffer_minutes // 15))))

    rows: list[Row] = []
    for index in range(count):
        moment = midnight.add(minutes=index * ROW_MINUTES).in_timezone(tz)
        wall = moment.hour * 60 + moment.minute
        in_window = win_first <= index < win_last
        cells = []
        for lane, stacks in enumerate(per_lane):
            here = stacks[index]
            if len(here) > 1:
                titles = " × ".join(b.title for b in here)
                cells.append(
                    Cell(CellKind.OVERLAP, f"‼ {titles}", here[-1], True, severity="error")
                )
            elif here:
                block = here[0]
                first_row, last_row = block_rows[block.id]
                cells.append(
                    Cell(
                        CellKind.BLOCK,
                        _block_text(block, index - first_row, last_row - first_row),
                        block,
                        index == first_row,
                        severities.get(block.id, ""),
                    )
                )
            elif woven_lane or lane == 0:
                cells.append(Cell(CellKind.WINDOW if in_window else CellKind.EMPTY))
            elif in_window:
                cells.append(Cell(CellKind.FENCED, "░" if index != win_first else "░ fenced"))
            elif index in buffer_rows:
                label = "≈ transition" if index == min(buffer_rows) else "≈"
                cells.append(Cell(CellKind.BUFFER, label))
            else:
                cells.append(Cell(CellKind.EMPTY))
        edge = "start" if index == win_first else "end" if index == win_last - 1 else ""
        label = fmt_minutes(wall) if moment.minute == 0 else f"  :{moment.minute:02d}"
        rows.append(Row(index, wall, label, in_window, edge, index == now_row, tuple(cells)))
    return DayLayout(tuple(rows), lanes, block_rows)


def _block_text(block: Block, offset: int, height: int) -> str:
    glyph = SPHERE_GLYPHS[block.sphere]
    flex = " ~" if block.flexible else ""
    title = f"↻ {block.title}" if block.routine else block.title  # a routine's occurrence
    if offset == 0 and height == 1:
        return f"{glyph} {title} {block.span}{flex}"
    if offset == 0:
        return f"{glyph} {title}"
    if offset == 1:
        return f"{glyph} {block.span} {SPHERE_LABELS[block.sphere]}{flex}"
    return glyph
