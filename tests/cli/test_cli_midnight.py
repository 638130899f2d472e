"""Days whose midnight does not exist, through the CLI (in process, as people type it):
Santiago's spring-forward day starts at 01:00 and takes blocks from then on; a block to
24:00 the evening before lasts its real two hours, exports with DTEND after DTSTART and
comes back from the file unchanged; Apia's skipped 2011-12-30 refuses every change in one
line (exit 2) and says what it is when shown."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest

SANTIAGO = {"FLOWDAY_TZ": "America/Santiago"}
APIA = {"FLOWDAY_TZ": "Pacific/Apia"}
ANSWERS = ["--present", "self", "--stress", "neither", "--energy", "3", "--peace", "3",
           "--meaning", "3"]  # fmt: skip


def test_santiago_spring_forward_day_and_the_evening_before(cli, tmp_path: Path) -> None:
    def run(*args: str):
        return cli(*args, env=SANTIAGO, now="2022-09-12T10:00")

    refused = run("add", "Night 0:00-0:30 #personal", "--date", "2022-09-11")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "flowday: 00:00 does not exist on 2022-09-11: the clocks skip it (daylight saving "
        "time; they go on at 01:00)"
    ]
    assert run("add", "Walk 1:00-2:00 #personal", "--date", "2022-09-11").returncode == 0
    listed = run("list", "--date", "2022-09-11")
    assert "starts 01:00 (the clocks skip midnight)" in listed.stdout.splitlines()[0]
    assert "01:00-02:00" in listed.stdout
    assert run("check", "--date", "2022-09-11").returncode == 0
    late = run("add", "Late 22:00-24:00 #personal", "--date", "2022-09-10")
    assert late.returncode == 0, late.stderr
    block_id = late.stdout.strip()

    # the figures a reflection stores: 22:00-24:00 lasted two real hours
    reflected = run("reflect", "--date", "2022-09-10", *ANSWERS)
    assert reflected.returncode == 0, reflected.stderr
    stats = json.loads(run("stats", "--json", "--from", "2022-09-10", "--to", "2022-09-10").stdout)
    (day,) = stats["days"]
    assert day["figures"]["personal"] == 120

    exported = tmp_path / "plan.ics"
    assert (
        run("export", str(exported), "--from", "2022-09-10", "--to", "2022-09-11").returncode == 0
    )
    events = {
        str(e["SUMMARY"]): e
        for e in icalendar.Calendar.from_ical(exported.read_bytes()).walk("VEVENT")
    }
    start, end = events["Late"].decoded("DTSTART"), events["Late"].decoded("DTEND")
    assert end.timestamp() - start.timestamp() == 2 * 3600  # (a datetime "-" is wall time)
    assert end.isoformat() == "2022-09-11T01:00:00-03:00"
    assert run("rm", block_id).returncode == 0
    imported = run("import", str(exported), "--from", "2022-09-10", "--to", "2022-09-11")
    assert imported.returncode == 0, imported.stderr
    assert "1 added" in imported.stdout and "unusable" not in imported.stdout
    again = json.loads(run("list", "--json", "--date", "2022-09-10").stdout)
    assert [(b["start"], b["end"], b["title"]) for b in again] == [("22:00", "24:00", "Late")]


def test_an_event_across_the_missing_midnight_splits_and_joins_back(cli, tmp_path: Path) -> None:
    def run(*args: str):
        return cli(*args, env=SANTIAGO, now="2022-09-09T10:00")

    source = tmp_path / "night.ics"
    source.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:night-1\r\n"
        "DTSTAMP:20220901T000000Z\r\nSUMMARY:Night shift\r\nDTSTART:20220911T020000Z\r\n"
        "DTEND:20220911T060000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )  # 22:00 on the 10th (-04) to 03:00 on the 11th (-03): four real hours
    imported = run("import", str(source), "--from", "2022-09-10", "--to", "2022-09-11")
    assert imported.returncode == 0, imported.stderr
    pieces = [
        (b["date"], b["start"], b["end"])
        for date in ("2022-09-10", "2022-09-11")
        for b in json.loads(run("list", "--json", "--date", date).stdout)
    ]
    assert pieces == [("2022-09-10", "22:00", "24:00"), ("2022-09-11", "01:00", "03:00")]
    exported = tmp_path / "out.ics"
    assert (
        run("export", str(exported), "--from", "2022-09-10", "--to", "2022-09-11").returncode == 0
    )
    (event,) = icalendar.Calendar.from_ical(exported.read_bytes()).walk("VEVENT")
    assert event.decoded("DTEND").timestamp() - event.decoded("DTSTART").timestamp() == 4 * 3600


@pytest.mark.parametrize(
    "args",
    [
        ["add", "Walk 9:00-10:00 #personal", "--date", "2011-12-30"],
        ["hours", "10:00-18:00", "--date", "2011-12-30"],
        ["mode", "integration", "--date", "2011-12-30"],
        ["plan", "--date", "2011-12-30"],
        ["reflect", "--date", "2011-12-30", *ANSWERS],
    ],
    ids=lambda args: args[0],
)
def test_a_skipped_day_refuses_changes_in_one_line(cli, args: list[str]) -> None:
    cli("task", "add", "Read 30m", env=APIA, now="2011-12-29T10:00")  # plan has work to do
    now = "2012-01-02T10:00" if args[0] == "reflect" else "2011-12-29T10:00"  # not ahead
    result = cli(*args, env=APIA, now=now)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "flowday: 2011-12-30 does not exist in Pacific/Apia: the clocks skip that whole day\n"
    )
    assert not (cli.data_dir / "months" / "2011-12.json").exists()


def test_a_skipped_day_shows_as_such(cli) -> None:
    def run(*args: str):
        return cli(*args, env=APIA, now="2011-12-29T10:00")

    for command in ("list", "check"):
        shown = run(command, "--date", "2011-12-30")
        assert shown.returncode == 0
        assert shown.stdout.splitlines()[0].endswith("· no such day here: the clocks skip it")
    assert run("add", "Eve 22:00-24:00 #personal", "--date", "2011-12-29").returncode == 0
    shared = run("share", "--week")
    assert "Fri 30 Dec: no such day here (the clocks skip it)" in shared.stdout
    assert "Thu 29 Dec: free 08:00-21:00, busy 22:00-24:00 (personal)" in shared.stdout
