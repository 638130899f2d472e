"""The command-line contract: commands, flags, exit statuses and JSON keys."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest


def blocks(cli, *args: str) -> list[dict]:
    result = cli("list", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_add_prints_the_id_and_list_shows_the_block(cli) -> None:
    added = cli("add", "Standup 9:00-9:15 #work")
    assert added.returncode == 0, added.stderr
    block_id = added.stdout.strip()
    assert len(block_id) == 8
    (block,) = blocks(cli)
    assert block["id"] == block_id
    assert {k: block[k] for k in ("date", "start", "end", "title", "sphere", "flexible")} == {
        "date": "2026-11-25", "start": "09:00", "end": "09:15", "title": "Standup",
        "sphere": "work", "flexible": False,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # --force: a personal block inside the work window crosses a balance rule
        (["Dentist 12:30 45m #personal", "--force"], ("12:30", "13:15", "personal")),
        (["Lunch 12-12:45 #break"], ("12:00", "12:45", "break")),
        (["Run 7am-7:45am #personal"], ("07:00", "07:45", "personal")),
        (["Report", "10:00", "1h30"], ("10:00", "11:30", "work")),  # several words
        (["Emails 10:00-10:30"], ("10:00", "10:30", "work")),  # inside the window: work
        (["Gym 18:00-19:00"], ("18:00", "19:00", "personal")),  # outside: personal
        (["Late 23:00-24:00"], ("23:00", "24:00", "personal")),
        (
            ["Gym", "--start", "18:00", "--end", "19:00", "--work", "--force"],
            ("18:00", "19:00", "work"),
        ),
        (["Call 9-10", "--start", "14:00", "--end", "14:30"], ("14:00", "14:30", "work")),
        (["Call 9:00-10:00", "--start", "11:00"], ("11:00", "12:00", "work")),  # keeps its hour
    ],
)
def test_quick_add_forms(cli, args: list[str], expected: tuple[str, str, str]) -> None:
    result = cli("add", *args)
    assert result.returncode == 0, result.stderr
    (block,) = blocks(cli)
    assert (block["start"], block["end"], block["sphere"]) == expected


def test_flexible_and_dates(cli) -> None:
    assert cli("add", "Write 14:00-15:00 #flex", "--date", "tomorrow").returncode == 0
    assert cli("add", "Plan 9-10", "--date", "monday", "--flexible").returncode == 0
    (tomorrow,) = blocks(cli, "--date", "2026-11-26")
    (monday,) = blocks(cli, "--date", "2026-11-30")
    assert tomorrow["flexible"] and monday["flexible"]
    assert blocks(cli, "--date", "yesterday") == []


@pytest.mark.parametrize(
    "args",
    [
        ["add", "x 25:99"],
        ["add", "x 9-"],
        ["add", "9:00-10:00"],  # empty title
        ["add", "x 17:00-16:00"],  # end before start
        ["add", "x 9-10 #play"],  # unknown sphere
        ["add", "x 9-10", "--date", "2026-02-30"],
        ["add", "x 9-10", "--date", "someday"],
        ["add", "x 9-10", "--start", "26:00"],
        ["add", "x"],  # no time
        ["add", "x 23:30-0:30"],  # crosses midnight
        ["add", "x 2:30-3:30", "--date", "2026-03-29"],  # inside the DST gap
        ["edit", "nosuchid", "--title", "y"],
        ["rm", "nosuchid"],
        ["list", "--date", "13/13"],
        ["task", "rm", "nosuchid"],
        ["task", "add", "x 9-10"],  # a task has no time
        ["add"],  # argparse: missing text
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 or args == ["add"]
    assert "Traceback" not in result.stderr
    months = cli.data_dir / "months"
    assert not months.exists() or not any(months.iterdir())


def test_a_length_without_a_start_takes_the_next_free_slot_the_rules_allow(cli) -> None:
    """The planner's placeholder suggests "Deep work 2h #flex": it once was refused ("no
    start time"). Today (the fixture's 10:00, balance) it goes where plan would put it."""
    assert cli("add", "Standup 10:00-10:15 #work").returncode == 0
    assert cli("add", "Deep work 2h #flex").returncode == 0
    assert cli("add", "Gym 1h #personal", "--date", "tomorrow").returncode == 0
    spans = {b["title"]: (b["date"], b["start"], b["end"], b["flexible"]) for b in blocks(cli)}
    assert spans["Deep work"] == ("2026-11-25", "10:15", "12:15", True)  # after now and Standup
    tomorrow = {b["title"]: (b["start"], b["end"]) for b in blocks(cli, "--date", "tomorrow")}
    assert tomorrow["Gym"] == ("17:15", "18:15")  # after work and its buffer
    full = cli("add", "Marathon 20h")  # more than the day's planning hours hold
    assert full.returncode == 2 and full.stderr.startswith("flowday: no free slot of 20h")
    assert len(blocks(cli)) == 2


