"""Calendars as people really have them: lossless round trips, and partial tolerance.

Every calendar here is written by the test, shaped like what real apps write (Outlook's
display-name zones, a mail client's saved REQUEST and CANCEL, a train ticket's alarm), and
never copied from anyone's files.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import icalendar
import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowday.application.planner import Planner
from flowday.calendars import exporting, importing, reading
from flowday.calendars.expansion import expand
from flowday.calendars.importing import CALENDAR_PART, kept_notes
from flowday.domain.model import Sphere

from .ics_samples import WriteIcs, d, spans, vcalendar, vevent

CliRunner = Callable[..., subprocess.CompletedProcess[str]]  # the `cli` fixture
FIRST, LAST = "2026-11-30", "2026-12-20"


def run(planner: Planner, path: Path, first: str = FIRST, last: str = LAST):
    return importing.import_calendar(planner, path, first=d(first), last=d(last))


def export_to(planner: Planner, write_ics: WriteIcs, name: str = "export.ics") -> Path:
    calendar = exporting.export_calendar(planner, d(FIRST), d(LAST))
    return write_ics(calendar.to_ical(), name)


def snapshot(planner: Planner) -> tuple[object, ...]:
    """Everything an import may change: each block whole (id and source included), and
    each day's notes with the events they came from."""
    blocks = sorted(
        (b.id, b.date.to_date_string(), b.start, b.end, b.title, b.sphere.value, b.flexible,
         b.notes, b.source)
        for b in planner.store.blocks_between(d(FIRST), d(LAST))
    )  # fmt: skip
    days = planner.store.days_between(d(FIRST), d(LAST))
    notes = sorted(
        (key, day.notes, tuple(sorted((n.source, n.text) for n in day.imported_notes)))
        for key, day in days.items()
        if day.notes or day.imported_notes
    )
    return tuple(blocks), tuple(notes)


