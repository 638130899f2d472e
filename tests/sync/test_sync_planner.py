"""Sync from the planner, against the real Radicale of conftest.py: the key and the palette
entry run the engine in a thread (keys keep working), the toast says what it did, the
day is read again, an edit made during the sync survives it; the conflicts screen
settles conflicts the way ``flowday sync --resolve`` does; the periodic sync runs on an
injected clock and says an offline failure once. Few app starts: each costs ~0.6 s."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from flowday.application.planner import Planner
from flowday.config import Config, from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.frozen import replace
from flowday.domain.model import Block, Sphere
from flowday.store import Store
from flowday.sync.engine import load_state
from flowday.sync.server import CalDavCollection
from flowday.sync.state import Conflict, Synced
from flowday.tui.app import FlowdayApp
from flowday.tui.screens.confirm import ConfirmScreen
from flowday.tui.screens.conflicts import ConflictsScreen
from flowday.tui.screens.main import MainScreen

from .conftest import Server
from .devices import DAY, NOW, TZ, Device

DEAD_URL = "http://127.0.0.1:9/"  # the discard port: nothing listens there


def sync_config(server: Server, calendar: str, asked: Path, **extra: str) -> Config:
    """Radicale's [sync]; each time the password is asked for, a line is added to ``asked``."""
    command = f"sh -c 'echo asked >> {asked}; echo secret'"
    return from_mapping({"timezone": TZ, "sync": {
        "url": server.url, "user": "jane", "password_cmd": command, "calendar": calendar,
        **extra,
    }})  # fmt: skip


def laptop(tmp_path: Path, config: Config) -> Planner:
    return Planner(Store(tmp_path / "laptop"), config, FixedClock(NOW))


def add(planner: Planner, title: str, start: int, end: int) -> Block:
    block = Block.create(date=DAY, start=start, end=end, title=title, sphere=Sphere.WORK, now=NOW)
    with planner.store.transaction() as txn:
        txn.put_block(block)
    return block


def recorded(app: FlowdayApp) -> list[str]:
    """Every message the app says, in order (toasts on screen are capped and time out)."""
    said: list[str] = []
    notify = app.notify

    def record(message: str, **options: Any) -> None:
        said.append(message)
        notify(message, **options)

    app.notify = record  # type: ignore[method-assign]
    return said


async def synced(app: FlowdayApp, pilot: Any, wait_for: Any) -> None:
    await wait_for(pilot, lambda: not app.main.syncing.running, timeout=30)


