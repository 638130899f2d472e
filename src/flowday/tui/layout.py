"""The day drawn to time scale, as plain data: which row shows what, in which lane.

No Textual here: the timeline widget only paints these rows, so the geometry (DST days,
fences, overlaps, zoom) is testable without a terminal. One row is ``row_minutes`` *real*
minutes (15 unless zoomed), so at 15 a spring-forward day has 92 rows and a fall-back day 100.

A block draws as its title row (sphere glyph, title, flags: what carries meaning, once), a
detail row (time, sphere, flexibility) and then its notes where there is room: every block
has a title row, so back-to-back blocks never read as one slab.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum

import pendulum

from flowday.domain.frozen import Record, define, field, replace
from flowday.domain.model import Block, Outcome, Sphere
from flowday.domain.rules import Violation, real_clock
from flowday.domain.timeparse import Zone, day_bounds
from flowday.domain.transitions import Switch
from flowday.domain.wallclock import fmt_minutes

ROW_MINUTES = 15  # the default zoom
ZOOM_LEVELS = (5, 15, 30, 60)  # minutes per row, finest first
FIT = "fit"  # the zoom that fits the waking day to the screen
FIT_STEPS = (5, 10, 15, 20, 30, 60)  # what "fit" may choose: each divides an hour
WAKING_DAY = (7 * 60, 22 * 60)  # fitted when nothing planned says otherwise
DEFAULT_BUFFER_MINUTES = 15
SPHERE_GLYPHS = {Sphere.WORK: "■", Sphere.PERSONAL: "●", Sphere.BREAK: "◌"}
OUTCOME_MARKS = {Outcome.DONE: "✓ ", Outcome.SKIPPED: "✗ "}
RAN_MARK, OVERRUN_MARK = "┆", "»"  # the actual span beside the plan; an overrun's
SPHERE_LABELS = {Sphere.WORK: "work", Sphere.PERSONAL: "personal", Sphere.BREAK: "break"}
# where the day moves between work and personal (domain.transitions): drawn in the fence
# column on the row the new sphere starts; an abrupt switch (no gap at all) stands out
SWITCH, ABRUPT = "switch", "abrupt"
SWITCH_GLYPHS = {SWITCH: "◇", ABRUPT: "◆"}


class CellKind(StrEnum):
    EMPTY = "empty"  # nothing planned, outside any fence
    WINDOW = "window"  # inside the work window (work lane in balance; the one lane else)
    FENCED = "fenced"  # personal lane inside the window in balance: the fence
    BUFFER = "buffer"  # the transition buffer after work (balance)
    BLOCK = "block"
    RAN = "ran"  # a done block's actual time outside its planned rows (┆, » an overrun)
    OVERLAP = "overlap"  # two or more blocks on this row of one lane


@define(slots=True)
class Cell(Record):
    kind: CellKind
    text: str = ""
    block: Block | None = None
    first: bool = False  # the block's first row (carries its title)
    severity: str = ""  # "error" / "warning" when a violation names the block
    offset: int = 0  # which of the block's rows this is (0: its title row)
    height: int = 1  # how many rows the block has
    blocks: tuple[Block, ...] = ()  # every block on this row of the lane (two or more: crowded)
    overrun: bool = False  # what really happened crossed the mode (recorded on the day)


@define(slots=True)
class Row(Record):
    index: int
    wall: int  # wall-clock minutes at the row's start
    label: str  # "09:00" on full hours, ":15" between
    in_window: bool
    window_edge: str  # "start", "end" or "" (the fence's top and bottom rows)
    now: bool
    cells: tuple[Cell, ...]
    switch: str = ""  # a switch between work and personal starts here: SWITCH or ABRUPT


@define
class DayLayout(Record):
    rows: tuple[Row, ...]
    lanes: tuple[str, ...]  # lane titles: ("work", "personal") or ("day",)
    block_rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # id -> rows
    row_minutes: int = ROW_MINUTES

    def row_at(self, wall: int) -> int:
        """The first row showing wall-clock minute ``wall`` (or the next one after it)."""
        return next((r.index for r in self.rows if r.wall >= wall), max(len(self.rows) - 1, 0))

    def pinned(self, index: int) -> Row:
        """Row ``index`` drawn as the first visible one: its label says the hour and minute,
        and a block that began above it shows its title there."""
        row = self.rows[index]
        cells = tuple(
            replace(cell, text=block_lines(cell.block, 1)[0], first=True)
            if cell.kind is CellKind.BLOCK and cell.block is not None and cell.offset > 0
            else replace(cell, text=_overlap_text(cell.blocks), first=True, offset=0)
            if cell.kind is CellKind.OVERLAP and not cell.first
            else cell
            for cell in row.cells
        )
        return replace(row, label=fmt_minutes(row.wall), cells=cells)

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
    row_minutes: int = ROW_MINUTES,
    overruns: frozenset[str] = frozenset(),
    switches: Sequence[Switch] = (),
    working_day: bool = True,
) -> DayLayout:
    """``overruns``: ids of the blocks whose actual time was recorded as an overrun.
    ``working_day=False`` (a weekend, a day off): no window drawn, a buffer only after work
    done that day."""
    step = max(1, row_minutes)
    midnight, day_end = day_bounds(date, tz)  # midnight: the day's first instant
    count = -(-int((day_end - midnight).total_seconds() // 60) // step)  # 0: a skipped day
    severities = worst_severity(violations)
    work_start, work_end = window
    win_first = real_offset(date, work_start, tz) // step
    win_last = -(-real_offset(date, work_end, tz) // step)  # exclusive
    if not working_day:
        win_first = win_last = 0
    now_row = -1
    if now is not None and now.in_timezone(tz).date() == date:
        now_row = int((now - midnight).total_seconds() // 60) // step

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
    lines: dict[str, list[str]] = {}
    for block in sorted(blocks, key=lambda b: (b.start, b.end, b.id)) if count else ():
        first = real_offset(date, block.start, tz) // step
        # a block shorter than a row still gets one: it stays visible and selectable
        last = max(first + 1, -(-real_offset(date, block.end, tz) // step))
        first, last = min(first, count - 1), min(last, count)
        block_rows[block.id] = (first, last)
        lines[block.id] = block_lines(block, last - first)
        for row in range(first, last):
            per_lane[lane_of(block)][row].append(block)

    real = real_clock(date, tz)
    ran = _ran_rows(blocks, block_rows, overruns, lane_of, real, step, count)
    buffer_rows: set[int] = set()
    work_ends = [b.end for b in blocks if b.sphere is Sphere.WORK]
    if not woven_lane and buffer_minutes > 0 and (working_day or work_ends):
        # balance keeps personal time out of the window, so the buffer follows whichever
        # ends later: the window or work done past it
        after = max([*work_ends, work_end] if working_day else work_ends)
        start_row = -(-real_offset(date, min(after, 1440), tz) // step)
        buffer_rows = set(range(start_row, min(count, start_row + -(-buffer_minutes // step))))

    switch_rows: dict[int, str] = {}
    for switch in switches if count else ():
        row = min(real_offset(date, switch.at, tz) // step, count - 1)
        if switch_rows.get(row) != ABRUPT:  # two on one row (zoomed out): abrupt shows
            switch_rows[row] = ABRUPT if switch.abrupt else SWITCH

    rows: list[Row] = []
    first_instant = midnight.timestamp()
    for index in range(count):
        # stdlib arithmetic: pendulum's add costs ~50 µs a row, too much for 288 rows a key
        moment = datetime.fromtimestamp(first_instant + index * step * 60, tz)
        wall = moment.hour * 60 + moment.minute
        in_window = win_first <= index < win_last
        cells = []
        for lane, stacks in enumerate(per_lane):
            here = stacks[index]
            if len(here) > 1:
                cell = _shared_cell(here, severities)
                if cell.kind is CellKind.OVERLAP and index and stacks[index - 1] == here:
                    cell = replace(cell, text="‼", first=False, offset=1)  # said on its first row
                cells.append(cell)
            elif here:
                block = here[0]
                first_row, last_row = block_rows[block.id]
                cells.append(
                    Cell(
                        CellKind.BLOCK,
                        lines[block.id][index - first_row],
                        block,
                        index == first_row,
                        severities.get(block.id, ""),
                        index - first_row,
                        last_row - first_row,
                        (block,),
                        block.id in overruns,
                    )
                )
            elif (lane, index) in ran:
                cells.append(ran[lane, index])
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
        rows.append(Row(index, wall, label, in_window, edge, index == now_row, tuple(cells),
                        switch_rows.get(index, "")))  # fmt: skip
    return DayLayout(tuple(rows), lanes, block_rows, step)


def _ran_rows(
    blocks: list[Block],
    block_rows: dict[str, tuple[int, int]],
    overruns: frozenset[str],
    lane_of: Callable[[Block], int],
    real: Callable[[int], int],
    step: int,
    count: int,
) -> dict[tuple[int, int], Cell]:
    """(lane, row) → the cell saying a done block really ran there, outside its planned
    rows: the plan stays where it was, the actual span is drawn beside it (on rows no other
    block holds). Its first row says how: "ran on to 17:45" after the plan, "ran from
    08:40" before it, the title and the time when it ran apart from the plan."""
    found: dict[tuple[int, int], Cell] = {}
    for block in blocks:
        if block.actual_start is None or block.actual_end is None or block.id not in block_rows:
            continue
        first, last = block_rows[block.id]
        actual_first = min(real(block.actual_start) // step, count - 1)
        actual_last = min(max(actual_first + 1, -(-real(block.actual_end) // step)), count)
        rows = [r for r in range(actual_first, actual_last) if not first <= r < last]
        mark = OVERRUN_MARK if block.id in overruns else RAN_MARK
        segments: list[list[int]] = []
        for row in rows:  # runs of consecutive rows: before the plan, after it, apart
            if segments and segments[-1][-1] == row - 1:
                segments[-1].append(row)
            else:
                segments.append([row])
        for segment in segments:
            if segment[0] == last:
                said = f"ran on to {fmt_minutes(block.actual_end)}"
            elif segment[-1] + 1 == first:
                said = f"ran from {fmt_minutes(block.actual_start)}"
            else:
                said = f"{block.title} ran {block.actual_span}"
            if block.id in overruns:
                said += " (overrun)"
            for row in segment:
                text = f"{mark} {said}" if row == segment[0] else mark
                found.setdefault(
                    (lane_of(block), row),
                    Cell(CellKind.RAN, text, block, row == segment[0], blocks=(block,),
                         overrun=block.id in overruns),
                )  # fmt: skip
    return found


def _shared_cell(here: list[Block], severities: dict[str, str]) -> Cell:
    """Two or more blocks on one row of a lane: an overlap (‼, an error) only when their
    times really meet; else a row too coarse for both (a zoomed-out view), each named."""
    overlapping = any(
        a.start < b.end and b.start < a.end for i, a in enumerate(here) for b in here[i + 1 :]
    )
    if overlapping:
        return Cell(
            CellKind.OVERLAP, _overlap_text(here), here[-1], True, "error", blocks=tuple(here)
        )
    worst = {severities.get(b.id, "") for b in here}
    severity = "error" if "error" in worst else "warning" if "warning" in worst else ""
    text = " · ".join(f"{SPHERE_GLYPHS[b.sphere]} {b.title}" for b in here)
    return Cell(CellKind.BLOCK, text, here[-1], True, severity, blocks=tuple(here))


def _overlap_text(blocks: Sequence[Block]) -> str:
    return "‼ " + " × ".join(b.title for b in blocks)


def block_lines(block: Block, height: int, width: int = 0) -> list[str]:
    """What each of a block's ``height`` rows says: the title row (sphere glyph, title,
    and on a one-row block its time and flags), the detail row (time, sphere, flexible),
    then its notes (wrapped to ``width`` when given) while there is room; the rest blank."""
    glyph = SPHERE_GLYPHS[block.sphere]
    flex = " ~" if block.flexible else ""
    title = f"↻ {block.title}" if block.routine else block.title  # a routine's occurrence
    # what happened, as `flowday list` says it: ✓ done, ✗ skipped, and when it really ran
    title = f"{OUTCOME_MARKS.get(block.outcome, '')}{title}"
    ran = ""
    if block.actual_start is not None and block.actual_end is not None:
        ran = f" · ran {fmt_minutes(block.actual_start)}-{fmt_minutes(block.actual_end)}"
    if height <= 1:
        return [f"{glyph} {title} {block.span}{flex}{ran}"]
    shown = [f"{glyph} {title}", f"{block.span} {SPHERE_LABELS[block.sphere]}{flex}{ran}"]
    notes = [
        line
        for paragraph in block.notes.splitlines()
        for line in (textwrap.wrap(paragraph, width) if width > 0 else [paragraph])
        if line.strip()
    ]
    room = height - len(shown)
    if len(notes) > room > 0:
        notes = [*notes[: room - 1], notes[room - 1] + " …"]
    shown += notes[: max(room, 0)]
    return shown + [""] * (height - len(shown))


def fit_zoom(
    *, date: pendulum.Date, tz: Zone, blocks: list[Block], window: tuple[int, int], rows: int
) -> tuple[int, int]:
    """ "Fit the waking day": the finest of :data:`FIT_STEPS` that shows, in ``rows`` rows,
    everything from the earliest of the planned blocks, the work window and the usual
    waking day to the latest of them. Returns (minutes per row, the wall time to show first)."""
    first = min([WAKING_DAY[0], window[0], *(b.start for b in blocks)])
    last = max([WAKING_DAY[1], window[1], *(b.end for b in blocks)])
    first_real, last_real = real_offset(date, first, tz), real_offset(date, last, tz)
    for step in FIT_STEPS:
        if last_real // step - first_real // step + 1 <= max(rows, 1):
            return step, first
    return FIT_STEPS[-1], first


def zoom_step(current: int, finer: bool) -> int:
    """The next zoom level from ``current`` minutes per row (a fitted level included)."""
    if finer:
        return max((z for z in ZOOM_LEVELS if z < current), default=ZOOM_LEVELS[0])
    return min((z for z in ZOOM_LEVELS if z > current), default=ZOOM_LEVELS[-1])