def exported_events(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


# --- multi-day all-day events -----------------------------------------------------------------

CONFERENCE = vevent(
    "conf-7@example.com",
    "DTSTART;VALUE=DATE:20261207",
    "DTEND;VALUE=DATE:20261214",
    summary="Conference",
)
# three days every other week, the second time moved by a day
RETREAT = [
    vevent(
        "retreat@example.com",
        "DTSTART;VALUE=DATE:20261201",
        "DTEND;VALUE=DATE:20261204",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=2",
        summary="Retreat",
    ),
    vevent(
        "retreat@example.com",
        "RECURRENCE-ID;VALUE=DATE:20261215",
        "DTSTART;VALUE=DATE:20261216",
        "DTEND;VALUE=DATE:20261219",
        summary="Retreat (moved)",
    ),
]


def test_a_multi_day_all_day_event_goes_out_as_one_event(
    planner: Planner, write_ics: WriteIcs
) -> None:
    original = write_ics(vcalendar(CONFERENCE, *RETREAT), "work.ics")
    report = run(planner, original)
    assert report.notes_added == 7 + 3 + 3
    exported = write_ics(exporting.export_calendar(planner, d(FIRST), d(LAST)).to_ical(), "o.ics")
    shapes = sorted(
        (str(e["UID"]), e.get("RECURRENCE-ID") and e["RECURRENCE-ID"].dt, e.start, e.end)
        for e in exported_events(exported)
    )
    assert shapes == [
        ("conf-7@example.com", None, pendulum.date(2026, 12, 7), pendulum.date(2026, 12, 14)),
        ("retreat@example.com", pendulum.date(2026, 12, 1), pendulum.date(2026, 12, 1),
         pendulum.date(2026, 12, 4)),
        ("retreat@example.com", pendulum.date(2026, 12, 15), pendulum.date(2026, 12, 16),
         pendulum.date(2026, 12, 19)),
    ]  # fmt: skip
    before = snapshot(planner)
    back = run(planner, exported)
    assert (back.notes_added, back.notes_removed, back.skipped) == (0, 0, [])
    assert snapshot(planner) == before
    again = run(planner, original)
    assert (again.notes_added, again.notes_removed) == (0, 0)
    assert snapshot(planner) == before


def test_an_event_the_range_cuts_still_goes_out_whole(
    planner: Planner, write_ics: WriteIcs
) -> None:
    night = vevent("night@example.com", f"DTSTART;TZID={TZ}:20261210T220000",
                   f"DTEND;TZID={TZ}:20261211T060000", summary="Night train")  # fmt: skip
    run(planner, write_ics(vcalendar(CONFERENCE, night)))
    before = snapshot(planner)
    # only the 8th..10th: the conference (7th..13th) and the train (to the 11th) stay whole
    cut = exporting.export_calendar(planner, d("2026-12-08"), d("2026-12-10")).to_ical()
    shapes = {str(e["SUMMARY"]): (e.start, e.end) for e in exported_events(write_ics(cut, "c.ics"))}
    assert shapes == {
        "Conference": (pendulum.date(2026, 12, 7), pendulum.date(2026, 12, 14)),
        "Night train": (pendulum.datetime(2026, 12, 10, 22, tz=TZ),
                        pendulum.datetime(2026, 12, 11, 6, tz=TZ)),
    }  # fmt: skip
    run(planner, write_ics(cut, "c.ics"))  # and over the whole range: nothing removed
    assert snapshot(planner) == before


# --- RANGE=THISANDFUTURE ----------------------------------------------------------------------

TZ = "Europe/Berlin"
DAILY = [
    vevent(
        "daily@example.com",
        f"DTSTART;TZID={TZ}:20261130T090000",
        f"DTEND;TZID={TZ}:20261130T093000",
        "RRULE:FREQ=DAILY;COUNT=8",
        summary="Daily",
    ),
    vevent(  # from the 2nd on, an hour later ("this and future")
        "daily@example.com",
        f"RECURRENCE-ID;RANGE=THISANDFUTURE;TZID={TZ}:20261202T090000",
        f"DTSTART;TZID={TZ}:20261202T100000",
        f"DTEND;TZID={TZ}:20261202T103000",
        summary="Daily (later)",
    ),
]


def test_this_and_future_occurrences_each_keep_their_own_key(
    planner: Planner, write_ics: WriteIcs
) -> None:
    original = write_ics(vcalendar(*DAILY), "daily.ics")
    run(planner, original)
    blocks = planner.store.blocks_between(d(FIRST), d(LAST))
    assert len(blocks) == 8
    assert len({b.source for b in blocks}) == 8  # each occurrence its own event
    # the key is where the series had it (09:00 Berlin = 08:00 UTC), not the override's
    assert [b.source.rsplit(":", 1)[1] for b in blocks if b.date == d("2026-12-04")] == [
        "20261204T080000Z"
    ]
    assert spans(planner, "2026-12-04") == [("10:00-10:30", "Daily (later)", "work")]
    before = snapshot(planner)
    exported = export_to(planner, write_ics)
    assert all(str(e["UID"]) == "daily@example.com" for e in exported_events(exported))
    for path in (exported, original):  # import → export → import → import of the original
        report = run(planner, path)
        assert (report.added, report.updated, report.removed) == (0, 0, 0)
        assert snapshot(planner) == before


# --- a person's notes on imported blocks ------------------------------------------------------


def meeting(description: str = "") -> str:
    lines = ["DTSTART:20261202T090000Z", "DTEND:20261202T100000Z"]
    if description:
        lines.append(f"DESCRIPTION:{description}")
    return vcalendar(vevent("notes-1@example.com", *lines, summary="Planning"))


def only_block(planner: Planner):
    (block,) = planner.store.blocks_on(d("2026-12-02"))
    return block


def test_notes_typed_on_an_imported_block_survive_reimports(
    planner: Planner, write_ics: WriteIcs
) -> None:
    run(planner, write_ics(meeting()))  # no DESCRIPTION at all
    planner.edit_block(only_block(planner).id, notes="bring the figures")
    run(planner, write_ics(meeting()))
    assert only_block(planner).notes == "bring the figures"


def test_a_changed_description_is_kept_beside_the_persons_notes(
    planner: Planner, write_ics: WriteIcs
) -> None:
    run(planner, write_ics(meeting("Room 4")))
    assert only_block(planner).notes == "Room 4"
    run(planner, write_ics(meeting("Room 5")))  # untouched notes follow the calendar
    assert only_block(planner).notes == "Room 5"
    planner.edit_block(only_block(planner).id, notes="Room 5, ask Ana about the budget")
    run(planner, write_ics(meeting("Room 5")))  # the calendar did not change: kept
    assert only_block(planner).notes == "Room 5, ask Ana about the budget"
    run(planner, write_ics(meeting("Room 6")))  # both changed: both kept, apart
    expected = f"Room 5, ask Ana about the budget{CALENDAR_PART}Room 6"
    assert only_block(planner).notes == expected
    run(planner, write_ics(meeting("Room 7")))  # the calendar's part is replaced, once
    assert only_block(planner).notes == f"Room 5, ask Ana about the budget{CALENDAR_PART}Room 7"
    # our own export (the notes as DESCRIPTION) coming back changes nothing, and neither
    # does the calendar after it
    exported = export_to(planner, write_ics)
    for path in (exported, write_ics(meeting("Room 7"))):
        run(planner, path)
        assert only_block(planner).notes.endswith(f"{CALENDAR_PART}Room 7")
        assert only_block(planner).notes.startswith("Room 5, ask Ana")


def test_kept_notes_rules() -> None:
    digest = importing._digest
    assert kept_notes("mine", "", None) == "mine"  # no DESCRIPTION never erases
    assert kept_notes("", "new", None) == "new"
    assert kept_notes("old", "old", digest("old")) == "old"
    assert kept_notes("old", "new", digest("old")) == "new"  # untouched: follows
    assert kept_notes("mine", "old", digest("old")) == "mine"  # calendar unchanged
    assert kept_notes("mine", "new", digest("old")) == f"mine{CALENDAR_PART}new"
    assert kept_notes(f"mine{CALENDAR_PART}old", "", digest("old")) == "mine"


# --- several calendars in one file ------------------------------------------------------------


def message(method: str, *events: str) -> str:
    return vcalendar(*events, header=f"METHOD:{method}")


def invite(sequence: int, stamp: str, start: str = "0900", *extra: str) -> str:
    return vevent(
        "invite-1@example.com",
        f"DTSTART;TZID={TZ}:20261203T{start}00",
        f"DTEND;TZID={TZ}:20261203T{int(start[:2]) + 1:02d}{start[2:]}00",
        f"SEQUENCE:{sequence}",
        *extra,
        summary="Review",
    ).replace("DTSTAMP:20261101T000000Z", f"DTSTAMP:{stamp}")


def review_after(planner: Planner, write_ics: WriteIcs, text: str) -> list[tuple[str, str, str]]:
    """The 3 December review's blocks after importing a mail client's file ``text``."""
    run(planner, write_ics(text, "mail.ics"))
    return spans(planner, "2026-12-03")


def test_the_latest_message_in_a_file_wins(planner: Planner, write_ics: WriteIcs) -> None:
    request = message("REQUEST", invite(0, "20261101T080000Z"))
    update = message("REQUEST", invite(1, "20261102T080000Z", "1400"))
    # mail clients append: the update comes last, but order must not matter
    for text in (request + update, update + request):
        assert review_after(planner, write_ics, text) == [("14:00-15:00", "Review", "work")]
    # same SEQUENCE: the later DTSTAMP wins
    later = message("REQUEST", invite(1, "20261103T080000Z", "1600"))
    assert review_after(planner, write_ics, update + later) == [("16:00-17:00", "Review", "work")]
    # an attendee's REPLY, however late, never replaces the organizer's event
    reply = message("REPLY", invite(5, "20261110T080000Z", "0700"))
    assert review_after(planner, write_ics, later + reply) == [("16:00-17:00", "Review", "work")]


def test_a_later_cancel_in_the_same_file_removes_the_event(
    planner: Planner, write_ics: WriteIcs
) -> None:
    request = message("REQUEST", invite(0, "20261101T080000Z"))
    assert len(review_after(planner, write_ics, request)) == 1
    cancel = message("CANCEL", invite(1, "20261105T080000Z"))
    report = run(planner, write_ics(request + cancel, "mail.ics"))
    assert spans(planner, "2026-12-03") == []
    assert report.removed == 1 and report.cancelled == 1
    # an older cancel loses to a newer request
    newer = message("REQUEST", invite(2, "20261106T080000Z", "1100"))
    assert review_after(planner, write_ics, cancel + newer) == [("11:00-12:00", "Review", "work")]


def test_a_cancelled_series_takes_its_older_occurrences_with_it(
    planner: Planner, write_ics: WriteIcs
) -> None:
    series = invite(0, "20261101T080000Z", "0900", "RRULE:FREQ=DAILY;COUNT=3")
    moved = vevent(
        "invite-1@example.com",
        f"RECURRENCE-ID;TZID={TZ}:20261204T090000",
        f"DTSTART;TZID={TZ}:20261204T130000",
        f"DTEND;TZID={TZ}:20261204T140000",
        "SEQUENCE:0",
        summary="Review (moved)",
    )
    cancel = message("CANCEL", invite(1, "20261105T080000Z"))
    run(planner, write_ics(message("REQUEST", series, moved) + cancel, "mail.ics"))
    assert planner.store.blocks_between(d(FIRST), d(LAST)) == []


# --- tolerant reading -------------------------------------------------------------------------

TRAIN = vevent(
    "ticket-1@rail.example",
    "DTSTART:20261204T063000Z",
    "DTEND:20261204T101500Z",
    "BEGIN:VALARM",
    "ACTION:DISPLAY",
    "DESCRIPTION:Your train leaves soon",
    "TRIGGER:PT-2H",  # a negative length written the wrong way round
    "END:VALARM",
    summary="Train to Berlin",
)
BUSY = "\n".join([
    "BEGIN:VFREEBUSY", "UID:fb-9@example.com", "DTSTAMP:20261101T000000Z",
    "FREEBUSY:20261204T120000Z/20261204T110000Z", "END:VFREEBUSY",
])  # fmt: skip
TODO = "\n".join([
    "BEGIN:VTODO", "UID:todo-3@example.com", "DTSTAMP:20261101T000000Z",
    "SUMMARY:Buy a present", "DUE:2026-13-45", "END:VTODO",
])  # fmt: skip
DENTIST = vevent("dentist@example.com", "DTSTART:20261205T080000Z", "DTEND:20261205T090000Z",
                 summary="Dentist")  # fmt: skip


def test_broken_parts_flowday_does_not_need_are_left_out_with_plain_warnings(
    cli: CliRunner, write_ics: WriteIcs
) -> None:
    path = write_ics(vcalendar(TRAIN, BUSY, TODO, DENTIST))
    result = cli("import", str(path), "--from", FIRST, "--to", LAST)
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stdout and "3 broken parts" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if "left out" in line]
    assert warnings == [
        "flowday: warning: left out a reminder (VALARM) of 'Train to Berlin' "
        "(UID ticket-1@rail.example): the line 'TRIGGER:PT-2H' is not a length of time or a "
        "date and time (a minus sign goes first: -PT2H is two hours before)",
        "flowday: warning: left out free/busy times (VFREEBUSY) (UID fb-9@example.com): the "
        "line 'FREEBUSY:20261204T120000Z/20261204T110000Z' ends before it starts",
        "flowday: warning: left out a to-do (VTODO) 'Buy a present' (UID todo-3@example.com): "
        "the line 'DUE:2026-13-45' is not a date or a date and time",
    ]
    listed = json.loads(cli("list", "--date", "2026-12-04", "--json").stdout)
    assert [b["title"] for b in listed] == ["Train to Berlin"]


