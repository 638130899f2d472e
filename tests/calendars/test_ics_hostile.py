"""Hostile and broken calendars: each gets a clear error or a bounded import, never a hang
or a crash. (How long each takes is measured by bench/bench_calendars.py, not asserted.)"""

from __future__ import annotations

from pathlib import Path

import icalendar
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowday.application.planner import Planner
from flowday.calendars import bounds, expansion, importing, reading
from flowday.domain.errors import InputError
from flowday.domain.text import strip_controls
from flowday.domain.wallclock import MINUTES_PER_DAY

from .ics_samples import (
    WriteIcs,
    d,
    google_calendar,
    outlook_calendar,
    spans,
    vcalendar,
    vevent,
)

BERLIN = pendulum.timezone("Europe/Berlin")


def run(planner: Planner, path: Path, first: str = "2026-12-01", last: str = "2026-12-31"):
    return importing.import_calendar(planner, path, first=d(first), last=d(last))


def nothing_written(planner: Planner) -> bool:
    return (
        planner.store.blocks_between(d("1900-01-01"), d("2200-12-31")) == []
        and "calendars" not in planner.store.state()
    )


def with_good_event(*bad: str) -> str:
    good = vevent("good", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z", summary="Good")
    return vcalendar(good, *bad)


def reasons(report: importing.ImportReport | expansion.Expansion) -> dict[str, str]:
    return {s.uid: s.reason for s in report.skipped}


# --- files that are not calendars -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not an iCalendar file"),
        (b"\x00\xff\xfe garbage \x89PNG\r\n\x1a\n", "not an iCalendar file"),
        (b"hello\nworld\n", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\n\x00\x01 no colon here\r\nEND:VCALENDAR\r\n", "not a readable"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:cut off", "not a readable"),
    ],
)
def test_garbage_is_one_clear_error_and_nothing_is_written(
    planner: Planner, write_ics: WriteIcs, content: bytes, message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        run(planner, write_ics(content))
    assert "\n" not in str(caught.value)
    assert nothing_written(planner)


def test_missing_file_and_folder(planner: Planner, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        run(planner, tmp_path / "nope.ics")
    with pytest.raises(InputError, match="is a folder"):
        run(planner, tmp_path)


def test_huge_file_is_refused_before_parsing(planner: Planner, write_ics: WriteIcs) -> None:
    event = vevent("x", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z")
    # one event and a long description: refused by its size alone, cheaply made
    pad = f"DESCRIPTION:{'x' * reading.MAX_FILE_BYTES}\r\nEND:VEVENT"
    huge = vcalendar(event).replace("END:VEVENT", pad)
    assert len(huge) > reading.MAX_FILE_BYTES
    with pytest.raises(InputError, match=f"larger than {reading.MAX_FILE_BYTES // 2**20} MB"):
        run(planner, write_ics(huge))
    assert nothing_written(planner)


def test_too_many_events_is_refused(
    planner: Planner, write_ics: WriteIcs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_EVENTS", 10)
    events = [vevent(f"e{i}", f"DTSTART:202612{i + 1:02d}T090000Z") for i in range(11)]
    with pytest.raises(InputError, match="more than 10 events"):
        run(planner, write_ics(vcalendar(*events)))
    assert nothing_written(planner)
    # counted before the (slow) parse: a line the parser refuses is never reached
    unreadable = vcalendar(*events).replace("END:VCALENDAR", "no colon here\r\nEND:VCALENDAR")
    with pytest.raises(InputError, match="more than 10 events"):
        run(planner, write_ics(unreadable))


def test_deep_nesting_is_bounded(planner: Planner, write_ics: WriteIcs) -> None:
    nested = "BEGIN:VCALENDAR\r\n" + "BEGIN:X-A\r\n" * 3000 + "END:X-A\r\n" * 3000
    nested += "END:VCALENDAR\r\n"
    try:
        report = run(planner, write_ics(nested))
    except InputError:
        assert nothing_written(planner)
    else:
        assert report.added == 0


# --- rules that would never end ---------------------------------------------------------------


def test_interval_zero_is_skipped_and_the_rest_imported(
    planner: Planner, write_ics: WriteIcs
) -> None:
    bad = vevent(
        "zero", "DTSTART:20261201T090000Z", "DTEND:20261201T093000Z", "RRULE:FREQ=DAILY;INTERVAL=0"
    )
    report = run(planner, write_ics(with_good_event(bad)))
    assert report.added == 1
    assert "INTERVAL=0" in reasons(report)["zero"]


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("FREQ=SECONDLY;COUNT=1000000000", "every second"),
        ("FREQ=MINUTELY", "every minute"),
        ("FREQ=DAILY;COUNT=-5", "COUNT=-5"),
        ("FREQ=FORTNIGHTLY", "FORTNIGHTLY"),
        ("INTERVAL=2", "no valid FREQ"),
        ("FREQ=DAILY;UNTIL=99991231T000000Z", "9999"),
        ("FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=0,15,30,45", "a day"),
    ],
)
def test_unsafe_rules_are_skipped_with_a_reason(
    planner: Planner, write_ics: WriteIcs, rule: str, reason: str
) -> None:
    bad = vevent("bad", "DTSTART:20261201T090000Z", "DTEND:20261201T090001Z", f"RRULE:{rule}")
    report = run(planner, write_ics(with_good_event(bad)))
    assert report.added == 1
    assert reason in reasons(report)["bad"]


def test_a_rule_from_long_ago_that_repeats_often_is_skipped(
    planner: Planner, write_ics: WriteIcs
) -> None:
    bad = vevent("old", "DTSTART:19000101T090000Z", "DTEND:19000101T093000Z", "RRULE:FREQ=HOURLY")
    report = run(planner, write_ics(with_good_event(bad)))
    assert "steps to expand" in reasons(report)["old"]
    # ... while a daily one from the same year is cheap enough, and expanded
    fine = vevent("daily", "DTSTART:19000101T120000Z", "DTEND:19000101T123000Z", "RRULE:FREQ=DAILY")
    report = run(planner, write_ics(vcalendar(fine)), "2026-12-01", "2026-12-03")
    assert report.added == 3


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # the library would search until the year 9999
        "FREQ=HOURLY;BYMONTH=4,6;BYMONTHDAY=-31",
        "FREQ=DAILY;BYSETPOS=5",
        "FREQ=MONTHLY;BYDAY=6MO",
        "FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1",
        "FREQ=WEEKLY;COUNT=3;BYMONTH=11;BYMONTHDAY=31",
    ],
)
def test_a_rule_that_never_matches_is_skipped(rule: str) -> None:
    text = vcalendar(vevent("never", "DTSTART:20261201T090000Z", f"RRULE:{rule}"))
    result = expansion.expand(
        reading.parse_calendar(text.encode()), d("2026-12-01"), d("2026-12-31"), BERLIN
    )
    assert result.pieces == [] and result.notes == []
    assert "never matches" in reasons(result)["never"]  # type: ignore[arg-type]


