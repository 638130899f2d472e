"""Day data (mode, hours, days off, crossings), reflections (a collection of their own) and
one-way subscriptions, between two devices through real servers."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest
from caldav.davclient import DAVClient
from tests.sync.conftest import Server
from tests.sync.devices import DAY, NOW, Device, server_objects, uids

import flowday.sync.engine
from flowday.application.history import History
from flowday.application.intrusions import log_intrusion, remove_intrusion
from flowday.application.reviews import save_reflection
from flowday.application.week import set_days_off
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.model import Day, Sphere
from flowday.sync.engine import DeletionsNeedConfirmation
from flowday.sync.everything import sync_everything
from flowday.sync.scopes import REFLECTIONS
from flowday.sync.server import CalDavCollection
from flowday.sync.subscriptions import drop_unsubscribed, pull_subscription

OFF, HOURS, BOTH = DAY.add(days=1), DAY.add(days=2), DAY.add(days=3)


def _day(device: Device, date: pendulum.Date) -> Day:
    return device.planner.store.day(date)


def _crossed(device: Device, date: pendulum.Date) -> list[tuple[str, str, str]]:
    """The day's crossings (rule, block, when), each once, in one order on every device."""
    return sorted((c.rule, c.block, c.at) for c in _day(device, date).crossings)


