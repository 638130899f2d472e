"""The parts of the sync that need no server: the merge, the state, [sync], the password,
the command's contract (exit statuses, --json keys)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from flowday.config import ConfigError, SyncSettings, from_mapping
from flowday.domain.frozen import replace
from flowday.sync.credentials import password
from flowday.sync.merge import merge
from flowday.sync.state import Conflict, Synced, SyncState

BASE = {"title": "Plan", "notes": "", "start": "2026-12-01 09:00"}


def test_merge_takes_each_side_s_changes_and_keeps_conflicts() -> None:
    mine = {**BASE, "notes": "mine"}
    theirs = {**BASE, "start": "2026-12-01 10:00"}
    assert merge(BASE, mine, theirs).fields == {
        **BASE,
        "notes": "mine",
        "start": "2026-12-01 10:00",
    }
    clash = merge(BASE, {**BASE, "title": "A"}, {**BASE, "title": "B"})
    assert (clash.fields["title"], clash.conflicts) == ("A", {"title": ("A", "B")})
    assert merge(BASE, {**BASE, "title": "A"}, {**BASE, "title": "A"}).clean  # agreement
    # never synced: any difference is a conflict, the same values agree
    assert merge(None, BASE, BASE).clean
    assert merge(None, BASE, {**BASE, "notes": "x"}).conflicts == {"notes": ("", "x")}
    # a reflection answered on both devices: its stamp and figures follow the newer answer
    was = {"at": "2026-11-24T20:00:00Z", "figures": "{}", "note": ""}
    here = {"at": "2026-11-24T21:00:00Z", "figures": '{"a": 1}', "note": "x"}
    there = {"at": "2026-11-24T22:00:00Z", "figures": '{"a": 2}', "note": ""}
    both = merge(was, here, there)
    assert (both.fields, both.clean) == ({**there, "note": "x"}, True)


def _item(n: int, start: str) -> Synced:
    return Synced(f"http://h/c/{n}.ics", f'"{n}"', "", {**BASE, "start": start})


def test_state_is_sharded_by_month_and_a_save_writes_only_what_changed(tmp_path: Path) -> None:
    from flowday.store import Store
    from flowday.sync.state import read_state, write_state

    store = Store(tmp_path)
    routine = Synced("http://h/c/r.ics", '"r"', "BEGIN:VCALENDAR", {"rrule": "FREQ=DAILY"})
    items = {f"b{n}@flowday": _item(n, f"2026-{n % 3 + 1:02d}-0{n % 9 + 1} 09:00")
             for n in range(30)}  # fmt: skip
    state = SyncState("http://h/c/", "tok", {**items, "r@flowday": routine},
                      {"b": Conflict("b", "bbbbbbbb", {"title": ("x", "y")}, routine)})  # fmt: skip
    loaded, saved = read_state(store)
    assert loaded == SyncState() and saved.items == {}
    with store.transaction() as txn:
        saved.take(write_state(txn, state, saved))
    shards = sorted(p.name for p in (tmp_path / "sync").iterdir())
    assert shards == ["2026-01.json", "2026-02.json", "2026-03.json", "undated.json"]
    assert "items" not in store.sync_state()  # the head keeps no events
    again, saved = read_state(store)
    assert again == state  # a round trip

    def stamps() -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in (tmp_path / "sync").iterdir()}

    before, head = stamps(), store.sync_path.stat().st_ino
    # one event edited: its month alone; the head stays (same token, conflicts, places)
    again.items["b0@flowday"] = replace(again.items["b0@flowday"], etag='"new"')
    with store.transaction() as txn:
        saved.take(write_state(txn, again, saved))
    assert {name for name, inode in stamps().items() if before[name] != inode} == {"2026-01.json"}
    assert store.sync_path.stat().st_ino == head
    # one moved from March to January: those two months, and the head's index (compared
    # with the files just before: a file replaced twice may get its first inode back)
    before = stamps()
    again.items["b2@flowday"] = _item(2, "2026-01-05 09:00")
    with store.transaction() as txn:
        saved.take(write_state(txn, again, saved))
    changed = {name for name, inode in stamps().items() if before[name] != inode}
    assert changed == {"2026-01.json", "2026-03.json"}
    assert store.sync_path.stat().st_ino != head
    assert read_state(store)[0] == again
    stored = [r["uid"] for records in store.sync_shards().values() for r in records]
    assert sorted(stored) == sorted(again.items)  # each once: the moved one left March
    with store.transaction() as txn:  # nothing changed: nothing written
        saved.take(write_state(txn, again, saved))
    assert stamps() == {**before, **{n: stamps()[n] for n in changed}}

    # another collection's state (the reflections'): shards of its own; a day's record
    # goes by its date
    day = Synced("http://h/r/d.ics", '"d"', "", {"kind": "reflection", "answer": "calm"})
    theirs = SyncState("http://h/r/", "t", {"reflection-2026-12-01@flowday": day})
    with store.transaction() as txn:
        write_state(txn, theirs, read_state(store, "reflections")[1], "reflections")
    (mine,) = [p.name for p in (tmp_path / "sync").iterdir() if p.name not in before]
    assert re.fullmatch(r"[0-9a-f]{8}-2026-12\.json", mine)
    assert read_state(store, "reflections")[0] == theirs
    assert read_state(store)[0] == again  # the plan's state does not see them


def test_a_single_file_state_is_migrated_and_a_newer_one_refused(tmp_path: Path) -> None:
    from flowday.store import Store
    from flowday.sync.state import read_state, write_state

    store = Store(tmp_path)
    old = {"version": 1, "collection": "http://h/c/", "token": "t1",
           "items": {"a@flowday": {**_item(1, "2026-05-01 09:00").to_record()}},
           "conflicts": {}}  # fmt: skip
    with store.transaction() as txn:
        txn.set_sync_state(old)
    state, saved = read_state(store)  # version 1: read as it is
    assert state.items == {"a@flowday": _item(1, "2026-05-01 09:00")} and state.token == "t1"
    with store.transaction() as txn:  # the next save writes the head and the shards at once
        saved.take(write_state(txn, state, saved))
    head = store.sync_state()
    assert head.pop("index")["members"] == {"2026-05": ["a@flowday"]}
    assert head == {"version": 3, "collection": "http://h/c/", "token": "t1",
                    "conflicts": {}, "others": ""}  # fmt: skip
    assert [r["uid"] for r in store.sync_shards()["2026-05"]] == ["a@flowday"]
    assert read_state(store)[0] == state

    with pytest.raises(ValueError, match="version"):
        SyncState.from_record({**state.to_record(), "version": 99})
    with pytest.raises(ValueError, match="fields are not text"):
        SyncState.from_record({"version": 1, "items": {"a": {**_item(1, "x").to_record(),
                                                             "fields": {"t": 1}}}})  # fmt: skip


def test_a_newer_or_broken_state_is_refused_and_left_untouched(planner) -> None:  # type: ignore[no-untyped-def]
    from flowday.store import StoreError
    from flowday.sync.engine import run_sync

    store = planner.store
    with store.transaction() as txn:
        txn.set_sync_state({"version": 4, "collection": "http://h/c/"})
    head = store.sync_path.read_bytes()
    with pytest.raises(StoreError, match=r"sync\.json cannot be read \(version 4 is not"):
        run_sync(planner, None)  # type: ignore[arg-type]  # refused before the server
    assert store.sync_path.read_bytes() == head
    with store.transaction() as txn:
        txn.set_sync_state({"version": 2, "collection": "http://h/c/"})
        txn.set_sync_shard("2026-05", [{"href": "x", "etag": "", "raw": "", "fields": None}])
    shard = store.sync_shard_path("2026-05").read_bytes()
    with pytest.raises(StoreError, match="has no UID"):
        run_sync(planner, None)  # type: ignore[arg-type]
    assert store.sync_shard_path("2026-05").read_bytes() == shard


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"user": "jane"}, "sync.url is missing"),
        ({"url": "ftp://dav.example.org/"}, "sync.url must be an http"),
        ({"url": "http://dav.example.org/"}, "plain http to another machine"),
        ({"url": "https://dav.example.org/", "password": "hunter2"}, "sync.password must be never"),
        ({"url": "https://dav.example.org/", "colour": 1}, "unknown setting sync.colour"),
        (
            {"url": "https://dav.example.org/", "allow_insecure_http": "yes"},
            "sync.allow_insecure_http",
        ),
        ({"url": "https://dav.example.org/", "every": 15}, "sync.every must be a duration like"),
        ({"url": "https://dav.example.org/", "every": "soon"}, "sync.every must be a duration"),
        ({"url": "https://dav.example.org/", "every": "0m"}, "sync.every must be a duration"),
        ({"url": "https://dav.example.org/", "every": "25h"}, "sync.every must be a duration"),
        (
            {"url": "https://dav.example.org/", "reflections_calendar": "flowday"},
            "sync.reflections_calendar must not be the plan's calendar",
        ),
        ({"url": "https://dav.example.org/", "subscribe": ["flowday"]}, "sync.subscribe names"),
        ({"url": "https://dav.example.org/", "subscribe": "Work"}, "sync.subscribe must be a list"),
        ({"url": "https://dav.example.org/", "reflections": "no"}, "sync.reflections must be"),
    ],
)
def test_sync_settings_errors_name_the_key(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_mapping({"sync": table})


def test_sync_settings_allow_loopback_http_and_what_is_asked_for() -> None:
    assert from_mapping({}).sync is None
    local = from_mapping({"sync": {"url": "http://127.0.0.1:5232/"}}).sync
    assert local == SyncSettings(url="http://127.0.0.1:5232/")
    assert local is not None and local.every == 0  # the planner syncs only when asked
    every = from_mapping({"sync": {"url": "http://127.0.0.1:5232/", "every": "1h30"}}).sync
    assert every is not None and every.every == 90
    lan = {"url": "http://nas.lan/", "allow_insecure_http": True, "calendar": "plan"}
    assert from_mapping({"sync": lan}).sync == SyncSettings("http://nas.lan/", calendar="plan",
                                                            allow_insecure_http=True)  # fmt: skip
    assert (local.reflections, local.reflections_calendar, local.subscribe) == (
        True, "flowday-reflections", ()
    )  # fmt: skip
    chosen = {"url": "http://[::1]/", "reflections": False, "subscribe": ["Work", " Work"]}
    settings = from_mapping({"sync": chosen}).sync
    assert settings is not None and (settings.reflections, settings.subscribe) == (False, ("Work",))


def test_the_password_comes_from_the_command_s_first_line(tmp_path: Path) -> None:
    command = r"printf 's3cret word\nsecond line\n'"
    assert password(SyncSettings("https://x/", "jane", command)) == "s3cret word"
    with pytest.raises(ConfigError, match=r"sync.password_cmd failed \(exit status 1\)"):
        password(SyncSettings("https://x/", "jane", "false"))
    with pytest.raises(ConfigError, match=r"sync\.password_cmd could not run"):
        password(SyncSettings("https://x/", "jane", str(tmp_path / "missing")))
    assert password(SyncSettings("https://x/")) == ""  # no user: a server without a login


def test_sync_command_without_sync_settings_says_what_to_add(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("sync")
    assert result.returncode == 2
    assert "no [sync] in the config" in result.stderr
    assert cli("sync", "--take", "local").returncode == 2


NIGHT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Phone//EN
BEGIN:VEVENT
UID:night@example.org
DTSTAMP:20261120T080000Z
DTSTART;TZID=Europe/Berlin:20261201T220000
DTEND;TZID=Europe/Berlin:20261202T013000
SUMMARY:Night train
CATEGORIES:personal,Travel
END:VEVENT
END:VCALENDAR
"""


