"""The day's geometry, without a terminal: time scale, DST days, lanes, fences, the buffer."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from flowday.domain.frozen import replace
from flowday.domain.model import Block, Outcome, Sphere
from flowday.domain.modes import INTEGRATION
from flowday.domain.rules import Severity, Violation
from flowday.domain.transitions import find_switches
from flowday.tui.layout import (
    ABRUPT,
    SWITCH,
    CellKind,
    DayLayout,
    Row,
    block_lines,
    build_layout,
    fit_zoom,
    zoom_step,
)
from flowday.tui.screens.help import LEGEND

BERLIN = pendulum.timezone("Europe/Berlin")


def block(title: str, start: int, end: int, sphere: Sphere, date: pendulum.Date) -> Block:
    return Block(id=title.lower(), date=date, start=start, end=end, title=title, sphere=sphere)


def by_time(layout: DayLayout) -> dict[str, Row]:
    """Rows by their wall-clock start ("10:30"); the first one on a repeated hour."""
    found: dict[str, Row] = {}
    for row in layout.rows:
        found.setdefault(f"{row.wall // 60:02d}:{row.wall % 60:02d}", row)
    return found


def layout_for(date: pendulum.Date, blocks: list[Block], **kwargs: Any) -> DayLayout:
    options = {"violations": [], "window": (540, 1020), "woven_lane": False, "now": None}
    options.update(kwargs)
    options.setdefault("tz", BERLIN)
    return build_layout(date=date, blocks=blocks, **options)


@pytest.mark.parametrize(
    ("date", "rows"),
    [
        (pendulum.date(2026, 11, 25), 96),
        (pendulum.date(2026, 3, 29), 92),  # clocks spring forward: 23 hours
        (pendulum.date(2026, 10, 25), 100),  # clocks fall back: 25 hours
    ],
)
def test_one_row_per_quarter_hour_of_real_time(date: pendulum.Date, rows: int) -> None:
    assert len(layout_for(date, []).rows) == rows


def test_spring_forward_skips_the_missing_hour_in_labels() -> None:
    labels = [r.label for r in layout_for(pendulum.date(2026, 3, 29), []).rows]
    assert "02:00" not in labels
    assert labels[8] == "03:00"  # 02:00 row would be index 8; it is 03:00 instead


def test_fall_back_shows_the_repeated_hour_twice() -> None:
    labels = [r.label for r in layout_for(pendulum.date(2026, 10, 25), []).rows]
    assert labels.count("02:00") == 2


def test_blocks_after_a_dst_change_sit_at_their_real_time() -> None:
    date = pendulum.date(2026, 3, 29)
    layout = layout_for(date, [block("Run", 7 * 60, 8 * 60, Sphere.PERSONAL, date)])
    first, last = layout.rows_of("run")
    assert layout.rows[first].label == "07:00"
    assert (first, last) == (24, 28)  # 6 real hours after midnight, 4 rows


def test_balance_has_two_lanes_and_a_fence() -> None:
    date = pendulum.date(2026, 11, 25)
    blocks = [
        block("Standup", 540, 555, Sphere.WORK, date),
        block("Lunch", 720, 765, Sphere.BREAK, date),
        block("Run", 1080, 1140, Sphere.PERSONAL, date),
    ]
    layout = layout_for(date, blocks)
    assert layout.lanes == ("work", "personal")
    row_of = by_time(layout)
    assert row_of["09:00"].cells[0].block.title == "Standup"
    assert row_of["12:00"].cells[0].block.title == "Lunch"  # lunch sits with work
    assert row_of["18:00"].cells[1].block.title == "Run"
    assert row_of["10:00"].cells[1].kind is CellKind.FENCED
    assert row_of["09:00"].window_edge == "start" and row_of["20:00"].in_window is False
    assert row_of["10:00"].cells[0].kind is CellKind.WINDOW


def test_balance_shows_the_transition_buffer_after_the_last_work_block() -> None:
    date = pendulum.date(2026, 11, 25)
    layout = layout_for(date, [block("Report", 900, 1020, Sphere.WORK, date)])
    row_of = by_time(layout)
    assert row_of["17:00"].cells[1].kind is CellKind.BUFFER
    assert "transition" in row_of["17:00"].cells[1].text
    assert row_of["18:00"].cells[1].kind is CellKind.EMPTY


def test_every_switch_is_marked_where_the_new_sphere_starts() -> None:
    date = pendulum.date(2026, 11, 25)
    blocks = [
        block("Code", 540, 720, Sphere.WORK, date),
        block("Lunch", 720, 765, Sphere.PERSONAL, date),  # abrupt: no gap after work
        block("Walk", 765, 780, Sphere.BREAK, date),
        block("Review", 780, 900, Sphere.WORK, date),  # the walk is the gap
    ]
    switches = find_switches(blocks, INTEGRATION.buffers)
    row_of = by_time(layout_for(date, blocks, switches=switches, woven_lane=True))
    assert (row_of["12:00"].switch, row_of["13:00"].switch) == (ABRUPT, SWITCH)
    assert {row.switch for row in row_of.values()} == {"", SWITCH, ABRUPT}
    # zoomed out to an hour a row, both fall on rows of their own; at two hours the abrupt
    # one shows for the pair
    hourly = layout_for(date, blocks, switches=switches, row_minutes=60)
    assert [r.switch for r in hourly.rows if r.switch] == [ABRUPT, SWITCH]
    coarse = layout_for(date, blocks, switches=switches, row_minutes=120)
    assert [r.switch for r in coarse.rows if r.switch] == [ABRUPT]
    assert "◇ ◆" in LEGEND


def test_integration_weaves_one_lane() -> None:
    date = pendulum.date(2026, 11, 25)
    blocks = [
        block("Kids", 930, 960, Sphere.PERSONAL, date),
        block("Call", 960, 990, Sphere.WORK, date),
    ]
    layout = layout_for(date, blocks, woven_lane=True)
    assert layout.lanes == ("day",)
    row_of = by_time(layout)
    assert row_of["15:30"].cells[0].block.title == "Kids"
    assert row_of["16:00"].cells[0].block.title == "Call"
    assert all(c.kind is not CellKind.BUFFER for r in layout.rows for c in r.cells)


def test_overlaps_and_violations_are_marked_on_the_block() -> None:
    date = pendulum.date(2026, 11, 25)
    blocks = [block("A", 600, 660, Sphere.WORK, date), block("B", 630, 690, Sphere.WORK, date)]
    warning = Violation("short", Severity.WARNING, "short", ("b",))
    hard = Violation("no-overlap", Severity.ERROR, "overlap", ("a", "b"))
    layout = layout_for(date, blocks, violations=[warning, hard])
    row_of = by_time(layout)
    assert row_of["10:00"].cells[0].severity == "error"
    assert row_of["10:30"].cells[0].kind is CellKind.OVERLAP
    assert "A × B" in row_of["10:30"].cells[0].text


def test_now_line_only_on_today() -> None:
    date = pendulum.date(2026, 11, 25)
    now = pendulum.datetime(2026, 11, 25, 10, 20, tz=BERLIN)
    rows = layout_for(date, [], now=now).rows
    assert [r.label for r in rows if r.now] == ["  :15"]
    assert not any(r.now for r in layout_for(date.add(days=1), [], now=now).rows)


def test_days_whose_midnight_does_not_exist() -> None:
    """Santiago's spring-forward day starts at 01:00 (a block stored at 00:00 by another
    zone's planner sits on its first row); Apia's 2011-12-30 has no rows at all, even with a
    block a hand-edited file put there, and says it is skipped."""
    santiago = pendulum.timezone("America/Santiago")
    spring = pendulum.date(2022, 9, 11)
    stray = block("Stray", 0, 2 * 60, Sphere.PERSONAL, spring)
    layout = layout_for(spring, [stray], tz=santiago)
    assert len(layout.rows) == 92 and layout.rows[0].label == "01:00"
    assert layout.rows_of("stray") == (0, 4) and not layout.skipped
    eve = layout_for(spring.subtract(days=1), [], tz=santiago)
    assert len(eve.rows) == 96 and eve.rows[-1].label == "  :45"
    skipped = pendulum.date(2011, 12, 30)
    apia = pendulum.timezone("Pacific/Apia")
    empty = layout_for(skipped, [block("Ghost", 540, 600, Sphere.WORK, skipped)], tz=apia)
    assert empty.skipped and empty.rows == () and empty.rows_of("ghost") is None


# --- edges, notes, zoom, the first visible row ---------------------------------------------


def test_back_to_back_blocks_each_begin_with_their_own_title_row() -> None:
    """09:00-09:15, 09:15-09:30 and 09:30-12:00: three title rows, never one slab; the
    rest of a tall block says its time once and then its notes."""
    date = pendulum.date(2026, 11, 25)
    deep = replace(block("Deep", 570, 720, Sphere.WORK, date), notes="Zoom levels\nThen tests")
    blocks = [
        block("Standup", 540, 555, Sphere.WORK, date),
        block("Email", 555, 570, Sphere.WORK, date),
        deep,
    ]
    layout = layout_for(date, blocks)
    row_of = by_time(layout)
    for time, title in (("09:00", "Standup"), ("09:15", "Email"), ("09:30", "Deep")):
        cell = row_of[time].cells[0]
        assert cell.offset == 0 and cell.first and cell.text.startswith(f"■ {title}")
    texts = [row_of[t].cells[0].text for t in ("09:45", "10:00", "10:15", "10:30")]
    assert texts == ["09:30-12:00 work", "Zoom levels", "Then tests", ""]
    assert [c.text for r in layout.rows for c in r.cells].count("■") == 0  # no glyph rows


def test_notes_that_do_not_fit_end_in_an_ellipsis_and_wrap_to_the_width() -> None:
    date = pendulum.date(2026, 11, 25)
    long = replace(block("Call", 600, 660, Sphere.WORK, date), notes="one two three four five")
    assert block_lines(long, 3, width=9) == ["■ Call", "10:00-11:00 work", "one two …"]
    assert block_lines(long, 1) == ["■ Call 10:00-11:00"]


def test_a_block_says_what_happened_beside_the_plan() -> None:
    """Done ✓ (and when it really ran), skipped ✗: the plan's time stays the block's."""
    date = pendulum.date(2026, 11, 25)
    call = block("Call", 600, 660, Sphere.WORK, date)
    ran = replace(call, outcome=Outcome.DONE, actual_start=600, actual_end=680)
    assert block_lines(ran, 2) == ["■ ✓ Call", "10:00-11:00 work · ran 10:00-11:20"]
    assert block_lines(replace(call, outcome=Outcome.DONE), 1) == ["■ ✓ Call 10:00-11:00"]
    assert block_lines(replace(call, outcome=Outcome.SKIPPED), 2)[0] == "■ ✗ Call"


def test_the_actual_span_is_drawn_beside_the_plan_and_an_overrun_is_marked() -> None:
    """The plan keeps its rows; where a done block really ran outside them is drawn in its
    lane (┆, » when it was recorded as an overrun), on rows no other block holds."""
    date = pendulum.date(2026, 11, 25)
    reviews = replace(block("Reviews", 900, 1020, Sphere.WORK, date), outcome=Outcome.DONE,
                      actual_start=840, actual_end=1095)  # fmt: skip
    gym = block("Gym", 1080, 1140, Sphere.PERSONAL, date)
    layout = layout_for(date, [reviews, gym])
    rows = by_time(layout)
    assert layout.rows_of("reviews") == (60, 68)  # the plan: 15:00-17:00
    ran = [(t, r.cells[0].text) for t, r in rows.items() if r.cells[0].kind is CellKind.RAN]
    assert ran == [("14:00", "┆ ran from 14:00"), ("14:15", "┆"), ("14:30", "┆"),
                   ("14:45", "┆"), ("17:00", "┆ ran on to 18:15"), ("17:15", "┆"),
                   ("17:30", "┆"), ("17:45", "┆"), ("18:00", "┆")]  # fmt: skip
    assert rows["17:00"].cells[0].block == reviews and rows["18:00"].cells[1].block == gym
    assert not rows["15:00"].cells[0].overrun
    over = layout_for(date, [reviews, gym], overruns=frozenset({"reviews"}))
    assert by_time(over)["15:00"].cells[0].overrun  # the block itself: » on its title row
    assert by_time(over)["17:00"].cells[0].text == "» ran on to 18:15 (overrun)"
    apart = replace(reviews, actual_start=1200, actual_end=1230)  # done at another time
    assert by_time(layout_for(date, [apart]))["20:00"].cells[0].text == "┆ Reviews ran 20:00-20:30"
    planned = replace(reviews, outcome=Outcome.PLANNED, actual_start=None, actual_end=None)
    cells = [c for r in layout_for(date, [planned]).rows for c in r.cells]
    assert all(c.kind is not CellKind.RAN for c in cells)


@pytest.mark.parametrize(
    ("date", "rows"),
    [
        (pendulum.date(2026, 11, 25), {5: 288, 15: 96, 30: 48, 60: 24}),
        (pendulum.date(2026, 3, 29), {5: 276, 15: 92, 30: 46, 60: 23}),
        (pendulum.date(2026, 10, 25), {5: 300, 15: 100, 30: 50, 60: 25}),
    ],
)
def test_every_zoom_keeps_rows_of_real_time(date: pendulum.Date, rows: dict[int, int]) -> None:
    for zoom, count in rows.items():
        layout = layout_for(date, [], row_minutes=zoom)
        assert len(layout.rows) == count and layout.row_minutes == zoom


def test_zoomed_out_short_blocks_stay_visible_and_are_not_called_overlaps() -> None:
    date = pendulum.date(2026, 11, 25)
    blocks = [
        block("Standup", 540, 545, Sphere.WORK, date),
        block("Email", 545, 570, Sphere.WORK, date),
        block("Clash", 560, 600, Sphere.WORK, date),
    ]
    layout = layout_for(date, blocks[:2], row_minutes=60)
    assert layout.rows_of("standup") == layout.rows_of("email") == (9, 10)
    cell = layout.rows[9].cells[0]
    assert cell.kind is CellKind.BLOCK and cell.text == "■ Standup · ■ Email"
    assert [b.title for b in cell.blocks] == ["Standup", "Email"] and cell.severity == ""
    clash = layout_for(date, blocks, row_minutes=60).rows[9].cells[0]
    assert clash.kind is CellKind.OVERLAP  # times that really meet still say ‼
    assert layout_for(date, blocks[:1], row_minutes=15).rows_of("standup") == (36, 37)


def test_the_first_visible_row_names_its_hour_and_a_block_begun_above_it() -> None:
    date = pendulum.date(2026, 11, 25)
    layout = layout_for(date, [block("Deep", 570, 720, Sphere.WORK, date)])
    index = by_time(layout)["10:15"].index
    pinned = layout.pinned(index)
    assert layout.rows[index].label == "  :15" and pinned.label == "10:15"
    assert pinned.cells[0].text == "■ Deep 09:30-12:00" and pinned.cells[0].first
    assert pinned.cells[1] == layout.rows[index].cells[1]  # the fence is left alone


def test_fit_picks_the_finest_zoom_that_shows_the_waking_day() -> None:
    date = pendulum.date(2026, 11, 25)
    late = block("Late", 22 * 60, 23 * 60 + 30, Sphere.PERSONAL, date)
    fit = {"date": date, "tz": BERLIN, "window": (540, 1020)}
    assert fit_zoom(blocks=[], rows=21, **fit) == (60, 7 * 60)  # 07:00-22:00 in 21 rows
    assert fit_zoom(blocks=[], rows=31, **fit) == (30, 7 * 60)
    assert fit_zoom(blocks=[late], rows=31, **fit) == (60, 7 * 60)  # till 23:30: 34 rows
    assert fit_zoom(blocks=[], rows=200, **fit) == (5, 7 * 60)
    assert zoom_step(15, finer=True) == 5 and zoom_step(5, finer=True) == 5
    assert zoom_step(20, finer=False) == 30 and zoom_step(60, finer=False) == 60


def test_an_overlap_is_named_on_its_first_row_and_on_the_first_visible_one() -> None:
    date = pendulum.date(2026, 11, 25)
    blocks = [block("A", 600, 720, Sphere.WORK, date), block("B", 630, 690, Sphere.WORK, date)]
    layout = layout_for(date, blocks)
    row_of = by_time(layout)
    assert row_of["10:30"].cells[0].text == "‼ A × B" and row_of["10:30"].cells[0].first
    assert row_of["10:45"].cells[0].text == "‼" and not row_of["10:45"].cells[0].first
    assert layout.pinned(row_of["10:45"].index).cells[0].text == "‼ A × B"


def test_the_header_fits_80_columns_by_shortening_step_by_step() -> None:
    """What happened ("✓ 3 ✗ 1 · work ran 5h45 · 1 overrun") pushed the header past 80
    columns: it is shortened, figures first, until it fits; wide terminals keep it whole."""
    from flowday.application.day_screen import DayScreen
    from flowday.domain.model import Day
    from flowday.tui.widgets.day_header import header

    date = pendulum.date(2026, 11, 25)
    figures = {"done": 3, "skipped": 1, "work": 285, "actual_work": 345, "overruns": 1}
    view = DayScreen(
        date=date, day=Day(date), mode="integration", window=(540, 1020), blocks=[],
        violations=[], tasks=[], figures=figures, now=pendulum.datetime(2026, 11, 25, 18),
        is_today=True, buffer_minutes=15, woven=False, trial="trial day 3 of 20",
    )  # fmt: skip
    wide = header(view, 200).plain
    assert wide.endswith("│ ✓ 3 ✗ 1 · work ran 5h45 · 1 overrun") and "(fenced)" in wide
    narrow = header(view, 80)
    assert narrow.cell_length <= 80, narrow.plain
    assert narrow.plain.endswith("│ ✓3 ✗1 ran 5h45 »1") and "09:00-17:00" in narrow.plain
    assert header(replace(view, trial=""), 80).plain.startswith(" Wed 25 Nov 2026 · today")
    # a weekend has no window to keep; a day off says so (with its note) further on
    weekend = header(replace(view, working_day=False), 200).plain
    assert "│ not a working day" in weekend and "09:00" not in weekend
    planned_off = Day(date, off=True, off_note="Lisbon")
    off = header(replace(view, working_day=False, day=planned_off), 200).plain
    assert "│ day off: Lisbon" in off and "not a working day" not in off and "09:00" not in off


def test_a_day_that_is_not_a_working_day_draws_no_window_and_no_buffer_without_work() -> None:
    saturday = pendulum.date(2026, 11, 28)
    hike = block("Hike", 600, 720, Sphere.PERSONAL, saturday)
    working = layout_for(saturday, [hike])
    assert any(r.in_window for r in working.rows)
    weekend = layout_for(saturday, [hike], working_day=False)
    assert not any(r.in_window for r in weekend.rows)
    kinds = {c.kind for r in weekend.rows for c in r.cells}
    assert CellKind.FENCED not in kinds and CellKind.BUFFER not in kinds
    # work done on a weekend still gets its buffer after it, not after the unused window
    report = block("Report", 600, 660, Sphere.WORK, saturday)
    rows = by_time(layout_for(saturday, [report], working_day=False))
    assert any(c.kind is CellKind.BUFFER for c in rows["11:00"].cells)
    assert not any(c.kind is CellKind.BUFFER for c in rows["17:00"].cells)
