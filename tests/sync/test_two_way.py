"""Two devices and a third-party client converge through real servers (Radicale, Xandikos)."""

from __future__ import annotations

from pathlib import Path

from caldav.davclient import DAVClient
from tests.sync.conftest import Server
from tests.sync.devices import Device, server_objects, uids

PHONE_EVENT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Phone//Calendar//EN
BEGIN:VEVENT
UID:phone-1@example.org
DTSTAMP:20261120T080000Z
DTSTART:20261201T140000Z
DTEND:20261201T150000Z
SUMMARY:Dentist
ORGANIZER:mailto:clinic@example.org
ATTENDEE;PARTSTAT=ACCEPTED:mailto:jane@example.org
X-PHONE-COLOR:#ff0000
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Dentist soon
TRIGGER:-PT15M
END:VALARM
END:VEVENT
END:VCALENDAR
"""


def test_two_devices_and_a_phone_converge(
    tmp_path: Path, server: Server, calendar_name: str
) -> None:
    laptop = Device(tmp_path / "laptop", server.url, calendar_name)
    desktop = Device(tmp_path / "desktop", server.url, calendar_name)
    report = laptop.collection  # made on first use: the collection exists from here
    write = laptop.add("Write report", 9 * 60, 11 * 60)
    laptop.add("Lunch", 12 * 60, 13 * 60)
    first = laptop.sync()
    assert (first.pushed_new, first.pulled, first.summary()) == (2, 0, "↑2 ↓0, 0 conflicts")
    pulled = desktop.sync()
    assert (pulled.pulled_new, pulled.pushed) == (2, 0)
    assert desktop.titles() == ["Lunch", "Write report"]
    same = desktop.blocks()[0]
    assert same.id in {b.id for b in laptop.blocks()}  # the same block, not a copy

    # different fields of one block edited on both devices: both edits survive
    laptop.edit(write.id, notes="draft in docs")
    desktop.edit(write.id, title="Write the report")
    laptop.sync()
    desktop_report = desktop.sync()
    assert (desktop_report.pulled_changed, desktop_report.pushed_changed) == (1, 1)
    assert not desktop_report.conflicts
    laptop.sync()
    for device in (laptop, desktop):
        block = next(b for b in device.blocks() if b.id == write.id)
        assert (block.title, block.notes) == ("Write the report", "draft in docs")

    # a phone writes a plain event with an alarm, an attendee and its own X- property
    phone = DAVClient(url=server.url, username="jane", password="secret")
    calendar = next(
        c for c in phone.principal().calendars() if c.get_display_name() == calendar_name
    )
    calendar.save_event(PHONE_EVENT)
    assert laptop.sync().pulled_new == 1
    dentist = next(b for b in laptop.blocks() if b.title == "Dentist")
    assert (dentist.start, dentist.end) == (15 * 60, 16 * 60)  # 14:00Z is 15:00 in Berlin
    laptop.edit(dentist.id, title="Dentist (bring card)")
    assert laptop.sync().pushed_changed == 1
    text = next(t for t in server_objects(laptop) if "phone-1@example.org" in t)
    for kept in ("BEGIN:VALARM", "TRIGGER:-PT15M", "ATTENDEE;PARTSTAT=ACCEPTED", "X-PHONE-COLOR",
                 "ORGANIZER"):  # fmt: skip
        assert kept in text
    assert "SUMMARY:Dentist (bring card)" in text
    desktop.sync()
    assert (
        desktop.titles() == laptop.titles() == ["Dentist (bring card)", "Lunch", "Write the report"]
    )

    # a deletion propagates, and nothing is duplicated anywhere
    laptop.delete(dentist.id)
    assert laptop.sync().pushed_deleted == 1
    assert desktop.sync().pulled_deleted == 1
    assert desktop.titles() == laptop.titles() == ["Lunch", "Write the report"]
    on_server = uids(server_objects(laptop))
    assert on_server == sorted(f"{b.id}@flowday" for b in laptop.blocks())
    quiet = (laptop.sync(), desktop.sync())
    assert [r.summary() for r in quiet] == ["↑0 ↓0, 0 conflicts"] * 2
    del report
