"""Routines sync as one repeating event each (RRULE + EXDATE), occurrences edited by hand
as events of their own, through a real Radicale."""

from __future__ import annotations

from pathlib import Path

import pendulum
from tests.sync.conftest import Server
from tests.sync.devices import Device, server_objects, uids

from flowday.application.routines import add_routine, remove_routine
from flowday.domain.frozen import replace
from flowday.domain.routines import Routine, occurrence_id


def _routines(device: Device) -> list[Routine]:
    return [r for r in device.planner.store.routines() if not r.removed]


def test_a_routine_syncs_as_one_repeating_event(
    tmp_path: Path, radicale: Server, calendar_name: str
) -> None:
    laptop = Device(tmp_path / "laptop", radicale.url, calendar_name)
    desktop = Device(tmp_path / "desktop", radicale.url, calendar_name)
    # two modes and a comma: Radicale cut X- values at an unescaped comma ("balance")
    made = add_routine(laptop.planner, "Standup, mail 9:00-9:15 #work", "weekdays",
                       modes=["balance", "integration"], force=True).routine  # fmt: skip
    assert made is not None
    thursday = pendulum.date(2026, 11, 26)
    friday = thursday.add(days=1)
    assert laptop.sync().pushed_new == 1
    (text,) = server_objects(laptop)  # what a phone reads: one repeating event
    # limited to modes, no end: an UNTIL 20 years on (Radicale refuses more than 10,000 dates)
    assert "RRULE:FREQ=WEEKLY;UNTIL=20461125T080000Z;BYDAY=MO,TU,WE,TH,FR" in text
    assert "SUMMARY:Standup" in text and "X-FLOWDAY-MODES:balance\\,integration" in text
    assert desktop.sync().pulled_new == 1
    (copy,) = _routines(desktop)
    assert (copy.id, copy.rrule, copy.first, copy.span, copy.text, copy.modes, copy.until) == (
        made.id, made.rrule, made.first, made.span, made.text, made.modes, None
    )  # fmt: skip
    assert [b.span for b in desktop.planner.store.blocks_on(thursday)] == ["09:00-09:15"]

    # one occurrence skipped on the desktop, another moved by hand on the laptop
    desktop.delete(occurrence_id(made.id, thursday))
    with laptop.planner.store.transaction() as txn:
        moved = txn.find_block(occurrence_id(made.id, friday))
        assert moved is not None
        txn.put_block(moved.changed(laptop.planner.now(), start=10 * 60, end=10 * 60 + 15))
    desktop.sync()
    laptop.sync()
    desktop.sync()
    for device in (laptop, desktop):
        store = device.planner.store
        assert store.blocks_on(thursday) == [], device
        assert [b.span for b in store.blocks_on(friday)] == ["10:00-10:15"]
        (routine,) = _routines(device)
        assert (routine.skipped, routine.edited) == (
            {thursday.to_date_string()}, {friday.to_date_string()}
        )  # fmt: skip
    series = next(t for t in server_objects(laptop) if "RRULE" in t)
    assert "EXDATE" in series and "20261126T090000" in series and "20261127T090000" in series

    # the routine renamed there while the laptop's November (the moved Friday) is not read
    # by its next sync: that Friday stays edited by hand, not skipped
    laptop.sync()  # (the month its last sync wrote is read once more, then left unread)
    with desktop.planner.store.transaction() as txn:
        txn.put_routine(replace(_routines(desktop)[0], title="Standup"))
    assert desktop.sync().pushed_changed == 1
    assert laptop.sync().pulled_changed == 1
    (routine,) = _routines(laptop)
    assert (routine.title, routine.edited) == ("Standup", {friday.to_date_string()})
    assert [b.span for b in laptop.planner.store.blocks_on(friday)] == ["10:00-10:15"]

    # the routine removed on the laptop ends on the desktop too
    remove_routine(laptop.planner, made.id)
    report = laptop.sync()
    assert report.pushed_deleted == 1
    assert desktop.sync().pulled_deleted == 1
    assert _routines(desktop) == []
    assert [b.span for b in desktop.planner.store.blocks_on(friday)] == ["10:00-10:15"]


