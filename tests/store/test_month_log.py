"""A change to one month is one line appended to its log: what a reader sees (the file with
the log replayed, by another process too), a line torn by a crash (ignored, then cut off
before the next line), a damaged log (refused, kept aside by doctor), a failed append
(nothing changed) and the log folded into the month file."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

from flowday import safe_write
from flowday import store as store_module
from flowday.domain.model import Block, Day, Sphere
from flowday.store import Store, StoreError, load_json_file, log_path_for

NOV = pendulum.date(2026, 11, 25)
NOW = pendulum.datetime(2026, 11, 25, 10, tz="UTC")


def block(start: int, title: str = "Block", day: int = 25) -> Block:
    return Block.create(
        date=NOV.replace(day=day), start=start, end=start + 15, title=title,
        sphere=Sphere.WORK, now=NOW,
    )  # fmt: skip


def save(store: Store, *blocks: Block) -> None:
    with store.transaction() as txn:
        for each in blocks:
            txn.put_block(each)


def moved(b: Block, start: int) -> Block:
    return b.changed(NOW, start=start, end=start + 15)


def starts(store: Store) -> list[int]:
    return [b.start for b in store.blocks_on(NOV)]


def logged(root: Path, *starts: int) -> tuple[Store, Block, Path]:
    """A store whose November holds one block (its file written whole), moved to each of
    ``starts`` in turn (a line each in the month's log); the block and the log."""
    store = Store(root)
    first = block(540)
    save(store, first)
    for start in starts:
        save(store, moved(first, start))
    return store, first, log_path_for(store.month_path(NOV))


def log_lines(store: Store) -> list[bytes]:
    return log_path_for(store.month_path(NOV)).read_bytes().split(b"\n")


def test_a_save_is_one_line_and_another_process_sees_it_under_the_lock(tmp_path: Path) -> None:
    mine, theirs = Store(tmp_path), Store(tmp_path)  # two processes' stores: two caches
    first = block(540)
    save(mine, first)  # a new month: its file written whole
    month = mine.month_path(NOV)
    written = month.read_bytes()
    assert starts(theirs) == [540]
    for start in (555, 570, 585):
        save(mine, moved(first, start))
        assert starts(theirs) == [start]  # a read costs the lines appended since
    assert month.read_bytes() == written  # the file is not rewritten by a save
    assert [json.loads(line)["seq"] for line in log_lines(mine)[:-1]] == [1, 2, 3]
    # a change under the lock starts from the other process's last line: nothing lost
    with theirs.transaction() as txn:
        current = txn.find_block(first.id)
        assert current is not None and current.start == 585
        txn.put_block(current.changed(NOW, title="Renamed"))
    save(mine, block(900, "Second"))
    assert [(b.start, b.title) for b in Store(tmp_path).blocks_on(NOV)] == [
        (585, "Renamed"),
        (900, "Second"),
    ]


@pytest.mark.parametrize("torn", ["half-a-line", "bad-sum", "zeros"])
def test_a_torn_last_line_is_ignored_and_cut_off_before_the_next_line(
    tmp_path: Path, torn: str
) -> None:
    store, first, log = logged(tmp_path, 555)
    whole = log.read_bytes()
    long = moved(first, 570).changed(NOW, title="x" * 1000)  # torn: longer than the next
    line = store_module._log_line(3, [("blocks", "1", long.to_dict())])
    tails = {
        "half-a-line": line[: len(line) // 2],  # the crash came mid-write
        "bad-sum": line.replace(b'"09:30"', b'"09:35"'),  # whole, its bytes not all durable
        "zeros": b"\0" * len(line),  # the size durable, the data not
    }
    log.write_bytes(whole + tails[torn])
    assert starts(Store(tmp_path)) == [555]  # the torn line is not a change
    save(Store(tmp_path), moved(first, 600))
    assert log.read_bytes().startswith(whole)  # the new line right after the last whole one
    added = log.read_bytes()[len(whole) :]
    assert added.endswith(b"\n") and added.count(b"\n") == 1  # one line, nothing torn after
    assert [json.loads(x)["seq"] for x in log.read_bytes().split(b"\n")[:-1]] == [1, 2]
    assert starts(Store(tmp_path)) == [600] == starts(store)


def test_a_damaged_line_before_the_last_is_refused_and_doctor_keeps_the_log_aside(
    tmp_path: Path,
) -> None:
    _, first, log = logged(tmp_path, 555, 570)
    lines = log.read_bytes().split(b"\n")
    lines[0] = lines[0].replace(b'"09:15"', b'"09:16"')  # a whole line after it: not torn
    log.write_bytes(b"\n".join(lines))
    damaged = log.read_bytes()
    with pytest.raises(StoreError, match=r"2026-11\.log\.jsonl is damaged") as refused:
        Store(tmp_path).blocks_on(NOV)
    assert len(str(refused.value).splitlines()) == 1
    with pytest.raises(StoreError, match="is damaged"):
        save(Store(tmp_path), moved(first, 600))
    assert log.read_bytes() == damaged  # refused: never written
    ((where, outcome),) = Store(tmp_path, recover=False).doctor(repair=True)
    assert where == log and outcome.startswith("kept as 2026-11.log.jsonl.corrupt-")
    assert starts(Store(tmp_path)) == [540]  # what the month file holds


def test_a_failed_append_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, first, log = logged(tmp_path, 555)
    before = log.read_bytes()

    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(StoreError, match="Input/output error; nothing was changed"):
        save(store, moved(first, 570))
    monkeypatch.undo()
    assert log.read_bytes() == before  # the written line cut off again
    assert starts(store) == [555] == starts(Store(tmp_path))
    save(store, moved(first, 585))
    assert starts(Store(tmp_path)) == [585]


def test_the_log_is_folded_into_a_month_file_tinydb_still_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "COMPACT_AFTER_LINES", 3)
    store, first, log = logged(tmp_path, 555, 570, 585)
    month = store.month_path(NOV)
    assert len(log_lines(store)) == 3 + 1
    save(store, moved(first, 600))  # the fourth: the month written whole, the log folded in
    assert not log.exists()
    with TinyDB(month, access_mode="r") as db:  # TinyDB JSON, as before
        assert [r["start"] for r in db.table("blocks").all()] == ["10:00"]
        assert db.table("_meta").get(doc_id=1)["log_seq"] == 3  # type: ignore[index]
    save(store, moved(first, 615))  # a new log, numbered on from the file
    assert [json.loads(x)["seq"] for x in log_lines(store)[:-1]] == [4]
    assert starts(Store(tmp_path)) == [615]


def test_a_log_left_beside_a_month_written_whole_is_not_replayed_again(
    tmp_path: Path,
) -> None:
    # a crash between writing the month whole and removing its log leaves the log behind
    store, first, log = logged(tmp_path, 555)
    left = log.read_bytes()
    with store.transaction() as txn:  # a change to two months: both written whole
        txn.put_block(moved(first, 570))
        txn.put_block(block(600, "December", day=1).changed(NOW, date=pendulum.date(2026, 12, 1)))
    assert not log.exists()
    log.write_bytes(left)  # as a crash would have left it: line 1 moves the block back
    assert starts(Store(tmp_path)) == [570]
    with store.transaction() as txn:
        txn.delete_block(first.id, NOV)
    assert [json.loads(x)["seq"] for x in log.read_bytes().split(b"\n")[:-1]] == [1, 2]
    assert starts(Store(tmp_path)) == []
    save(Store(tmp_path), block(900))
    assert starts(Store(tmp_path)) == [900]


OPS = st.lists(
    st.tuples(st.sampled_from(["add", "move", "delete", "hours"]), st.integers(0, 40)),
    min_size=1,
    max_size=10,
)


@settings(max_examples=12, deadline=None)
@given(ops=OPS)
def test_what_is_read_back_is_what_was_saved_across_lines_and_foldings(
    tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, int]]
) -> None:
    root = tmp_path_factory.mktemp("log")
    saved: dict[str, Block] = {}
    hours: dict[int, int] = {}
    store = Store(root)
    original = store_module.COMPACT_AFTER_LINES
    store_module.COMPACT_AFTER_LINES = 4
    try:
        for op, n in ops:
            day = 1 + n % 3
            with store.transaction() as txn:
                if op == "add" or not saved:
                    new = block(15 * n, f"B{n}", day=day)
                    txn.put_block(new)
                    saved[new.id] = new
                elif op == "move":
                    target = sorted(saved)[n % len(saved)]
                    saved[target] = moved(saved[target], 15 * n)
                    txn.put_block(saved[target])
                elif op == "delete":
                    target = sorted(saved)[n % len(saved)]
                    txn.delete_block(target, saved.pop(target).date)
                else:
                    txn.put_day(Day(date=NOV.replace(day=day), work_start=n * 10, work_end=1000))
                    hours[day] = n * 10
    finally:
        store_module.COMPACT_AFTER_LINES = original
    first, last = NOV.replace(day=1), NOV.replace(day=3)
    for reader in (store, Store(root)):  # the cache kept along, and a fresh read
        assert {b.id: b for b in reader.blocks_between(first, last)} == saved
        for day, start in hours.items():
            assert reader.day(NOV.replace(day=day)).work_start == start
    data = load_json_file(store.month_path(NOV))
    assert data is not None and len(data["blocks"]) == len(saved)
    assert not list(root.glob(f"months/.*{safe_write.TEMP_MARK}*"))


@pytest.mark.parametrize("kind", ["fifo", "link"])
def test_a_log_that_is_not_a_regular_file_is_refused_never_read_or_written(
    tmp_path: Path, kind: str
) -> None:
    _, first, log = logged(tmp_path)
    target = tmp_path / "elsewhere.jsonl"
    if kind == "fifo":
        os.mkfifo(log)
    else:
        target.write_bytes(b"")
        log.symlink_to(target)
    with pytest.raises(StoreError, match=r"2026-11\.log\.jsonl is not a regular file"):
        Store(tmp_path).blocks_on(NOV)
    with pytest.raises(StoreError, match="not a regular file"):
        save(Store(tmp_path), moved(first, 555))
    assert kind == "fifo" or target.read_bytes() == b""  # nothing written through the link


def test_the_status_bar_snapshot_is_bound_to_the_month_log_too(tmp_path: Path) -> None:
    from flowday.application import statusbar  # names the log without loading the store

    store, first, _ = logged(tmp_path, 555)
    config = tmp_path / "config.toml"
    before = statusbar.fingerprint(tmp_path, config, NOV.isoformat())
    save(store, moved(first, 570))  # a line appended: the month file is as it was
    assert statusbar.fingerprint(tmp_path, config, NOV.isoformat()) != before
