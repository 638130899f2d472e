"""Every key of the main screen, pressed through the Pilot, checked against the store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pendulum
import pytest
from textual._styles_cache import StylesCache
from textual.widget import Widget
from textual.widgets import OptionList, Static

from flowday.application.planner import Planner
from flowday.domain.clock import FixedClock
from flowday.domain.model import Block, Sphere
from flowday.domain.wallclock import parse_clock
from flowday.store import Store
from flowday.tui.compat import FinishedLines, RememberingStatic, RepaintOnResizeOptionList
from flowday.tui.screens.confirm import ConfirmScreen
from flowday.tui.screens.edit import EditBlockScreen
from flowday.tui.screens.help import HelpScreen
from flowday.tui.screens.main import MainScreen
from flowday.tui.screens.mode import ModeScreen
from flowday.tui.widgets.quick_add import QuickAddBar
from flowday.tui.widgets.timeline import Timeline

TODAY = pendulum.date(2026, 11, 25)
WaitFor = Callable[..., Awaitable[None]]  # the wait_for fixture (tests/conftest.py)


def spans(planner: Planner, date: pendulum.Date = TODAY) -> dict[str, str]:
    return {b.title: b.span for b in planner.store.blocks_on(date)}


def main(app) -> MainScreen:
    return app.main


def selected(app) -> Block | None:
    return main(app).query_one(Timeline).selected_block


async def test_opens_on_the_date_with_the_first_block_selected(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)):
        assert main(app).date == TODAY
        assert selected(app).title == "Standup"


@pytest.mark.parametrize(
    ("now", "expected"),
    [("10:00", "Deep work"), ("16:10", "Run"), ("18:30", "Run"), ("21:00", "Run")],
    ids=["under-way", "next", "under-way-evening", "all-done"],
)
async def test_today_opens_on_the_block_under_way_or_next_with_now_in_view(
    seeded, make_app, now: str, expected: str
):
    hour, minute = map(int, now.split(":"))
    seeded.clock = FixedClock(pendulum.datetime(2026, 11, 25, hour, minute, tz="Europe/Berlin"))
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert selected(app).title == expected
        timeline = main(app).query_one(Timeline)
        now_row = next(r.index for r in timeline.layout_data.rows if r.now)
        top = timeline.scroll_offset.y
        assert top < now_row < top + timeline.size.height  # the now-line is on screen


async def test_another_day_opens_on_its_first_block(seeded, make_app):
    tomorrow = TODAY.add(days=1)
    seeded.add_block(tomorrow, title="Dentist", start=480, end=510, sphere=Sphere.PERSONAL)
    seeded.add_block(tomorrow, title="Late call", start=1200, end=1230, sphere=Sphere.WORK,
                     force=True)  # fmt: skip
    seeded.clock = FixedClock(pendulum.datetime(2026, 11, 25, 22, 0, tz="Europe/Berlin"))
    app = make_app(seeded, tomorrow)
    async with app.run_test(size=(80, 24)):
        assert selected(app).title == "Dentist"


async def test_j_k_and_arrows_select_blocks(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j")
        assert selected(app).title == "Deep work"
        await pilot.press("down", "down")
        assert selected(app).title == "Code review"
        await pilot.press("k")
        assert selected(app).title == "Lunch"
        await pilot.press("up", "up", "up")  # stops at the first
        assert selected(app).title == "Standup"


async def test_tab_moves_between_timeline_and_inbox(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.focused.id == "timeline"
        await pilot.press("tab")
        assert app.focused.id == "inbox"
        await pilot.press("shift+tab")
        assert app.focused.id == "timeline"


async def test_J_K_move_by_15_minutes(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "J")
        assert spans(seeded)["Deep work"] == "09:45-11:45"
        await pilot.press("K", "K")
        assert spans(seeded)["Deep work"] == "09:15-11:15"
        assert selected(app).title == "Deep work"
        # a change repaints only the rows that changed: what shows is what a whole
        # repaint shows
        await pilot.press("plus", "j", "J", "k")
        await pilot.pause()
        partly = app.export_screenshot()
        main(app).query_one(Timeline).refresh()
        await pilot.pause()
        assert app.export_screenshot() == partly


async def test_plus_minus_resize(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("plus")
        assert spans(seeded)["Standup"] == "09:00-09:30"
        await pilot.press("minus", "minus")
        assert spans(seeded)["Standup"] == "09:00-09:15"  # cannot shrink to nothing
        assert "Standup" in spans(seeded)


async def test_a_adds_with_live_preview(seeded, make_app, paste):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        bar = main(app).query_one(QuickAddBar)
        assert bar.display
        await pilot.press(*"Walk 14:30 30m #personal")
        preview = str(bar.query_one("#quick-preview").render())
        assert "14:30-15:00" in preview and "refused by no-overlap" in preview
        await pilot.press("ctrl+u")
        await paste(pilot, "Emails 16:00 30m #work")  # the first text was typed key by key
        preview = str(bar.query_one("#quick-preview").render())
        assert "Emails 16:00-16:30 work" in preview and "allowed" in preview
        await pilot.press("enter")
        assert spans(seeded)["Emails"] == "16:00-16:30"
        assert not bar.display
        assert selected(app).title == "Emails"


async def test_malformed_quick_add_shows_error_and_keeps_text(seeded, make_app, paste):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await paste(pilot, "Broken 25:99 #work")
        await pilot.press("enter")
        bar = main(app).query_one(QuickAddBar)
        assert bar.display
        assert bar.query_one("#quick-input").value == "Broken 25:99 #work"
        assert "not a time" in str(bar.query_one("#quick-preview").render())
        assert "Broken" not in spans(seeded)
        await pilot.press("escape")
        assert not bar.display


async def test_A_adds_an_inbox_task_and_the_switch_ritual_parks_a_thought(
    seeded, make_app, paste, clock
):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("A")
        await paste(pilot, "Book flights 45m #personal")
        await pilot.press("enter")
        titles = [t.title for t in seeded.store.tasks()]
        assert "Book flights" in titles

        # crossing from work (Code review ends 15:30) into personal time (Run at 18:00):
        # offered once, only when idle, never over the quick-add line
        def offers() -> list[str]:
            return [str(n.message) for n in app._notifications if n.title == "Switch"]

        screen = app.screen
        object.__setattr__(clock, "at", pendulum.datetime(2026, 11, 25, 15, 40, tz="Europe/Berlin"))
        await pilot.press("A")
        app.last_key_at -= 60
        screen.check_reminders()  # not idle: the quick-add line is open
        await pilot.pause()
        assert offers() == []
        await pilot.press("escape")
        app.last_key_at -= 60
        screen.check_reminders()
        screen.check_reminders()
        await pilot.pause()
        assert offers() == [
            "Work ends, 18:00 is yours: press P to park a lingering work thought in the inbox"
        ]
        await pilot.press("P")
        label = str(screen.query_one("#quick-label", Static).render())
        assert label.startswith("Park a work thought in the inbox")
        await paste(pilot, "Reply to Ana about the budget")
        await pilot.press("enter")
        parked = [t for t in seeded.store.tasks() if t.title == "Reply to Ana about the budget"]
        assert [t.sphere for t in parked] == [Sphere.WORK]


async def test_e_edits_in_a_form(seeded, make_app, paste):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, EditBlockScreen)
        await pilot.press("ctrl+u")
        await paste(pilot, "Team standup")
        await pilot.press("tab", "ctrl+u")
        await paste(pilot, "9:05")
        await pilot.press("enter")
        assert spans(seeded)["Team standup"] == "09:05-09:15"


async def test_edit_form_shows_bad_times_inline(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e", "tab", "ctrl+u", *"nine", "enter")
        assert isinstance(app.screen, EditBlockScreen)
        assert "not a time" in str(app.screen.query_one("#edit-error").render())
        await pilot.press("escape")
        assert spans(seeded)["Standup"] == "09:00-09:15"


async def test_d_deletes_and_u_ctrl_r_undo_redo(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "j", "d")  # Lunch
        assert "Lunch" not in spans(seeded)
        assert selected(app).title != "Lunch"
        await pilot.press("u")
        assert spans(seeded)["Lunch"] == "12:00-12:45"
        assert selected(app).title == "Lunch"  # what undo brought back is selected
        await pilot.press("ctrl+r")
        assert "Lunch" not in spans(seeded)
        await pilot.press("u")
        assert "Lunch" in spans(seeded) and selected(app).title == "Lunch"
        await pilot.press("i")  # an intrusion, now: 08:30 is personal time before work
        [logged] = seeded.store.day(TODAY).intrusions
        assert (logged.direction, logged.at) == ("work-into-personal", 8 * 60 + 30)
        await pilot.press("u")
        assert seeded.store.day(TODAY).intrusions == ()


async def test_undoing_a_move_selects_the_block_it_moved_back(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"jjjj", "J", *"kkkk")  # move Run, then select Standup again
        assert selected(app).title == "Standup"
        await pilot.press("u")
        assert spans(seeded)["Run"] == "18:00-19:00" and selected(app).title == "Run"


async def test_undo_covers_moves_and_adds(seeded, make_app, paste):
    app = make_app(seeded)
    before = spans(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("J", "J", "plus", "a")
        await paste(pilot, "Tea 16:00 15m #break")
        await pilot.press("enter")
        assert spans(seeded) != before
        await pilot.press("u", "u", "u", "u")
        assert spans(seeded) == before


def rule_lines(app) -> list[str]:
    rules = main(app).query_one("#rules")
    return [str(rules.get_option_at_index(i).prompt) for i in range(rules.option_count)]


def assert_drawn_as_textual_draws(app, monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen drawn from the lines flowday keeps (compat: FinishedLines and its kin)
    is the screen Textual's own code draws afresh from the widgets' content."""
    kept = app.export_screenshot()
    with monkeypatch.context() as textual_alone:
        textual_alone.setattr(FinishedLines, "render_lines", Widget.render_lines)
        textual_alone.setattr(RememberingStatic, "render_line", Widget.render_line)
        for name in ("render_line", "_get_option_render"):
            textual_alone.setattr(RepaintOnResizeOptionList, name, getattr(OptionList, name))
        for widget in main(app).walk_children():
            if isinstance(widget, FinishedLines):
                widget.forget_rendered()
        afresh = app.export_screenshot()
    assert kept == afresh


