from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pendulum
import pytest

from flowday.application.planner import Planner
from flowday.domain.model import Sphere
from flowday.store import SCHEMA_VERSION, Store, StoreError, load_json_file

DATE = pendulum.date(2026, 11, 25)


def add(planner: Planner, start: int, end: int, title: str = "Block", date=DATE, **kw) -> str:
    result = planner.add_block(date, title=title, start=start, end=end, sphere=Sphere.WORK, **kw)
    assert result.block is not None
    return result.block.id


def test_blocks_are_stored_per_month_and_read_back(planner: Planner, store: Store) -> None:
    first = add(planner, 540, 600, "Standup")
    add(planner, 600, 660, "Next month", date=pendulum.date(2026, 12, 1))
    assert [b.id for b in store.blocks_on(DATE)] == [first]
    assert sorted(p.name for p in (store.root / "months").iterdir()) == [
        "2026-11.json",
        "2026-12.json",
    ]
    data = load_json_file(store.month_path(DATE))
    assert data is not None and data["_meta"]["1"]["schema_version"] == SCHEMA_VERSION


def test_find_edit_move_and_remove(planner: Planner, store: Store) -> None:
    block_id = add(planner, 540, 600)
    moved = planner.edit_block(block_id, date=pendulum.date(2027, 1, 4), title="Moved").block
    assert moved is not None and moved.title == "Moved"
    assert store.blocks_on(DATE) == []
    found = store.find_block(block_id)
    assert found is not None and found.date == pendulum.date(2027, 1, 4)
    planner.remove_block(block_id)
    assert store.find_block(block_id) is None


def test_overlap_refused_then_forced_and_recorded(planner: Planner, store: Store) -> None:
    from flowday.domain.errors import RefusedError

    first = add(planner, 540, 600, "Standup")
    with pytest.raises(RefusedError, match="Standup"):
        add(planner, 570, 630, "Clash")
    assert len(store.blocks_on(DATE)) == 1
    add(planner, 570, 630, "Clash", force=True)
    crossings = store.day(DATE).crossings
    assert [c.rule for c in crossings] == ["no-overlap"]
    assert first in crossings[0].message


def test_transaction_writes_nothing_when_body_fails(planner: Planner, store: Store) -> None:
    add(planner, 540, 600)
    before = store.month_path(DATE).read_bytes()
    with pytest.raises(RuntimeError), store.transaction() as txn:
        txn.delete_block(store.blocks_on(DATE)[0].id, DATE)
        raise RuntimeError("boom")
    assert store.month_path(DATE).read_bytes() == before


def test_stale_temp_files_are_cleaned_at_start(store: Store) -> None:
    leftover = store.root / "months" / ".2026-11.json.tmp-999-abc"
    leftover.write_text("{half")
    Store(store.root)
    assert not leftover.exists()