def test_a_broken_time_zone_definition_falls_back_to_the_time_zone_database(
    planner: Planner, write_ics: WriteIcs
) -> None:
    broken_zone = "\n".join([
        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin", "BEGIN:STANDARD", "DTSTART:16010101T030000",
        "TZOFFSETFROM:+0200", "TZOFFSETTO:one hour", "END:STANDARD", "END:VTIMEZONE",
    ])  # fmt: skip
    event = vevent("z@example.com", f"DTSTART;TZID={TZ}:20261204T090000",
                   f"DTEND;TZID={TZ}:20261204T100000", summary="Zoned")  # fmt: skip
    notices: list[str] = []
    calendar = reading.parse_calendar(vcalendar(broken_zone, event).encode(), "c", notices)
    assert notices == [
        "left out a time zone definition (VTIMEZONE) 'Europe/Berlin': the line "
        "'TZOFFSETTO:one hour' is not an offset from UTC such as +0100"
    ]
    found = expand(calendar, d("2026-12-04"), d("2026-12-04"), pendulum.timezone(TZ))
    assert [(p.start, p.end) for p in found.pieces] == [(540, 600)]


def test_bad_lines_in_the_calendar_and_in_events_are_said_in_words() -> None:
    """A bad line of the calendar itself is ignored; an event whose start, repeat rule or
    exception dates cannot be read is skipped with that line; the others import."""
    text = vcalendar(
        vevent("a@x", "DTSTART:2026-13-45", "DTEND:20261202T100000Z", summary="Bad start"),
        vevent("b@x", "DTSTART:20261202T090000Z", "DURATION:PT1H", "RRULE:FREQ=SOMETIMES",
               summary="Bad rule"),
        vevent("c@x", "DTSTART:20261202T090000Z", "DURATION:PT-1H", summary="Bad length"),
        DENTIST,
        header="LAST-MODIFIED:yesterday",
    )  # fmt: skip
    notices: list[str] = []
    calendar = reading.parse_calendar(text.encode(), "c", notices)
    found = expand(calendar, d(FIRST), d(LAST), pendulum.timezone(TZ))
    assert notices == [
        "ignored the calendar's line 'LAST-MODIFIED:yesterday': it is not a date or a date and time"
    ]
    assert [p.title for p in found.pieces] == ["Dentist"]
    assert {s.title: s.reason for s in found.skipped} == {
        "Bad start": "its line 'DTSTART:2026-13-45' is not a date or a date and time",
        "Bad rule": "its line 'RRULE:FREQ=SOMETIMES' is not a repeat rule",
        "Bad length": "its line 'DURATION:PT-1H' is not a length of time (a minus sign goes "
        "first: -PT2H is two hours before)",
    }


