"""The themes inside the app: registered for the theme picker, chosen on mount, the pick
made in the app remembered, and a bad theme a warning rather than a crash."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from rich.color import ColorSystem
from textual.command import CommandList

from flowday.application.planner import Planner
from flowday.config import Config
from flowday.domain.clock import FixedClock
from flowday.domain.frozen import replace
from flowday.store import Store, StoreError
from flowday.themes import DEFAULT_THEME, load_catalog
from flowday.tui.app import FlowdayApp
from flowday.tui.widgets.timeline import Timeline

from .conftest import ThemeWriter

Notes = list[tuple[str, dict[str, Any]]]
AppAndNotes = tuple[FlowdayApp, Notes]
MakeApp = Callable[..., AppAndNotes]
WaitFor = Callable[..., Awaitable[None]]  # the wait_for fixture (tests/conftest.py)


def top_command(app: FlowdayApp) -> str:
    """The palette's first hit ("" while its worker is still searching)."""
    found = app.screen.query(CommandList)
    if not found or not found.first().option_count:
        return ""
    return str(found.first().get_option_at_index(0).prompt)


@pytest.fixture
def make_app(store: Store, config: Config, clock: FixedClock) -> MakeApp:
    """``make_app(config_theme=..., cli=...)``: the real app on the test store, with its
    notifications recorded instead of shown."""

    def make(*, config_theme: str | None = None, cli: str | None = None) -> AppAndNotes:
        planner = Planner(store, replace(config, theme=config_theme), clock)
        app = FlowdayApp(planner, theme=cli)
        notes: Notes = []
        app.notify = lambda message, **kwargs: notes.append((message, kwargs))  # type: ignore[method-assign]
        return app, notes

    return make


async def test_every_shipped_theme_is_registered_and_the_default_applied(
    make_app: MakeApp, store: Store
) -> None:
    app, notes = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        shipped = load_catalog().themes
        assert set(shipped) <= set(app.available_themes)
        assert app.theme == DEFAULT_THEME
        variables = app.get_css_variables()
        for key, value in shipped[DEFAULT_THEME].flowday.items():
            assert variables[f"flowday-{key}"].upper() == value
        assert variables["background"].upper() == shipped[DEFAULT_THEME].colors["background"]
        # in 256 colours (ssh, tmux without COLORTERM) the work window's faint tint is a
        # grey, as it looks in true colour, not the navy Rich rounded the old 15% to
        window = app.query_one(Timeline).get_component_rich_style("timeline--window").bgcolor
        assert window is not None
        shown = window.downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
        assert shown.red == shown.green == shown.blue > 0, shown
    assert notes == []


async def test_picking_a_theme_in_the_palette_is_remembered(
    make_app: MakeApp, store: Store, wait_for: WaitFor
) -> None:
    app, _ = make_app(config_theme="flowday-light")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "flowday-light"
        app.action_change_theme()  # the command palette's theme picker
        await pilot.pause()
        await pilot.press(*"high-contrast")
        await wait_for(pilot, lambda: top_command(app).endswith("flowday-high-contrast"))
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "flowday-high-contrast"
    assert store.state() == {"theme": "flowday-high-contrast", "theme_config": "flowday-light"}

    # the next run starts in the picked theme, although the config says otherwise
    app, _ = make_app(config_theme="flowday-light")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "flowday-high-contrast"

    # editing the config afterwards is the newer choice
    app, _ = make_app(config_theme="flowday-colorblind")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "flowday-colorblind"


async def test_the_cli_flag_wins_for_one_run_and_is_not_remembered(
    make_app: MakeApp, store: Store
) -> None:
    with store.transaction() as txn:
        txn.set_state(theme="flowday-light", theme_config=None)
    app, notes = make_app(cli="flowday-colorblind")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "flowday-colorblind"
    assert store.state()["theme"] == "flowday-light"
    assert notes == []


@pytest.mark.parametrize("setting", ["cli", "config_theme"])
async def test_an_unknown_theme_warns_once_and_uses_the_default(
    make_app: MakeApp, setting: str
) -> None:
    app, notes = make_app(**{setting: "no-such-theme"})
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
    [(message, kwargs)] = notes
    assert "unknown theme 'no-such-theme'" in message
    assert kwargs["severity"] == "warning"
    assert kwargs["markup"] is False  # names the user typed are not markup


async def test_a_theme_name_that_looks_like_markup_is_shown_literally(
    store: Store, config: Config, clock: FixedClock
) -> None:
    app = FlowdayApp(Planner(store, config, clock), theme="[bold red]x[/]")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        [notification] = list(app._notifications)
        assert "unknown theme '[bold red]x[/]'" in str(notification.message)


async def test_a_pick_that_cannot_be_saved_is_a_warning_not_a_crash(
    make_app: MakeApp, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, notes = make_app()

    def refuse() -> None:
        raise StoreError("cannot write state.json: read-only file system")

    async with app.run_test() as pilot:
        await pilot.pause()
        monkeypatch.setattr(store, "transaction", refuse)
        app.theme = "flowday-light"
        await pilot.pause()
        assert app.theme == "flowday-light"
    [(message, _)] = notes
    assert "could not remember the theme" in message and "read-only" in message


async def test_a_malformed_chosen_theme_warns_naming_the_file(
    make_app: MakeApp, write_theme: ThemeWriter
) -> None:
    path = write_theme("mine", 'dark = true\n[colors]\nprimary = "#GGGGGG"\n')
    app, notes = make_app(config_theme="mine")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert "mine" not in app.available_themes
    [(message, _)] = notes
    assert str(path) in message and "colors.primary = '#GGGGGG' is not a colour" in message


async def test_a_user_theme_can_be_chosen(make_app: MakeApp, write_theme: ThemeWriter) -> None:
    write_theme("mine")
    app, notes = make_app(cli="mine")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "mine"
        assert app.get_css_variables()["flowday-work"].upper() == "#4488CC"
    assert notes == []


async def test_a_damaged_state_file_costs_only_the_remembered_theme(
    make_app: MakeApp, store: Store
) -> None:
    store.state_path.write_text("{not json")
    app, notes = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
    [(message, _)] = notes
    assert "the theme picked in the app is forgotten" in message and "state.json" in message