def test_rare_but_real_rules_still_expand() -> None:
    text = vcalendar(
        vevent("leap", "DTSTART;VALUE=DATE:20240229", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
        vevent("fifth", "DTSTART:20261102T090000Z", "RRULE:FREQ=MONTHLY;BYDAY=5MO"),
    )
    result = expansion.expand(
        reading.parse_calendar(text.encode()), d("2028-02-01"), d("2028-05-31"), BERLIN
    )
    assert result.skipped == []
    dates = sorted(n.date.to_date_string() for n in result.notes + result.pieces)
    assert dates == ["2028-02-29", "2028-05-29"]


def test_repeat_rules_end_with_the_range() -> None:
    text = vcalendar(vevent("daily", "DTSTART:20261201T090000Z", "RRULE:FREQ=DAILY"))
    calendar = reading.parse_calendar(text.encode())
    expansion.expand(calendar, d("2026-12-01"), d("2026-12-31"), BERLIN)
    (event,) = calendar.walk("VEVENT")
    assert event["RRULE"]["UNTIL"][0] <= pendulum.datetime(2027, 1, 2, tz="UTC")


def test_too_many_blocks_in_the_range_is_refused(
    planner: Planner, write_ics: WriteIcs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(expansion, "MAX_BLOCKS", 100)  # the guard, without expanding 2,000
    hourly = vevent(
        "hourly", "DTSTART:20260101T000000Z", "DTEND:20260101T003000Z", "RRULE:FREQ=HOURLY"
    )
    with pytest.raises(InputError, match=f"more than {expansion.MAX_BLOCKS} events"):
        run(planner, write_ics(vcalendar(hourly)), "2026-01-01", "2026-12-31")
    assert nothing_written(planner)


def test_too_many_blocks_on_one_day_is_refused(planner: Planner, write_ics: WriteIcs) -> None:
    crowd = [
        vevent(f"c{i}", "DTSTART:20261203T090000Z", "DTEND:20261203T100000Z")
        for i in range(expansion.MAX_PER_DAY + 1)
    ]
    with pytest.raises(
        InputError, match=f"{expansion.MAX_PER_DAY + 1} events on 2026-12-03 .at most"
    ):
        run(planner, write_ics(vcalendar(*crowd)))
    assert nothing_written(planner)


def test_the_whole_file_has_an_expansion_budget(
    planner: Planner, write_ics: WriteIcs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bounds, "MAX_TOTAL_STEPS", 20_000)
    series = [
        vevent(
            f"s{i}",
            "DTSTART:20000101T090000Z",
            "DTEND:20000101T093000Z",
            "RRULE:FREQ=DAILY;COUNT=100000",  # COUNT: walked from 2000, ~9,800 steps each
        )
        for i in range(3)
    ]
    with pytest.raises(InputError, match="steps to expand"):
        run(planner, write_ics(vcalendar(*series)))
    assert nothing_written(planner)


def test_a_series_the_expander_fails_on_is_skipped_alone(
    planner: Planner, write_ics: WriteIcs, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = expansion.recurring_ical_events.of

    def fragile(calendar: icalendar.Calendar) -> object:
        if any(str(e.get("UID")) == "boom" for e in calendar.walk("VEVENT")):
            raise ValueError("library bug")
        return real(calendar)

    monkeypatch.setattr(expansion.recurring_ical_events, "of", fragile)
    events = [
        vevent(f"ok{i}", f"DTSTART:202612{i + 1:02d}T090000Z", "DTEND:20261231T235900Z")
        for i in range(9)
    ]
    boom = vevent("boom", "DTSTART:20261201T090000Z", "RRULE:FREQ=DAILY", summary="Boom")
    report = run(planner, write_ics(vcalendar(*events[:4], boom, *events[4:])), last="2026-12-01")
    assert reasons(report) == {"boom": "cannot expand: library bug"}
    assert report.added == 1  # ok0: the only one starting on the 1st


def test_an_endless_event_is_clipped_to_the_range(planner: Planner, write_ics: WriteIcs) -> None:
    text = vcalendar(vevent("long", "DTSTART:20261201T090000Z", "DURATION:P100000D"))
    report = run(planner, write_ics(text), "2026-12-01", "2026-12-10")
    assert report.added == 10


# --- dates and text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("18001201T090000Z", "1800"),
        ("25001201T090000Z", "2500"),
        ("00001201T090000Z", "its line 'DTSTART:00001201T090000Z' is not a date"),
        ("20261301T090000Z", "is not a date or a date and time"),
    ],
)
def test_years_outside_1900_2200_are_skipped(
    planner: Planner, write_ics: WriteIcs, start: str, reason: str
) -> None:
    bad = vevent("when", f"DTSTART:{start}", "RRULE:FREQ=YEARLY")
    report = run(planner, write_ics(with_good_event(bad)))
    assert report.added == 1
    assert reason in reasons(report)["when"]


@pytest.mark.parametrize(
    ("first", "last"), [("1850-01-01", "1850-01-02"), ("2026-01-01", "2027-06-01")]
)
def test_ranges_are_bounded(planner: Planner, write_ics: WriteIcs, first: str, last: str) -> None:
    with pytest.raises(InputError):
        run(planner, write_ics(google_calendar()), first, last)


def test_control_characters_in_titles_and_uids_are_stripped(
    planner: Planner, write_ics: WriteIcs
) -> None:
    evil = "\x1b[31mRED\x1b[0m \x07bell \u202egnp.exe \x00nul"
    text = vcalendar(
        vevent(
            "evil\x1b]0;pwned\x07",
            "DTSTART:20261201T090000Z",
            "DTEND:20261201T100000Z",
            "DESCRIPTION:line one\\nline\x1b two",
            summary=evil,
        ),
        vevent("blank", "DTSTART:20261202T090000Z", "DTEND:20261202T100000Z", summary="\x1b\x07"),
    )
    run(planner, write_ics(text))
    blocks = planner.store.blocks_between(d("2026-12-01"), d("2026-12-02"))
    for block in blocks:
        for text_field in (block.title, block.notes, block.source):
            assert strip_controls(text_field) == text_field
    assert blocks[0].title == "[31mRED[0m bell gnp.exe nul"
    assert blocks[1].title == "(no title)"


def test_an_event_ending_before_it_starts_is_skipped(planner: Planner, write_ics: WriteIcs) -> None:
    bad = vevent("back", "DTSTART:20261202T090000Z", "DTEND:20261201T100000Z")
    report = run(planner, write_ics(with_good_event(bad)))
    assert report.added == 1
    assert reasons(report)["back"] == "it ends before it starts"


def test_a_date_start_with_a_time_end_does_not_stop_the_import(
    planner: Planner, write_ics: WriteIcs
) -> None:
    bad = vevent("mixed", "DTSTART;VALUE=DATE:20261201", "DTEND:20261202T100000Z")
    run(planner, write_ics(with_good_event(bad)))
    assert "Good" in [b.title for b in planner.store.blocks_on(d("2026-12-01"))]


def test_events_without_uid_or_start(planner: Planner, write_ics: WriteIcs) -> None:
    text = vcalendar(
        "BEGIN:VEVENT\nDTSTART:20261201T090000Z\nDTEND:20261201T100000Z\n"
        "SUMMARY:No UID\nEND:VEVENT",
        "BEGIN:VEVENT\nUID:nostart\nSUMMARY:No start\nEND:VEVENT",
    )
    report = run(planner, write_ics(text))
    again = run(planner, write_ics(text))
    assert report.added == 1 and again.unchanged == 1  # a stable made-up UID: no duplicate
    assert "no start" in reasons(report)["nostart"]


# --- time zone definitions and odd nesting ----------------------------------------------------


def custom_zone(tzid: str, offset: str, rule: str = "") -> str:
    """A VTIMEZONE under a name the tz database does not know, with one fixed offset."""
    return "\n".join(
        ["BEGIN:VTIMEZONE", f"TZID:{tzid}", "BEGIN:STANDARD", "DTSTART:16010101T000000",
         f"TZOFFSETFROM:{offset}", f"TZOFFSETTO:{offset}", *([rule] if rule else []),
         "END:STANDARD", "END:VTIMEZONE"]
    )  # fmt: skip


def zone_ids(calendar: icalendar.Calendar) -> list[str]:
    return [str(c["TZID"]) for c in calendar.walk("VTIMEZONE")]


def test_a_time_zone_changing_every_second_is_dropped_and_its_events_skipped(
    planner: Planner, write_ics: WriteIcs
) -> None:
    # dateutil walks a zone's rules from 1601 on every lookup: this one would never finish
    zone = custom_zone("Custom/Fast", "+0100", "RRULE:FREQ=SECONDLY")
    event = vevent(
        "fast", "DTSTART;TZID=Custom/Fast:20261201T120000",
        "DTEND;TZID=Custom/Fast:20261201T130000",
    )  # fmt: skip
    text = with_good_event(zone, event)
    assert zone_ids(reading.parse_calendar(text.encode())) == []
    report = run(planner, write_ics(text))
    assert "time zone 'Custom/Fast' is unknown" in reasons(report)["fast"]
    assert [b.title for b in planner.store.blocks_on(d("2026-12-01"))] == ["Good"]


def test_a_broken_definition_of_a_known_zone_falls_back_to_the_tz_database(
    planner: Planner, write_ics: WriteIcs
) -> None:
    tz = "W. Europe Standard Time"
    zone = custom_zone(tz, "+0500", "RRULE:FREQ=DAILY;INTERVAL=0")
    event = vevent("meet", f'DTSTART;TZID="{tz}":20261201T100000',
                   f'DTEND;TZID="{tz}":20261201T110000', summary="Planning")  # fmt: skip
    text = vcalendar(zone, event)
    assert zone_ids(reading.parse_calendar(text.encode())) == []
    run(planner, write_ics(text))
    assert spans(planner, "2026-12-01") == [("10:00-11:00", "Planning", "work")]


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",  # what every real zone says
        "RRULE:FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=8,9,10,11,12,13,14;BYDAY=SU",  # older style
    ],
)
def test_real_world_zone_rules_are_kept(rule: str) -> None:
    text = vcalendar(custom_zone("Custom/Real", "+0100", rule))
    assert zone_ids(reading.parse_calendar(text.encode())) == ["Custom/Real"]


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=HOURLY",
        "RRULE:FREQ=YEARLY;BYHOUR=1,2,3",
        pytest.param(
            "RRULE:FREQ=YEARLY;BYYEARDAY=" + ",".join(str(n) for n in range(1, 200)),
            id="199-days-a-year",
        ),
    ],
)
def test_zone_rules_that_take_unbounded_work_are_dropped(rule: str) -> None:
    text = vcalendar(custom_zone("Custom/Odd", "+0100", rule))
    assert zone_ids(reading.parse_calendar(text.encode())) == []