def test_full_disk_is_a_clear_error_and_changes_nothing(
    planner: Planner, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(planner, 540, 600)
    path = store.month_path(DATE)
    before = path.read_bytes()

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(StoreError, match="No space left"):
        add(planner, 600, 660)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_data_dir_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create data folder"):
        Store(blocker / "data")


CORRUPT = {
    "empty": b"",
    "truncated": b'{"_meta": {"1": {"schema_version": 1}}, "blocks": {"1": {"id": "ab',
    "bom": b'\xef\xbb\xbf{"_meta": {"1": {"schema_version": 1}}}',
    "garbage": b"\x00\x01\x02 not json at all \xff",
    "nan": b'{"_meta": {"1": {"schema_version": 1}}, "blocks": {"1": {"x": NaN}}}',
    "overflow": b'{"_meta": {"1": {"schema_version": 1}}, "blocks": {"1": {"x": 1e999}}}',
    "list": b"[1, 2, 3]",
    "table_not_object": b'{"_meta": {"1": {"schema_version": 1}}, "blocks": [1]}',
    "no_meta": b'{"blocks": {}}',
    "bad_record": b'{"_meta": {"1": {"schema_version": 1}}, "blocks": {"1": {"id": "x", '
    b'"date": "2026-11-25", "start": "99:00", "end": "10:00", "title": "t", "sphere": "work"}}}',
    "newer": b'{"_meta": {"1": {"schema_version": 999}}, "blocks": {}}',
}


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_broken_files_are_refused_and_left_byte_for_byte(cli, kind: str) -> None:
    month = cli.data_dir / "months" / "2026-11.json"
    month.parent.mkdir(parents=True)
    month.write_bytes(CORRUPT[kind])
    for args in (["list"], ["add", "Standup 9:00-9:15"], ["list", "--json"]):
        result = cli(*args)
        assert result.returncode == 4, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "2026-11.json" in lines[0], result.stderr
        assert month.read_bytes() == CORRUPT[kind]
    other_month = cli("list", "--date", "2026-12-01")
    assert other_month.returncode == 0  # one damaged month does not lock you out of the rest


def test_doctor_repair_keeps_a_copy_before_starting_afresh(cli) -> None:
    month = cli.data_dir / "months" / "2026-11.json"
    month.parent.mkdir(parents=True)
    month.write_bytes(CORRUPT["garbage"])
    check = cli("doctor")
    assert check.returncode == 4 and "2026-11.json" in check.stdout
    repaired = cli("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    kept = list(month.parent.glob("2026-11.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == CORRUPT["garbage"]
    assert cli("add", "Standup 9:00-9:15").returncode == 0


def test_doctor_never_sets_aside_a_newer_store(cli) -> None:
    month = cli.data_dir / "months" / "2026-11.json"
    month.parent.mkdir(parents=True)
    month.write_bytes(CORRUPT["newer"])
    result = cli("doctor", "--repair")
    assert result.returncode == 4 and "newer flowday" in result.stdout
    assert month.read_bytes() == CORRUPT["newer"]


def test_written_files_are_plain_json(planner: Planner, store: Store) -> None:
    add(planner, 540, 600, "Ünïcode [b]")
    data = json.loads(store.month_path(DATE).read_text("utf-8"))
    assert [d["title"] for d in data["blocks"].values()] == ["Ünïcode [b]"]


def test_revert_undoes_one_change_and_keeps_other_writers_work(
    planner: Planner, store: Store
) -> None:
    kept = add(planner, 620, 640, "Before")  # inside the work window: balance allows it
    before = planner.snapshot(DATE)
    changed = add(planner, 540, 600, "Undo me")
    planner.edit_block(kept, title="Renamed")
    after = planner.snapshot(DATE)
    external = add(planner, 700, 720, "Added by another process")
    planner.revert(before, after)
    assert {b.title for b in store.blocks_on(DATE)} == {"Before", "Added by another process"}
    planner.revert(after, before)  # redo
    titles = {b.id: b.title for b in store.blocks_on(DATE)}
    assert titles == {kept: "Renamed", changed: "Undo me", external: "Added by another process"}


def test_undo_keeps_what_another_process_changed_since(planner: Planner, store: Store) -> None:
    block_id = add(planner, 600, 660, "Solo")
    before = planner.snapshot(DATE)
    planner.edit_block(block_id, start=615, end=690)  # the planner moves and resizes it
    after = planner.snapshot(DATE)
    planner.edit_block(block_id, title="Renamed elsewhere", end=700)  # another terminal
    planner.revert(before, after)  # undo the planner's change only
    (block,) = store.blocks_on(DATE)
    assert (block.start, block.end, block.title) == (600, 700, "Renamed elsewhere")
    planner.revert(after, before)  # redo
    (block,) = store.blocks_on(DATE)
    assert (block.start, block.end, block.title) == (615, 700, "Renamed elsewhere")


def test_undo_never_brings_back_a_block_deleted_elsewhere(planner: Planner, store: Store) -> None:
    block_id = add(planner, 600, 660, "Solo")
    before = planner.snapshot(DATE)
    planner.edit_block(block_id, start=615, end=675)
    after = planner.snapshot(DATE)
    planner.remove_block(block_id)  # another terminal: flowday rm
    planner.revert(before, after)
    assert store.blocks_on(DATE) == []


def test_undo_of_a_mode_switch_keeps_hours_set_elsewhere(planner: Planner, store: Store) -> None:
    before = planner.snapshot(DATE)
    planner.set_mode(DATE, "integration")
    after = planner.snapshot(DATE)
    planner.set_hours(DATE, 600, 1080)  # another terminal: flowday hours
    planner.revert(before, after)
    day = store.day(DATE)
    assert day.mode != "integration" and (day.work_start, day.work_end) == (600, 1080)


def test_revert_of_a_move_across_months(planner: Planner, store: Store) -> None:
    block_id = add(planner, 540, 600)
    new_date = pendulum.date(2027, 1, 4)
    before = planner.snapshot(DATE, new_date)
    planner.edit_block(block_id, date=new_date)
    after = planner.snapshot(DATE, new_date)
    planner.revert(before, after)
    assert [b.id for b in store.blocks_on(DATE)] == [block_id]
    assert store.blocks_on(new_date) == []


def test_revert_of_a_move_within_the_month(planner: Planner, store: Store) -> None:
    block_id = add(planner, 540, 600)
    new_date = DATE.add(days=1)
    before = planner.snapshot(DATE, new_date)
    planner.edit_block(block_id, date=new_date)
    after = planner.snapshot(DATE, new_date)
    planner.revert(before, after)
    assert [b.id for b in store.blocks_on(DATE)] == [block_id]
    assert store.blocks_on(new_date) == []
    planner.revert(after, before)
    assert [b.id for b in store.blocks_on(new_date)] == [block_id]
    assert store.blocks_on(DATE) == []


def test_add_blocks_inserts_many_in_one_transaction(planner: Planner, store: Store) -> None:
    from flowday.domain.model import Block

    now = planner.now()
    blocks = [
        Block.create(date=DATE.add(days=n), start=600, end=630, title=f"B{n}",
                     sphere=Sphere.WORK, now=now)
        for n in range(40)  # crosses into December: two month files
    ]  # fmt: skip
    with store.transaction() as txn:
        txn.add_blocks(blocks)
    stored = store.blocks_between(DATE, DATE.add(days=39))
    assert [b.id for b in stored] == [b.id for b in blocks]


@pytest.mark.parametrize(
    "record",
    [
        {"date": "2026-11-26", "title": "no id, start or end"},
        {"id": "nodate01", "start": "10:00", "end": "11:00", "title": "x", "sphere": "work"},
        dict(id="wrongmon", date="2026-12-01", start="10:00", end="11:00", title="", sphere="work"),
    ],
    ids=["broken-record-on-another-day", "record-without-date", "record-in-the-wrong-month"],
)
def test_one_broken_record_makes_the_month_refused_for_reads_and_writes(
    planner: Planner, store: Store, record: dict
) -> None:
    add(planner, 540, 600, "Standup")
    path = store.month_path(DATE)
    data = json.loads(path.read_text())
    data["blocks"]["99"] = record
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"2026-11\.json"):
        store.blocks_on(DATE)  # even a day the broken record is not on
    with pytest.raises(StoreError, match=r"2026-11\.json"):
        add(planner, 660, 720, "Later", date=pendulum.date(2026, 11, 27))
    assert path.read_bytes() == before  # refused, never rewritten
    assert [p for p, _ in store.doctor()] == [path]
