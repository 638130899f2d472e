"""An incremental sync reads what changed, not the history: the months changed since the
last sync left them agreed (their file identities), those of the server's changes, and the
months next door that an event across midnight runs into (Radicale)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pendulum
import pytest
from caldav.davclient import DAVClient
from tests.sync.conftest import Server
from tests.sync.devices import CONFIG, NOW, Device, server_objects, uids

from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.store import Store

MONTHS = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
NIGHT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Phone//Calendar//EN
BEGIN:VEVENT
UID:night-1@example.org
DTSTAMP:20260801T080000Z
DTSTART;TZID=Europe/Berlin:20260831T220000
DTEND;TZID=Europe/Berlin:20260901T010000
SUMMARY:Night train
END:VEVENT
END:VCALENDAR
"""


@contextmanager
def months_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The months the store reads (cached or not) while the block runs."""
    read: set[str] = set()
    real = Store._month

    def spy(store: Store, path: Path) -> object:
        read.add(path.stem)
        return real(store, path)

    with monkeypatch.context() as patched:
        patched.setattr(Store, "_month", spy)
        yield read


def _block(device: Device, month: str) -> str:
    return next(b.id for b in device.blocks() if b.date.format("YYYY-MM") == month
                and b.title.startswith("Work"))  # fmt: skip


def test_an_incremental_sync_reads_what_changed_and_never_deletes_what_it_did_not_read(
    tmp_path: Path, radicale: Server, calendar_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = Device(tmp_path / "laptop", radicale.url, calendar_name)
    desktop = Device(tmp_path / "desktop", radicale.url, calendar_name)
    for month in MONTHS:
        laptop.add(f"Work {month}", 9 * 60, 10 * 60, date=pendulum.parse(f"{month}-15").date())
    phone = DAVClient(url=radicale.url, username="jane", password="secret")
    laptop.collection.listing(None)  # the collection is made on first use
    calendar = next(
        c for c in phone.principal().calendars() if c.get_display_name() == calendar_name
    )
    calendar.save_event(NIGHT)  # an event across midnight at August's end
    with months_read(monkeypatch) as read:  # a first sync reads everything
        assert laptop.sync().pushed_new == 6
    assert read >= set(MONTHS)
    assert desktop.sync().pulled_new == 7
    for device in (laptop, desktop, laptop):  # (day records the judge wrote go up too)
        night = sorted((b.date.to_date_string(), b.start, b.end)
                       for b in device.blocks() if b.title == "Night train")  # fmt: skip
        assert night == [("2026-08-31", 22 * 60, 24 * 60), ("2026-09-01", 0, 60)]
        device.sync()  # the months the pull wrote are read once more, then settled

    # one change in October: October alone is read
    laptop.edit(_block(laptop, "2026-10"), title="Work 2026-10 (moved)")
    with months_read(monkeypatch) as read:
        report = laptop.sync()
    assert (report.pushed_changed, report.pushed_deleted, report.pulled) == (1, 0, 0)
    assert read == {"2026-10"}
    with months_read(monkeypatch) as read:
        assert laptop.sync().summary() == "↑0 ↓0, 0 conflicts"
    assert read == set()

    # June edited by another process between syncs: its identity changed, so it is read
    other = Planner(Store(tmp_path / "laptop"), from_mapping(CONFIG), FixedClock(NOW))
    june = _block(laptop, "2026-06")
    with other.store.transaction() as txn:
        block = txn.find_block(june)
        assert block is not None
        txn.put_block(block.changed(NOW, title="Work 2026-06 (other process)"))
    with months_read(monkeypatch) as read:
        report = laptop.sync()
    assert (report.pushed_changed, report.pushed_deleted, read) == (1, 0, {"2026-06"})
    # what the months not read hold is on the server still, as agreed
    on_server = uids(server_objects(laptop))
    assert len(on_server) == 7 and on_server == uids(server_objects(desktop))
    assert desktop.sync().pulled_changed == 2

    # a change from the server to an item in a month not read: that month is read
    desktop.edit(_block(desktop, "2026-07"), title="Work 2026-07 (desktop)")
    assert desktop.sync().pushed_changed == 1
    with months_read(monkeypatch) as read:
        report = laptop.sync()
    assert (report.pulled_changed, report.pushed, read) == (1, 0, {"2026-07"})
    assert "Work 2026-07 (desktop)" in laptop.titles()
    with months_read(monkeypatch) as read:  # the month the pull wrote: read once more
        assert laptop.sync().summary() == "↑0 ↓0, 0 conflicts"
    assert read == {"2026-07"}

    # the night across August's end, changed there: both its months are read, none lost
    head = next(b for b in desktop.blocks() if b.title == "Night train" and b.start)
    desktop.edit(head.id, title="Night train to Vienna")
    assert desktop.sync().pushed_changed == 1
    with months_read(monkeypatch) as read:
        report = laptop.sync()
    assert (report.pulled_changed, report.pushed) == (1, 0)
    assert read == {"2026-08", "2026-09"}
    assert laptop.sync().summary() == "↑0 ↓0, 0 conflicts"
    # ... and changed here in September only: August is read with it, the event is whole
    tail = next(b for b in laptop.blocks() if b.title.startswith("Night") and not b.start)
    laptop.edit(tail.id, end=2 * 60)
    with months_read(monkeypatch) as read:
        report = laptop.sync()
    assert (report.pushed_changed, report.pushed_deleted, report.pulled) == (1, 0, 0)
    assert read == {"2026-08", "2026-09"}
    text = next(t for t in server_objects(laptop) if "night-1@example.org" in t)
    assert "DTSTART;TZID=Europe/Berlin:20260831T220000" in text
    assert "DTEND;TZID=Europe/Berlin:20260901T020000" in text
    desktop.sync()
    assert sorted(b.title for b in desktop.blocks()) == sorted(b.title for b in laptop.blocks())
    assert len(desktop.blocks()) == len(laptop.blocks()) == 8