def test_fields_survive_the_way_out_and_back_in(planner) -> None:  # type: ignore[no-untyped-def]
    """Blocks → event (export's mapping) → fields (import's expansion) → blocks: the same
    fields, for a night across midnight, a done block with its actual time, a flexible one."""
    from flowday.sync.items import block_fields, blocks_for, event_text, read_event

    tz, now = planner.config.timezone, planner.now()
    night = read_event(planner, NIGHT, "night.ics")
    assert night.fields is not None and not night.plain
    assert (night.fields["start"], night.fields["end"]) == ("2026-12-01 22:00", "2026-12-02 01:30")
    blocks = blocks_for(night.fields, night.uid, [], now)
    assert [(b.date.day, b.span) for b in blocks] == [(1, "22:00-24:00"), (2, "00:00-01:30")]
    assert block_fields(blocks) == night.fields
    edited = [b.changed(now, title="Sleeper train") for b in blocks]
    text = event_text(edited, night.uid, NIGHT, tz, now)
    assert "CATEGORIES:personal,Travel" in text.replace("\r\n", "\n")  # its own category kept
    assert read_event(planner, text, "x").fields == block_fields(edited)
    done = {"start": "2026-12-03 07:00", "end": "2026-12-03 08:00", "title": "Run",
            "sphere": "break", "notes": "5 km", "flexible": "true", "outcome": "done",
            "actual": "07:10-08:05"}  # fmt: skip
    (made,) = blocks_for(done, "abcdefgh@flowday", [], now)
    assert (made.id, made.source, made.actual_span) == ("abcdefgh", "", "07:10-08:05")
    back = read_event(planner, event_text([made], "abcdefgh@flowday", "", tz, now), "y")
    assert (back.fields, back.plain, back.marked) == (done, True, True)