def test_a_zone_hiding_its_rule_behind_a_nested_zone_is_still_judged_whole() -> None:
    nested = "\n".join(
        ["BEGIN:VTIMEZONE", "TZID:Custom/Outer", "BEGIN:VTIMEZONE", "TZID:Custom/Inner",
         "END:VTIMEZONE", "BEGIN:STANDARD", "DTSTART:16010101T000000", "TZOFFSETFROM:+0100",
         "TZOFFSETTO:+0100", "RRULE:FREQ=SECONDLY", "END:STANDARD", "END:VTIMEZONE"]
    )  # fmt: skip
    text = vcalendar(nested, custom_zone("Custom/Fine", "+0200"))
    assert zone_ids(reading.parse_calendar(text.encode())) == ["Custom/Fine"]


def test_a_uid_shared_by_two_events_imports_the_first_and_says_so(
    planner: Planner, write_ics: WriteIcs
) -> None:
    first = vevent("dup", "DTSTART:20261202T090000Z", "DTEND:20261202T100000Z", summary="A")
    second = vevent("dup", "DTSTART:20261203T090000Z", "DTEND:20261203T100000Z", summary="B")
    report = run(planner, write_ics(vcalendar(first, second)))
    assert report.added == 1 and [s.title for s in report.skipped] == ["B"]
    assert "same UID" in reasons(report)["dup"]
    assert [b.title for b in planner.store.blocks_between(d("2026-12-01"), d("2026-12-31"))] == [
        "A"
    ]