# --- Outlook's display-name zones -------------------------------------------------------------


def test_outlook_display_name_zones_read_right(planner: Planner, write_ics: WriteIcs) -> None:
    eastern = "(UTC-05:00) Eastern Time (US & Canada)"
    text = vcalendar(
        vevent("ny@example.com", f'DTSTART;TZID="{eastern}":20261204T090000',
               f'DTEND;TZID="{eastern}":20261204T100000', summary="New York call"),
        vevent("old@example.com",  # older Outlook wrote GMT, and a folded line
               'DTSTART;TZID="(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm,\n  Vienna":'
               "20261204T120000",
               'DTEND;TZID="(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna":'
               "20261204T130000", summary="Lunch"),
        vevent("mars@example.com", 'DTSTART;TZID="(UTC+09:00) Olympus Mons":20261204T120000',
               'DTEND;TZID="(UTC+09:00) Olympus Mons":20261204T130000', summary="Mars"),
    )  # fmt: skip
    report = run(planner, write_ics(text))
    assert spans(planner, "2026-12-04") == [
        ("12:00-13:00", "Lunch", "work"),
        ("15:00-16:00", "New York call", "work"),  # 09:00 in New York is 15:00 in Berlin
    ]
    assert [s.reason for s in report.skipped] == [
        "its time zone '(UTC+09:00) Olympus Mons' is unknown"
    ]