def test_inbox_tasks_sync_as_todos(tmp_path: Path, radicale: Server, calendar_name: str) -> None:
    from flowday.domain.model import Sphere, Task

    laptop = Device(tmp_path / "laptop", radicale.url, calendar_name)
    desktop = Device(tmp_path / "desktop", radicale.url, calendar_name)
    task = Task.create(title="Call the bank", sphere=Sphere.PERSONAL, estimate=45, priority=1,
                       due=pendulum.date(2026, 12, 3), now=laptop.planner.now())  # fmt: skip
    with laptop.planner.store.transaction() as txn:
        txn.put_task(task)
    assert laptop.sync().pushed_new == 1
    (text,) = server_objects(laptop)
    for line in ("BEGIN:VTODO", "SUMMARY:Call the bank", "PRIORITY:1", "DUE;VALUE=DATE:20261203"):
        assert line in text
    # a todo another app made is an inbox task here too, keeping its UID; not sent back
    phone = laptop.collection
    milk = phone.href_for("milk@phone")
    phone.put(milk, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//P//EN\r\nBEGIN:VTODO\r\n"
              "UID:milk@phone\r\nDTSTAMP:20261120T080000Z\r\nSUMMARY:Milk\r\nPRIORITY:0\r\n"
              "END:VTODO\r\nEND:VCALENDAR\r\n", None)  # fmt: skip
    as_phone_wrote = phone.get(milk)
    assert desktop.sync().pulled_new == 2
    (pulled,) = [t for t in desktop.planner.store.tasks() if t.id != task.id]
    assert (pulled.title, pulled.source, pulled.priority) == ("Milk", "ics:milk@phone", 2)
    assert laptop.sync().pulled_new == 1
    for device in (laptop, desktop):
        assert device.sync().summary() == "↑0 ↓0, 0 conflicts"  # none twice, none sent
    assert phone.get(milk) == as_phone_wrote
    assert as_phone_wrote is not None  # the phone renames it: no flowday property on it
    phone.put(milk, as_phone_wrote[1].replace("SUMMARY:Milk", "SUMMARY:Milk!"), as_phone_wrote[0])
    assert (laptop.sync().pulled_changed, desktop.sync().pulled_changed) == (1, 1)
    for device in (laptop, desktop):
        assert device.sync().summary() == "↑0 ↓0, 0 conflicts"
    (mine,) = [t for t in laptop.planner.store.tasks() if t.source]
    with laptop.planner.store.transaction() as txn:  # edited here: sent back, same UID
        txn.put_task(replace(mine, title="Oat milk"))
    assert laptop.sync().pushed_changed == 1
    assert desktop.sync().pulled_changed == 1
    assert [t.title for t in desktop.planner.store.tasks() if t.source] == ["Oat milk"]
    assert uids(server_objects(laptop)) == sorted(["milk@phone", f"task-{task.id}@flowday"])
    with laptop.planner.store.transaction() as txn:  # done here: gone there too
        txn.delete_task(mine.id)
    assert laptop.sync().pushed_deleted == 1
    assert desktop.sync().pulled_deleted == 1

    # different fields changed on both devices merge; then it is scheduled on one
    with laptop.planner.store.transaction() as txn:
        txn.put_task(replace(task, title="Call the bank about the card"))
    with desktop.planner.store.transaction() as txn:
        txn.put_task(replace(task, priority=3))
    laptop.sync()
    desktop.sync()
    laptop.sync()
    for device in (laptop, desktop):
        (same,) = device.planner.store.tasks()
        assert (same.title, same.priority, same.estimate) == ("Call the bank about the card", 3, 45)
    with laptop.planner.store.transaction() as txn:
        txn.delete_task(task.id)
    assert laptop.sync().pushed_deleted == 1
    assert desktop.sync().pulled_deleted == 1
    assert desktop.planner.store.tasks() == []
    assert server_objects(laptop) == []  # the phone's todo went when done here
