"""Found by using the planner at 80x24 as a terminal person would: each test is a bug that
was seen on screen, kept so it stays fixed."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.fuzzy import Matcher
from textual.geometry import Region
from textual.widgets import Button, Static

from flowday.application.intrusions import log_intrusion
from flowday.application.planner import Planner
from flowday.domain.frozen import replace
from flowday.domain.model import Sphere
from flowday.domain.wallclock import parse_clock
from flowday.tui.screens import main as main_module
from flowday.tui.screens.confirm import ConfirmScreen
from flowday.tui.screens.review import WeeklyReviewScreen
from flowday.tui.widgets.day_header import DayHeader
from flowday.tui.widgets.quick_add import QuickAddBar
from flowday.tui.widgets.timeline import GUTTER, Timeline

from .conftest import TODAY


def add_work(planner: Planner, *hours: int) -> None:
    for hour in hours:
        planner.add_block(
            TODAY, title=f"Work {hour}", start=parse_clock(f"{hour}:00"),
            end=parse_clock(f"{hour}:45"), sphere=Sphere.WORK,
        )  # fmt: skip


async def test_confirm_buttons_stay_on_screen_with_many_reasons(planner: Planner, make_app):
    """Hours of 12:00-12:30 on a full balance day broke six rules at once: the reasons
    pushed "Cross (y)" and "Cancel (n)" below the bottom of an 80x24 terminal."""
    add_work(planner, 9, 10, 11, 13, 14, 15, 16)
    app = make_app(planner)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("H", "ctrl+u", *"12:00-12:30", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        dialog = app.screen.query_one(".dialog")
        for button in app.screen.query(Button):
            assert dialog.region.contains_region(button.region), button.id


async def test_quick_add_verdict_does_not_name_an_internal_id(planner: Planner, make_app, paste):
    """The live verdict said "... and 'Clash' 09:00-09:30 (id preview) overlap"."""
    add_work(planner, 9)
    app = make_app(planner)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await paste(pilot, "Clash 9:00-9:30 #work")
        preview = app.screen.query_one("#quick-preview", Static)
        shown = str(preview.render())
        assert "refused by no-overlap" in shown
        assert "preview" not in shown
        assert app.screen.query_one(QuickAddBar).display


async def test_weekly_review_rows_fit_80_columns(planner: Planner, make_app):
    """At 80x24 every day's row of the review wrapped its ratings onto a second line; the
    planned-vs-actual table (shown once something was marked) fits too."""
    from flowday.application import outcomes

    add_work(planner, 9, 10)
    first, second = sorted(planner.store.blocks_on(TODAY), key=lambda b: b.start)
    outcomes.mark_done(planner, first.id, at=(540, 600))  # 09:00-10:00: 15 minutes more
    outcomes.mark_skipped(planner, second.id)
    log_intrusion(planner, planner.today(), from_sphere=Sphere.WORK, at=19 * 60 + 30)
    app = make_app(planner)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, WeeklyReviewScreen)
        days = app.screen.query_one("#review-days", Static)
        lines = str(days.render()).split("\n")  # the last one is empty
        assert max(len(line) for line in lines) <= days.content_region.width
        assert days.size.height == len(lines)  # no row wrapped
        assert "Planned vs actual work" in lines
        today = next(line for line in lines[lines.index("Planned vs actual work") :]
                     if line.startswith(TODAY.format("ddd D MMM")))  # fmt: skip
        assert today.split() == [*TODAY.format("ddd D MMM").split(), "1h30", "1h", "-30m",
                                 "1", "1", "0"]  # fmt: skip
        # the week's transitions, and a day × hour map of the intrusion logged at 19:30
        seams = app.screen.query_one("#review-transitions", Static)
        lines = str(seams.render()).split("\n")
        assert "intrusions: work → personal 1, personal → work 0" in lines[2]
        [today] = [
            line for line in lines if line.strip().startswith(planner.today().format("ddd D"))
        ]
        assert today.index("░░") == 2 + 10 + 19 * 2 and today.count("░") == 2
        assert max(len(line) for line in lines) <= seams.content_region.width
        assert seams.size.height == len(lines)


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light", "flowday-dark"])
async def test_no_color_keeps_text_readable_in_every_theme(
    planner: Planner, make_app, monkeypatch: pytest.MonkeyPatch, theme: str
):
    """NO_COLOR with an ANSI theme from the picker drew the header, the hours and the side
    panel black on black: Textual's monochrome filter turns "default" colours black."""
    monkeypatch.setenv("NO_COLOR", "1")
    add_work(planner, 9)
    app = make_app(planner)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.pause()
        header = app.screen.query_one(DayHeader)
        segments = list(header.render_lines(Region(0, 0, header.size.width, 1))[0])
        for line_filter in app.get_line_filters():  # what reaches the terminal
            segments = line_filter.apply(segments, Color(0, 0, 0))
        for segment in segments:
            style = segment.style
            if segment.text.strip() and style is not None and style.color is not None:
                # the terminal's own default colours are readable; one fixed colour on
                # itself is not
                assert style.color.is_default or style.color != style.bgcolor, segment.text