def test_overlap_is_refused_with_exit_3_naming_the_other_block(cli) -> None:
    first = cli("add", "Standup 9:00-9:15").stdout.strip()
    clash = cli("add", "Clash 9:10-9:30")
    assert clash.returncode == 3
    assert "Standup" in clash.stderr and first in clash.stderr
    assert clash.stderr.count("(id ") == 1  # the refused block was never stored: no id for it
    assert len(blocks(cli)) == 1
    forced = cli("add", "Clash 9:10-9:30", "--force")
    assert forced.returncode == 0 and "crossed" in forced.stderr
    assert len(blocks(cli)) == 2


def test_edit_and_rm(cli) -> None:
    block_id = cli("add", "Standup 9:00-9:15").stdout.strip()
    # --force: a personal block inside the work window crosses a balance rule
    edited = cli("edit", block_id, "--title", "Daily [sync]", "--start", "9:30", "--end", "9:45",
                 "--sphere", "personal", "--flexible", "--force")  # fmt: skip
    assert edited.returncode == 0, edited.stderr
    (block,) = blocks(cli)
    assert (block["title"], block["start"], block["end"], block["sphere"], block["flexible"]) == (
        "Daily [sync]", "09:30", "09:45", "personal", True,
    )  # fmt: skip
    bad = cli("edit", block_id, "--end", "9:00")
    assert bad.returncode == 2 and "not after start" in bad.stderr
    moved = cli("edit", block_id, "--date", "2027-01-04", "--force")
    assert moved.returncode == 0 and blocks(cli) == []
    assert [b["id"] for b in blocks(cli, "--date", "2027-01-04")] == [block_id]
    removed = cli("rm", block_id)
    assert removed.returncode == 0 and "Daily [sync]" in removed.stdout
    assert blocks(cli, "--date", "2027-01-04") == []


def test_list_is_sorted_aligned_and_literal(cli) -> None:
    cli("add", "[bold]Late[/bold] 15:00-16:00")
    cli("add", "Early 8:00-8:30")
    cli("add", "Escape \x1b]0;pwned\x07 12:00-12:30")
    data = blocks(cli)
    assert [b["start"] for b in data] == ["08:00", "12:00", "15:00"]
    assert data[1]["title"] == "Escape ]0;pwned"
    human = cli("list").stdout.splitlines()
    assert human[0].startswith("Wed 25 Nov 2026 · balance · work 09:00-17:00")
    assert "[bold]Late[/bold]" in human[3]
    ids = [line.rstrip().rsplit(" ", 1)[1] for line in human[1:]]
    assert ids == [b["id"] for b in data]
    assert len({line.index(i) for line, i in zip(human[1:], ids, strict=True)}) == 1  # aligned


def test_tasks(cli) -> None:
    task_id = cli("task", "add", "Write report 1h30 #work").stdout.strip()
    cli("task", "add", "Call mum", "--sphere", "personal", "--priority", "1", "--due", "friday")
    listed = cli("task", "list", "--json")
    tasks = json.loads(listed.stdout)
    assert [t["title"] for t in tasks] == ["Call mum", "Write report"]  # priority first
    assert tasks[1]["estimate"] == 90 and tasks[0]["due"] == "2026-11-27"
    assert "Write report" in cli("task", "list").stdout
    edited = cli("task", "edit", task_id, "--title", "Write the report", "--priority", "1",
                 "--estimate", "45m", "--due", "2026-12-01")  # fmt: skip
    assert edited.returncode == 0 and "Write the report" in edited.stdout
    task = next(t for t in json.loads(cli("task", "list", "--json").stdout) if t["id"] == task_id)
    assert (task["title"], task["priority"], task["estimate"], task["due"]) == (
        "Write the report", 1, 45, "2026-12-01")  # fmt: skip
    assert cli("task", "edit", task_id, "--no-due").returncode == 0
    bad = cli("task", "edit", task_id, "--title", " ")
    assert bad.returncode != 0 and bad.stderr.count("\n") == 1 and "title" in bad.stderr
    assert cli("task", "edit", "nosuchid", "--priority", "3").returncode != 0
    task = next(t for t in json.loads(cli("task", "list", "--json").stdout) if t["id"] == task_id)
    assert (task["title"], task["due"]) == ("Write the report", None)
    assert cli("task", "rm", task_id).returncode == 0
    assert [t["title"] for t in json.loads(cli("task", "list", "--json").stdout)] == ["Call mum"]