# --- list --json --with-notes -----------------------------------------------------------------


def test_list_json_with_notes_gives_the_whole_day(cli: CliRunner, write_ics: WriteIcs) -> None:
    cli("import", str(write_ics(vcalendar(CONFERENCE, DENTIST))), "--from", FIRST, "--to", LAST)
    cli("add", "Focus 9:00-10:00 #work", "--date", "2026-12-07")
    plain = json.loads(cli("list", "--date", "2026-12-07", "--json").stdout)
    assert [b["title"] for b in plain] == ["Focus"]  # the array of blocks, as always
    day = json.loads(cli("list", "--date", "2026-12-07", "--json", "--with-notes").stdout)
    assert list(day) == ["date", "mode", "window", "blocks", "notes", "off"]
    assert day["date"] == "2026-12-07" and day["mode"] == "balance"
    assert day["window"] == {"start": "09:00", "end": "17:00"}
    assert day["blocks"] == plain
    assert day["notes"] == [{"text": "Conference", "source": "ics:conf-7@example.com"}]
    assert day["off"] is False
    saturday = json.loads(cli("list", "--date", "2026-12-05", "--json", "--with-notes").stdout)
    assert saturday["off"] is True and saturday["notes"] == []
    alone = cli("list", "--with-notes")
    assert alone.returncode == 2 and "--with-notes goes with --json" in alone.stderr


# --- properties -------------------------------------------------------------------------------