def test_modes_hours_days_off_and_crossings_reach_the_other_device(
    tmp_path: Path, server: Server, calendar_name: str
) -> None:
    laptop = Device(tmp_path / "laptop", server.url, calendar_name)
    desktop = Device(tmp_path / "desktop", server.url, calendar_name)
    laptop.planner.set_mode(DAY, "integration")
    laptop.planner.add_block(OFF, title="Release", start=10 * 60, end=11 * 60,
                             sphere=Sphere.WORK)  # fmt: skip
    set_days_off(
        laptop.planner, OFF, OFF, note="Holiday, Lisbon; back \\ Monday", force=True
    )  # work on it: crossed
    laptop.planner.set_hours(HOURS, 7 * 60, 15 * 60, force=True)
    crossed = _crossed(laptop, OFF)
    assert [c[0] for c in crossed] == ["no-work-on-days-off"]
    first = laptop.sync()
    assert (first.pushed_new, first.skipped) == (4, [])  # a block and three days
    journals = [t for t in server_objects(laptop) if "BEGIN:VJOURNAL" in t]
    assert uids(journals, journals=True) == [f"day-{d.to_date_string()}@flowday"
                                             for d in (DAY, OFF, HOURS)]  # fmt: skip
    text = next(t for t in journals if f"day-{DAY.to_date_string()}" in t)
    for line in ("DTSTART;VALUE=DATE:20261201", "X-FLOWDAY-MODE:integration",
                 "SUMMARY:integration day (flowday)"):  # fmt: skip
        assert line in text

    # work the desktop planned on that day before it heard of the day off
    late = desktop.add("Late fix", 16 * 60, 17 * 60, date=OFF)
    desktop.sync()
    assert _day(desktop, DAY).mode == "integration"
    assert [(s.from_mode, s.to_mode) for s in _day(desktop, DAY).mode_switches] == [
        (s.from_mode, s.to_mode) for s in _day(laptop, DAY).mode_switches
    ]
    assert (_day(desktop, OFF).off, _day(desktop, OFF).off_note) == (
        True,
        "Holiday, Lisbon; back \\ Monday",
    )
    # the crossing recorded on the laptop is in the desktop's history, once (the desktop's
    # judge, meeting the same work on the same day off, does not record it a second time);
    # the day off arriving is judged with the day as it was: the desktop's own work on it
    # newly crosses the rule, recorded, and the laptop learns it too
    crossed_here = _crossed(desktop, OFF)
    assert len(_day(desktop, OFF).crossings) == 2
    assert set(crossed_here) - set(crossed) == {("no-work-on-days-off", late.id, crossed[0][2])}
    laptop.sync()
    assert _crossed(laptop, OFF) == crossed_here
    crossed = crossed_here
    assert (_day(desktop, HOURS).work_start, _day(desktop, HOURS).work_end) == (420, 900)
    assert _crossed(desktop, HOURS) == _crossed(laptop, HOURS) != []
    assert [r.summary() for r in (laptop.sync(), desktop.sync())] == ["↑0 ↓0, 0 conflicts"] * 2

    # the same day switched to different modes on both: both kept until a person chooses
    laptop.planner.set_mode(BOTH, "hybrid")
    desktop.planner.set_mode(BOTH, "integration")
    desktop.planner.set_hours(DAY, 8 * 60, 12 * 60)  # and another day's hours, no conflict
    laptop.sync()
    report = desktop.sync()
    assert [(c.block_id, c.fields) for c in report.conflicts] == [
        (BOTH.to_date_string(), {"mode": ("integration", "hybrid")})
    ]
    assert _day(desktop, BOTH).mode == "integration"
    assert len(_day(desktop, BOTH).mode_switches) == 2  # history: both switches, merged
    resolved = desktop.sync(resolutions=[(BOTH.to_date_string(), "remote")])
    assert (resolved.resolved, resolved.conflicts) == (1, [])
    laptop.sync()
    for device in (laptop, desktop):
        assert _day(device, BOTH).mode == "hybrid"
        assert len(_day(device, BOTH).mode_switches) == 2
        assert (_day(device, DAY).work_start, _day(device, DAY).work_end) == (480, 720)

    # the day off cleared on the desktop: the laptop's day is a working day again
    set_days_off(desktop.planner, OFF, OFF, clear=True, force=True)
    desktop.sync()
    assert laptop.sync().pulled_changed == 1
    assert (_day(laptop, OFF).off, _crossed(laptop, OFF)) == (False, crossed)

    # a mode switch undone on the laptop (the day holds nothing synced any more) is undone
    # on the desktop too: the journal stays, empty, rather than being deleted (a deletion
    # keeps the other device's history, which would then come back)
    quiet = DAY.add(days=5)
    history = History(laptop.planner)
    history.record("mode", [quiet], lambda: laptop.planner.set_mode(quiet, "integration"))
    laptop.sync()
    desktop.sync()
    assert len(_day(desktop, quiet).mode_switches) == 1
    history.undo()
    assert (_day(laptop, quiet).mode, _day(laptop, quiet).mode_switches) == (None, ())
    assert laptop.sync().pushed_changed == 1
    assert desktop.sync().pulled_changed == 1
    for device in (laptop, desktop):
        assert (_day(device, quiet).mode, _day(device, quiet).mode_switches) == (None, ())
    assert (laptop.sync().pushed, desktop.sync().pushed) == (0, 0)  # settled, both sides

    # an intrusion logged on the desktop reaches the laptop; removed there, it goes here too
    log_intrusion(desktop.planner, quiet, at=19 * 60, note="Call from the office")
    assert desktop.sync().pushed_changed == 1
    laptop.sync()
    (arrived,) = _day(laptop, quiet).intrusions
    assert (arrived.direction, arrived.at, arrived.note) == (
        "work-into-personal", 19 * 60, "Call from the office")  # fmt: skip
    # (a minute later: the journal's text is not byte for byte the one before the
    # intrusion, which a server diffing since the desktop's token would not report)
    laptop.planner.clock = FixedClock(NOW.add(minutes=1))
    remove_intrusion(laptop.planner, quiet, 1)
    laptop.sync()
    desktop.sync()
    assert _day(desktop, quiet).intrusions == ()

    # another app deletes a day's journal: the configured hours are back, the history stays
    # (and goes up again)
    phone = DAVClient(url=server.url, username="jane", password="secret")
    calendar = next(
        c for c in phone.principal().calendars() if c.get_display_name() == calendar_name
    )
    calendar.object_by_uid(f"day-{HOURS.to_date_string()}@flowday").delete()
    history = _crossed(laptop, HOURS)
    gone = laptop.sync()
    assert (gone.pulled_deleted, gone.pushed_new) == (1, 1)
    assert (_day(laptop, HOURS).work_start, _crossed(laptop, HOURS)) == (None, history)