def test_global_options_before_or_after_the_command(cli, tmp_path) -> None:
    other = tmp_path / "elsewhere"
    assert cli("--data-dir", str(other), "add", "A 9-10").returncode == 0
    assert cli("add", "B 10-11", "--data-dir", str(other)).returncode == 0
    listed = json.loads(cli("list", "--json", "--data-dir", str(other)).stdout)
    assert [b["title"] for b in listed] == ["A", "B"]
    assert blocks(cli) == []


def test_without_data_dir_or_its_variable_the_user_data_folder_is_used(cli) -> None:
    # the isolated environment points XDG_DATA_HOME at a temp home; platformdirs follows it
    assert cli("add", "A 9-10", env={"FLOWDAY_DATA_DIR": None}).returncode == 0
    folder = Path(os.environ["XDG_DATA_HOME"]) / "flowday"
    assert [path.name for path in (folder / "months").iterdir()] == ["2026-11.json"]
    assert not cli.data_dir.exists()


def test_bad_config_is_a_clear_error(cli, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\nwork_hours = "9-25"\n')
    result = cli("list", "--config", str(config))
    assert result.returncode == 2
    assert "config.toml, line 2" in result.stderr
    missing = cli("list", "--config", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "no such config file" in missing.stderr


def test_config_work_hours_decide_the_default_sphere(cli, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('work_hours = "10:00-18:30"\n')
    cli("add", "Evening 18:00-18:30", "--config", str(config))
    assert blocks(cli)[0]["sphere"] == "work"


@pytest.mark.parametrize(
    "args",
    [
        ("add", "--work", "--personal", "Call 10:00-11:00"),
        ("bogus",),
        ("list", "--no-such-flag"),
        ("reflect", "--present", "bogus"),
        ("share", "--week", "--date", "2026-12-02"),
    ],
    ids=["exclusive-flags", "unknown-command", "unknown-flag", "bad-choice", "week-and-date"],
)
def test_bad_usage_is_one_line_and_exit_2(cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("flowday: ") and result.stderr.count("\n") == 1, result.stderr
    assert "--help" in result.stderr


# --- regressions found by trying the command line as the README and issues describe it
# (were in tests/qa)


def _one_line_error(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_cli_add_backwards_range_exits_2_and_writes_nothing(cli) -> None:
    result = cli("add", "Oops 10:00-9:00 #work", "--force")
    assert result.returncode == 2
    _one_line_error(result)
    assert json.loads(cli("list", "--json").stdout) == []


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
@pytest.mark.parametrize(
    "command",
    [
        ["add", "X 9:00-10:00 #work", "--force"],
        ["list"],
        ["check"],
        ["mode", "integration"],
        ["plan", "--dry-run"],
        ["share"],
        ["tui"],
    ],
)
def test_dates_outside_1900_2200_are_one_line_errors(cli, command: list[str], date: str) -> None:
    result = cli(*command, "--date", date)
    assert result.returncode == 2, result.stderr
    _one_line_error(result)
    assert "1900-2200" in result.stderr


def test_a_garbled_flowday_now_is_a_one_line_error(cli) -> None:
    result = cli("list", now="garbage")
    assert result.returncode == 2
    _one_line_error(result)
    assert "FLOWDAY_NOW" in result.stderr


def test_list_keeps_the_id_column_aligned_after_wide_characters(cli) -> None:
    cli("add", "Café ☕ 日本語 9:00-9:30 #work")
    cli("add", "Plain title here 9:30-10:00 #work")
    cli("add", "全角" * 40 + " 10:00-10:30 #work")  # longer than the 48-column cap
    rows = cli("list").stdout.splitlines()[1:]
    wide = ("W", "F")
    ends = {sum(2 if unicodedata.east_asian_width(c) in wide else 1 for c in row) for row in rows}
    assert len(ends) == 1, rows
    assert "…" in rows[2]