def test_each_file_reads_its_own_zone_definitions(planner: Planner, write_ics: WriteIcs) -> None:
    # icalendar caches zones by name for the whole process (the TUI imports many files)
    def calendar_in(offset: str) -> str:
        return vcalendar(custom_zone("Custom/Office", offset), vevent(
            "office", "DTSTART;TZID=Custom/Office:20261201T100000",
            "DTEND;TZID=Custom/Office:20261201T110000", summary="Office"))  # fmt: skip

    run(planner, write_ics(calendar_in("+0500")))
    assert [s[:2] for s in spans(planner, "2026-12-01")] == [("06:00-07:00", "Office")]
    run(planner, write_ics(calendar_in("+0100")))  # the same calendar, its zone corrected
    assert [s[:2] for s in spans(planner, "2026-12-01")] == [("10:00-11:00", "Office")]


def test_an_event_nested_inside_another_is_checked_like_any_other(
    planner: Planner, write_ics: WriteIcs
) -> None:
    inner = vevent("inner", "DTSTART:20261202T090000Z", "RRULE:FREQ=DAILY;INTERVAL=0")
    outer = vevent("outer", "DTSTART:20261203T090000Z", "DTEND:20261203T100000Z", inner)
    calendar = reading.parse_calendar(with_good_event(outer).encode())
    assert sorted(_uid for _uid in (str(c["UID"]) for c in calendar.subcomponents)) == [
        "good", "inner", "outer",
    ]  # fmt: skip
    report = run(planner, write_ics(with_good_event(outer)))
    assert "INTERVAL=0" in reasons(report)["inner"]
    assert [b.title for b in planner.store.blocks_on(d("2026-12-03"))] == ["Meeting"]


