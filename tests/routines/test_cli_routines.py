"""Routines, days off, the week and the month from the command line (in process), and a
routine's export as one repeating event that loads back with the same occurrences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import icalendar
import pendulum
import recurring_ical_events

from flowday.application import routines as use
from flowday.application.planner import Planner
from flowday.application.week import set_days_off
from flowday.calendars import exporting, import_calendar
from flowday.store import Store

CliRunner = Any  # the `cli` fixture (tests/conftest.py)


def test_routine_commands_and_every_reader_seeing_occurrences(cli: CliRunner) -> None:
    cli("add", "Tea 16:00-16:15 #break")
    stats_args = ("stats", "--json", "--from", "2026-11-25", "--to", "2026-11-25")
    assert json.loads(cli(*stats_args).stdout)["days"][0]["figures"]["work"] == 0  # cached now
    added = cli("routine", "add", "Standup 9:00-9:15 #work", "--every", "weekdays")
    assert added.returncode == 0, added.stderr
    routine = added.stdout.strip()
    listed = cli("list").stdout
    assert "↻ Standup" in listed and f"{routine}@2026-11-25" in listed
    blocks = json.loads(cli("list", "--json").stdout)
    assert "routine" not in blocks[1]  # other blocks keep their shape
    assert blocks[0]["routine"] == routine and blocks[0]["id"] == f"{routine}@2026-11-25"
    assert cli("list", "--date", "2026-11-28").stdout.endswith("(no blocks)\n")  # Saturday
    check = cli("check")
    assert check.returncode == 0 and "plan-evening" in check.stdout  # the day, judged
    share = cli("share").stdout
    assert "09:00" in share and "09:15" in share
    stats = json.loads(cli(*stats_args).stdout)
    assert stats["days"][0]["figures"]["work"] == 15  # the cache knows routines changed
    cli("task", "add", "Write 1h #work")
    planned = json.loads(cli("plan", "--json", "--dry-run", "--date", "2026-11-26").stdout)
    assert planned["placed"][0]["block"]["start"] == "09:15"  # after the standup
    week = cli("week", "--date", "2026-11-25")
    assert week.stdout.count("↻ Standup") == 3  # from Wednesday on
    assert all(len(line) <= 80 for line in week.stdout.splitlines())
    routines = json.loads(cli("routine", "list", "--json").stdout)
    assert routines[0]["rrule"] == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;WKST=MO"
    # one occurrence skipped, the routine changed from Friday, then removed
    assert cli("rm", f"{routine}@2026-11-26").returncode == 0
    edited = cli("routine", "edit", routine, "Standup 10:00-10:15", "--from", "2026-11-27")
    assert "continued as" in edited.stdout
    assert "09:00-09:15" in cli("list").stdout  # today untouched
    assert "(no blocks)" in cli("list", "--date", "2026-11-26").stdout  # skipped, still
    assert "10:00-10:15" in cli("list", "--date", "2026-11-27").stdout
    bad = cli("routine", "add", "Gym 18:00", "--every", "hourly")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "unknown repeat" in bad.stderr
    past = cli("routine", "add", "Gym 18:00", "--every", "day", "--from", "2026-11-01")
    assert past.returncode == 2 and "in the past" in past.stderr
    backwards = cli("routine", "add", "Gym 18:00", "--every", "weekdays", "--from", "2027-01-01",
                    "--until", "2026-12-01")  # fmt: skip
    assert backwards.returncode == 2 and "--until 2026-12-01 is before" in backwards.stderr
    assert "2027-01-01" in backwards.stderr  # the first day it would have had


def test_refused_routine_names_days_and_force_records_them(cli: CliRunner) -> None:
    cli("add", "Call 9:00-10:00 #work", "--date", "2026-11-26")
    refused = cli("routine", "add", "Standup 9:00-9:15 #work", "--every", "mon,thu")
    assert refused.returncode == 3 and "Thu 2026-11-26" in refused.stderr
    assert json.loads(cli("routine", "list", "--json").stdout) == []
    forced = cli("routine", "add", "Standup 9:00-9:15 #work", "--every", "mon,thu", "--force")
    assert forced.returncode == 0 and "2026-11-26: crossed (no-overlap)" in forced.stderr


def test_a_mode_switch_judges_the_occurrences_the_new_mode_shows(cli: CliRunner) -> None:
    # a routine limited to integration shows with the switch: what breaks is said then,
    # and switching back (it hides again) has nothing to report or to fix
    cli("routine", "add", "Emails 21:30-22:00 #work", "--every", "weekdays",
        "--modes", "integration")  # fmt: skip
    shown = cli("mode", "integration", "--date", "2026-11-26")
    assert "protected-off-time" in shown.stdout and "Emails" in shown.stdout
    assert cli("check", "--date", "2026-11-26").returncode == 1  # as the switch said
    hidden = cli("mode", "balance", "--date", "2026-11-26", "--json")
    assert json.loads(hidden.stdout)["violations"] == []
    errand = cli("routine", "add", "Errand 11:00-11:30 #personal #flex", "--every",
                 "weekdays", "--modes", "integration").stdout.strip()  # fmt: skip
    cli("mode", "integration", "--date", "2026-11-27")
    fixed = cli("mode", "balance", "--fix", "--date", "2026-11-27")
    assert "moved" not in fixed.stdout  # hidden in balance: nothing to mend, never moved
    cli("mode", "integration", "--date", "2026-11-27")
    back = cli("list", "--date", "2026-11-27").stdout
    assert f"11:00-11:30  personal ~ ↻ Errand  {errand}@2026-11-27" in back


def test_an_occurrence_placed_by_hand_on_a_day_off_stays_in_view(cli: CliRunner) -> None:
    # a work routine's own occurrences skip a day off; one moved there, or done, is a block
    # someone placed: shown and judged like any work block, never silently hidden
    routine = cli("routine", "add", "Std 9:00-9:15 #work", "--every", "weekdays").stdout.strip()
    assert cli("off", "2026-11-27", "--note", "Sick").returncode == 0
    moved = ["edit", f"{routine}@2026-11-26", "--date", "2026-11-27"]
    assert cli(*moved).returncode == 3  # work on a day off: refused, as any work block
    assert cli(*moved, "--force").returncode == 0
    shown = cli("list", "--date", "2026-11-27").stdout
    assert f"09:00-09:15  work       ↻ Std  {routine}@2026-11-26" in shown
    week = json.loads(cli("week", "--json").stdout)["days"][4]
    assert week["work_minutes"] == 15 and week["crossings"] == 1
    assert cli("done", f"{routine}@2026-11-25").returncode == 0
    refused = cli("off", "2026-11-25")
    assert refused.returncode == 3 and "no-work-on-days-off" in refused.stderr
    assert "✓ Std" in cli("list").stdout  # done work stays in view (and in the figures)


def test_a_removed_routine_takes_its_future_crossings_with_it(cli: CliRunner) -> None:
    # forced over a meeting, then removed: the occurrences it crossed with are gone, so
    # are their recorded crossings; one kept by hand (edited) keeps its own
    cli("add", "Meet 10:00-11:00 #work", "--date", "2026-11-26")
    cli("add", "Meet 10:00-11:00 #work", "--date", "2026-12-01")
    gym = cli("routine", "add", "Gym 10:00-10:30 #personal", "--every", "weekdays",
              "--from", "2026-11-26", "--force").stdout.strip()  # fmt: skip

    def crossings(month: str) -> int:
        days = json.loads(cli("month", "--date", month, "--json").stdout)["days"]
        return sum(d["crossings"] for d in days)

    assert crossings("2026-11-26") >= 2 and crossings("2026-12-01") >= 2
    cli("edit", f"{gym}@2026-12-01", "--title", "Gym class", "--force")
    assert cli("routine", "rm", gym).returncode == 0  # not begun: deleted outright
    assert crossings("2026-11-26") == 0
    kept = json.loads(cli("check", "--date", "2026-12-01", "--json").stdout)
    assert {c["block"] for c in kept["planned_crossings"]} == {f"{gym}@2026-12-01"}


def test_days_off_week_and_month(cli: CliRunner) -> None:
    cli("routine", "add", "Standup 9:00-9:15 #work", "--every", "weekdays")
    off = cli("off", "2026-11-26", "2026-11-27", "--note", "Holiday in Lisbon")
    assert off.returncode == 0, off.stderr
    never_off = cli("off", "--clear", "2026-11-20", "2026-11-22")
    assert never_off.returncode == 0 and "(0 changed)" in never_off.stdout
    reversed_range = cli("off", "2026-12-26", "2026-12-24")
    assert reversed_range.returncode == 2
    assert "TO 2026-12-24 is before FROM 2026-12-26" in reversed_range.stderr
    listed = cli("list", "--date", "2026-11-26").stdout
    assert "day off: Holiday in Lisbon" in listed and "Standup" not in listed
    assert cli("add", "Report 14:00-15:00 #work", "--date", "2026-11-27").returncode == 3
    cli("task", "add", "Slides 1h #work")  # the planner's reason is the day off, too
    planned = cli("plan", "--date", "2026-11-27", "--dry-run").stdout
    assert "planned as a day off" in planned and "not a working day" not in planned
    week = json.loads(cli("week", "--json").stdout)
    assert [d["off"] for d in week["days"]][:5] == [False, False, False, True, True]
    assert week["days"][3]["off_note"] == "Holiday in Lisbon"
    assert week["days"][0]["blocks"] == [] and week["days"][3]["work_minutes"] == 0
    assert week["days"][2]["work_minutes"] == 15
    # a weekend or a day off has no work window to show, whatever the hours say
    assert [d["working_day"] for d in week["days"]] == [True] * 3 + [False] * 4
    assert (
        "Sat 28 Nov 2026 · balance · work 09:00-17:00 · not a working day"
        in cli("list", "--date", "2026-11-28").stdout
    )
    assert "Thu 26 Nov 2026 · balance · work 09:00-17:00 · day off\n" in listed
    lines = cli("week").stdout.splitlines()
    assert any(line.startswith("Thu 26 Nov  balance      day off    ") for line in lines)
    assert any(line.startswith("Sun 29 Nov  balance      no work    ") for line in lines)
    assert any(line.startswith("Wed 25 Nov  balance      09:00-17:00") for line in lines)
    month = cli("month")
    assert "off: Holiday in Lisbon" in month.stdout
    assert all(len(line) <= 80 for line in month.stdout.splitlines())
    assert len(json.loads(cli("month", "--json").stdout)["days"]) == 30
    assert cli("off", "--clear", "2026-11-26").returncode == 0
    assert "Standup" in cli("list", "--date", "2026-11-26").stdout
    holidays = cli.data_dir.parent / "holidays.ics"
    holidays.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:xmas@t\r\n"
        "DTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261225\r\n"
        "DTEND;VALUE=DATE:20261226\r\nSUMMARY:Christmas Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert cli("import", str(holidays)).returncode == 0
    assert "(1 changed)" in cli("off", "2026-12-01", "2026-12-31", "--imported").stdout
    assert "day off: Christmas Day" in cli("list", "--date", "2026-12-25").stdout
    switched = cli("mode", "integration", "--week", "--date", "2026-11-25")
    assert switched.stdout.count("balance → integration") == 7
    assert all(d["mode"] == "integration" for d in json.loads(cli("week", "--json").stdout)["days"])


def test_a_routine_exports_as_one_event_with_the_same_occurrences(planner: Planner) -> None:
    first, last = pendulum.date(2026, 11, 25), pendulum.date(2027, 4, 30)  # a DST change inside
    routine = use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays").routine
    gym = use.add_routine(planner, "Gym 18:00-19:00 #personal", "mon,thu",
                          modes=["integration"]).routine  # fmt: skip
    assert routine is not None and gym is not None
    planner.set_mode(pendulum.date(2026, 11, 26), "integration")
    planner.set_mode(pendulum.date(2026, 11, 30), "integration")
    planner.remove_block(f"{routine.id}@2026-11-27")  # skipped: EXDATE
    planner.edit_block(f"{routine.id}@2026-12-01", start=9 * 60 + 30, end=9 * 60 + 45)  # override
    set_days_off(planner, pendulum.date(2026, 12, 24), pendulum.date(2026, 12, 24), note="Eve")
    text = exporting.export_calendar(planner, first, last).to_ical()
    calendar = icalendar.Calendar.from_ical(text)
    series = [e for e in calendar.walk("VEVENT") if "RRULE" in e]
    assert len(series) == 2  # one event per routine
    loaded = recurring_ical_events.of(calendar).between((2026, 11, 25), (2027, 5, 1))
    got = sorted(
        (e.start.date().isoformat(), e.start.strftime("%H:%M"), e.end.strftime("%H:%M"),
         str(e["SUMMARY"]))
        for e in loaded if hasattr(e.start, "hour")
    )  # fmt: skip
    shown = sorted(
        (b.date.to_date_string(), b.span[:5], b.span[6:], b.title)
        for b in planner.store.blocks_between(first, last)
    )
    assert [g for g in got if g[3] != "Day off: Eve"] == shown
    assert ("2026-12-01", "09:30", "09:45", "Standup") in got
    assert not any(g[0] == "2026-11-27" for g in got)
    assert any(g[0] == "2027-03-29" and g[1] == "09:00" for g in got)  # wall clock after DST
    offs = [e for e in calendar.walk("VEVENT") if str(e.get("SUMMARY")) == "Day off: Eve"]
    assert len(offs) == 1 and not hasattr(offs[0].start, "hour")


def test_an_export_says_which_of_its_exdates_are_skips(planner: Planner, tmp_path: Path) -> None:
    """Into a fresh store (no days off, no modes set yet): the skips come back, and only
    they; a day off or a day in another mode is an EXDATE for other calendars, never a skip
    here; a hand edit past the exported range is not turned into one either."""
    first, last = pendulum.date(2026, 11, 25), pendulum.date(2026, 12, 31)
    standup = use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays").routine
    school = use.add_routine(planner, "School 15:00-15:30 #personal", "weekdays",
                             modes=["integration"]).routine  # fmt: skip
    assert standup is not None and school is not None
    planner.set_mode(pendulum.date(2026, 12, 9), "integration")
    planner.remove_block(f"{school.id}@2026-12-09")  # a skip on a day in its mode
    planner.remove_block(f"{standup.id}@2026-11-27")
    planner.edit_block(f"{standup.id}@2027-01-05", start=9 * 60 + 30, end=9 * 60 + 45)
    set_days_off(planner, pendulum.date(2026, 12, 24), pendulum.date(2026, 12, 28))
    calendar = exporting.export_calendar(planner, first, last)
    path = tmp_path / "mine.ics"
    path.write_bytes(calendar.to_ical())
    fresh = Planner(Store(tmp_path / "fresh"), planner.config, planner.clock)
    import_calendar(fresh, path, first=first, last=last)
    back = {r.id: r for r in fresh.store.routines()}
    assert back[standup.id].skipped == {"2026-11-27"}  # not the days off
    assert back[school.id].skipped == {"2026-12-09"}  # kept, though no day there is in its mode
    assert not back[standup.id].edited  # past the range: neither skipped nor edited here
    set_days_off(fresh, pendulum.date(2026, 12, 24), pendulum.date(2026, 12, 28), clear=True)
    assert [b.routine for b in fresh.store.blocks_on(pendulum.date(2026, 12, 28))] == [standup.id]
    # an export without that list (an older flowday): skips read from the EXDATEs on days
    # the routine is shown in the store importing it
    for event in calendar.walk("VEVENT"):
        event.pop("X-FLOWDAY-SKIPPED", None)
    path.write_bytes(calendar.to_ical())
    older = Planner(Store(tmp_path / "older"), planner.config, planner.clock)
    import_calendar(older, path, first=first, last=last)
    assert {r.id: r for r in older.store.routines()}[school.id].skipped == frozenset()


def test_an_occurrence_moved_past_the_clock_gap_imports_back_as_the_routine(
    planner: Planner, tmp_path: Path
) -> None:
    # 02:30 does not exist on 2027-03-28 in Berlin: flowday shows 03:30-04:00; a calendar
    # library expands that day with no length, which made the import a day note besides it
    first, last = pendulum.date(2027, 3, 27), pendulum.date(2027, 3, 29)
    gap_day = pendulum.date(2027, 3, 28)
    early = use.add_routine(planner, "Early 2:30-3:00 #personal", "day", start=first,
                            until=gap_day).routine  # fmt: skip
    assert early is not None
    path = tmp_path / "gap.ics"
    calendar = exporting.export_calendar(planner, first, last)
    path.write_bytes(calendar.to_ical())
    # its UNTIL is that day's 02:30 as calendars read it (03:30): the last one is kept
    expanded = recurring_ical_events.of(calendar).between((2027, 3, 27), (2027, 3, 30))
    assert sorted(e["DTSTART"].dt.day for e in expanded) == [27, 28]
    for store in (planner, Planner(Store(tmp_path / "fresh"), planner.config, planner.clock)):
        import_calendar(store, path, first=first, last=last)
        assert store.store.day(gap_day).imported_notes == ()
        assert [b.span for b in store.store.blocks_on(gap_day)] == ["03:30-04:00"]


def test_a_flowday_export_imports_back_as_routines(planner: Planner, tmp_path: Path) -> None:
    """Into another store: the routines again (ids, skips, hand edits, modes), the same
    blocks shown; into the store it came from: nothing doubled. Another calendar's
    repeating event is still blocks."""
    first, last = pendulum.date(2026, 11, 25), pendulum.date(2027, 1, 31)
    standup = use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays").routine
    gym = use.add_routine(planner, "Gym 18:00-19:00 #personal", "mon,thu",
                          modes=["integration"]).routine  # fmt: skip
    assert standup is not None and gym is not None
    planner.set_mode(pendulum.date(2026, 11, 26), "integration")
    planner.remove_block(f"{standup.id}@2026-11-27")  # skipped: EXDATE
    planner.edit_block(f"{standup.id}@2026-12-01", start=9 * 60 + 30, end=9 * 60 + 45)
    set_days_off(planner, pendulum.date(2026, 12, 24), pendulum.date(2026, 12, 24))
    path = tmp_path / "mine.ics"
    path.write_bytes(exporting.export_calendar(planner, first, last).to_ical())

    def shown(p: Planner) -> list[tuple[str, str, str, str]]:
        return [(b.date.to_date_string(), b.span, b.title, b.routine)
                for b in p.store.blocks_between(first, last)]  # fmt: skip

    elsewhere = Planner(Store(tmp_path / "elsewhere"), planner.config, planner.clock)
    set_days_off(elsewhere, pendulum.date(2026, 12, 24), pendulum.date(2026, 12, 24))
    elsewhere.set_mode(pendulum.date(2026, 11, 26), "integration")
    report = import_calendar(elsewhere, path, first=first, last=last)
    assert report.routines == 2 and report.added == 0, report.summary()
    assert "2 routines back as routines" in report.summary()
    back = {r.id: r for r in elsewhere.store.routines()}
    assert set(back) == {standup.id, gym.id}
    assert back[standup.id].skipped == {"2026-11-27"} and back[standup.id].every == "weekdays"
    assert back[standup.id].edited == {"2026-12-01"} and back[standup.id].until is None
    assert back[gym.id].modes == ("integration",) and back[gym.id].until is None
    assert not back[gym.id].skipped  # days in other modes are not skips
    assert shown(elsewhere) == shown(planner)
    # the store it came from: the routines stay as they are, nothing added
    before = shown(planner)
    again = import_calendar(planner, path, first=first, last=last)
    assert (again.added, again.routines) == (0, 0) and shown(planner) == before
    assert len(planner.store.routines()) == 2
    # another calendar's repeating event: blocks, one per occurrence, as ever
    theirs = icalendar.Calendar.from_ical(path.read_bytes())
    for event in theirs.walk("VEVENT"):
        if "RRULE" in event:
            event["UID"] = "weekly-sync@example.com"
            del event["X-FLOWDAY-ROUTINE"]
            break
    other = tmp_path / "theirs.ics"
    other.write_bytes(theirs.to_ical())
    fresh = Planner(Store(tmp_path / "fresh"), planner.config, planner.clock)
    imported = import_calendar(fresh, other, first=first, last=last)
    assert imported.added > 0 and imported.routines == 1
    assert any(b.source.startswith("ics:weekly-sync") for b in fresh.store.blocks_on(first))
