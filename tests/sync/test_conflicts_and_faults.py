"""Conflicts, the deletion guard and faults, through a real Radicale: after each, the
devices converge and nothing is lost or duplicated (counted)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.sync.conftest import Server
from tests.sync.devices import Device, edit_state, server_objects, uids

from flowday.domain.frozen import replace
from flowday.sync.engine import DeletionsNeedConfirmation, load_state
from flowday.sync.server import Collection, Listing, Stale, SyncError
from flowday.sync.state import SyncState


def _pair(tmp_path: Path, radicale: Server, name: str) -> tuple[Device, Device]:
    return (Device(tmp_path / "a", radicale.url, name), Device(tmp_path / "b", radicale.url, name))


def _converged(*devices: Device) -> list[str]:
    """Every device and the server hold the same events, each once."""
    on_server = uids(server_objects(devices[0]))
    assert len(on_server) == len(set(on_server))
    for device in devices:
        assert sorted(f"{b.id}@flowday" for b in device.blocks()) == on_server
    return on_server


def test_a_conflict_is_kept_both_ways_until_resolved(
    tmp_path: Path, radicale: Server, calendar_name: str
) -> None:
    laptop, desktop = _pair(tmp_path, radicale, calendar_name)
    block = laptop.add("Plan", 9 * 60, 10 * 60)
    laptop.sync()
    desktop.sync()
    laptop.edit(block.id, title="Plan the week")
    desktop.edit(block.id, title="Plan the quarter", notes="with Sam")
    laptop.sync()
    report = desktop.sync()
    assert [(c.block_id, c.fields) for c in report.conflicts] == [
        (block.id, {"title": ("Plan the quarter", "Plan the week")})
    ]
    assert report.summary() == "↑0 ↓0, 1 conflict"
    # both kept: the desktop shows its title, the server the laptop's; nothing duplicated
    assert desktop.titles() == ["Plan the quarter"]
    again = desktop.sync()
    assert (again.pushed, again.pulled, len(again.conflicts)) == (0, 0, 1)
    assert laptop.sync().pulled == 0
    assert "SUMMARY:Plan the week" in server_objects(laptop)[0]

    resolved = desktop.sync(resolutions=[(block.id, "remote")])
    assert (resolved.resolved, resolved.conflicts) == (1, [])
    assert resolved.pushed_changed == 1  # the notes typed on the desktop go out
    laptop.sync()
    for device in (laptop, desktop):
        (only,) = device.blocks()
        assert (only.title, only.notes) == ("Plan the week", "with Sam")
    _converged(laptop, desktop)

    # a conflict whose event is deleted on the other device: the edit here is sent anew
    laptop.edit(block.id, title="Plan A")
    desktop.edit(block.id, title="Plan B")
    laptop.sync()
    assert len(desktop.sync().conflicts) == 1
    laptop.delete(block.id)
    laptop.sync()
    after = desktop.sync()
    assert (after.conflicts, after.pushed_new) == ([], 1)
    laptop.sync()
    assert laptop.titles() == desktop.titles() == ["Plan B"]
    _converged(laptop, desktop)


def test_big_deletions_ask_first(
    tmp_path: Path, radicale: Server, calendar_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flowday.sync.engine

    assert flowday.sync.engine.DELETE_ASKS_ABOVE == 20  # the README's number
    monkeypatch.setattr(flowday.sync.engine, "DELETE_ASKS_ABOVE", 3)  # four events, not 21
    laptop, desktop = _pair(tmp_path, radicale, calendar_name)
    for hour in range(4):
        laptop.add(f"Slot {hour}", hour * 60, hour * 60 + 30)
    laptop.sync()
    desktop.sync()
    for block in desktop.blocks():
        desktop.delete(block.id)
    asked: list[str] = []
    with pytest.raises(
        DeletionsNeedConfirmation, match=r"delete 4 events \(0 here, 4 on the server\)"
    ):
        desktop.sync(confirm=lambda question: asked.append(question) or False)
    assert len(asked) == 1
    assert len(uids(server_objects(laptop))) == 4  # nothing was changed
    assert desktop.sync(yes=True).pushed_deleted == 4
    # the laptop's sync would empty a day: it asks too
    monkeypatch.setattr(flowday.sync.engine, "DELETE_ASKS_ABOVE", 20)
    with pytest.raises(DeletionsNeedConfirmation, match=r"would empty 2026-12-01 \(4 blocks\)"):
        laptop.sync()
    assert len(laptop.blocks()) == 4
    assert laptop.sync(confirm=lambda question: True).pulled_deleted == 4
    assert _converged(laptop, desktop) == []


class Faulty:
    """The real collection, with a fault injected before the n-th write."""

    def __init__(self, real: Collection, *, fail_on_put: int = 0,
                 before_put: object = None) -> None:  # fmt: skip
        self.real, self.url = real, real.url
        self.puts = 0
        self.fail_on_put = fail_on_put
        self.before_put = before_put

    def listing(self, token: str | None) -> Listing:
        return self.real.listing(token)

    def get(self, href: str) -> tuple[str, str] | None:
        return self.real.get(href)

    def put(self, href: str, text: str, etag: str | None) -> str | None:
        self.puts += 1
        if self.puts == self.fail_on_put:
            raise SyncError("the server answered 500")
        if callable(self.before_put):
            hook, self.before_put = self.before_put, None
            hook()
        return self.real.put(href, text, etag)

    def delete(self, href: str, etag: str) -> None:
        self.real.delete(href, etag)

    def href_for(self, uid: str) -> str:
        return self.real.href_for(uid)


class FailingReads(Faulty):
    def get(self, href: str) -> tuple[str, str] | None:
        raise SyncError(f"reading {href}: the server answered 500")


class Duplicating(Faulty):
    """Lists a second object holding the same event as the first one (another href)."""

    def listing(self, token: str | None) -> Listing:
        listing = self.real.listing(None)
        self.original = sorted(listing.etags)[0]
        listing.etags[self.url + "~copy.ics"] = '"copy"'  # "~" sorts after every href
        return listing

    def get(self, href: str) -> tuple[str, str] | None:
        return self.real.get(self.original if href.endswith("~copy.ics") else href)


def test_faults_lose_and_duplicate_nothing(
    tmp_path: Path, radicale: Server, calendar_name: str
) -> None:
    laptop, desktop = _pair(tmp_path, radicale, calendar_name)
    for hour in range(8, 13):
        laptop.add(f"Work {hour}", hour * 60, hour * 60 + 45)
    # a server error in the middle of the first push: what was sent is recorded
    with pytest.raises(SyncError, match="2 of 5 changes were sent and recorded"):
        laptop.sync(Faulty(laptop.collection, fail_on_put=3))
    assert len(server_objects(laptop)) == 2
    assert laptop.sync().pushed_new == 3  # the next sync sends the rest, once each
    desktop.sync()
    _converged(laptop, desktop)

    # a 412 race: the desktop writes the same event between the laptop's read and write
    target = next(b for b in laptop.blocks() if b.title == "Work 8")
    laptop.edit(target.id, notes="from the laptop")
    desktop.edit(target.id, title="Deep work")

    def race() -> None:
        desktop.sync()

    report = laptop.sync(Faulty(laptop.collection, before_put=race))
    assert report.rounds == 2 and not report.conflicts  # read again, merged, sent
    desktop.sync()
    for device in (laptop, desktop):
        same = next(b for b in device.blocks() if b.id == target.id)
        assert (same.title, same.notes) == ("Deep work", "from the laptop")

    # an expired sync-token: the whole listing is compared, nothing doubles
    edit_state(laptop, lambda state: setattr(state, "token", "http://radicale.org/ns/sync/expired"))
    desktop.add("Call", 14 * 60, 15 * 60)
    desktop.sync()
    expired = laptop.sync()
    assert (expired.full_listing, expired.pulled_new, expired.pushed) == (True, 1, 0)
    assert len(_converged(laptop, desktop)) == 6

    # the server fails in the middle of a pull: nothing here changes, the next sync pulls
    laptop.edit(target.id, title="Deep work, part 2")
    laptop.add("Review", 16 * 60, 17 * 60)
    laptop.sync()
    before = desktop.titles()
    with pytest.raises(SyncError, match="answered 500"):
        desktop.sync(FailingReads(desktop.collection))
    assert desktop.titles() == before
    assert desktop.sync().pulled == 2
    assert len(_converged(laptop, desktop)) == 7

    # a server holding one UID twice (some do not check): one is used, the other named
    twice = Duplicating(desktop.collection)
    report = desktop.sync(twice)
    assert ["the same UID" in line for line in report.skipped] == [True]
    assert (report.pulled, report.pushed) == (0, 0)
    assert len(_converged(laptop, desktop)) == 7


def test_a_stale_write_is_never_forced(
    tmp_path: Path, radicale: Server, calendar_name: str
) -> None:
    """The collection's If-Match: a write against an old ETag is refused (412)."""
    laptop, _ = _pair(tmp_path, radicale, calendar_name)
    block = laptop.add("Gym", 18 * 60, 19 * 60)
    laptop.sync()
    item = load_state(laptop.planner).items[f"{block.id}@flowday"]
    assert item.raw == ""  # flowday's own event: its text need not be kept
    got = laptop.collection.get(item.href)
    assert got is not None and got[0] == item.etag
    text = got[1]
    laptop.collection.put(item.href, text.replace("Gym", "Run"), item.etag)
    with pytest.raises(Stale):
        laptop.collection.put(item.href, text, item.etag)
    with pytest.raises(Stale):  # If-None-Match: * on one that exists
        laptop.collection.put(item.href, text, None)