REPORT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Work//Calendar//EN
BEGIN:VEVENT
UID:standup-1@work.example.org
DTSTAMP:20261120T080000Z
DTSTART:20261201T190000Z
DTEND:20261201T200000Z
SUMMARY:Late call with Tokyo
CATEGORIES:WORK
END:VEVENT
END:VCALENDAR
"""


def test_reflections_go_to_their_own_collection_and_subscriptions_come_one_way(
    tmp_path: Path, radicale: Server, calendar_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = Device(tmp_path / "laptop", radicale.url, calendar_name)
    desktop = Device(tmp_path / "desktop", radicale.url, calendar_name)
    personal = f"{calendar_name}-r"
    evening = pendulum.date(2026, 11, 24)
    answers = {"present": "people", "stress": "neither", "energy": 4, "peace": 3, "meaning": 5,
               "note": "Good talk with Sam,\nthen a walk"}  # fmt: skip
    save_reflection(laptop.planner, evening, answers)

    def reflections(device: Device) -> object:
        own = CalDavCollection(device.url, "jane", "secret", personal)
        return device.sync(own, scope=REFLECTIONS)

    assert laptop.sync().pushed == 0  # the plan's collection: no reflection goes there
    assert reflections(laptop).pushed_new == 1  # type: ignore[attr-defined]
    got = reflections(desktop)
    assert (got.pulled_new, got.skipped) == (1, [])  # type: ignore[attr-defined]
    mine, theirs = _day(laptop, evening).reflection, _day(desktop, evening).reflection
    assert mine is not None and theirs == mine
    # one answer changed on each device: both kept
    save_reflection(desktop.planner, evening, {**answers, "note": "A walk"})
    save_reflection(laptop.planner, evening, {**answers, "energy": 2})
    reflections(desktop)
    assert reflections(laptop).conflicts == []  # type: ignore[attr-defined]
    reflections(desktop)
    for device in (laptop, desktop):
        got = _day(device, evening).reflection
        assert got is not None and (got.answers.note, got.answers.energy) == ("A walk", 2)
    assert not any("REFLECTION" in text for text in server_objects(laptop))
    # the same answer changed on both: kept both ways, settled by its id
    save_reflection(desktop.planner, evening, {**answers, "peace": 1})
    save_reflection(laptop.planner, evening, {**answers, "peace": 5})
    reflections(desktop)
    (clash,) = reflections(laptop).conflicts  # type: ignore[attr-defined]
    assert (clash.block_id, clash.fields["peace"]) == ("reflection-2026-11-24", ("5", "1"))
    own = CalDavCollection(laptop.url, "jane", "secret", personal)
    laptop.sync(own, scope=REFLECTIONS, resolutions=[("reflection-2026-11-24", "local")])
    reflections(desktop)
    assert {_day(d, evening).reflection.answers.peace for d in (laptop, desktop)} == {5}  # type: ignore[union-attr]

    # a work calendar made by another client, subscribed one way
    work = f"{calendar_name}-w"
    client = DAVClient(url=radicale.url, username="jane", password="secret")
    calendar = client.principal().make_calendar(name=work)
    event = calendar.save_event(REPORT)
    source = CalDavCollection(radicale.url, "jane", "secret", work, create=False)
    pulled = pull_subscription(laptop.planner, source, work)
    assert (pulled.pulled_new, pulled.skipped) == (1, [])
    (call,) = [b for b in laptop.blocks_all() if b.title == "Late call with Tokyo"]
    assert (call.flexible, call.source) == (False, f"caldav:{work}:standup-1@work.example.org")
    # judged like an import: never refused, what it breaks recorded (and the day's record
    # goes up with the plan; the event itself never does)
    assert pulled.crossed and {c.block for c in _day(laptop, DAY).crossings} == {call.id}
    assert laptop.sync().pushed_new == 1
    assert uids(server_objects(laptop)) == [] and uids(server_objects(laptop), journals=True)
    laptop.edit(call.id, title="Call (moved to Friday?)")  # an edit here is never sent
    assert laptop.sync().pushed == 0
    assert pull_subscription(laptop.planner, source, work).pulled == 0
    assert [b.title for b in laptop.blocks_all() if b.source] == ["Call (moved to Friday?)"]
    assert "SUMMARY:Late call with Tokyo" in event.data  # unchanged on the server
    event.icalendar_component["SUMMARY"] = "Late call (Tokyo)"
    event.save()
    assert pull_subscription(laptop.planner, source, work).pulled_changed == 1
    assert [b.title for b in laptop.blocks_all() if b.source] == ["Late call (Tokyo)"]
    event.delete()
    monkeypatch.setattr(flowday.sync.engine, "DELETE_ASKS_ABOVE", 0)  # the guard applies
    with pytest.raises(DeletionsNeedConfirmation, match="delete 1 events"):
        pull_subscription(laptop.planner, source, work)
    assert [b.title for b in laptop.blocks_all() if b.source] == ["Late call (Tokyo)"]
    assert pull_subscription(laptop.planner, source, work, yes=True).pulled_deleted == 1
    assert [b for b in laptop.blocks_all() if b.source] == []
    assert len(calendar.events()) == 0 and laptop.sync().pushed == 0

    # no longer subscribed: its blocks from now on go, what is past stays, and subscribing
    # again brings them back, none twice
    calendar.save_event(REPORT)  # 2026-12-01, ahead
    calendar.save_event(REPORT.replace("standup-1", "retro-1").replace("20261201", "20261124")
                        .replace("Late call with Tokyo", "Retro"))  # fmt: skip
    one_by_one: list[str] = []
    monkeypatch.setattr(source, "get", lambda href: one_by_one.append(href))
    assert pull_subscription(laptop.planner, source, work).pulled_new == 2
    assert one_by_one == []  # both in one request (calendar-multiget)
    monkeypatch.delattr(source, "get")  # the method again
    assert drop_unsubscribed(laptop.planner, [work]) == []  # still subscribed: nothing
    with pytest.raises(DeletionsNeedConfirmation):  # the guard asks here too
        drop_unsubscribed(laptop.planner, [])
    (dropped,) = drop_unsubscribed(laptop.planner, [], yes=True)
    assert (dropped.calendar, dropped.pulled_deleted) == (work, 1)
    assert dropped.summary() == f"{work}: unsubscribed, 1 block ahead removed"
    assert [b.title for b in laptop.blocks_all() if b.source] == ["Retro"]
    assert drop_unsubscribed(laptop.planner, []) == []  # forgotten: said once
    # subscribed again, through the one call `flowday sync` makes: the subscription is
    # pulled first, so the crossing it records goes up with the plan in the same sync
    settings = from_mapping({"sync": {"url": radicale.url, "user": "jane", "password_cmd": "x",
                                      "calendar": calendar_name, "subscribe": [work],
                                      "reflections": False}}).sync  # fmt: skip
    assert settings is not None
    opened = {calendar_name: laptop.collection, work: source}
    reports = sync_everything(laptop.planner, settings, lambda name, _: opened[name], yes=True)
    (again,) = reports.subscriptions
    assert (again.pulled_new, again.pulled_changed) == (1, 1) and again.crossed
    assert sorted(b.title for b in laptop.blocks_all() if b.source) == ["Late call with Tokyo",
                                                                        "Retro"]  # fmt: skip
    assert reports.plan.pushed == 2  # the two days' records, each with its new crossing
    assert sync_everything(laptop.planner, settings, lambda name, _: opened[name]).plan.pushed == 0


def test_a_calendar_for_events_only_keeps_day_records_here(
    tmp_path: Path, xandikos: Server, calendar_name: str
) -> None:
    # made by another app for events only (as Nextcloud's web calendar may): Xandikos then
    # refuses journals (403); the blocks sync, the day records stay, one line says why
    client = DAVClient(url=xandikos.url, username="jane", password="secret")
    client.principal().make_calendar(
        name=calendar_name, supported_calendar_component_set=["VEVENT"]
    )
    laptop = Device(tmp_path / "laptop", xandikos.url, calendar_name)
    laptop.add("Write", 9 * 60, 10 * 60)
    laptop.planner.set_mode(DAY, "integration")
    laptop.planner.set_mode(OFF, "integration")
    first = laptop.sync()
    assert (first.pushed_new, first.rounds) == (1, 1)
    assert [line.split(":")[0] for line in first.skipped] == [
        "the calendar does not take journals (VJOURNAL)"
    ]
    assert "2 day records stay on this device" in first.skipped[0]
    assert laptop.sync().summary() == "↑0 ↓0, 0 conflicts"  # (said again, nothing sent)