async def test_the_palette_finds_actions_by_their_plain_words(planner: Planner, make_app):
    """ctrl+p matches command titles only, and the titles were the footer's short words:
    "delete", "move", "schedule", "lengthen", "previous day" and "help" found nothing."""
    app = make_app(planner)
    async with app.run_test(size=(80, 24)):
        titles = [str(c.title) for c in app.get_system_commands(app.screen)]
        for query in ["delete", "move later", "schedule", "lengthen", "previous day", "help",
                      "undo", "work hours", "import calendar", "weekly review"]:  # fmt: skip
            assert any(Matcher(query).match(title) > 0 for title in titles), query


async def test_clicking_a_block_selects_it(seeded: Planner, make_app):
    """ "The mouse works too": a click on a block on the timeline did nothing."""
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        timeline = app.screen.query_one(Timeline)
        lunch = next(b for b in timeline.blocks if b.title == "Lunch")
        first, _ = timeline.layout_data.rows_of(lunch.id)
        y = first + 1 - int(timeline.scroll_offset.y)  # line 0 holds the lane titles
        assert 0 < y < timeline.size.height
        await pilot.click(Timeline, offset=(GUTTER + 3, y))
        assert timeline.selected_block == lunch
        await pilot.click(Timeline, offset=(GUTTER + 3, 0))  # the lane titles: no change
        assert timeline.selected_block == lunch


async def test_day_notes_are_shown_literally(planner: Planner, make_app):
    """An imported all-day event ("Holiday") becomes a day note, and the planner showed
    the day's notes nowhere."""
    with planner.store.transaction() as txn:
        txn.put_day(replace(txn.day(TODAY), notes=("[link=x]Holiday", "\x1b]0;pwned\x07Trip")))
    app = make_app(planner)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = str(app.screen.query_one(DayHeader).render())
        assert "[link=x]Holiday" in shown
        assert "Trip" in shown and "\x1b" not in shown and "pwned\x07" not in shown


async def test_delete_of_a_block_gone_elsewhere_does_not_claim_it_deleted(
    seeded: Planner, make_app, monkeypatch: pytest.MonkeyPatch
):
    """d on a block another terminal had just removed said both "no block with id ..."
    and "Deleted 'Standup' (u undoes)"."""
    monkeypatch.setattr(main_module, "POLL_SECONDS", 3600)  # the app has not noticed yet
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        standup = app.screen.query_one(Timeline).selected_block
        seeded.remove_block(standup.id)  # "flowday rm" elsewhere
        await pilot.press("d")
        messages = [n.message for n in app._notifications]
        assert any("no block with id" in m for m in messages)
        assert not any(m.startswith("Deleted") for m in messages)


async def test_help_fits_80x24_and_every_line_is_reachable(planner: Planner, make_app):
    """At 80x24 the ? table was wider than its dialog ("...and the ru") and its last rows
    could not be reached; now every group, the glyph legend and the quick-add syntax are."""
    app = make_app(planner)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        assert body.virtual_size.width <= body.scrollable_content_region.width  # no sideways
        assert body.region.bottom <= 24
        await pilot.press("end")
        await pilot.pause()
        last = list(body.children)[-1]
        assert "Dentist 12:30 45m" in str(last.render())
        assert last.region.bottom <= body.region.bottom  # the last line is on screen
        groups = [str(w.render()) for w in body.query(".help-group")]
        assert groups[:6] == ["Move around", "Plan the day", "What happened", "The inbox",
                              "Modes and hours", "Look back"]  # fmt: skip
        assert "What the timeline draws" in groups