async def test_sync_in_the_planner(
    tmp_path: Path, radicale: Server, calendar_name: str, wait_for: Any, paste: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """One app start (each costs ~0.6 s): the key, the palette, an edit during a sync, the
    deletion question, the periodic sync on its injected clock, the conflicts screen, and
    the failures said in one line."""
    asked = tmp_path / "asked"
    config = sync_config(radicale, calendar_name, asked, every="15m")
    planner = laptop(tmp_path, config)
    review = add(planner, "Review", 9 * 60, 10 * 60)
    phone = Device(tmp_path / "phone", radicale.url, calendar_name)
    app = FlowdayApp(planner, DAY)
    said = recorded(app)
    now = [0.0]
    async with app.run_test(size=(100, 30)) as pilot:
        syncing = app.main.syncing
        syncing.clock = lambda: now[0]  # the periodic sync's clock
        syncing.next_due = 15 * 60.0
        await pilot.press("y")  # the key
        await synced(app, pilot, wait_for)
        assert "↑1 ↓0, 0 conflicts" in said
        assert phone.sync().pulled == 1

        # the phone changes the title and adds a block; here, a new block waits to go out
        phone.edit(review.id, title="Review v2")
        phone.add("Lunch", 12 * 60, 13 * 60)
        phone.sync()
        add(planner, "Notes", 15 * 60, 16 * 60)
        # the sync stops after its merge read the plan (it asks where the new block goes)
        merged, go_on = threading.Event(), threading.Event()
        real_href_for = CalDavCollection.href_for

        def paused_href_for(collection: CalDavCollection, uid: str) -> str:
            if not merged.is_set():
                merged.set()
                assert go_on.wait(20)
            return real_href_for(collection, uid)

        monkeypatch.setattr(CalDavCollection, "href_for", paused_href_for)
        # the palette entry, found by its title like a person would
        await pilot.press("ctrl+p")
        await paste(pilot, "Sync with")
        await pilot.press("enter")
        await wait_for(pilot, merged.is_set, timeout=30)
        # meanwhile the planner answers keys: Review (selected) moves 15 minutes later
        assert app.main.selected is not None and app.main.selected.id == review.id
        await pilot.press("J")
        await pilot.press("y")  # a second sync while one runs: said, not started
        assert "A sync is under way" in said
        go_on.set()
        await synced(app, pilot, wait_for)
        monkeypatch.setattr(CalDavCollection, "href_for", real_href_for)

        moved = planner.store.find_block(review.id)
        assert moved is not None  # the edit here and the phone's both kept
        assert (moved.start, moved.title) == (9 * 60 + 15, "Review v2")
        assert "↑2 ↓2, 0 conflicts" in said
        shown = {b.title for b in app.main.query_one("#timeline").blocks}  # type: ignore[attr-defined]
        assert {"Lunch", "Review v2"} <= shown  # the day on screen read again
        phone.sync()
        there = {b.title: b for b in phone.blocks()}
        assert there["Review v2"].start == 9 * 60 + 15 and "Notes" in there

        # the phone empties the day: a whole day deleted asks first (no: nothing changed)
        for block in phone.blocks():
            phone.delete(block.id)
        phone.sync()
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), timeout=30)
        question = app.screen.question  # type: ignore[attr-defined]
        assert question == "This sync would empty 2026-12-01 (3 blocks). Go ahead?"
        await pilot.press("n")
        assert len(planner.store.blocks_on(DAY)) == 3
        assert "Sync stopped: nothing was changed" in said
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), timeout=30)
        await pilot.press("y")
        await synced(app, pilot, wait_for)
        assert planner.store.blocks_on(DAY) == [] and "↑0 ↓3, 0 conflicts" in said

        # the periodic sync: due 15 minutes after the last sync, on its clock
        review = add(planner, "Review", 9 * 60, 10 * 60)
        syncing.tick()  # before its time: nothing
        assert not syncing.running
        now[0] = syncing.next_due
        syncing.tick()
        await synced(app, pilot, wait_for)
        assert said[-1] == "↑1 ↓0, 0 conflicts"
        phone.sync()

        # the same title changed on both sides: a conflict
        phone.edit(review.id, title="Review (phone)")
        phone.sync()
        planner.edit_block(review.id, title="Review (laptop)")
        await pilot.press("y")
        await synced(app, pilot, wait_for)
        assert "↑0 ↓0, 1 conflict — C shows them" in said

        await pilot.press("C")
        assert isinstance(app.screen, ConflictsScreen)
        listing = app.screen.query_one(OptionList)
        prompt = str(listing.get_option_at_index(0).prompt)
        assert "Review (laptop)" in prompt and "here Review (laptop)" in prompt
        assert "server Review (phone)" in prompt
        await pilot.press("escape")  # nothing chosen: closes, nothing settled
        assert isinstance(app.screen, MainScreen)
        assert len(load_state(planner).conflicts) == 1
        await pilot.press("C", "r", "escape")  # a choice made: escape asks first
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep it
        assert isinstance(app.screen, ConflictsScreen) and app.screen.choices == {
            review.id: "remote"
        }
        await pilot.press("enter")  # settle: the same as --resolve ID --take remote
        await synced(app, pilot, wait_for)
        assert "settled 1 conflict; ↑0 ↓0, 0 conflicts" in said
        block = planner.store.find_block(review.id)
        assert block is not None and block.title == "Review (phone)"
        assert app.main.selected is not None and app.main.selected.title == "Review (phone)"
        await pilot.press("C")
        assert "No sync conflicts" in said
        # eight syncs, one password: the server's collection is kept between syncs
        assert asked.read_text().splitlines() == ["asked"]

        # periodic: offline is said once, quietly; nothing new says nothing
        assert config.sync is not None
        planner.config = replace(config, sync=replace(config.sync, url=DEAD_URL))
        before = len(said)
        for _ in range(3):
            now[0] += 15 * 60
            syncing.tick()
            await synced(app, pilot, wait_for)
        offline = [t for t in said if "cannot reach" in t]
        assert len(offline) == 1 and "quietly" in offline[0]
        planner.config = config
        now[0] += 15 * 60
        syncing.tick()  # back online, nothing to do: no toast
        await synced(app, pilot, wait_for)
        assert len(said) == before + 1

        # not set up, and a server that is not there: one line each, saying so
        planner.config = replace(config, sync=None)
        await pilot.press("y")
        await synced(app, pilot, wait_for)
        assert any(t.startswith("no [sync] in the config") for t in said)
        assert config.sync is not None
        planner.config = replace(config, sync=replace(config.sync, url=DEAD_URL))
        await pilot.press("y")
        await synced(app, pilot, wait_for)
        refused = [t for t in said if t.startswith("cannot reach the calendar at")]
        assert refused and "connection refused" in refused[0]
        assert isinstance(app.screen, MainScreen)


def test_conflicts_screen_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    """The conflicts screen as a person sees it at 80x24 (from a sync.json with a conflict
    in it: no server needed to draw it)."""
    config = from_mapping({"timezone": TZ})
    planner = laptop(tmp_path, config)
    review = add(planner, "Review", 9 * 60, 10 * 60)
    theirs = {"title": "Review the quarter", "start": "2026-12-01 09:00",
              "end": "2026-12-01 10:30", "notes": ""}  # fmt: skip
    fields = {"title": ("Review", "Review the quarter"), "end": ("2026-12-01 10:00",
              "2026-12-01 10:30")}  # fmt: skip
    conflict = Conflict(f"{review.id}@flowday", "rev00001", fields,
                        Synced("/c/rev.ics", "e1", "", theirs))  # fmt: skip
    state = load_state(planner)
    state.conflicts[conflict.uid] = conflict
    with planner.store.transaction() as txn:
        txn.set_sync_state(state.to_record())
    app = FlowdayApp(planner, DAY)
    assert snap_compare(app, press=["C", "r"], terminal_size=(80, 24))
