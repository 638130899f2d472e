"""Regressions found by trying the command line as the README and the issues describe it."""

from __future__ import annotations

import json
import unicodedata

import pytest

from flowday.domain.errors import InputError
from flowday.domain.timeparse import parse_span


def _one_line_error(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("span", ["10:00-9:00", "11:30-10:15", "09:00-05:00"])
def test_a_backwards_24_hour_range_is_refused_not_read_as_the_evening(span: str) -> None:
    # "9-5" is the afternoon as people say it; "10:00-9:00" is a 24-hour clock typo
    with pytest.raises(InputError, match="is not after start"):
        parse_span(span)


def test_the_afternoon_shorthand_still_works() -> None:
    assert parse_span("9-5") == (9 * 60, 17 * 60)
    assert parse_span("9-5:30") == (9 * 60, 17 * 60 + 30)


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


def test_stats_over_years_out_of_range_is_an_error_not_a_traceback(cli) -> None:
    result = cli("stats", "--from", "0001-01-01", "--to", "9999-12-31")
    assert result.returncode == 2
    _one_line_error(result)


def test_stats_days_larger_than_history_covers_everything(cli) -> None:
    cli("add", "A 9:00-10:00 #work")
    result = cli("stats", "--days", "1000000", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["from"] == "1900-01-01" and [d["date"] for d in data["days"]] == ["2026-11-25"]


def test_mode_fix_json_lists_what_is_still_broken_after_the_fix(cli) -> None:
    cli("add", "Fix 18:00-18:30 #work #flex", "--force")
    cli("add", "Emails 20:00-20:30 #work", "--force")  # fixed: 1h outside before the fix
    result = cli("mode", "integration", "--fix", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [m["to"] for m in data["moves"]] == ["16:30-17:00"]
    # the 30 minutes outside the window are gone: nothing is broken any more
    check = json.loads(cli("check", "--json").stdout)
    assert data["violations"] == check["violations"]
    assert not any(v["rule"] == "work-outside-limit" for v in data["violations"])


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


def test_work_hours_at_a_time_the_clocks_skip_are_refused(cli) -> None:
    result = cli("hours", "2:30-10:00", "--date", "2026-03-29", "--force")
    assert result.returncode == 2
    _one_line_error(result)
    assert "does not exist" in result.stderr
    assert cli("list", "--date", "2026-03-29").stdout.startswith(
        "Sun 29 Mar 2026 · balance · work 09:00-17:00"
    )


def test_list_shows_the_day_notes_an_import_made(cli, tmp_path) -> None:
    calendar = tmp_path / "holiday.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:qa\r\nBEGIN:VEVENT\r\nUID:h1\r\n"
        "DTSTART;VALUE=DATE:20261126\r\nDTEND;VALUE=DATE:20261127\r\nSUMMARY:Holiday\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert cli("import", str(calendar)).returncode == 0
    lines = cli("list", "--date", "2026-11-26").stdout.splitlines()
    assert lines[1:] == ["  ✎ Holiday", "  (no blocks)"]