GOOD_KINDS = ("timed", "night", "long", "allday", "multiday", "reminder", "series", "future")


def good_event(kind: str, index: int, day: int, hour: int) -> list[str]:
    """One event of each kind flowday supports, on day ``day`` of December."""
    uid = f"good-{index}@example.com"
    date = f"202612{day:02d}"
    if kind == "timed":
        return [vevent(uid, f"DTSTART:{date}T{hour:02d}0000Z", f"DTEND:{date}T{hour:02d}4500Z",
                       f"DESCRIPTION:agenda {index}", summary=f"Timed {index}")]  # fmt: skip
    if kind == "night":
        return [vevent(uid, f"DTSTART;TZID={TZ}:{date}T2200{'00'}", "DURATION:PT5H",
                       summary=f"Night {index}")]  # fmt: skip
    if kind == "long":
        return [vevent(uid, f"DTSTART;TZID={TZ}:{date}T{hour:02d}0000", "DURATION:P2DT1H",
                       summary=f"Long {index}")]  # fmt: skip
    if kind == "allday":
        return [vevent(uid, f"DTSTART;VALUE=DATE:{date}", summary=f"Holiday {index}")]
    if kind == "multiday":
        return [vevent(uid, f"DTSTART;VALUE=DATE:{date}", "DURATION:P3D", summary=f"Trip {index}")]
    if kind == "reminder":
        return [vevent(uid, f"DTSTART:{date}T{hour:02d}3000Z", summary=f"Call {index}")]
    if kind == "series":
        return [
            vevent(uid, f"DTSTART;TZID={TZ}:{date}T{hour:02d}0000",
                   f"DTEND;TZID={TZ}:{date}T{hour:02d}3000", "RRULE:FREQ=DAILY;COUNT=3",
                   summary=f"Series {index}"),
            vevent(uid, f"RECURRENCE-ID;TZID={TZ}:202612{day + 1:02d}T{hour:02d}0000",
                   f"DTSTART;TZID={TZ}:202612{day + 1:02d}T{(hour + 1) % 24:02d}0000",
                   f"DTEND;TZID={TZ}:202612{day + 1:02d}T{(hour + 1) % 24:02d}3000",
                   summary=f"Series {index} (moved)"),
        ]  # fmt: skip
    moved = f"202612{day + 1:02d}T{hour:02d}0000"
    return [  # "future": a daily series moved from its second day on
        vevent(uid, f"DTSTART;TZID={TZ}:{date}T{hour:02d}0000",
               f"DTEND;TZID={TZ}:{date}T{hour:02d}2000", "RRULE:FREQ=DAILY;COUNT=4",
               summary=f"Future {index}"),
        vevent(uid, f"RECURRENCE-ID;RANGE=THISANDFUTURE;TZID={TZ}:{moved}",
               f"DTSTART;TZID={TZ}:202612{day + 1:02d}T{hour:02d}4000",
               f"DTEND;TZID={TZ}:202612{day + 1:02d}T{hour:02d}5500",
               summary=f"Future {index} (later)"),
    ]  # fmt: skip


good_events = st.lists(
    st.tuples(st.sampled_from(GOOD_KINDS), st.integers(1, 14), st.integers(6, 20)),
    min_size=1,
    max_size=6,
)


def assert_fixed_point(planner: Planner, root: Path, events: list[tuple[str, int, int]]) -> None:
    """Import ``events``; then the export, the original and the export again change nothing."""
    parts = [
        e for i, (kind, day, hour) in enumerate(events) for e in good_event(kind, i, day, hour)
    ]
    original = root / "original.ics"
    original.write_text(vcalendar(*parts))
    run(planner, original)
    before = snapshot(planner)
    exported = root / "export.ics"
    exported.write_bytes(exporting.export_calendar(planner, d(FIRST), d(LAST)).to_ical())
    for path in (exported, original, exported):
        report = run(planner, path)
        assert (report.added, report.updated, report.removed, report.skipped) == (0, 0, 0, [])
        assert (report.notes_added, report.notes_removed) == (0, 0)
        assert snapshot(planner) == before