async def test_brackets_t_and_g_change_the_date(seeded, make_app, paste, monkeypatch):
    # a work day without an evening: a warning on the next day, none on this one
    seeded.add_block(TODAY.add(days=1), title="Focus", start=parse_clock("10:00"),
                     end=parse_clock("11:00"), sphere=Sphere.WORK)  # fmt: skip
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()  # the start's own layouts are done
        layouts: list[object] = []
        screen = main(app)
        screen.screen_layout_refresh_signal.subscribe(screen, layouts.append, immediate=True)
        await pilot.press("right_square_bracket")
        assert main(app).date == TODAY.add(days=1)
        assert rule_lines(app) == ["! plan-evening"]
        await pilot.press("left_square_bracket")
        assert rule_lines(app) == ["✔ no violations"]
        # the Rules list refilled, the timeline redrawn: no layout of the whole screen
        # (it was most of a day change's time)
        assert layouts == []
        # there and back again: the timeline's lines are those finished the first time
        # (Textual finished each repainted line afresh: most of a day change's CPU)
        finished: list[Widget] = []
        finish = StylesCache.render_widget
        with monkeypatch.context() as counted:
            counted.setattr(StylesCache, "render_widget",
                            lambda cache, widget, crop: finished.append(widget)
                            or finish(cache, widget, crop))  # fmt: skip
            await pilot.press("right_square_bracket", "left_square_bracket")
        assert main(app).date == TODAY
        assert not [w for w in finished if isinstance(w, Timeline)]
        # ... and what is kept is what Textual draws: a day with a warning, the focus on
        # the inbox (another border colour), its cursor moved
        for key in ("right_square_bracket", "tab", "j"):
            await pilot.press(key)
            assert_drawn_as_textual_draws(app, monkeypatch)
        await pilot.press("left_square_bracket")  # today (the inbox focused: no matter)
        await pilot.press("left_square_bracket")
        assert main(app).date == TODAY.subtract(days=1)
        await pilot.press("right_square_bracket")
        await pilot.pause()  # the days either side are read ahead
        seeded.add_block(TODAY.add(days=1), title="Walk", start=parse_clock("18:00"),
                         end=parse_clock("19:00"), sphere=Sphere.PERSONAL)  # fmt: skip
        await pilot.press("right_square_bracket")  # changed since it was read ahead
        assert [b.title for b in main(app).query_one(Timeline).blocks] == ["Focus", "Walk"]
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.press("t")
        assert main(app).date == TODAY
        await pilot.press("g")
        await paste(pilot, "2026-12-24")
        await pilot.press("enter")
        assert main(app).date == pendulum.date(2026, 12, 24)
        await pilot.press("g")
        await paste(pilot, "someday")
        await pilot.press("enter")
        assert "not a date" in str(app.screen.query_one("#goto-error").render())
        await pilot.press("escape")
        assert main(app).date == pendulum.date(2026, 12, 24)