def test_exception_dates_merge_date_by_date() -> None:
    base = {"exceptions": "2026-12-01"}
    mine = {"exceptions": "2026-12-01,2026-12-03"}  # one more skipped here
    theirs = {"exceptions": "2026-12-04"}  # one more there, and the first brought back
    assert merge(base, mine, theirs).fields == {"exceptions": "2026-12-03,2026-12-04"}
    assert merge(None, mine, theirs).clean


def test_the_planners_sync_line_says_the_reflections_and_subscriptions_too() -> None:
    # the toast after `y`: the plan's line as `flowday sync` says it, then what moved in the
    # reflections' collection and each subscription; C is named when any conflict is open
    from types import SimpleNamespace

    from flowday.config import from_mapping
    from flowday.sync.engine import SyncReport
    from flowday.sync.everything import Reports
    from flowday.sync.state import Conflict, Synced
    from flowday.sync.subscriptions import SubscriptionReport
    from flowday.tui.syncing import PlannerSync

    config = from_mapping({"sync": {"url": "https://dav.example.org/"}})
    syncing = PlannerSync(SimpleNamespace(planner=SimpleNamespace(config=config)))  # type: ignore[arg-type]
    quiet = Reports(SyncReport(), SyncReport(), [SubscriptionReport("Work")])
    assert syncing.summary(quiet) == "↑0 ↓0, 0 conflicts"
    clash = Conflict("reflection-2026-11-24@flowday", "reflection-2026-11-24",
                     {"peace": ("4", "5")}, Synced("h", "e", "", {}))  # fmt: skip
    moved = Reports(
        SyncReport(pushed_new=2),
        SyncReport(pulled_new=1, conflicts=[clash]),
        [SubscriptionReport("Work", pulled_new=3), SubscriptionReport("Team")],
    )
    assert syncing.summary(moved) == (
        "↑2 ↓0, 0 conflicts; reflections: ↑0 ↓1, 1 conflict; Work: ↓3 — C shows them"
    )