def test_every_kind_of_event_note_and_day_is_a_fixed_point(
    planner: Planner, tmp_path: Path
) -> None:
    """All kinds at once, some on the same days (a weekend, the DST-free December)."""
    kinds = [(kind, 1 + 2 * i, 8 + i) for i, kind in enumerate(GOOD_KINDS)]
    assert_fixed_point(planner, tmp_path, [*kinds, ("multiday", 5, 9), ("night", 12, 7)])


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=good_events)
def test_property_import_export_import_is_a_fixed_point(
    events: list[tuple[str, int, int]], tmp_path_factory: object
) -> None:
    """Every kind of event, note and day flowday makes, in any mix: importing the export
    back changes nothing, and neither does importing the original again."""
    from flowday.config import from_mapping
    from flowday.domain.clock import FixedClock
    from flowday.store import Store

    root = tmp_path_factory.mktemp("fixed")  # type: ignore[attr-defined]
    planner = Planner(
        Store(root / "data"), from_mapping({"timezone": TZ}),
        FixedClock(pendulum.datetime(2026, 11, 25, 10, tz=TZ)),
    )  # fmt: skip
    assert_fixed_point(planner, root, events)


DAMAGED = (
    "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:PT-{n}H\nEND:VALARM",
    "BEGIN:VALARM\nACTION:AUDIO\nTRIGGER;VALUE=DATE-TIME:2026120{n}T25\nEND:VALARM",
    "BEGIN:VFREEBUSY\nUID:fb{n}\nFREEBUSY:20261204T1{n}0000Z/20261204T0{n}0000Z\nEND:VFREEBUSY",
    "BEGIN:VFREEBUSY\nUID:fb{n}\nFREEBUSY:never/always\nEND:VFREEBUSY",
    "BEGIN:VTODO\nUID:todo{n}\nSUMMARY:Task {n}\nDUE:2026-1{n}-45\nEND:VTODO",
    "BEGIN:VTODO\nUID:todo{n}\nDTSTART:tomorrow\nRRULE:FREQ=SOMETIMES\nEND:VTODO",
    "BEGIN:VJOURNAL\nUID:j{n}\nDTSTART:2026-12-0{n}\nEND:VJOURNAL",
    "BEGIN:VTODO\nUID:todo{n}\nno colon on this line {n}\nEND:VTODO",
)
NESTED = "BEGIN:VTODO\nUID:outer\nDUE:soon\n{event}\nEND:VTODO"  # an event inside a bad part


@settings(max_examples=15, deadline=None)
@given(
    good=good_events,
    damage=st.lists(st.tuples(st.sampled_from(DAMAGED), st.integers(1, 9)), max_size=6),
    alarmed=st.lists(st.booleans(), max_size=6),
    nested=st.booleans(),
)
def test_fuzz_good_events_always_import_whatever_else_is_broken(
    good: list[tuple[str, int, int]],
    damage: list[tuple[str, int]],
    alarmed: list[bool],
    nested: bool,
) -> None:
    """Damaged alarms (inside good events too), free/busy and to-do components mixed with
    good events, and sometimes a good event inside a damaged part: every good event is read
    exactly as without the damage, and each damaged part costs one notice."""
    events = [good_event(kind, i, day, hour) for i, (kind, day, hour) in enumerate(good)]
    clean = vcalendar(*(e for group in events for e in group))
    broken = [template.format(n=n) for template, n in damage]
    alarm = "\n" + DAMAGED[0].format(n=2) + "\nEND:VEVENT"
    mixed_events = [
        e.replace("\nEND:VEVENT", alarm) if j == 0 and i < len(alarmed) and alarmed[i] else e
        for i, group in enumerate(events)
        for j, e in enumerate(group)
    ]
    if nested:
        mixed_events[-1] = NESTED.format(event=mixed_events[-1])
    mixed = vcalendar(*broken[:2], *mixed_events, *broken[2:])
    notices: list[str] = []
    zone = pendulum.timezone(TZ)

    def read(text: str, into: list[str]) -> tuple[object, ...]:
        found = expand(reading.parse_calendar(text.encode(), "c", into), d(FIRST), d(LAST), zone)
        return sorted(found.pieces, key=repr), sorted(found.notes, key=repr), found.skipped

    assert read(mixed, notices) == read(clean, [])
    alarms = sum(1 for flag in alarmed[: len(events)] if flag)
    assert len(notices) == len(broken) + alarms + nested
    assert all("vRecur" not in n and "greater than" not in n for n in notices)


