"""Schema 1 → 2: a store written by the flowday before imported notes and reflections were
typed fields of ``Day`` (``data/schema1``, written by that code; see its README) opens, reads
exactly as that code read it, and is rewritten in the new shape only when a change touches a
file. A store from a newer flowday is still refused (``test_store.py``, ``test_journal.py``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
import pytest

from flowday.application.planner import Planner
from flowday.config import Config
from flowday.domain.clock import FixedClock
from flowday.domain.model import Day, ImportedNote, Sphere
from flowday.domain.questions import Answers
from flowday.domain.timeparse import parse_iso_date
from flowday.store import SCHEMA_VERSION, Store

CliRunner = Callable[..., subprocess.CompletedProcess[str]]  # the `cli` fixture (conftest.py)
DATA = Path(__file__).parent / "data" / "schema1"
OLD_FILES = ["months/2026-11.json", "months/2026-12.json", "tasks.json", "state.json"]


def old_file(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "store" / name).read_text("utf-8"))
    return data


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA / "store", root)
    return root


def unchanged(root: Path, *names: str) -> bool:
    return all((root / n).read_bytes() == (DATA / "store" / n).read_bytes() for n in names)


def schema_of(path: Path) -> int:
    version: int = json.loads(path.read_text("utf-8"))["_meta"]["1"]["schema_version"]
    return version


def test_the_old_store_reads_as_the_old_flowday_read_it(
    cli: CliRunner, old_store: Path, tmp_path: Path
) -> None:
    env = {"FLOWDAY_CACHE_DIR": str(tmp_path / "cache"), "FLOWDAY_DATA_DIR": str(old_store)}
    commands = {
        **{
            f"list-{d}.json": ("list", "--json", "--date", d)
            for d in ("2026-11-23", "2026-11-24", "2026-12-01")
        },
        "stats.json": ("stats", "--json", "--from", "2026-11-01", "--to", "2026-12-31"),
        "export.ics": ("export", "-", "--from", "2026-11-23", "--to", "2026-12-05"),
        "check-2026-11-23.json": ("check", "--json", "--date", "2026-11-23"),
    }
    for expected, command in commands.items():
        result = cli(*command, env=env)
        assert result.stdout == (DATA / "expected" / expected).read_text("utf-8"), expected
    assert cli("doctor", env=env).returncode == 0
    assert unchanged(old_store, *OLD_FILES)  # reading never rewrites a file


def test_old_records_read_into_the_typed_fields(old_store: Path) -> None:
    store = Store(old_store)
    offsite = store.day(pendulum.date(2026, 11, 24))
    assert offsite.notes == ("Team offsite",)
    assert offsite.imported_notes == (ImportedNote("ics:offsite-1@example.com", "Team offsite"),)
    assert offsite.extra == {}  # ics_notes was flowday's own field, not a later version's
    assert offsite.reflection is not None
    assert offsite.reflection.answers == Answers("work", "boundaries", 3, 2, 4)
    assert (offsite.reflection.mode, offsite.reflection.at) == (
        "integration", "2026-11-25T19:00:00Z",
    )  # fmt: skip
    assert offsite.reflection.figures["work_outside_window"] == 20
    bank = store.day(pendulum.date(2026, 12, 1))
    assert bank.imported_notes == (ImportedNote("ics:bank-1@example.com", "10:00 Call the bank"),)

    # every record says what it said, in the new shape
    for name in OLD_FILES[:2]:
        for record in old_file(name)["days"].values():
            expected = dict(record)
            sources = expected.pop("ics_notes", {})
            expected["imported_notes"] = [{"source": s, "text": t} for s, t in sources.items()]
            expected["intrusions"] = []  # older files have none: the field reads as empty
            day = Day.from_dict(expected)
            assert store.day(day.date).to_dict() == expected
        for record in old_file(name)["blocks"].values():
            on_that_day = store.blocks_on(parse_iso_date(record["date"]))
            assert record in [b.to_dict() for b in on_that_day]


def test_a_change_rewrites_only_the_files_it_touches_in_the_new_shape(
    old_store: Path, config: Config
) -> None:
    planner = Planner(Store(old_store), config, FixedClock(pendulum.datetime(2026, 11, 25, 10)))
    planner.add_block(
        pendulum.date(2026, 11, 25), title="Walk", start=13 * 60, end=13 * 60 + 30,
        sphere=Sphere.BREAK,
    )  # fmt: skip
    november = old_store / "months/2026-11.json"
    assert schema_of(november) == SCHEMA_VERSION == 3
    text = november.read_text("utf-8")
    assert "ics_notes" not in text and '"imported_notes": [{"source": "ics:offsite-1' in text
    assert unchanged(old_store, "months/2026-12.json", "tasks.json", "state.json")
    assert schema_of(old_store / "months/2026-12.json") == 1

    reopened = Store(old_store)
    assert reopened.day(pendulum.date(2026, 11, 24)).imported_notes == (
        ImportedNote("ics:offsite-1@example.com", "Team offsite"),
    )
    assert reopened.day(pendulum.date(2026, 11, 23)).reflection is not None


def test_imports_still_know_the_notes_they_made(
    cli: CliRunner, old_store: Path, tmp_path: Path
) -> None:
    root = old_store
    calendar = DATA / "work.ics"
    span = ("--sphere", "work", "--from", "2026-11-23", "--to", "2026-12-05")
    span = (*span, "--data-dir", str(root))
    again = cli("import", str(calendar), *span)
    assert "0 added, 0 updated, 0 removed, 1 unchanged" in again.stdout  # as the old flowday
    assert "notes" not in again.stdout  # no note added twice, none lost
    assert unchanged(root, *OLD_FILES[:2])

    text = calendar.read_text("utf-8")
    start = text.index("BEGIN:VEVENT\nUID:offsite-1")
    without_offsite = tmp_path / "work.ics"
    without_offsite.write_text(text[:start] + text[text.index("END:VEVENT\n", start) + 11 :])
    removed = cli("import", str(without_offsite), *span)
    assert "notes +0/-1" in removed.stdout
    day = Store(root).day(pendulum.date(2026, 11, 24))
    assert (day.notes, day.imported_notes) == ((), ())
    assert schema_of(root / "months/2026-11.json") == SCHEMA_VERSION
    assert schema_of(root / "months/2026-12.json") == 1  # the bank note stayed: not touched


def test_a_journal_an_older_flowday_left_is_replayed_in_the_new_shape(old_store: Path) -> None:
    december = old_file("months/2026-12.json")
    december["blocks"]["1"]["title"] = "Planning (moved)"
    journal = {"_meta": {"1": {"schema_version": 1}}, "files": {"months/2026-12.json": december}}
    (old_store / ".journal.json").write_text(json.dumps(journal))
    store = Store(old_store)  # finishes the interrupted change
    assert not (old_store / ".journal.json").exists()
    path = old_store / "months/2026-12.json"
    assert schema_of(path) == SCHEMA_VERSION and "ics_notes" not in path.read_text("utf-8")
    assert [b.title for b in store.blocks_on(pendulum.date(2026, 12, 1))] == ["Planning (moved)"]
    assert store.day(pendulum.date(2026, 12, 1)).imported_notes == (
        ImportedNote("ics:bank-1@example.com", "10:00 Call the bank"),
    )
