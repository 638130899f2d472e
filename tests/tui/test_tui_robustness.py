"""User text shows literally; other processes' changes appear; the app survives both."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

import pendulum
import pytest
from textual.widgets._toast import Toast

from flowday.application.planner import Planner
from flowday.domain.frozen import replace
from flowday.domain.model import Block, Sphere
from flowday.store import Store
from flowday.tui.app import FlowdayApp
from flowday.tui.screens.edit import EditBlockScreen
from flowday.tui.screens.main import POLL_SECONDS, MainScreen
from flowday.tui.widgets.quick_add import QuickAddBar
from flowday.tui.widgets.timeline import Timeline

TODAY = pendulum.date(2026, 11, 25)
WaitFor = Callable[..., Awaitable[None]]  # the wait_for fixture (tests/conftest.py)
Paste = Callable[..., Awaitable[None]]  # the paste fixture (tests/conftest.py)
CORPUS = [
    "[bold]x",
    "[link=http://e]y",
    "[@click=app.quit]z",
    "a [/italic] b",
    "\x1b]0;pwned\x07",
    "[red]unclosed",
    "\\[escaped]",
]


def screen_text(app: FlowdayApp) -> str:
    svg = app.export_screenshot()
    return html.unescape(svg).replace("\xa0", " ")


def put_raw(store: Store, title: str, start: int) -> None:
    """Write a block the way a hand-edited or foreign file could hold it: controls kept."""
    block = Block(
        id=f"raw{start:05d}", date=TODAY, start=start, end=start + 30, title=title,
        sphere=Sphere.PERSONAL,
    )  # fmt: skip
    with store.transaction() as txn:
        txn.put_block(block)


def timeline_text(app: FlowdayApp) -> str:
    """The painted text of every row of the day."""
    timeline = app.screen.query_one(Timeline)
    layout = timeline.layout_data
    assert layout is not None
    width = timeline.scrollable_content_region.width
    return "\n".join(timeline._row_strip(row, layout, width).text for row in layout.rows)


def toast_texts(app: FlowdayApp) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query(Toast)]


async def test_titles_render_literally_on_the_timeline(planner: Planner) -> None:
    for index, title in enumerate(CORPUS):
        put_raw(planner.store, title, 18 * 60 + index * 30)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one(Timeline).select("raw01080")
        await pilot.pause()
        text = timeline_text(app)
        for title in ("[bold]x", "[link=http://e]y", "[@click=app.quit]z", "a [/italic] b"):
            assert title in text
        assert "]0;pwned" in text
        assert "\x1b" not in text and "\x07" not in text
        assert "\x1b" not in screen_text(app)


async def test_titles_render_literally_in_the_inbox_and_rules(planner: Planner) -> None:
    for title in CORPUS[:4]:
        planner.add_task(f"{title} 20m #personal")
        planner.add_block(TODAY, title=title, start=600, end=630, sphere=Sphere.WORK, force=True)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        inbox = app.screen.query_one("#inbox")
        prompts = [str(inbox.get_option_at_index(i).prompt) for i in range(inbox.option_count)]
        rules = app.screen.query_one("#rules")
        messages = [str(rules.get_option_at_index(i).prompt) for i in range(rules.option_count)]
        for title in CORPUS[:4]:
            assert any(title in p for p in prompts)
            assert any(title in m for m in messages)
        assert "[bold]x" in screen_text(app)


async def test_notifications_show_titles_literally_and_never_crash(
    planner: Planner, wait_for: WaitFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index, title in enumerate(CORPUS):
        put_raw(planner.store, title, 18 * 60 + index * 30)
    app = FlowdayApp(planner, TODAY)
    # the toasts stay until read: on a loaded machine the first would expire (5 s) before
    # the last is shown
    monkeypatch.setattr(app, "NOTIFICATION_TIMEOUT", 600)
    monkeypatch.setattr("flowday.tui.app.MAX_TOASTS", len(CORPUS))  # every one stays to be read
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.screen.query_one(Timeline).select("raw01080")
        for _ in CORPUS:
            await pilot.press("d")  # each deletion notifies with the block's title
        shown = ("[bold]x", "[link=http://e]y", "[@click=app.quit]z", "a [/italic] b")
        expected = [f"Deleted '{title}'" for title in shown]

        def all_shown() -> bool:
            toasts = "\n".join(toast_texts(app))
            return all(text in toasts for text in expected)

        await wait_for(pilot, all_shown)
        toasts = "\n".join(toast_texts(app))
        assert "\x1b" not in toasts
        assert isinstance(app.screen, MainScreen)
        for _ in CORPUS:
            await pilot.press("u")
        assert len(planner.store.blocks_on(TODAY)) == len(CORPUS)
    assert app.return_code in (None, 0)


async def test_quick_add_takes_any_title_literally(planner: Planner) -> None:
    # one planner for the whole corpus (each start of the app costs the suite CPU); each
    # title is added, checked and removed again, so every one starts from an empty day
    # every title goes through the live preview; three of them (markup, a control
    # sequence, an escaped bracket: the kinds the corpus holds) are added too — adding
    # runs the same clean_title for all, and each add costs the suite ~0.8 s of CPU
    added = {"[bold]x", "\x1b]0;pwned\x07", "\\[escaped]"}
    assert added <= set(CORPUS)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        for title in CORPUS:
            app.screen.query_one("#quick-input").value = f"{title} 19:00-19:30 #personal"
            await pilot.pause()
            preview = str(app.screen.query_one("#quick-preview").render())
            assert "19:00-19:30" in preview and "\x1b" not in preview, repr(title)
            if title not in added:
                continue
            await pilot.press("enter")
            await pilot.pause()
            blocks = planner.store.blocks_on(TODAY)
            assert len(blocks) == 1 and "\x1b" not in blocks[0].title, repr(title)
            assert isinstance(app.screen, MainScreen), repr(title)
            planner.remove_block(blocks[0].id)
            await pilot.press("a")


async def test_changes_from_another_process_appear_within_two_seconds(
    planner: Planner, wait_for: WaitFor
) -> None:
    assert POLL_SECONDS <= 1
    other = Planner(Store(planner.store.root), planner.config, planner.clock)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a", *"half-typed")
        other.add_block(TODAY, title="From the CLI", start=600, end=630, sphere=Sphere.WORK)
        other.add_task("Inbox from CLI")
        # the 2 s promise is POLL_SECONDS (asserted above); the wait itself is generous, so a
        # loaded machine does not fail it
        await wait_for(
            pilot,
            lambda: any(b.title == "From the CLI" for b in app.screen.query_one(Timeline).blocks),
        )
        assert "Inbox from CLI" in screen_text(app)
        bar = app.screen.query_one(QuickAddBar)
        assert bar.display and bar.query_one("#quick-input").value == "half-typed"


async def test_an_open_edit_form_survives_an_external_change(
    planner: Planner, wait_for: WaitFor
) -> None:
    planner.add_block(TODAY, title="Mine", start=600, end=630, sphere=Sphere.WORK)
    other = Planner(Store(planner.store.root), planner.config, planner.clock)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e", "ctrl+u", *"Mine, renamed")
        other.add_block(TODAY, title="Theirs", start=700, end=730, sphere=Sphere.WORK)
        # until the main screen below has polled and shown the other process's block
        await wait_for(
            pilot, lambda: any(b.title == "Theirs" for b in app.main.query_one(Timeline).blocks)
        )
        assert isinstance(app.screen, EditBlockScreen)
        assert app.screen.query_one("#edit-title").value == "Mine, renamed"
        await pilot.press("enter")
    titles = {b.title for b in planner.store.blocks_on(TODAY)}
    assert titles == {"Mine, renamed", "Theirs"}


async def test_undo_keeps_what_another_process_added(planner: Planner, paste: Paste) -> None:
    other = Planner(Store(planner.store.root), planner.config, planner.clock)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await paste(pilot, "Mine 10:00-10:30 #work")
        await pilot.press("enter")
        other.add_block(TODAY, title="Theirs", start=700, end=730, sphere=Sphere.WORK)
        await pilot.press("u")
    assert [b.title for b in planner.store.blocks_on(TODAY)] == ["Theirs"]


async def test_a_damaged_file_from_elsewhere_is_reported_not_fatal(
    planner: Planner, wait_for: WaitFor
) -> None:
    planner.add_block(TODAY, title="Mine", start=600, end=630, sphere=Sphere.WORK)
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        # launched first (the launch reads the day too): from here on only the poll reads it
        await pilot.pause()
        path = planner.store.month_path(TODAY)
        path.write_text("{not json", encoding="utf-8")
        await wait_for(pilot, lambda: any("damaged" in n.message for n in app._notifications))
        assert isinstance(app.screen, MainScreen)


def test_the_configs_keymap_ids_are_the_planners_binding_ids() -> None:
    from flowday.config import KEYMAP_IDS
    from flowday.tui.screens.main import MainScreen
    from flowday.tui.widgets.timeline import Timeline

    bindings = [*MainScreen.BINDINGS, *Timeline.BINDINGS, *FlowdayApp.BINDINGS]
    assert sorted(KEYMAP_IDS) == sorted(b.id for b in bindings if b.id)  # type: ignore[union-attr]


async def test_unknown_config_keymap_ids_do_not_break_the_rest_of_the_keymap(
    planner: Planner,
) -> None:
    # the keymap is applied in on_load, so only a running app shows it: an unknown id next to
    # a known one must neither crash the app nor stop the known one from rebinding its key
    planner.add_block(TODAY, title="Mine", start=600, end=630, sphere=Sphere.WORK)
    planner.config = replace(planner.config, keymap={"no_such_action": "z", "move_later": "n"})
    app = FlowdayApp(planner, TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("z", "n")
        assert isinstance(app.screen, MainScreen)
    assert [b.span for b in planner.store.blocks_on(TODAY)] == ["10:15-10:45"]