async def test_m_switches_mode_and_u_undoes_the_switch(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("m")  # escape changes nothing
        await pilot.pause()
        preview = str(app.screen.query_one("#mode-preview").render())
        assert preview.startswith("Integration draws connections")  # what the mode means
        assert app.screen.query_one("#fix").disabled  # nothing to move: no "switch + fix"
        await pilot.press("f")  # f does nothing then
        assert isinstance(app.screen, ModeScreen)
        await pilot.press("escape")
        assert seeded.store.day(TODAY).mode is None
        await pilot.press("m")
        assert isinstance(app.screen, ModeScreen)
        assert "In integration" in str(app.screen.query_one("#mode-preview").render())
        await pilot.press("enter")
        assert seeded.store.day(TODAY).mode == "integration"
        assert main(app).query_one(Timeline).layout_data.lanes == ("day",)
        assert len(seeded.store.day(TODAY).mode_switches) == 1
        await pilot.press("u")
        assert seeded.mode_of(seeded.store.day(TODAY)) == "balance"
        assert main(app).query_one(Timeline).layout_data.lanes == ("work", "personal")
        await pilot.press("ctrl+r")
        assert seeded.store.day(TODAY).mode == "integration"
        # back to balance after moving the hours: the fix offers the configured hours
        seeded.set_hours(TODAY, parse_clock("10:00"), parse_clock("18:00"), force=True)
        await pilot.press("m")
        await pilot.pause()
        preview = str(app.screen.query_one("#mode-preview").render())
        assert "The fix would set the work window back to 09:00-17:00" in preview
        assert preview.count("fixed-hours") == 1  # each violation once
        assert not app.screen.query_one("#fix").disabled
        await pilot.press("f")
        await pilot.pause()
        day = seeded.store.day(TODAY)
        assert (day.mode, day.work_start, day.work_end) == ("balance", None, None)
        assert "work window back to your hours" in list(app._notifications)[-1].message


async def test_refusal_then_forced_crossing_via_confirm(seeded, make_app, paste):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await paste(pilot, "Clash 9:00-9:30 #work")
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Clash" not in spans(seeded)  # refused: nothing changed yet
        assert [v.rule for v in app.screen.violations] == ["no-overlap"]  # the dialog says why
        assert not list(app._notifications)  # and no toast covers its reasons
        # the refused block was never stored: no message may point at its id
        assert not any("'Clash' 09:00-09:30 (id" in v.message for v in app.screen.violations)
        await pilot.press("n")
        assert "Clash" not in spans(seeded)
        assert seeded.store.day(TODAY).crossings == ()
        await pilot.press("enter")  # the quick-add kept the text: try again
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert spans(seeded)["Clash"] == "09:00-09:30"
        crossings = seeded.store.day(TODAY).crossings
        assert [c.rule for c in crossings] == ["no-overlap"]
        await pilot.press("a")  # a refusal offers the way forward the mode has
        await paste(pilot, "Swim 13:00-13:30 #personal")
        await pilot.press("enter")
        hint = str(app.screen.query_one("#confirm-hint").render())
        assert hint == "Or: take the nearest time the rules allow: 17:00-17:30"
        await pilot.press("n")


async def test_changes_show_before_they_are_stored_and_a_refused_one_never(
    seeded, make_app, paste, monkeypatch
):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = main(app).query_one(Timeline)

        def shown(blocks) -> dict[str, tuple[str, str]]:
            return {b.title: (b.span, b.outcome.value) for b in blocks}

        painted: list[dict[str, tuple[str, str]]] = []  # every day the timeline was given
        show = timeline.show

        def spy(layout, blocks, **options):
            painted.append(shown(blocks))
            return show(layout, blocks, **options)

        monkeypatch.setattr(timeline, "show", spy)
        at_write: list[dict[str, tuple[str, str]]] = []  # on screen as each write begins
        transaction = Store.transaction

        def spied(self):
            at_write.append(shown(timeline.blocks))
            return transaction(self)

        monkeypatch.setattr(Store, "transaction", spied)
        await pilot.press("plus", "plus")  # Standup 09:00-09:45 runs into Deep work 09:30
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        # the judge refuses it in memory: never painted, not even for a frame
        assert [day for day in painted if day["Standup"][0] == "09:00-09:45"] == []
        assert spans(seeded)["Standup"] == "09:00-09:30"  # the first + only
        # keys, then text typed into the dialog or the quick-add line (then enter): a key's
        # change, a dialog's, the quick-add line's, an undo (S, e, J and ctrl+r take the
        # same paths as x, X, X and u)
        for keys, text in ((("x",), ""), (("X", "ctrl+u"), "09:05-09:20"),
                           (("a",), "Walk 20:00-20:30 #personal"), (("u",), "")):  # fmt: skip
            writes = len(at_write)
            await pilot.press(*keys)
            if text:
                await paste(pilot, text)
                await pilot.press("enter")
            await pilot.pause()
            assert len(at_write) == writes + 1, keys
            # what the write stores was on screen before it began
            assert at_write[-1] == shown(seeded.store.blocks_on(TODAY)), keys
        stored = shown(seeded.store.blocks_on(TODAY))
        assert stored["Standup"] == ("09:00-09:30", "done")
        assert "Walk" not in stored  # undone


async def test_s_schedules_the_inbox_task_p_plans_the_rest_u_undoes(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "s")  # the first inbox task: Write report (1h, work)
        assert [t.title for t in seeded.store.tasks()] == ["Call mum"]
        placed = {b.title: b for b in seeded.store.blocks_on(TODAY)}["Write report"]
        assert placed.sphere is Sphere.WORK and placed.end - placed.start == 60 and placed.flexible
        assert selected(app).title == "Write report"
        await pilot.press("p")  # worked out in a worker, then stored
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seeded.store.tasks() == []
        assert "Call mum" in spans(seeded)
        await pilot.press("u")
        assert [t.title for t in seeded.store.tasks()] == ["Call mum"]
        assert "Call mum" not in spans(seeded)


async def test_r_and_w_open_their_screens_or_say_not_yet(seeded, make_app):
    import importlib.util

    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        for key, module in (("r", "reflection"), ("w", "review")):
            await pilot.press(key)
            if importlib.util.find_spec(f"flowday.tui.screens.{module}") is None:
                assert isinstance(app.screen, MainScreen)
                assert any("not part of this build" in n.message for n in app._notifications)
            else:
                assert not isinstance(app.screen, MainScreen)
                await pilot.press("escape")


async def test_question_mark_lists_every_key(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = {row[1] for row in app.screen.rows}
        for binding in MainScreen.BINDINGS:
            assert binding.description in described
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_help_scrolls_with_the_planners_movement_keys(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0  # more than a screen: keys, glyphs, quick-add
        await pilot.press("j", "j", "j")
        assert body.scroll_offset.y == 3
        await pilot.press("k")
        assert body.scroll_offset.y == 2
        await pilot.press("end")
        assert body.scroll_offset.y == body.max_scroll_y
        await pilot.press("g")
        assert body.scroll_offset.y == 0


async def test_ctrl_p_palette_runs_actions(seeded, make_app, monkeypatch, tmp_path, wait_for):
    from flowday import places

    monkeypatch.setattr(places, "screenshot_folder", lambda: tmp_path)
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Next day")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert main(app).date == TODAY.add(days=1)
        # the screenshot: saved through flowday, the toast says where in plain text
        await pilot.press("ctrl+p")
        await pilot.press(*"Screenshot")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: list(tmp_path.glob("*.svg")))
        (saved,) = tmp_path.glob("*.svg")
        assert saved.read_text().startswith("<svg")
        (toast,) = app._notifications
        assert toast.message == f"Saved the screenshot to {saved}" and not toast.markup
        assert app.action_save_screenshot(tmp_path / "gone") is None  # and why not
        await pilot.pause()
        toasts = [n.message for n in app._notifications]
        assert f"Could not save the screenshot in {tmp_path / 'gone'}: " in toasts[-1]
        assert "No such file or directory" in toasts[-1]


async def test_q_quits(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


async def test_keymap_from_config_rebinds(seeded, make_app):
    from flowday.domain.frozen import replace

    seeded.config = replace(seeded.config, keymap={"move_later": "n"})
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        assert spans(seeded)["Standup"] == "09:15-09:30"


async def test_resize_keeps_the_selection(seeded, make_app):
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j", "j")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert selected(app).title == "Code review"
        await pilot.resize_terminal(120, 40)
        assert selected(app).title == "Code review"


async def test_selecting_a_violation_jumps_to_its_block(seeded, make_app):
    seeded.add_block(TODAY, title="Clash", start=parse_clock("14:30"), end=parse_clock("15:00"),
                     sphere=Sphere.WORK, force=True)  # fmt: skip
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        assert selected(app).title == "Standup"
        app.screen.query_one("#rules").focus()
        await pilot.press("enter")
        assert selected(app).title in ("Code review", "Clash")
        assert app.focused.id == "timeline"


async def test_home_and_end_scroll_the_whole_day(seeded, make_app, wait_for: WaitFor):
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        timeline = main(app).query_one(Timeline)
        assert timeline.scroll_offset.y > 0  # opens at 06:00 or later, not at midnight
        await pilot.press("home")
        await wait_for(pilot, lambda: timeline.scroll_offset.y == 0)  # the scroll is animated
        await pilot.press("end")
        await wait_for(pilot, lambda: timeline.scroll_offset.y == timeline.max_scroll_y)
        assert timeline.max_scroll_y > 0