def test_the_state_is_read_shard_by_shard_and_its_index_kept_true(tmp_path: Path) -> None:
    from flowday.store import Store, StoreError
    from flowday.sync.state import needs_saving, read_state, write_state

    store = Store(tmp_path)
    items = {f"b{n}@flowday": _item(n, f"2026-0{n % 3 + 1}-0{n % 9 + 1} 09:00") for n in range(9)}
    state, saved = read_state(store)
    state.collection = "http://h/c/"
    state.items.update(items)
    with store.transaction() as txn:
        saved.take(write_state(txn, state, saved))
    # an event moved into a month not read: that month's other events stay in its file
    state, saved = read_state(store)
    state.items["b0@flowday"] = _item(0, "2026-02-20 09:00")  # (January's, read for it)
    assert state.remembered.shards_read == {"2026-01"}
    with store.transaction() as txn:
        saved.take(write_state(txn, state, saved))
    filed = {shard: sorted(r["uid"] for r in records)
             for shard, records in store.sync_shards().items()}  # fmt: skip
    assert filed["2026-02"] == ["b0@flowday", "b1@flowday", "b4@flowday", "b7@flowday"]
    assert read_state(store)[0] == SyncState("http://h/c/", None, {**items, "b0@flowday":
                                             _item(0, "2026-02-20 09:00")})  # fmt: skip
    # an index that does not describe the files (one gone): read whole, written again
    store.sync_shard_path("2026-03").unlink()
    state, saved = read_state(store)
    assert sorted(state.items) == sorted(set(items) - {"b2@flowday", "b5@flowday", "b8@flowday"})
    assert needs_saving(state, saved)
    with store.transaction() as txn:
        saved.take(write_state(txn, state, saved))
    assert read_state(store)[0].index().uids() == set(state.items)
    # two syncs at once: the one that saves second is refused, nothing written
    first, first_saved = read_state(store)
    second, second_saved = read_state(store)
    first.items["n1@flowday"] = _item(11, "2026-04-01 09:00")
    second.items["n2@flowday"] = _item(12, "2026-05-01 09:00")
    with store.transaction() as txn:
        write_state(txn, first, first_saved)
    head = store.sync_path.read_bytes()
    with pytest.raises(StoreError, match="written by another sync"), store.transaction() as txn:
        write_state(txn, second, second_saved)
    assert store.sync_path.read_bytes() == head and "2026-05" not in store.sync_shard_names()