def test_own_blocks_and_imported_ones_share_a_fixed_point(
    planner: Planner, write_ics: WriteIcs
) -> None:
    """Blocks made in flowday and a block moved by hand go out and come back unchanged."""
    planner.add_block(d("2026-12-02"), title="Deep work", start=600, end=720, sphere=Sphere.WORK)
    run(planner, write_ics(vcalendar(CONFERENCE, DENTIST), "work.ics"))
    before = snapshot(planner)
    exported = export_to(planner, write_ics)
    run(planner, exported)
    assert snapshot(planner) == before


def test_a_block_and_a_note_of_one_occurrence_export_it_once(planner: Planner) -> None:
    """Two calendars can give one occurrence as a meeting and as an all-day note: each
    UID with its RECURRENCE-ID goes out once (the note under its own UID)."""
    from flowday.domain.frozen import replace
    from flowday.domain.model import ImportedNote

    source = "ics:shared@example.com:20261202T080000Z"
    result = planner.add_block(
        d("2026-12-02"), title="Sync", start=540, end=600, sphere=Sphere.WORK
    )
    assert result.block is not None
    with planner.store.transaction() as txn:
        txn.put_block(replace(result.block, source=source))
        day = txn.day(d("2026-12-02"))
        txn.put_day(
            replace(day, notes=("Sync day",), imported_notes=(ImportedNote(source, "Sync day"),))
        )
    calendar = exporting.export_calendar(planner, d("2026-12-02"), d("2026-12-02"))
    keys = [
        (str(e["UID"]), e.get("RECURRENCE-ID") and e["RECURRENCE-ID"].dt)
        for e in calendar.walk("VEVENT")
    ]
    assert len(keys) == len(set(keys)) == 2
    assert ("shared@example.com", pendulum.datetime(2026, 12, 2, 8, tz="UTC")) in keys


def test_one_event_over_days_only_where_its_parts_meet(
    planner: Planner, write_ics: WriteIcs
) -> None:
    """A long event stays one event after a piece of it was edited; blocks or notes that
    share a source without meeting (a store from before each occurrence had its own key)
    never become one event over days of separate meetings."""
    from flowday.domain.frozen import replace
    from flowday.domain.model import ImportedNote

    long_event = vevent("long@example.com", f"DTSTART;TZID={TZ}:20261201T140000",
                        f"DTEND;TZID={TZ}:20261203T120000", summary="Workshop")  # fmt: skip
    run(planner, write_ics(vcalendar(long_event)))
    middle = planner.store.blocks_on(d("2026-12-02"))[0]
    planner.edit_block(middle.id, end=1200, force=True)  # the workshop ends early that day
    old = "ics:daily@example.com:20261207T080000Z"  # one key for three meetings, as before
    made = [
        planner.add_block(d("2026-12-07").add(days=n), title="Daily", start=600, end=630,
                          sphere=Sphere.WORK).block
        for n in range(3)
    ]  # fmt: skip
    with planner.store.transaction() as txn:
        for block in made:
            assert block is not None
            txn.put_block(replace(block, source=old))
        for day_of_month in (14, 16):
            day = txn.day(d(f"2026-12-{day_of_month}"))
            txn.put_day(replace(day, notes=("Gym",), imported_notes=(ImportedNote(old, "Gym"),)))
    events = exported_events(export_to(planner, write_ics))
    workshop = [e for e in events if str(e["SUMMARY"]) == "Workshop"]
    assert [(e.start.day, e.end.day) for e in workshop] == [(1, 3)]
    assert sorted((e.start.day, e.end.day) for e in events if str(e["SUMMARY"]) == "Daily") == [
        (7, 7), (8, 8), (9, 9),
    ]  # fmt: skip
    gym = [e for e in events if str(e["SUMMARY"]) == "Gym"]
    assert sorted(e.start.day for e in gym) == [14, 16]
    assert len({(str(e["UID"]), e.get("RECURRENCE-ID")) for e in events}) == len(events)
    # and the parts beyond a range that are not part of an event inside it stay out
    only = exporting.export_calendar(planner, d("2026-12-07"), d("2026-12-14"))
    assert sorted((str(e["SUMMARY"]), e.start.day) for e in only.walk("VEVENT")) == [
        ("Daily", 7), ("Daily", 8), ("Daily", 9), ("Gym", 14),
    ]  # fmt: skip
