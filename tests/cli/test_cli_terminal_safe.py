"""Text from files reaches the terminal as text: a control sequence in a hand-edited or synced
data file, the config or a theme file never acts through the CLI's human output, and
``--json`` keeps the text exact but escaped."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest

from flowday.domain.model import Block, Day, Sphere, Task
from flowday.store import Store
from flowday.themes import user_themes_dir

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
TODAY = pendulum.date(2026, 11, 25)  # the cli fixture's day, a Wednesday in the work week
# an OSC 52 clipboard write, a clear screen (7-bit and C1 CSI), a bidi override
HOSTILE = "\x1b]52;c;SGVsbG8=\x07Evil\x7f\x1b[2J\x9b2J\u202eeman"
VISIBLE = "Evil"  # what of it stays, readable
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e", "\x7f")
BLOCK_ID = "raw00600"
TASK_ID = "rawtask1"


def assert_safe(result: subprocess.CompletedProcess[str]) -> None:
    for stream in (result.stdout, result.stderr):
        assert not [c for c in FORBIDDEN if c in stream], repr(stream)


def seed(cli: CliRunner) -> None:
    """Write records the way a hand-edited or synced file could hold them: past the
    planner's input cleaning, controls kept."""
    block = Block(
        id=BLOCK_ID, date=TODAY, start=10 * 60, end=10 * 60 + 30, title=HOSTILE,
        sphere=Sphere.PERSONAL, notes=HOSTILE,
    )  # fmt: skip
    task = Task(id=TASK_ID, title=HOSTILE, sphere=Sphere.WORK, estimate=30)
    with Store(cli.data_dir).transaction() as txn:  # type: ignore[attr-defined]
        txn.put_block(block)
        txn.put_day(Day(date=TODAY, notes=(HOSTILE,)))
        txn.put_task(task)


@pytest.fixture
def seeded(cli: CliRunner) -> CliRunner:
    seed(cli)
    return cli


def test_list_shows_titles_and_day_notes_as_text(seeded: CliRunner) -> None:
    result = seeded("list")
    assert result.returncode == 0, result.stderr
    assert_safe(result)
    assert result.stdout.count(VISIBLE) == 2  # the day note and the block


def test_list_json_is_escaped_and_exact(seeded: CliRunner) -> None:
    result = seeded("list", "--json")
    assert result.returncode == 0, result.stderr
    assert_safe(result)  # C0 by json itself; C1 and bidi by us
    assert "\\u009b" in result.stdout and "\\u202e" in result.stdout
    (block,) = json.loads(result.stdout)
    assert block["title"] == HOSTILE and block["notes"] == HOSTILE


def test_check_messages_naming_a_title(seeded: CliRunner) -> None:
    result = seeded("check")  # a personal block in the work window: its title is named
    assert_safe(result)
    assert VISIBLE in result.stdout
    data = json.loads(seeded("check", "--json").stdout)
    assert any(HOSTILE in v["message"] for v in data["violations"])


def test_edit_and_rm_echo_the_title(seeded: CliRunner) -> None:
    edited = seeded("edit", BLOCK_ID, "--flexible")
    assert edited.returncode == 0, edited.stderr
    assert_safe(edited)
    assert VISIBLE in edited.stdout
    removed = seeded("rm", BLOCK_ID)
    assert removed.returncode == 0, removed.stderr
    assert_safe(removed)
    assert VISIBLE in removed.stdout


def test_a_refusal_naming_a_stored_title(seeded: CliRunner) -> None:
    result = seeded("add", "Meeting 10:00-10:30")  # overlaps the stored block
    assert result.returncode == 3
    assert_safe(result)
    assert VISIBLE in result.stderr


def test_tasks_and_plan(seeded: CliRunner) -> None:
    for args in (("task", "list"), ("plan", "--dry-run"), ("task", "rm", TASK_ID)):
        result = seeded(*args)
        assert result.returncode == 0, result.stderr
        assert_safe(result)
        assert VISIBLE in result.stdout


def test_task_list_json_is_escaped_and_exact(seeded: CliRunner) -> None:
    result = seeded("task", "list", "--json")
    assert_safe(result)
    assert json.loads(result.stdout)[0]["title"] == HOSTILE


def test_mode_descriptions_from_the_config(cli: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f"[modes.focus]\nextends = 'balance'\ndescription = {json.dumps(HOSTILE)}\n",
        encoding="utf-8",
    )
    result = cli("mode", env={"FLOWDAY_CONFIG": str(config)})
    assert result.returncode == 0, result.stderr
    assert_safe(result)
    assert VISIBLE in result.stdout


def test_import_report_naming_stored_titles(seeded: CliRunner, tmp_path: Path) -> None:
    ics = tmp_path / "work.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        "UID:one@t\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Review\r\n"
        "DTSTART;TZID=Europe/Berlin:20261125T100000\r\n"
        "DTEND;TZID=Europe/Berlin:20261125T103000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    result = seeded("import", str(ics), "--from", "2026-11-25", "--to", "2026-11-25")
    assert result.returncode == 0, result.stderr
    assert_safe(result)
    assert VISIBLE in result.stdout + result.stderr  # the overlap names the stored block


def test_themes_descriptions_and_file_names(cli: CliRunner) -> None:
    folder = user_themes_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.toml").write_text(
        f"description = {json.dumps(HOSTILE)}\ndark = true\n[colors]\nprimary = '#112233'\n",
        encoding="utf-8",
    )
    (folder / f"{HOSTILE}.toml").write_text("dark = true\n", encoding="utf-8")  # a bad name
    result = cli("themes")
    assert result.returncode == 0, result.stderr
    assert_safe(result)
    assert VISIBLE in result.stdout and VISIBLE in result.stderr
    listed = cli("themes", "--json")
    assert_safe(listed)
    (mine,) = [t for t in json.loads(listed.stdout) if t["name"] == "mine"]
    assert mine["description"] == HOSTILE


def test_paths_in_errors(cli: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / f"{HOSTILE}.toml"  # does not exist: the error names it
    result = cli("list", "--config", str(config))
    assert result.returncode == 2
    assert_safe(result)
    assert VISIBLE in result.stderr


def test_usage_errors_quoting_arguments(cli: CliRunner) -> None:
    result = cli("list", HOSTILE)  # argparse names an unrecognized argument as it is
    assert result.returncode == 2
    assert_safe(result)
    assert VISIBLE in result.stderr
