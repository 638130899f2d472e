"""Devices for the sync tests: a data folder each, one injected clock, one server."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pendulum

from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.model import Block, Sphere
from flowday.store import Store
from flowday.sync.engine import SyncReport, run_sync
from flowday.sync.items import local_items
from flowday.sync.server import CalDavCollection, Collection
from flowday.sync.state import SyncState, read_state, write_state

TZ = "Europe/Berlin"
DAY = pendulum.date(2026, 12, 1)  # a Tuesday
NOW = pendulum.datetime(2026, 11, 25, 10, 0, tz=TZ)
CONFIG = {"timezone": TZ, "modes": {"hybrid": {"rules": {}}}}  # a third mode to switch to


class Device:
    def __init__(self, root: Path, url: str, calendar: str) -> None:
        self.planner = Planner(Store(root), from_mapping(CONFIG), FixedClock(NOW))
        self.url, self.calendar = url, calendar
        self._collection: CalDavCollection | None = None

    @property
    def collection(self) -> CalDavCollection:
        if self._collection is None:
            self._collection = CalDavCollection(self.url, "jane", "secret", self.calendar)
        return self._collection

    def sync(self, collection: Collection | None = None, **options: Any) -> SyncReport:
        return run_sync(self.planner, collection or self.collection, **options)

    def add(self, title: str, start: int, end: int, *, date: pendulum.Date = DAY,
            sphere: Sphere = Sphere.WORK) -> Block:  # fmt: skip
        block = Block.create(date=date, start=start, end=end, title=title, sphere=sphere,
                             now=NOW)  # fmt: skip
        with self.planner.store.transaction() as txn:
            txn.put_block(block)
        return block

    def edit(self, block_id: str, **changes: Any) -> None:
        with self.planner.store.transaction() as txn:
            block = txn.find_block(block_id)
            assert block is not None
            txn.put_block(block.changed(NOW, **changes), previous_date=block.date)

    def delete(self, block_id: str) -> None:
        block = self.planner.store.find_block(block_id)
        assert block is not None
        with self.planner.store.transaction() as txn:
            txn.delete_block(block.id, block.date)

    def blocks(self) -> list[Block]:
        items = local_items(self.planner.store).values()
        return [b for blocks in items if isinstance(blocks, list) for b in blocks]

    def blocks_all(self) -> list[Block]:
        """Every stored block, synced or not (a subscription's too)."""
        return self.planner.store.blocks_between(DAY.subtract(days=60), DAY.add(days=60))

    def titles(self) -> list[str]:
        return sorted(b.title for b in self.blocks())


def server_objects(device: Device) -> list[str]:
    """The calendar objects' texts on the server, as a third-party client reads them."""
    hrefs = sorted(device.collection.listing(None).etags)
    got = device.collection.get_many(hrefs)  # one request, not one per object
    assert sorted(got) == hrefs
    return [got[href][1] for href in hrefs]


def uids(texts: Iterable[str], *, journals: bool = False) -> list[str]:
    """The UIDs of the events and to-dos (``journals``: of the day records instead)."""
    return sorted(
        line.split(":", 1)[1].strip()
        for text in texts
        if ("BEGIN:VJOURNAL" in text) == journals
        for line in text.splitlines()
        if line.startswith("UID:")
    )


def edit_state(device: Device, change: Callable[[SyncState], None]) -> None:
    """Change what the device's last sync remembers (as a crash or a server would)."""
    state, saved = read_state(device.planner.store)
    change(state)
    with device.planner.store.transaction() as txn:
        write_state(txn, state, saved)
