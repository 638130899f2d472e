"""Other apps' repeating and all-day events are planned like an import: occurrences on the
next 13 weeks as fixed blocks, an all-day event as a day note; changed or deleted there,
changed or removed here; never sent back, never duplicated."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.sync.conftest import Server
from tests.sync.devices import NOW, Device, server_objects

from flowday.application.routines import HORIZON_DAYS
from flowday.calendars.sources import source_recurrence, source_uid
from flowday.sync import engine

WEEKLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Phone//Calendar//EN
BEGIN:VEVENT
UID:weekly@phone.example
DTSTAMP:20261120T080000Z
DTSTART:20261124T070000Z
DTEND:20261124T073000Z
RRULE:FREQ=WEEKLY;BYDAY=TU
SUMMARY:{title}
END:VEVENT
END:VCALENDAR
"""

BIRTHDAY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Phone//Calendar//EN
BEGIN:VEVENT
UID:birthday@phone.example
DTSTAMP:20261120T080000Z
DTSTART;VALUE=DATE:20261203
DTEND;VALUE=DATE:20261204
SUMMARY:Mum's birthday
END:VEVENT
END:VCALENDAR
"""


def test_other_apps_repeating_and_all_day_events_are_planned_like_an_import(
    tmp_path: Path, radicale: Server, calendar_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = Device(tmp_path / "laptop", radicale.url, calendar_name)
    phone = laptop.collection
    weekly = phone.href_for("weekly@phone.example")
    etag = phone.put(weekly, WEEKLY.format(title="Team call"), None)
    phone.put(phone.href_for("birthday@phone.example"), BIRTHDAY, None)
    today = NOW.date()
    tuesdays = sum(today.add(days=n).weekday() == 1 for n in range(HORIZON_DAYS))

    report = laptop.sync()
    assert report.others == {"added": tuesdays, "updated": 0, "removed": 0, "notes_added": 1,
                             "notes_removed": 0}  # fmt: skip
    calls = [b for b in laptop.blocks() if b.title == "Team call"]  # not synced as blocks
    assert calls == []
    planned = laptop.planner.store.blocks_between(today, today.add(days=HORIZON_DAYS))
    calls = [b for b in planned if b.title == "Team call"]
    assert len(calls) == tuesdays and {b.span for b in calls} == {"08:00-08:30"}
    assert {(source_uid(b.source), bool(source_recurrence(b.source))) for b in calls} == {
        ("weekly@phone.example", True)  # one occurrence each: never sent back as blocks
    }
    assert "Mum's birthday" in laptop.planner.store.day(today.add(days=8)).notes  # 3 Dec

    with monkeypatch.context() as patched:  # nothing changed: not even planned again
        patched.setattr(engine, "plan_others", None)
        again = laptop.sync()  # nothing sent back, nothing planned twice
    assert again.summary() == "↑0 ↓0, 0 conflicts" and set(again.others.values()) == {0}
    assert len(server_objects(laptop)) == 2

    assert etag is not None  # the phone renames its series: the blocks follow
    phone.put(weekly, WEEKLY.format(title="Team sync"), etag)
    assert laptop.sync().others["updated"] == tuesdays
    planned = laptop.planner.store.blocks_between(today, today.add(days=HORIZON_DAYS))
    assert len([b for b in planned if b.title == "Team sync"]) == tuesdays
    assert len(server_objects(laptop)) == 2

    got = phone.get(weekly)  # the phone deletes it: its blocks go, the note stays
    assert got is not None
    phone.delete(weekly, got[0])
    assert laptop.sync().others["removed"] == tuesdays
    planned = laptop.planner.store.blocks_between(today, today.add(days=HORIZON_DAYS))
    assert not [b for b in planned if b.title.startswith("Team")]
    assert "Mum's birthday" in laptop.planner.store.day(today.add(days=8)).notes
