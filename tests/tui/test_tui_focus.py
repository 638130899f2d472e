"""Keys act on what has focus: on the inbox, d/e/J/K/+/- manage tasks (u undoes each);
on the Rules panel they touch nothing; dialogs with edits ask before escape drops them."""

from __future__ import annotations

from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast, ToastRack

from flowday.application.planner import Planner
from flowday.domain.model import Sphere
from flowday.tui.screens.confirm import ConfirmScreen
from flowday.tui.screens.edit import EditBlockScreen, EditTaskScreen
from flowday.tui.screens.main import MainScreen
from flowday.tui.widgets.side_panel import SidePanel
from flowday.tui.widgets.timeline import Timeline

from .conftest import TODAY


def inbox(planner: Planner) -> list[tuple[str, int, int]]:
    return sorted((t.title, t.priority, t.estimate) for t in planner.store.tasks())


def listed(app) -> list[str]:
    options = app.main.query_one("#inbox")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_inbox_keys_act_on_tasks_and_never_on_the_timeline(seeded: Planner, make_app):
    blocks = seeded.store.blocks_on(TODAY)
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.main
        await pilot.press("tab")
        assert screen.focused is screen.query_one("#inbox")
        await pilot.press("j", "K")  # "Call mum" up to p1: first in the list, cursor on it
        assert inbox(seeded) == [("Call mum", 1, 20), ("Write report", 2, 60)]
        assert listed(app)[0].startswith("● Call mum") and "p1" in listed(app)[0]
        mum = next(t for t in seeded.store.tasks() if t.title == "Call mum")
        assert screen.query_one(SidePanel).selected_task_id() == mum.id
        await pilot.press("K")  # already p1: said, nothing changed
        assert inbox(seeded)[0] == ("Call mum", 1, 20)
        await pilot.press("plus", "plus", "minus")
        assert inbox(seeded)[0] == ("Call mum", 1, 35)
        await pilot.press("d")  # the task under the cursor, not the selected block
        assert inbox(seeded) == [("Write report", 2, 60)]
        await pilot.press("u", "u", "u", "u")  # delete, -, +, + undone in turn
        assert inbox(seeded) == [("Call mum", 1, 20), ("Write report", 2, 60)]
        await pilot.press("j", "e")  # "Write report" (second now)
        dialog = app.screen
        assert isinstance(dialog, EditTaskScreen)
        dialog.query_one("#task-title").value = "Write the report"
        dialog.query_one("#task-due").value = "2026-12-01"
        await pilot.press("escape")  # edits in it: asked first
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen is dialog
        await pilot.press("enter")
        await pilot.pause()
        task = next(t for t in seeded.store.tasks() if t.title == "Write the report")
        assert task.due is not None and task.due.to_date_string() == "2026-12-01"
        await pilot.press("u")
        assert inbox(seeded) == [("Call mum", 1, 20), ("Write report", 2, 60)]
        await pilot.press("tab")  # the Rules panel: block and task keys touch nothing
        assert screen.focused is screen.query_one("#rules")
        await pilot.press("d", "e", "J")
        assert isinstance(app.screen, MainScreen)
        assert inbox(seeded) == [("Call mum", 1, 20), ("Write report", 2, 60)]
        await pilot.press("tab", "e")  # the timeline again: e edits the block
        assert isinstance(app.screen, EditBlockScreen)
        await pilot.press("escape")  # nothing changed: closes at once
        assert app.screen is screen
    assert seeded.store.blocks_on(TODAY) == blocks


async def test_toasts_coalesce_and_stay_off_the_quick_add_line(
    seeded: Planner, make_app, monkeypatch
):
    app = make_app(seeded)
    monkeypatch.setattr(app, "NOTIFICATION_TIMEOUT", 600)  # a loaded machine: none expires
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("j", "j", "j", "j")  # Run, 18:00-19:00: free to move
        await pilot.press("J", "J", "J", "J", "J")  # five moves, then five undos
        await pilot.press("u", "u", "u", "u", "u")
        await pilot.press("u")  # nothing left to undo
        await pilot.press("u")  # the same message again: replaces, never stacks
        await pilot.pause()
        toasts = [n.message for n in app._notifications]
        assert toasts == ["Undid move", "Nothing to undo"]
        await pilot.press("a", *"Gym 25:00")
        await pilot.pause()
        rack = app.screen.get_child_by_type(ToastRack)  # a system widget: queries skip it
        quick = app.screen.query_one("#quick")
        shown = [toast.region for toast in rack.query(Toast)]
        assert len(shown) == 2 and all(r.height for r in shown)
        assert max(r.bottom for r in shown) <= quick.region.y  # the bar stays readable


async def test_switch_and_fix_says_what_is_true_after_the_fix(planner: Planner, make_app):
    """The toast once counted the rules broken *before* the fix ("2 rules broken — see
    Rules") while Rules and `flowday check` showed none afterwards."""
    planner.set_mode(TODAY, "integration")
    planner.add_block(TODAY, title="Emails", start=19 * 60, end=19 * 60 + 30,
                      sphere=Sphere.WORK, flexible=True)  # fmt: skip
    app = make_app(planner)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("m")  # balance is offered first (the other mode)
        await pilot.press("f")
        await pilot.pause()
        assert planner.store.day(TODAY).mode == "balance"
        moved = planner.store.blocks_on(TODAY)[0]
        assert moved.start < 17 * 60  # into the work window
        hard = [v for v in planner.check(TODAY)[1] if v.is_hard]
        toasts = [n.message for n in app._notifications]
        assert toasts[-1] == "Mode is now balance; moved 1 block" and not hard


async def test_an_empty_day_explains_itself(planner: Planner, make_app):
    app = make_app(planner)
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.main.query_one(Timeline)

        def text() -> str:
            return "\n".join(timeline.render_line(y).text for y in range(timeline.size.height))

        assert "Nothing planned on this day." in text()
        assert "Balance draws lines" in text() and "a adds a block" in text()
        await pilot.pause()
        keys = list(app.screen.query(FooterKey))
        assert keys  # the footer is drawn
        await pilot.press("g", "escape")  # a dialog opened and closed: the same footer shows
        assert list(app.screen.query(FooterKey)) == keys  # kept, not rebuilt (and restyled)
        await pilot.press("tab")  # the inbox: its own keys
        await pilot.pause()
        assert list(app.screen.query(FooterKey)) != keys
        await pilot.press("shift+tab")
        planner.add_block(TODAY, title="Standup", start=540, end=555, sphere=Sphere.WORK)
        app.main.reload()
        await pilot.pause()
        assert "Nothing planned" not in text()