def _random_item(rng: random.Random, uid: str) -> Synced:
    href = f"http://h/c/{uid.replace('@', '%40')}.ics" if rng.random() < 0.8 else f"x/{uid}"
    etag = "" if rng.random() < 0.1 else f'"{rng.random()}"'  # "": a 412 met
    month = rng.choice(["2025-12", "2026-01", "2026-02", "night", "task", "other app's"])
    if month == "night":  # across January's end
        return Synced(href, etag, "", {**BASE, "start": "2026-01-31 22:00",
                                       "end": "2026-02-01 01:00"})  # fmt: skip
    if month in ("task", "other app's"):
        return Synced(href, etag, "RAW", {"kind": "task"} if month == "task" else None)
    start, end = f"{month}-10 09:00", f"{month}-10 10:00"
    return Synced(href, etag, "", {**BASE, "start": start, "end": end, "notes": str(rng.random())})


def test_a_state_read_in_part_and_saved_again_and_again_keeps_every_event(
    tmp_path: Path,
) -> None:
    """Random changes to states read shard by shard (the head sometimes put back as the
    previous flowday left it): what is read back is always the model, each event in one
    shard, and the index says what the events say."""
    from flowday.store import Store
    from flowday.sync.state import months_of, read_state, write_state

    for seed in range(4):
        rng = random.Random(seed)
        store = Store(tmp_path / str(seed))
        model: dict[str, Synced] = {}
        for step in range(8):
            if step and rng.random() < 0.25:
                head = store.sync_state()
                del head["index"]
                with store.transaction() as txn:
                    txn.set_sync_state({**head, "version": 2})
            state, saved = read_state(store)
            state.collection = "http://h/c/"
            for _ in range(rng.randint(1, 6)):
                uid = f"u{rng.randint(0, 20)}@flowday"
                if rng.random() < 0.6:
                    state.items[uid] = model[uid] = _random_item(rng, uid)
                else:
                    assert state.items.pop(uid, None) == model.pop(uid, None)
            with store.transaction() as txn:
                saved.take(write_state(txn, state, saved))
            assert dict(read_state(store)[0].items.items()) == model
            filed = [r["uid"] for records in store.sync_shards().values() for r in records]
            assert sorted(filed) == sorted(model)
            index = read_state(store)[0].index()
            assert (index.uids(), index.unsent, index.foreign) == (
                set(model),
                {uid for uid, item in model.items() if not item.etag},
                {uid for uid, item in model.items() if item.fields is None},
            )
            for uid, item in model.items():
                assert index.months(uid) == months_of(uid, item)
                assert index.uid_at(item.href) == uid
            for month in ("2025-12", "2026-01", "2026-02", None):
                agreed = {u for u, i in model.items() if month in (months_of(u, i) or {None})}
                assert index.agreed_in(month) == agreed


def test_the_planner_s_summary_names_a_calendar_no_longer_subscribed() -> None:
    from flowday.sync.engine import SyncReport
    from flowday.sync.everything import Reports
    from flowday.sync.subscriptions import SubscriptionReport
    from flowday.tui.syncing import PlannerSync

    reports = Reports(SyncReport(), subscriptions=[
        SubscriptionReport("Work", pulled_deleted=2, unsubscribed=True),
        SubscriptionReport("Team", pulled_new=1), SubscriptionReport("Quiet"),
    ])  # fmt: skip
    said = PlannerSync.summary(None, reports)  # type: ignore[arg-type]
    assert said == "↑0 ↓0, 0 conflicts; Work: unsubscribed, 2 blocks ahead removed; Team: ↓1"
