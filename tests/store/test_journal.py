"""Transactions over several files: a crash between two files is finished by the next
writer (or the next start) from the journal, so a move across months never leaves a
duplicate and a task scheduled from the inbox never exists twice."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from flowday import safe_write
from flowday.application.planner import Planner
from flowday.domain.model import Sphere
from flowday.store import Store, StoreError

NOV = pendulum.date(2026, 11, 25)
DEC = pendulum.date(2026, 12, 2)


class Crash(BaseException):
    """The process dying: nothing after it runs (BaseException: no handler catches it)."""


@pytest.fixture
def crash_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """``crash_after(n)``: the process dies just before the (n+1)-th file lands (its rename
    into place: the journal's, then each file's). A temp file prepared before it is left
    behind, as a real crash leaves it."""
    real = os.replace
    landed: list[str] = []

    def arm(allowed: int) -> list[str]:
        def rename(source: str | Path, destination: str | Path) -> None:
            if len(landed) >= allowed:
                raise Crash
            landed.append(Path(destination).name)
            real(source, destination)

        monkeypatch.setattr(safe_write.os, "replace", rename)
        return landed

    yield arm
    monkeypatch.setattr(safe_write.os, "replace", real)


def ids_in(store: Store, path: Path) -> list[str]:
    data = json.loads(path.read_text())
    return [r["id"] for r in data.get("blocks", {}).values()]


def add_in_november(planner: Planner) -> str:
    block = planner.add_block(NOV, title="Review", start=600, end=660, sphere=Sphere.WORK).block
    assert block is not None
    return block.id


def test_a_crash_between_two_months_is_finished_at_the_next_start(
    planner: Planner, store: Store, crash_after
) -> None:
    block_id = add_in_november(planner)
    written = crash_after(2)  # the journal and December land; November never does
    with pytest.raises(Crash):
        planner.edit_block(block_id, date=DEC)
    assert written == [".journal.json", "2026-12.json"]
    assert block_id in ids_in(store, store.month_path(NOV))  # the half-done state on disk
    assert store.journal_path.exists()

    crash_after(10**6)  # a new process: writes work again
    reopened = Store(store.root)  # e.g. the next `flowday list`
    assert ids_in(reopened, reopened.month_path(NOV)) == []
    assert [b.id for b in reopened.blocks_on(DEC)] == [block_id]
    assert not reopened.journal_path.exists()


def test_an_open_app_finishes_it_before_its_next_change(
    planner: Planner, store: Store, crash_after
) -> None:
    block_id = add_in_november(planner)
    crash_after(2)
    with pytest.raises(Crash):
        planner.edit_block(block_id, date=DEC)
    crash_after(10**6)
    # the same Store object (an app left open) makes its next change: it sees no duplicate
    planner.add_block(NOV, title="Lunch", start=720, end=780, sphere=Sphere.BREAK)
    assert [b.title for b in store.blocks_on(NOV)] == ["Lunch"]
    assert [b.id for b in store.blocks_on(DEC)] == [block_id]


def test_a_crash_before_the_journal_lands_changes_nothing(
    planner: Planner, store: Store, crash_after
) -> None:
    block_id = add_in_november(planner)
    crash_after(0)
    with pytest.raises(Crash):
        planner.edit_block(block_id, date=DEC)
    assert not store.journal_path.exists()
    reopened = Store(store.root)
    assert [b.id for b in reopened.blocks_on(NOV)] == [block_id]
    assert reopened.blocks_on(DEC) == []


def test_scheduling_a_task_is_one_change_even_across_a_crash(
    planner: Planner, store: Store, crash_after
) -> None:
    task = planner.add_task("Write report", sphere=Sphere.WORK, estimate=60)
    written = crash_after(2)
    with pytest.raises(Crash):
        planner.schedule_task(task.id, NOV)
    assert len(written) == 2 and written[0] == ".journal.json"
    crash_after(10**6)
    reopened = Store(store.root)
    assert reopened.tasks() == []  # the task became a block: it is not in the inbox too
    assert [b.title for b in reopened.blocks_on(NOV)] == ["Write report"]


def test_one_file_changes_write_no_journal(planner: Planner, crash_after) -> None:
    written = crash_after(10**6)
    add_in_november(planner)
    assert written == ["2026-11.json"]


def test_a_damaged_journal_is_refused_and_left_alone(planner: Planner, store: Store) -> None:
    block_id = add_in_november(planner)
    store.journal_path.write_text('{"_meta": {"1": {"schema_version": 1}}, "files": {"../x": {}}}')
    before = store.month_path(NOV).read_bytes()
    with pytest.raises(StoreError, match=r"journal\.json is damaged"):
        planner.edit_block(block_id, title="Renamed")
    assert store.month_path(NOV).read_bytes() == before
    assert store.journal_path.exists()


def test_doctor_reports_a_damaged_journal_and_repair_keeps_it_aside(
    planner: Planner, store: Store
) -> None:
    add_in_november(planner)
    store.journal_path.write_text("{not json")
    assert [p.name for p, _ in store.doctor()] == [".journal.json"]
    assert store.journal_path.exists()
    ((_, outcome),) = store.doctor(repair=True)
    assert outcome.startswith("kept as .journal.json.corrupt-")
    assert not store.journal_path.exists() and store.doctor() == []
    planner.add_block(NOV, title="Lunch", start=720, end=780, sphere=Sphere.BREAK)  # usable


def journal_naming(store: Store, name: str, data: dict) -> None:
    journal = {"_meta": {"1": {"schema_version": 1}}, "files": {name: data}}
    store.journal_path.write_text(json.dumps(journal))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("months/2026-11.json", {"_meta": {"1": {"schema_version": 99}}}),  # newer
        ("months/2026-11.json", {"_meta": {"1": {"schema_version": 1}}, "blocks": {"1": {}}}),
        ("months/2026-11.json\n", {"_meta": {"1": {"schema_version": 1}}}),  # odd name
        ("../elsewhere.json", {"_meta": {"1": {"schema_version": 1}}}),
    ],
    ids=["newer-schema", "bad-record", "name-with-newline", "outside-the-folder"],
)
def test_a_journal_that_would_write_a_bad_file_is_never_replayed(
    planner: Planner, store: Store, name: str, data: dict
) -> None:
    add_in_november(planner)
    before = store.month_path(NOV).read_bytes()
    journal_naming(store, name, data)
    with pytest.raises(StoreError, match="is damaged"):
        Store(store.root)  # even a read (`flowday list`) refuses a half-done change
    assert store.month_path(NOV).read_bytes() == before
    assert sorted(p.name for p in (store.root / "months").iterdir()) == ["2026-11.json"]


def test_a_journal_never_overwrites_a_newer_file(planner: Planner, store: Store) -> None:
    add_in_november(planner)
    newer = json.dumps({"_meta": {"1": {"schema_version": 99}}})
    store.month_path(DEC).write_text(newer)
    journal_naming(store, "months/2026-12.json", {"_meta": {"1": {"schema_version": 1}}})
    with pytest.raises(StoreError, match="newer flowday"):
        Store(store.root)
    assert store.month_path(DEC).read_text() == newer


def test_repair_after_a_lost_journal_keeps_the_newest_copy_of_a_moved_block(
    planner: Planner, store: Store, crash_after
) -> None:
    block_id = add_in_november(planner)
    crash_after(2)
    with pytest.raises(Crash):
        planner.edit_block(block_id, date=DEC, title="Review (moved)")
    crash_after(10**6)
    store.journal_path.write_text("{cut off")  # the journal is lost too: doctor's case
    with pytest.raises(StoreError):
        Store(store.root)
    doctor = Store(store.root, recover=False)
    found = doctor.doctor()
    assert (store.journal_path, found[0][1]) == found[0] and "damaged" in found[0][1]
    assert f"block {block_id} is also stored in 2026-11.json" in [p for _, p in found]
    repaired = doctor.doctor(repair=True)
    assert all(outcome.startswith("kept as") for _, outcome in repaired)
    reopened = Store(store.root)
    assert reopened.blocks_on(NOV) == []
    assert [b.title for b in reopened.blocks_on(DEC)] == ["Review (moved)"]
    assert reopened.doctor() == []


def test_cli_refuses_a_damaged_journal_and_doctor_repairs_it(cli, tmp_path: Path) -> None:
    assert cli("add", "Standup 9:00-9:15 #work").returncode == 0
    journal = tmp_path / "cli-data" / ".journal.json"
    journal.write_text("{cut off")
    listed = cli("list")
    assert listed.returncode == 4 and listed.stdout == ""
    assert "journal.json is damaged" in listed.stderr and "doctor --repair" in listed.stderr
    assert cli("doctor").returncode == 4
    repaired = cli("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "kept as .journal.json.corrupt-" in repaired.stdout
    assert "Standup" in cli("list").stdout


def test_doctor_names_each_damaged_file_once(cli, tmp_path: Path) -> None:
    assert cli("add", "Standup 9:00-9:15 #work").returncode == 0
    (tmp_path / "cli-data" / "tasks.json").write_text("garbage")
    found = cli("doctor")
    assert found.returncode == 4 and found.stdout.count("tasks.json") == 1, found.stdout


def crash_leaving_a_journal(planner: Planner, block_id: str, crash_after) -> None:
    """A move to December killed right after its journal landed."""
    crash_after(1)
    with pytest.raises(Crash):
        planner.edit_block(block_id, date=DEC)
    crash_after(10**6)


def test_a_stale_journal_restored_from_a_backup_is_refused_and_changes_nothing(
    planner: Planner, store: Store, crash_after
) -> None:
    block_id = add_in_november(planner)
    crash_leaving_a_journal(planner, block_id, crash_after)
    backup = store.journal_path.read_bytes()  # e.g. a backup taken at that moment
    Store(store.root)  # the next start finishes the move
    planner.add_block(NOV, title="Lunch", start=720, end=780, sphere=Sphere.BREAK)
    before = {p.name: p.read_bytes() for p in (store.month_path(NOV), store.month_path(DEC))}
    store.journal_path.write_bytes(backup)  # ...restored later, over newer months
    with pytest.raises(StoreError, match=r"journal\.json was not written against") as refused:
        Store(store.root)
    assert len(str(refused.value).splitlines()) == 1
    after = {p.name: p.read_bytes() for p in (store.month_path(NOV), store.month_path(DEC))}
    assert after == before and store.journal_path.read_bytes() == backup
    doctor = Store(store.root, recover=False)
    ((_, outcome),) = doctor.doctor(repair=True)
    assert outcome.startswith("kept as .journal.json.corrupt-")
    reopened = Store(store.root)
    assert [b.title for b in reopened.blocks_on(NOV)] == ["Lunch"]
    assert [b.id for b in reopened.blocks_on(DEC)] == [block_id]


def test_a_journal_whose_new_file_appeared_meanwhile_is_refused(
    planner: Planner, store: Store, crash_after
) -> None:
    block_id = add_in_november(planner)
    crash_leaving_a_journal(planner, block_id, crash_after)  # December did not exist
    december = json.dumps({"_meta": {"1": {"schema_version": 2}}})
    store.month_path(DEC).write_text(december)
    with pytest.raises(StoreError, match="not written against"):
        Store(store.root)
    assert store.month_path(DEC).read_text() == december


def test_a_journal_from_the_previous_flowday_without_digests_is_still_replayed(
    planner: Planner, store: Store, crash_after
) -> None:
    # an upgrade right after a crash: the older flowday's journal only names new contents
    block_id = add_in_november(planner)
    crash_leaving_a_journal(planner, block_id, crash_after)
    journal = json.loads(store.journal_path.read_text())
    assert set(journal.pop("targets")) == {"months/2026-11.json", "months/2026-12.json"}
    store.journal_path.write_text(json.dumps(journal))
    reopened = Store(store.root)
    assert reopened.blocks_on(NOV) == []
    assert [b.id for b in reopened.blocks_on(DEC)] == [block_id]


@pytest.mark.parametrize(
    "targets",
    [[], {"months/2026-11.json": [None, None]}, {"months/2026-11.json": "x"}],
    ids=["not-an-object", "no-new-digest", "not-a-pair"],
)
def test_a_journal_with_malformed_digests_is_damaged(
    planner: Planner, store: Store, targets: object
) -> None:
    add_in_november(planner)
    before = store.month_path(NOV).read_bytes()
    journal = {
        "_meta": {"1": {"schema_version": 2}},
        "files": {"months/2026-11.json": {"_meta": {"1": {"schema_version": 2}}}},
        "targets": targets,
    }
    store.journal_path.write_text(json.dumps(journal))
    with pytest.raises(StoreError, match="is damaged"):
        Store(store.root)
    assert store.month_path(NOV).read_bytes() == before
