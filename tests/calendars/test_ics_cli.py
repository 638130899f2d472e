"""``flowday import``, ``export`` and ``share`` as a person (or a script) runs them."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest

from .ics_samples import WriteIcs, google_calendar, vcalendar, vevent

CliRunner = Callable[..., subprocess.CompletedProcess[str]]  # the `cli` fixture


def test_import_then_list_then_reimport(cli: CliRunner, write_ics: WriteIcs) -> None:
    path = write_ics(google_calendar())
    first = cli("import", str(path), "--from", "2026-11-23", "--to", "2026-11-29")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("imported calendar.ics (2026-11-23..2026-11-29): 5 added")
    assert "1 declined" in first.stdout
    listed = cli("list", "--date", "2026-11-26", "--json")
    assert [b["title"] for b in json.loads(listed.stdout)] == ["Standup", "Design review"]
    again = cli("import", str(path), "--from", "2026-11-23", "--to", "2026-11-29")
    assert "0 added, 0 updated, 0 removed, 5 unchanged" in again.stdout


def test_conflicts_are_listed_and_the_exit_status_is_still_zero(
    cli: CliRunner, write_ics: WriteIcs
) -> None:
    assert cli("add", "Focus 9:00-10:00 #work", "--date", "2026-11-25").returncode == 0
    result = cli(
        "import", str(write_ics(google_calendar())), "--from", "2026-11-25", "--to", "2026-11-26"
    )
    assert result.returncode == 0
    assert "conflicts after the import:" in result.stdout
    assert "no-overlap" in result.stdout
    assert "crossed (no-overlap)" in result.stderr


def test_bad_files_and_flags_are_one_line_errors(cli: CliRunner, write_ics: WriteIcs) -> None:
    garbage = cli("import", str(write_ics(b"\x00\x01garbage")))
    assert garbage.returncode == 2
    assert garbage.stderr.count("\n") == 1 and "not an iCalendar file" in garbage.stderr
    missing = cli("import", "/nonexistent/cal.ics")
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    backwards = cli("export", "-", "--from", "2026-12-10", "--to", "2026-12-01")
    assert backwards.returncode == 2 and "before" in backwards.stderr
    sphere = cli("import", str(write_ics(google_calendar())), "--sphere", "fun")
    assert sphere.returncode == 2 and "unknown sphere" in sphere.stderr


def test_skipped_events_are_named_with_their_reason(cli: CliRunner, write_ics: WriteIcs) -> None:
    bad = vevent("spam", "DTSTART:20261201T090000Z", "RRULE:FREQ=SECONDLY;COUNT=1000000000",
                 summary="Spam \x1b[31mred")  # fmt: skip
    result = cli("import", str(write_ics(vcalendar(bad))), "--from", "2026-12-01")
    assert result.returncode == 0
    assert "skipped 'Spam [31mred' (UID spam): it repeats every second" in result.stderr
    assert "\x1b" not in result.stderr + result.stdout


def test_long_imports_show_progress_on_stderr(cli: CliRunner, write_ics: WriteIcs) -> None:
    daily = vevent("daily", "DTSTART:20261201T063000Z", "DTEND:20261201T064500Z",
                   "RRULE:FREQ=DAILY", summary="Stretch")  # fmt: skip
    result = cli("import", str(write_ics(vcalendar(daily))), "--from", "2026-12-01",
                 "--to", "2027-04-09")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "130 added" in result.stdout
    progress = [line for line in result.stderr.splitlines() if "importing" in line]
    assert progress[-1] == "flowday: importing 130/130 (100%)"
    assert len(progress) <= 5  # a few lines, not one per block


def test_export_to_file_and_stdout(cli: CliRunner, write_ics: WriteIcs, tmp_path: Path) -> None:
    cli("add", "Deep work 9:00-11:00 #work", "--date", "2026-11-26")
    cli("add", "Gym 18:00-19:00 #personal", "--date", "2026-11-26")
    out = tmp_path / "plan.ics"
    result = cli("export", str(out), "--from", "2026-11-26", "--to", "2026-11-26")
    assert result.returncode == 0
    assert result.stdout.strip() == f"exported 2 events (2026-11-26..2026-11-26) to {out}"
    events = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == ["Deep work", "Gym"]
    work_only = cli("export", "-", "--from", "2026-11-26", "--to", "2026-11-26", "--sphere", "work")
    events = icalendar.Calendar.from_ical(work_only.stdout).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Deep work"]


def test_share_text_and_freebusy(cli: CliRunner, tmp_path: Path) -> None:
    cli("add", "Standup 9:00-9:15 #work", "--date", "2026-12-02")
    cli("add", "Therapy 18:00-19:00 #personal", "--date", "2026-12-02")
    plain = cli("share", "--date", "2026-12-02")
    assert plain.returncode == 0
    assert plain.stdout.strip() == (
        "Wed 2 Dec: free 08:00-09:00, busy 09:00-09:15 (work), free 09:15-18:00, "
        "busy 18:00-19:00 (personal), free 19:00-21:00"
    )
    detailed = cli("share", "--date", "2026-12-02", "--details")
    assert "(personal: Therapy)" in detailed.stdout
    cli("add", "Review 14:00-15:00 #work", "--date", "2026-11-26")
    week = cli("share", "--week", "--ics", str(tmp_path / "fb.ics"))
    assert len(week.stdout.splitlines()) == 7 and week.stdout.startswith("Wed 25 Nov:")
    (freebusy,) = icalendar.Calendar.from_ical((tmp_path / "fb.ics").read_bytes()).walk("VFREEBUSY")
    assert freebusy["FREEBUSY"].to_ical() == b"20261126T130000Z/20261126T140000Z"
    piped = cli("share", "--week", "--ics", "-")  # stdout is the calendar alone
    (freebusy,) = icalendar.Calendar.from_ical(piped.stdout).walk("VFREEBUSY")
    assert freebusy["FREEBUSY"].to_ical() == b"20261126T130000Z/20261126T140000Z"
    assert piped.stderr.startswith("Wed 25 Nov:") and len(piped.stderr.splitlines()) == 7
    both = cli("share", "--date", "2026-12-02", "--week")
    assert both.returncode == 2  # one or the other


def test_many_conflicts_are_summarised(cli: CliRunner, write_ics: WriteIcs) -> None:
    crowd = [
        vevent(f"c{i}", "DTSTART:20261203T090000Z", "DTEND:20261203T100000Z", summary=f"M{i}")
        for i in range(8)
    ]  # 28 overlapping pairs
    result = cli(
        "import", str(write_ics(vcalendar(*crowd))), "--from", "2026-12-03", "--to", "2026-12-03"
    )
    assert result.returncode == 0
    day_lines = [line for line in result.stdout.splitlines() if line.startswith("  2026-12-03")]
    assert len(day_lines) == 6
    assert day_lines[-1].startswith("  2026-12-03  ... and ")
    assert "more (flowday check --date 2026-12-03)" in day_lines[-1]
    assert "... and 18 more crossings (recorded on their days)" in result.stderr


def test_share_to_an_unwritable_path_fails_before_any_output(cli, tmp_path: Path) -> None:
    result = cli("share", "--ics", str(tmp_path / "no" / "such" / "folder" / "fb.ics"))
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1


def test_export_with_an_empty_sphere_list_is_refused(cli) -> None:
    result = cli("export", "-", "--sphere", ",")
    assert result.returncode == 2 and result.stdout == "" and "--sphere" in result.stderr


# --- regressions found by trying the command line as the README and issues describe it
# (were in tests/qa)


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


def test_a_big_file_says_it_is_being_read(
    cli: CliRunner, write_ics: WriteIcs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flowday.cli import calendar as calendar_cli

    monkeypatch.setattr(calendar_cli, "READING_SHOWN_FROM", 100)  # bytes: any file here
    path = write_ics(google_calendar())
    result = cli("import", str(path), "--from", "2026-11-23", "--to", "2026-11-29")
    assert result.returncode == 0
    assert "flowday: reading 0.0 MB of calendar..." in result.stderr.splitlines()
    monkeypatch.setattr(calendar_cli, "READING_SHOWN_FROM", 1024 * 1024)
    again = cli("import", str(path), "--from", "2026-11-23", "--to", "2026-11-29")
    assert "reading" not in again.stderr