# --- fuzzing ----------------------------------------------------------------------------------

SAMPLE_LINES = (google_calendar() + outlook_calendar()).splitlines()
NASTY = [
    "RRULE:FREQ=SECONDLY", "RRULE:FREQ=DAILY;INTERVAL=0", "DTSTART:99991231T235959Z",
    "DTEND;VALUE=DATE:1", "RRULE:FREQ=WEEKLY;BYDAY=XX", "EXDATE:garbage", "BEGIN:VEVENT",
    "END:VEVENT", "END:VCALENDAR", "DURATION:P-1D", "RECURRENCE-ID:20261202", "\x00\x1b",
    "DTSTART;TZID=Mars/Olympus:20261201T090000", "RRULE:FREQ=HOURLY;COUNT=99999999",
    "RDATE:20261201T090000Z,20261202T090000Z", "STATUS:CANCELLED", "ATTENDEE;PARTSTAT=:x",
    "RRULE:FREQ=YEARLY;BYHOUR=1,2,3", "BEGIN:VCALENDAR", "TZID:Europe/Berlin",
    "BEGIN:VTIMEZONE", "END:VTIMEZONE", "BEGIN:STANDARD", "END:STANDARD",
]  # fmt: skip


@st.composite
def mangled_calendars(draw: st.DrawFn) -> bytes:
    lines = list(SAMPLE_LINES)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "nasty", "noise", "duplicate"]))
        if action == "drop":
            del lines[position]
        elif action == "nasty":
            lines.insert(position, draw(st.sampled_from(NASTY)))
        elif action == "noise":
            lines[position] = draw(st.text(max_size=40))
        else:
            lines.insert(position, lines[position])
    return ("\r\n".join(lines) + "\r\n").encode("utf-8", errors="replace")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=mangled_calendars())
def test_property_mangled_calendars_give_an_error_or_valid_bounded_blocks(raw: bytes) -> None:
    try:
        calendar = reading.parse_calendar(raw)
        result = expansion.expand(calendar, d("2026-11-20"), d("2026-12-20"), BERLIN)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert len(result.pieces) + len(result.notes) <= expansion.MAX_BLOCKS
    for piece in result.pieces:
        assert 0 <= piece.start < piece.end <= MINUTES_PER_DAY
        assert d("2026-11-20") <= piece.date <= d("2026-12-20")
        assert strip_controls(piece.title) == piece.title and piece.title
