"""`flowday intrusion` and intrusions logged by an import: direction, time, note, stored on
the day; older day records without the field still load."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
import pytest

from flowday.domain.model import Day, Intrusion, Sphere
from flowday.domain.records import Fields, RecordError
from flowday.store import Store

from ..calendars.ics_samples import vcalendar, vevent
from ..conftest import CliRunner

WEDNESDAY = pendulum.date(2026, 11, 25)  # the cli fixture's today, 10:00


def intrusions(cli: CliRunner, date: pendulum.Date = WEDNESDAY) -> tuple[Intrusion, ...]:
    return Store(cli.data_dir).day(date).intrusions  # type: ignore[attr-defined]


def test_intrusions_are_logged_with_their_direction(cli: CliRunner) -> None:
    # 10:00 on a working day is work's time: what intrudes then comes from personal life
    now = cli("intrusion", "--note", "school called\x1b[2J", "--json")
    assert now.returncode == 0, now.stderr
    assert json.loads(now.stdout) == {
        "date": "2026-11-25", "at": "10:00", "direction": "personal-into-work",
        "from": "personal", "note": "school called[2J", "source": "manual",
    }  # fmt: skip
    assert cli("add", "Dinner 19:00-20:00 #personal").returncode == 0
    dinner = cli("intrusion", "--at", "19:30")
    assert dinner.stdout == "2026-11-25 19:30  intrusion: work into personal\n"
    chosen = cli("intrusion", "--from", "work", "--at", "11:00", "--date", "2026-11-24")
    assert chosen.returncode == 0
    [logged] = intrusions(cli, WEDNESDAY.subtract(days=1))
    assert (logged.from_sphere, logged.at, logged.direction) == (
        Sphere.WORK, 660, "work-into-personal",
    )  # fmt: skip
    assert [i.at for i in intrusions(cli)] == [600, 1170]
    stats = json.loads(cli("stats", "--json", "--from", "2026-11-24").stdout)
    figures = {d["date"]: d["figures"] for d in stats["days"]}
    assert figures["2026-11-25"]["intrusions_from_work"] == 1
    assert figures["2026-11-25"]["intrusions_from_personal"] == 1
    assert figures["2026-11-24"]["intrusions_from_work"] == 1
    assert {"switches", "abrupt_switches", "buffers_kept", "buffers_short"} <= set(
        figures["2026-11-25"]
    )


def test_intrusions_are_listed_and_one_logged_by_mistake_is_removed(cli: CliRunner) -> None:
    assert cli("intrusion", "--list").stdout == "2026-11-25: no intrusions logged\n"
    assert json.loads(cli("intrusion", "--list", "--json").stdout) == []
    cli("intrusion", "--at", "09:30", "--note", "first")
    cli("intrusion", "--at", "19:30", "--from", "work", "--note", "[b]call[/b]")
    cli("intrusion", "--at", "12:00", "--note", "third")
    listed = cli("intrusion", "--list").stdout.splitlines()
    assert listed[1] == " 2  2026-11-25 19:30  intrusion: work into personal  [b]call[/b]"
    assert [row["n"] for row in json.loads(cli("intrusion", "--list", "--json").stdout)] == [
        1, 2, 3,
    ]  # fmt: skip
    removed = cli("intrusion", "--remove", "2", "--json")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout)["note"] == "[b]call[/b]"
    assert [i.note for i in intrusions(cli)] == ["first", "third"]
    assert cli("stats", "--json", "--from", "2026-11-25").stdout.count('"intrusions_from_work": 0')
    # a wrong number or a logging flag changes nothing and says why in one line
    before = intrusions(cli)
    for args, message in [
        (("--remove", "3"), "no intrusion 3 on 2026-11-25 (it has 2)"),
        (("--remove", "1", "--date", "2026-11-20"), "(it has none)"),
        (("--remove", "1", "--note", "x"), "--remove takes only --date and --json, not --note"),
        (("--list", "--remove", "1"), "not allowed with argument"),
    ]:
        result = cli("intrusion", *args)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1
    assert intrusions(cli) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--date", "2026-11-24"), "give the time it happened (--at HH:MM)"),
        (("--at", "25:00"), "not a time"),
        (("--from", "break"), "invalid choice"),
    ],
)
def test_bad_intrusions_are_one_line_errors_and_store_nothing(
    cli: CliRunner, args: tuple[str, ...], message: str
) -> None:
    result = cli("intrusion", *args)
    assert result.returncode == 2 and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert intrusions(cli) == ()


def test_an_imported_event_in_the_other_spheres_time_is_an_intrusion(
    cli: CliRunner, tmp_path: Path
) -> None:
    late_call = vevent(
        "late@x",
        "DTSTART;TZID=Europe/Berlin:20261125T200000",
        "DTEND;TZID=Europe/Berlin:20261125T203000",
        summary="Client call",
    )
    standup = vevent("standup@x", "DTSTART;TZID=Europe/Berlin:20261125T093000",
                     "DTEND;TZID=Europe/Berlin:20261125T094500", summary="Standup")  # fmt: skip
    path = tmp_path / "work.ics"
    path.write_text(vcalendar(late_call, standup))
    for _ in range(2):  # a re-import does not log it twice
        result = cli("import", str(path), "--sphere", "work", "--from", "2026-11-25",
                     "--to", "2026-11-26")  # fmt: skip
        assert result.returncode == 0, result.stderr
    [logged] = intrusions(cli)
    assert (logged.direction, logged.at, logged.note, logged.source) == (
        "work-into-personal", 20 * 60, "Client call", "import",
    )  # fmt: skip


def test_day_records_without_intrusions_load_and_bad_ones_are_refused() -> None:
    assert Day.from_dict({"date": "2026-11-25"}).intrusions == ()
    record = {"from": "work", "at": "19:30", "note": "call", "source": "import", "block": "b1"}
    assert Intrusion.from_fields(Fields(record)).to_dict() == {**record, "logged": ""}
    for bad in ({"from": "break"}, {"from": "work", "source": "mail"}, {"from": "work", "at": 5}):
        with pytest.raises(RecordError):
            Intrusion.from_fields(Fields(bad))
