"""The sync state is read shard by shard through the index in its head: an incremental
sync reads the shards of the months it touches, yet still finds an event wherever it is;
the previous version's state (no index) is migrated by the next sync (Radicale)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pendulum
import pytest
from tests.sync.conftest import Server
from tests.sync.devices import Device, server_objects, uids

from flowday.store import Store
from flowday.sync.server import Collection, Stale
from flowday.sync.state import read_state


@contextmanager
def shards_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The sync state's shards read from disk while the block runs."""
    read: set[str] = set()
    real = Store.sync_shard

    def spy(store: Store, name: str) -> object:
        read.add(name)
        return real(store, name)

    with monkeypatch.context() as patched:
        patched.setattr(Store, "sync_shard", spy)
        patched.setattr(Store, "sync_shards", lambda *_: pytest.fail("every shard read"))
        yield read


class Refusing:
    """The server, but every write meets a 412 (someone always wrote in between)."""

    def __init__(self, real: Collection) -> None:
        self.real, self.url = real, real.url

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def put(self, href: str, text: str, etag: str | None) -> str | None:
        raise Stale(href)


def _add(device: Device, title: str, day: str) -> str:
    return device.add(title, 9 * 60, 10 * 60, date=pendulum.parse(day).date()).id


def _id(device: Device, title: str) -> str:
    return next(b.id for b in device.blocks() if b.title == title)


def _converged(*devices: Device) -> None:
    """Every device and the server hold the same events, each once."""
    on_server = uids(server_objects(devices[0]))
    assert len(on_server) == len(set(on_server))
    for device in devices:
        assert sorted(f"{b.id}@flowday" for b in device.blocks()) == on_server


def _filed_once(device: Device) -> set[str]:
    """Each remembered event is in exactly one shard file, and the index names them all;
    returns the blocks' (not the day records the judge wrote)."""
    store = device.planner.store
    filed = [r["uid"] for records in store.sync_shards().values() for r in records]
    assert len(filed) == len(set(filed))
    assert set(filed) == read_state(store)[0].index().uids()
    return {uid for uid in filed if not uid.startswith("day-")}


def test_an_incremental_sync_finds_each_event_through_the_index(
    tmp_path: Path, radicale: Server, calendar_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = Device(tmp_path / "laptop", radicale.url, calendar_name)
    desktop = Device(tmp_path / "desktop", radicale.url, calendar_name)
    for month in ("2025-03", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05"):
        _add(laptop, f"Work {month}", f"{month}-10")
    _add(laptop, "Move me", "2026-03-12")
    assert laptop.sync().pushed_new == 7
    assert desktop.sync().pulled_new == 7
    for device in (laptop, desktop):  # (flowday's own addresses: none kept in the index)
        assert device.planner.store.sync_state()["index"]["hrefs"] == {}

    # a write here meets a 412 in every round: remembered without an ETag
    laptop.edit(_id(laptop, "Work 2026-05"), title="Work 2026-05 (laptop)")
    assert laptop.sync(Refusing(laptop.collection)).pushed == 0
    unsent = f"{_id(laptop, 'Work 2026-05 (laptop)')}@flowday"
    assert read_state(laptop.planner.store)[0].items[unsent].etag == ""
    # there: one event deleted, one moved to a month far away that holds another
    desktop.delete(_id(desktop, "Work 2026-02"))
    desktop.edit(_id(desktop, "Move me"), date=pendulum.date(2025, 3, 20))
    assert desktop.sync().pushed_deleted == 1

    with shards_read(monkeypatch) as read:
        report = laptop.sync()
    assert (report.pulled_deleted, report.pulled_changed, report.pushed_changed) == (1, 1, 1)
    assert "2026-01" not in read and "2026-04" not in read  # not the whole state
    assert read <= {"2025-03", "2026-02", "2026-03", "2026-05", "undated"}
    assert "Work 2026-02" not in laptop.titles()
    moved = [b.date.to_date_string() for b in laptop.blocks() if b.title == "Move me"]
    assert moved == ["2025-03-20"]
    assert any("Work 2026-05 (laptop)" in text for text in server_objects(laptop))
    assert len(_filed_once(laptop)) == 6
    assert laptop.sync().summary() == "↑0 ↓0, 0 conflicts"
    desktop.sync()
    _converged(laptop, desktop)
    assert laptop.titles() == desktop.titles()


def test_the_previous_version_s_state_is_read_whole_and_migrated(
    tmp_path: Path, radicale: Server, calendar_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = Device(tmp_path / "laptop", radicale.url, calendar_name)
    desktop = Device(tmp_path / "desktop", radicale.url, calendar_name)
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        _add(laptop, f"Work {month}", f"{month}-10")
    laptop.sync()
    desktop.sync()
    laptop.sync()
    # what the previous flowday left: the same shards, a head of version 2 without index
    store = laptop.planner.store
    head = store.sync_state()
    del head["index"]
    with store.transaction() as txn:
        txn.set_sync_state({**head, "version": 2})
    desktop.edit(_id(desktop, "Work 2026-01"), title="Work 2026-01 (desktop)")
    desktop.delete(_id(desktop, "Work 2026-02"))
    desktop.sync()
    laptop.edit(_id(laptop, "Work 2026-03"), title="Work 2026-03 (laptop)")

    report = laptop.sync()  # (reads every shard: the state has no index yet)
    assert (report.pulled_changed, report.pulled_deleted, report.pushed_changed) == (1, 1, 1)
    assert not report.conflicts and store.sync_state()["version"] == 3
    assert len(_filed_once(laptop)) == 3
    laptop.sync()  # (the months the pull wrote: read once more)
    # a sync with nothing to do migrates it too
    head = store.sync_state()
    del head["index"]
    with store.transaction() as txn:
        txn.set_sync_state({**head, "version": 2})
    assert laptop.sync().summary() == "↑0 ↓0, 0 conflicts"
    assert store.sync_state()["version"] == 3
    with shards_read(monkeypatch) as read:  # the index is there: shards on demand
        assert laptop.sync().summary() == "↑0 ↓0, 0 conflicts"
    assert read == set()
    desktop.sync()
    _converged(laptop, desktop)
    assert (
        laptop.titles()
        == desktop.titles()
        == ["Work 2026-01 (desktop)", "Work 2026-03 (laptop)", "Work 2026-04"]
    )