def test_the_command_s_summary_json_and_exit_statuses(
    cli: object, tmp_path: Path, radicale: Server, calendar_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import flowday.sync.engine

    config = tmp_path / "config.toml"
    config.write_text(
        f'[sync]\nurl = "{radicale.url}"\nuser = "jane"\npassword_cmd = "echo secret"\n'
        f'calendar = "{calendar_name}"\nreflections_calendar = "{calendar_name}-r"\n'
    )
    run = lambda *args: cli("--config", str(config), *args)  # type: ignore[operator]  # noqa: E731
    run("add", "Standup", "--date", "2026-11-26", "--start", "09:00", "--end", "09:15", "--force")
    dry = run("sync", "--dry-run")
    assert dry.stdout == "↑1 ↓0, 0 conflicts (dry run: nothing was changed)\n"
    assert run("sync").stdout == "↑1 ↓0, 0 conflicts\n"
    report = json.loads(run("sync", "--json").stdout)
    assert set(report) == {"pushed", "pulled", "conflicts", "resolved", "skipped", "crossed",
                           "full_listing", "dry_run", "summary", "reflections",
                           "subscriptions", "others"}  # fmt: skip
    assert (report["reflections"]["summary"], report["subscriptions"]) == ("↑0 ↓0, 0 conflicts", [])
    assert report["pushed"] == {"new": 0, "changed": 0, "deleted": 0, "total": 0}
    block_id = json.loads(run("list", "--date", "2026-11-26", "--json").stdout)[0]["id"]
    run("rm", block_id)
    monkeypatch.setattr(flowday.sync.engine, "DELETE_ASKS_ABOVE", 0)
    refused = run("sync")
    assert refused.returncode == 7
    assert "would delete 1 events" in refused.stderr and "--yes" in refused.stderr
    assert run("sync", "--yes").stdout == "↑1 ↓0, 0 conflicts\n"
    missing = run("sync", "--resolve", "nosuchid", "--take", "local")
    assert (missing.returncode, missing.stderr) == (
        2,
        "flowday: no conflict nosuchid (flowday sync lists them)\n",
    )
    # a subscription names a calendar that is not there: never made, one line, exit 6
    with config.open("a") as more:
        more.write(f'subscribe = ["{calendar_name}-nosuch"]\n')
    absent = run("sync")
    assert (absent.returncode, absent.stderr.count("\n")) == (6, 1)
    assert f"no calendar named {calendar_name}-nosuch" in absent.stderr


class DroppingX(Faulty):
    """A server that drops X- properties (some do), and changes ETags on its own."""

    def put(self, href: str, text: str, etag: str | None) -> str | None:
        kept = "\n".join(line for line in text.splitlines() if not line.startswith("X-"))
        return self.real.put(href, kept + "\n", etag)


def test_a_server_that_drops_x_properties_loses_nothing_flowday_knows(
    tmp_path: Path, radicale: Server, calendar_name: str
) -> None:
    from flowday.domain.model import Outcome

    laptop, _ = _pair(tmp_path, radicale, calendar_name)
    block = laptop.add("Run", 7 * 60, 8 * 60)
    laptop.edit(block.id, flexible=True, outcome=Outcome.DONE, actual_start=430, actual_end=490)
    assert laptop.sync(DroppingX(laptop.collection)).pushed_new == 1
    assert "X-FLOWDAY" not in server_objects(laptop)[0]
    edit_state(laptop, etag_changed(f"{block.id}@flowday", '"changed by the server"'))
    report = laptop.sync()  # reads the event again: no flowday property on it
    (kept,) = laptop.blocks()
    assert (kept.flexible, kept.outcome, kept.actual_span) == (True, Outcome.DONE, "07:10-08:10")
    assert (report.pulled, report.pushed) == (0, 0)
    edit_state(laptop, etag_changed(f"{block.id}@flowday", '"changed again"'))
    laptop.sync()
    assert laptop.blocks()[0].outcome is Outcome.DONE


def etag_changed(uid: str, etag: str) -> Callable[[SyncState], None]:
    def change(state: SyncState) -> None:
        state.items[uid] = replace(state.items[uid], etag=etag)
        state.token = None  # the whole listing: the ETag differs, the event is read again

    return change


class AlwaysStale(Faulty):
    def put(self, href: str, text: str, etag: str | None) -> str | None:
        raise Stale(href)


def test_writes_that_always_meet_412_are_reported_and_sent_later(
    tmp_path: Path, radicale: Server, calendar_name: str
) -> None:
    laptop, _ = _pair(tmp_path, radicale, calendar_name)
    laptop.add("Swim", 7 * 60, 8 * 60)
    report = laptop.sync(AlwaysStale(laptop.collection))
    assert report.rounds == 3 and report.pushed == 0
    assert report.skipped == ["1 event changed on the server during each of 3 tries; the "
                              "next sync sends them"]  # fmt: skip
    assert laptop.sync().pushed_new == 1
    assert len(server_objects(laptop)) == 1


def test_a_server_that_never_answers_is_one_line_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    import flowday.sync.server

    monkeypatch.setattr(flowday.sync.server, "TIMEOUT", 0.3)
    with socket.socket() as silent:  # takes the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        device = Device(tmp_path / "a", url, "never")
        with pytest.raises(SyncError, match=r"^cannot reach the calendar at http://127\.0\.0\.1"):
            device.sync()
    assert not device.planner.store.sync_path.exists()
