"""The main screen in every shipped theme (and without colour), on the same fixed day and
clock as the TUI's tests: Wed 25 Nov 2026, 10:00 Europe/Berlin, balance mode, plus one
forced crossing so the violation colour shows too."""

from __future__ import annotations

import re

import pendulum
import pytest
from rich.color import Color as RichColor

from flowday.application.planner import Planner
from flowday.domain.model import Sphere
from flowday.domain.wallclock import parse_clock
from flowday.themes import shipped_themes_dir
from flowday.tui.app import FlowdayApp
from flowday.tui.widgets.timeline import Timeline

from .colorvision import contrast_ratio

TODAY = pendulum.date(2026, 11, 25)
SIZE = (100, 60)  # tall enough to show the whole planned day, 09:15 to 22:45
DAY = [
    ("Standup", "09:00", "09:15", Sphere.WORK, False),
    ("Deep work", "09:30", "11:30", Sphere.WORK, True),
    ("Lunch", "12:00", "12:45", Sphere.BREAK, False),
    ("Code review", "14:00", "15:30", Sphere.WORK, False),
    ("Run", "18:00", "19:00", Sphere.PERSONAL, False),
]
SHIPPED = sorted(path.stem for path in shipped_themes_dir().glob("*.toml"))


@pytest.fixture
def day(planner: Planner) -> Planner:
    for title, start, end, sphere, flexible in DAY:
        planner.add_block(
            TODAY, title=title, start=parse_clock(start), end=parse_clock(end), sphere=sphere,
            flexible=flexible,
        )  # fmt: skip
    # work after hours on a balance day: a crossed fence, drawn in the violation colour
    planner.add_block(
        TODAY, title="Emails", start=parse_clock("20:00"), end=parse_clock("20:30"),
        sphere=Sphere.WORK, force=True,
    )  # fmt: skip
    planner.add_task("Write report 1h #work")
    return planner


@pytest.mark.parametrize("theme", SHIPPED)
async def test_block_text_is_readable_in_each_shipped_theme(day: Planner, theme: str) -> None:
    """What the timeline really paints: every block's text against its block colour, and
    the fence and now-line against the background, read from the rendered cells."""
    app = FlowdayApp(day, TODAY, theme=theme)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        timeline = app.screen.query_one(Timeline)
        segments = [
            segment
            for y in range(timeline.size.height)
            for segment in timeline.render_line(y)
            if segment.text.strip() and segment.style and segment.style.color
        ]
    assert app.theme == theme
    checked = set()
    for segment in segments:
        style = segment.style
        assert style is not None and style.color is not None
        background = style.bgcolor or app.screen.styles.background.rich_color
        ratio = contrast_ratio(_hex(style.color), _hex(background))
        glyph = segment.text.strip().lstrip("▸✖! ")[:1]
        if glyph in "■●◌" and glyph:
            checked.add(glyph)
            assert ratio >= 4.5, (segment.text, _hex(style.color), _hex(background), ratio)
        elif re.match(r"\d\d:\d\d-\d\d:\d\d ", segment.text.strip()):  # "09:30-11:30 work"
            checked.add("time")  # a block's detail row, on its pale tint
            assert ratio >= 4.5, (segment.text, ratio)
        elif segment.text.strip()[:1] in "┏┃┗▶":
            checked.add(segment.text.strip()[:1])
            assert ratio >= 3, (segment.text, ratio)
    assert {"■", "●", "◌", "┃", "▶", "time"} <= checked  # every kind of cell was looked at


def _hex(color: RichColor) -> str:
    red, green, blue = color.get_truecolor()
    return f"#{red:02X}{green:02X}{blue:02X}"


@pytest.mark.parametrize("theme", SHIPPED)
def test_main_screen_in_each_shipped_theme(snap_compare, day: Planner, theme: str) -> None:
    app = FlowdayApp(day, TODAY, theme=theme)
    assert snap_compare(app, terminal_size=SIZE)


def test_main_screen_without_colour(
    snap_compare, day: Planner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it when the app is made
    app = FlowdayApp(day, TODAY)
    assert app.no_color
    assert snap_compare(app, terminal_size=SIZE)


async def test_without_colour_spheres_and_crossings_are_told_by_glyphs_and_labels(
    day: Planner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = FlowdayApp(day, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        timeline = app.screen.query_one(Timeline)
        lines = [timeline.render_line(y).text for y in range(timeline.size.height)]
    screen = "\n".join(lines)
    for glyph_and_title in ("■ Standup", "◌ Lunch", "● Run", "■ Emails"):
        assert glyph_and_title in screen, screen
    assert "✖" in screen  # the crossing is marked, not only coloured
    assert "▶" in screen  # the now-line
