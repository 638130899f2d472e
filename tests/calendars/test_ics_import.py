"""Importing calendars: real-world shapes, time zones, DST, re-imports, notes, conflicts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pendulum
import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.application.planner import Planner
from flowday.calendars import expansion, importing, reading
from flowday.domain.model import Sphere

from .ics_samples import (
    WriteIcs,
    apple_calendar,
    d,
    google_calendar,
    outlook_calendar,
    spans,
    vcalendar,
    vevent,
)


def run(planner: Planner, path: Path, first: str, last: str, **kwargs: object):
    return importing.import_calendar(planner, path, first=d(first), last=d(last), **kwargs)  # type: ignore[arg-type]


# --- real-world shapes ------------------------------------------------------------------------


def test_google_style_utc_and_tzid_times_land_in_local_time(
    planner: Planner, write_ics: WriteIcs
) -> None:
    report = run(planner, write_ics(google_calendar()), "2026-11-23", "2026-11-29")
    assert spans(planner, "2026-11-26") == [
        ("09:15-09:30", "Standup", "work"),
        ("14:00-15:00", "Design review", "work"),  # 13:00Z is 14:00 in Berlin
    ]
    standups = [b for b in planner.store.blocks_between(d("2026-11-23"), d("2026-11-29"))]
    assert [b.date.day for b in standups if b.title == "Standup"] == [23, 24, 25, 26]  # EXDATE 27
    assert report.added == 5
    assert report.declined == 1  # Jane, who owns the calendar, declined the vendor pitch
    assert planner.store.day(d("2026-11-26")).notes == ("Team offsite day",)


def test_imported_blocks_are_fixed_and_remember_their_event(
    planner: Planner, write_ics: WriteIcs
) -> None:
    run(planner, write_ics(google_calendar()), "2026-11-23", "2026-11-29")
    blocks = planner.store.blocks_on(d("2026-11-26"))
    assert not any(b.flexible for b in blocks)
    assert {b.source for b in blocks} == {
        "ics:standup-1@google.com:20261126T081500Z",  # one occurrence: UID + RECURRENCE-ID
        "ics:review-2@google.com",
    }


def test_outlook_style_windows_zones_overrides_cancellations_and_exdates(
    planner: Planner, write_ics: WriteIcs
) -> None:
    report = run(planner, write_ics(outlook_calendar()), "2026-11-30", "2026-12-13")
    assert spans(planner, "2026-11-30") == [("10:00-11:00", "Planning", "work")]
    assert spans(planner, "2026-12-02") == [("14:00-15:00", "Planning (moved)", "work")]
    assert spans(planner, "2026-12-07") == []  # that occurrence was cancelled
    assert spans(planner, "2026-12-09") == []  # EXDATE
    # 08:00 Pacific is 17:00 in Berlin; outside the work window, so personal by default
    assert spans(planner, "2026-12-01") == [("17:00-18:00", "Call with Seattle", "personal")]
    assert report.cancelled == 1
    moved = planner.store.blocks_on(d("2026-12-02"))[0]
    assert moved.source.endswith(":20261202T090000Z")  # keyed by the original start


def test_apple_style_floating_times_mean_local_time(planner: Planner, write_ics: WriteIcs) -> None:
    run(planner, write_ics(apple_calendar()), "2026-11-28", "2026-12-05", sphere=Sphere.PERSONAL)
    assert spans(planner, "2026-11-28") == [("09:30-10:30", "Swimming lesson", "personal")]
    dinners = [
        (b.date.day, b.span)
        for b in planner.store.blocks_between(d("2026-11-28"), d("2026-12-05"))
        if b.title == "Family dinner"
    ]
    assert dinners == [(29, "18:00-19:30"), (30, "18:00-19:30"), (1, "18:00-19:30")]  # COUNT=3


def test_floating_times_follow_the_calendars_own_zone_when_it_names_one(
    planner: Planner, write_ics: WriteIcs
) -> None:
    """Google marks a calendar's zone with X-WR-TIMEZONE: its floating times are New York's."""
    text = vcalendar(
        vevent("f", "DTSTART:20261201T090000", "DTEND:20261201T100000", summary="NY standup"),
        header="X-WR-TIMEZONE:America/New_York",
    )
    run(planner, write_ics(text), "2026-12-01", "2026-12-01")
    assert spans(planner, "2026-12-01") == [("15:00-16:00", "NY standup", "work")]


def test_recurring_meeting_follows_both_dst_changes(planner: Planner, write_ics: WriteIcs) -> None:
    """New York and Berlin change clocks three weeks apart: a 09:00 New York meeting is
    15:00 in Berlin, except in the weeks between the two changes (14:00)."""
    text = vcalendar(
        vevent(
            "ny-weekly",
            "DTSTART;TZID=America/New_York:20260302T090000",
            "DTEND;TZID=America/New_York:20260302T093000",
            "RRULE:FREQ=WEEKLY",
            summary="NY sync",
        )
    )
    run(planner, write_ics(text), "2026-03-01", "2026-04-07")
    got = [(b.date.to_date_string(), b.span) for b in planner.store.blocks_between(
        d("2026-03-01"), d("2026-04-07"))]  # fmt: skip
    assert got == [
        ("2026-03-02", "15:00-15:30"),
        ("2026-03-09", "14:00-14:30"),  # US on summer time, Europe not yet
        ("2026-03-16", "14:00-14:30"),
        ("2026-03-23", "14:00-14:30"),
        ("2026-03-30", "15:00-15:30"),
        ("2026-04-06", "15:00-15:30"),
    ]


def test_events_across_the_dst_nights_keep_their_real_length(
    planner: Planner, write_ics: WriteIcs
) -> None:
    text = vcalendar(
        # 00:30Z-01:30Z on the spring-forward night: 01:30 CET to 03:30 CEST
        vevent("spring", "DTSTART:20260329T003000Z", "DTEND:20260329T013000Z", summary="Spring"),
        # 00:30Z-01:30Z on the fall-back night: 02:30 CEST to 02:30 CET (the hour repeats)
        vevent("fall", "DTSTART:20261025T003000Z", "DTEND:20261025T013000Z", summary="Fall"),
    )
    run(planner, write_ics(text), "2026-03-28", "2026-03-30")
    run(planner, write_ics(text, "fall.ics"), "2026-10-24", "2026-10-26")
    assert spans(planner, "2026-03-29") == [("01:30-03:30", "Spring", "personal")]
    assert spans(planner, "2026-10-25") == [("02:30-03:30", "Fall", "personal")]


def test_event_across_midnight_is_split_into_one_block_per_day(
    planner: Planner, write_ics: WriteIcs
) -> None:
    text = vcalendar(
        vevent(
            "night", "DTSTART:20261126T210000Z", "DTEND:20261127T010000Z", summary="Night train"
        ),
        vevent(
            "conference",
            "DTSTART;TZID=Europe/Berlin:20261201T090000",
            "DTEND;TZID=Europe/Berlin:20261203T170000",
            summary="Conference",
        ),
    )
    run(planner, write_ics(text), "2026-11-26", "2026-12-02", sphere=Sphere.WORK)
    assert spans(planner, "2026-11-26") == [("22:00-24:00", "Night train", "work")]
    assert spans(planner, "2026-11-27") == [("00:00-02:00", "Night train", "work")]
    assert spans(planner, "2026-12-01") == [("09:00-24:00", "Conference", "work")]
    assert spans(planner, "2026-12-02") == [("00:00-24:00", "Conference", "work")]
    assert spans(planner, "2026-12-03") == []  # outside the imported range: clipped


def test_all_day_and_zero_length_events_become_notes(planner: Planner, write_ics: WriteIcs) -> None:
    text = vcalendar(
        vevent("trip", "DTSTART;VALUE=DATE:20261201", "DTEND;VALUE=DATE:20261203", summary="Trip"),
        vevent(
            "bday", "DTSTART;VALUE=DATE:20261202", "RRULE:FREQ=YEARLY", summary="Mum's birthday"
        ),
        vevent("remind", "DTSTART:20261202T090000Z", summary="Call the bank"),
    )
    run(planner, write_ics(text), "2026-12-01", "2026-12-05")
    assert planner.store.day(d("2026-12-01")).notes == ("Trip",)
    assert set(planner.store.day(d("2026-12-02")).notes) == {
        "Trip", "Mum's birthday", "10:00 Call the bank",
    }  # fmt: skip
    assert planner.store.blocks_between(d("2026-12-01"), d("2026-12-05")) == []


# --- spheres --------------------------------------------------------------------------------


def test_sphere_flag_wins_then_categories_then_the_work_window(
    planner: Planner, write_ics: WriteIcs
) -> None:
    text = vcalendar(
        vevent("a", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z", "CATEGORIES:personal"),
        vevent("b", "DTSTART:20261201T110000Z", "DTEND:20261201T120000Z"),
        vevent("c", "DTSTART:20261201T190000Z", "DTEND:20261201T200000Z"),
    )
    run(planner, write_ics(text), "2026-12-01", "2026-12-01")
    assert [s for _, _, s in spans(planner, "2026-12-01")] == ["personal", "work", "personal"]
    run(planner, write_ics(text), "2026-12-01", "2026-12-01", sphere=Sphere.WORK)
    assert [s for _, _, s in spans(planner, "2026-12-01")] == ["work", "work", "work"]


def test_a_sphere_set_by_hand_survives_a_reimport_without_one(
    planner: Planner, write_ics: WriteIcs
) -> None:
    path = write_ics(vcalendar(vevent("m", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z")))
    run(planner, path, "2026-12-01", "2026-12-01")
    (block,) = planner.store.blocks_on(d("2026-12-01"))
    planner.edit_block(block.id, sphere=Sphere.PERSONAL, force=True)
    assert run(planner, path, "2026-12-01", "2026-12-01").unchanged == 1
    assert spans(planner, "2026-12-01") == [("10:00-11:00", "Meeting", "personal")]
    run(planner, path, "2026-12-01", "2026-12-01", sphere=Sphere.WORK)  # asked: it changes
    assert spans(planner, "2026-12-01") == [("10:00-11:00", "Meeting", "work")]


# --- re-importing ---------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(planner: Planner, write_ics: WriteIcs) -> None:
    path = write_ics(google_calendar())
    run(planner, path, "2026-11-23", "2026-11-29")
    before = planner.store.blocks_between(d("2026-11-23"), d("2026-11-29"))
    notes = planner.store.day(d("2026-11-26")).notes
    again = run(planner, path, "2026-11-23", "2026-11-29")
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    assert planner.store.blocks_between(d("2026-11-23"), d("2026-11-29")) == before
    assert planner.store.day(d("2026-11-26")).notes == notes


def test_a_newer_export_updates_and_removes_never_duplicates(
    planner: Planner, write_ics: WriteIcs
) -> None:
    run(planner, write_ics(google_calendar(), "old.ics"), "2026-11-23", "2026-11-29")
    kept_id = next(
        b.id for b in planner.store.blocks_on(d("2026-11-26")) if b.title == "Design review"
    )
    newer = (
        google_calendar()
        .replace("EXDATE;TZID=Europe/Berlin:20261127T091500\r\n", "")  # Friday is back
        .replace("DTSTART:20261126T130000Z", "DTSTART:20261126T150000Z")  # review moved
        .replace("DTEND:20261126T140000Z", "DTEND:20261126T160000Z")
        .replace("SUMMARY:Team offsite day", "SUMMARY:Team offsite (Berlin)")
    )
    report = run(planner, write_ics(newer, "calendar (1).ics"), "2026-11-23", "2026-11-29")
    assert (report.added, report.updated, report.removed) == (1, 1, 0)
    review = [b for b in planner.store.blocks_on(d("2026-11-26")) if b.title == "Design review"]
    assert [(b.id, b.span) for b in review] == [(kept_id, "16:00-17:00")]  # same block, moved
    assert planner.store.day(d("2026-11-26")).notes == ("Team offsite (Berlin)",)
    assert len(planner.store.blocks_on(d("2026-11-27"))) == 1

    # an event deleted in the calendar disappears; so does a deleted all-day event
    gone = (
        newer.replace("UID:review-2@google.com", "UID:review-2-renamed@google.com")
        .replace("SUMMARY:Team offsite (Berlin)", "SUMMARY:x")
        .replace("DTSTART;VALUE=DATE:20261126", "DTSTART;VALUE=DATE:20261127")
        .replace("DTEND;VALUE=DATE:20261127", "DTEND;VALUE=DATE:20261128")
    )
    report = run(planner, write_ics(gone, "calendar (2).ics"), "2026-11-23", "2026-11-29")
    assert report.removed == 1 and report.added == 1
    assert planner.store.day(d("2026-11-26")).notes == ()
    titles = [b.title for b in planner.store.blocks_between(d("2026-11-23"), d("2026-11-29"))]
    assert titles.count("Design review") == 1


def test_an_event_moved_out_of_the_range_leaves_it(planner: Planner, write_ics: WriteIcs) -> None:
    text = vcalendar(vevent("trip", "DTSTART:20261202T090000Z", "DTEND:20261202T100000Z"))
    run(planner, write_ics(text), "2026-12-01", "2026-12-31")
    moved = text.replace("20261202T", "20270302T")
    report = run(planner, write_ics(moved), "2026-12-01", "2026-12-31")
    assert (report.removed, report.added) == (1, 0)
    assert planner.store.blocks_between(d("2026-12-01"), d("2027-03-31")) == []


def test_removals_stay_inside_the_range_and_the_same_calendar(
    planner: Planner, write_ics: WriteIcs
) -> None:
    run(planner, write_ics(google_calendar(), "google.ics"), "2026-11-23", "2026-11-29")
    run(planner, write_ics(apple_calendar(), "apple.ics"), "2026-11-23", "2026-11-29")
    planner.add_block(d("2026-11-25"), title="Own block", start=600, end=630, sphere=Sphere.WORK)
    emptied = vcalendar(header="X-WR-CALNAME:jane@example.com")  # Google, every event deleted
    report = run(planner, write_ics(emptied, "google.ics"), "2026-11-25", "2026-11-29")
    remaining = planner.store.blocks_between(d("2026-11-23"), d("2026-11-29"))
    assert report.removed == 3  # the standups of 25 and 26, and the review
    assert {b.title for b in remaining} == {
        "Standup",  # 23 and 24: before the re-imported range
        "Swimming lesson", "Family dinner",  # another calendar
        "Own block",
    }  # fmt: skip
    assert [b.date.day for b in remaining if b.title == "Standup"] == [23, 24]
    assert planner.store.day(d("2026-11-26")).notes == ()


def test_swapped_events_record_no_crossing_that_never_existed(
    planner: Planner, write_ics: WriteIcs
) -> None:
    first = vcalendar(
        vevent("x", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z", summary="X"),
        vevent("y", "DTSTART:20261201T100000Z", "DTEND:20261201T110000Z", summary="Y"),
    )
    run(planner, write_ics(first), "2026-12-01", "2026-12-01")
    text = vcalendar(
        vevent("x", "DTSTART:20261201T100000Z", "DTEND:20261201T110000Z", summary="X"),
        vevent("y", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z", summary="Y"),
    )
    report = run(planner, write_ics(text), "2026-12-01", "2026-12-01")
    assert spans(planner, "2026-12-01") == [
        ("10:00-11:00", "Y", "work"),
        ("11:00-12:00", "X", "work"),
    ]
    assert report.crossed == [] and planner.store.day(d("2026-12-01")).crossings == ()


# --- conflicts, cancellations, invitations -------------------------------------------------


def test_conflicts_are_recorded_and_reported_never_refused(
    planner: Planner, write_ics: WriteIcs
) -> None:
    planner.add_block(d("2026-11-25"), title="Focus", start=540, end=600, sphere=Sphere.WORK)
    report = run(planner, write_ics(google_calendar()), "2026-11-23", "2026-11-29")
    assert report.added == 5  # the standup went in although it overlaps
    assert "no-overlap" in [v.rule for v in report.conflicts["2026-11-25"]]
    (crossing,) = planner.store.day(d("2026-11-25")).crossings
    standup = next(b for b in planner.store.blocks_on(d("2026-11-25")) if b.title == "Standup")
    assert (crossing.rule, crossing.block) == ("no-overlap", standup.id)  # on the imported block
    assert [v.rule for v in report.crossed] == ["no-overlap"]


def test_a_cancellation_file_imports_nothing(planner: Planner, write_ics: WriteIcs) -> None:
    text = vcalendar(
        vevent("m", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z"), header="METHOD:CANCEL"
    )
    report = run(planner, write_ics(text), "2026-12-01", "2026-12-01")
    assert report.cancelled == 1 and report.added == 0


def attendees(*entries: str) -> icalendar.Event:
    text = vcalendar(vevent("i", "DTSTART:20261201T090000Z", *entries))
    return icalendar.Calendar.from_ical(text).walk("VEVENT")[0]


def who(status: str, address: str) -> str:
    return f"ATTENDEE;PARTSTAT={status}:mailto:{address}"


@pytest.mark.parametrize(
    ("entries", "me", "owner", "declined"),
    [
        # the user named with --me decides
        ([who("DECLINED", "me@x.org"), who("ACCEPTED", "a@x.org")], {"me@x.org"}, None, True),
        ([who("ACCEPTED", "Me@X.org"), who("DECLINED", "a@x.org")], {"me@x.org"}, None, False),
        # --me given but not invited: not a declined invitation
        ([who("DECLINED", "a@x.org")], {"me@x.org"}, None, False),
        # the calendar's owner (Google names the calendar after them)
        ([who("DECLINED", "jane@x.org"), who("ACCEPTED", "a@x.org")], set(), "jane@x.org", True),
        # nobody known: declined by someone, accepted by nobody but the organizer
        (["ORGANIZER:mailto:boss@x.org", who("ACCEPTED", "boss@x.org"), who("DECLINED", "a@x.org")],
         set(), None, True),
        ([who("DECLINED", "a@x.org"), who("TENTATIVE", "b@x.org")], set(), None, False),
        ([], set(), None, False),
    ],
)  # fmt: skip
def test_declined_invitations(
    entries: list[str], me: set[str], owner: str | None, declined: bool
) -> None:
    assert expansion.is_declined(attendees(*entries), me, owner) is declined


def test_me_option_skips_what_i_declined(planner: Planner, write_ics: WriteIcs) -> None:
    text = vcalendar(
        vevent(
            "inv",
            "DTSTART:20261201T090000Z",
            "DTEND:20261201T100000Z",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:me@x.org",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:you@x.org",
        )
    )
    kept = run(planner, write_ics(text), "2026-12-01", "2026-12-01")
    assert kept.added == 1  # without knowing who "me" is, someone accepted: keep it
    report = run(planner, write_ics(text), "2026-12-01", "2026-12-01", me=["ME@x.org"])
    assert report.declined == 1 and report.removed == 1


# --- progress -------------------------------------------------------------------------------


def test_long_imports_report_progress(planner: Planner, write_ics: WriteIcs) -> None:
    text = vcalendar(
        vevent("daily", "DTSTART:20261201T080000Z", "DTEND:20261201T083000Z", "RRULE:FREQ=DAILY")
    )
    seen: list[tuple[str, int, int]] = []
    report = run(
        planner, write_ics(text), "2026-12-01", "2027-01-29",
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )  # fmt: skip
    assert report.added == 60
    importing = [s for s in seen if s[0] == "importing"]
    assert importing[-1] == ("importing", 60, 60)
    assert [done for _, done, _ in importing] == [25, 50, 60]


# --- old series stay cheap, and exact -------------------------------------------------------

ZONES = ["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"]


@settings(max_examples=40, deadline=None)
@given(
    freq=st.sampled_from(["DAILY", "WEEKLY"]),
    interval=st.integers(1, 4),
    days=st.sets(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), max_size=3),
    start=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2026, 11, 1)).map(
        lambda t: t.replace(second=0, microsecond=0)
    ),
    zone=st.sampled_from(ZONES),
    minutes=st.integers(15, 600),
    first_offset=st.integers(0, 200),
)
def test_property_old_series_expand_exactly_as_the_library_does(
    freq: str,
    interval: int,
    days: set[str],
    start: dt.datetime,
    zone: str,
    minutes: int,
    first_offset: int,
) -> None:
    """flowday moves an old series' start forward before expanding (see _fast_forward);
    the occurrences in the range must be exactly what the library finds from the original."""
    by_day = f";BYDAY={','.join(sorted(days))}" if days else ""
    stamp = start.strftime("%Y%m%dT%H%M%S")
    stop = (start + dt.timedelta(minutes=minutes)).strftime("%Y%m%dT%H%M%S")
    text = vcalendar(
        vevent(
            "series",
            f"DTSTART;TZID={zone}:{stamp}",
            f"DTEND;TZID={zone}:{stop}",
            f"RRULE:FREQ={freq};INTERVAL={interval}{by_day}",
            f"EXDATE;TZID={zone}:{stamp}",  # EXDATEs stay where they are
        )
    )
    first = d("2026-11-01").add(days=first_offset)
    last = first.add(days=20)
    tz = pendulum.timezone("Europe/Berlin")
    ours = expansion.expand(reading.parse_calendar(text.encode()), first, last, tz)
    low = pendulum.datetime(first.year, first.month, first.day, tz=tz).subtract(days=1)
    high = pendulum.datetime(last.year, last.month, last.day, tz=tz).add(days=2)
    reference = recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(low, high)
    range_start = pendulum.datetime(first.year, first.month, first.day, tz=tz)
    expected = set()
    for event in reference:  # every occurrence with some part on first..last
        begins, ends = event.start.astimezone(dt.UTC), event.end.astimezone(dt.UTC)
        if pendulum.instance(begins).in_timezone(tz).date() <= last and ends > range_start:
            expected.add(f"ics:series:{begins.strftime('%Y%m%dT%H%M%SZ')}")
    assert {p.source for p in ours.pieces} == expected


def test_a_big_calendar_of_old_weekly_meetings_is_cheap() -> None:
    week = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    series = [
        vevent(
            f"weekly-{i}",
            f"DTSTART;TZID=Europe/Berlin:1990{1 + i % 12:02d}{1 + i % 28:02d}T{8 + i % 9:02d}0000",
            f"DTEND;TZID=Europe/Berlin:1990{1 + i % 12:02d}{1 + i % 28:02d}T{8 + i % 9:02d}3000",
            f"RRULE:FREQ=WEEKLY;BYDAY={week[i % 7]}",
        )
        for i in range(200)
    ]
    calendar = reading.parse_calendar(vcalendar(*series).encode())
    result = expansion.expand(
        calendar, d("2026-12-01"), d("2026-12-04"), pendulum.timezone("Europe/Berlin")
    )
    assert result.skipped == []  # from 1990 unmoved: ~385,000 steps, over the file's budget
    assert len(result.pieces) == 29 + 29 + 29 + 28  # the series on Tuesday to Friday


def test_only_events_that_reached_the_plan_are_remembered(
    planner: Planner, write_ics: WriteIcs
) -> None:
    """state.json stays small: a big file's far-away events are not recorded."""
    text = vcalendar(
        vevent("near", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z"),
        *[vevent(f"far{i}", "DTSTART:20300101T090000Z", "DTEND:20300101T100000Z")
          for i in range(50)],
    )  # fmt: skip
    run(planner, write_ics(text, "big.ics"), "2026-12-01", "2026-12-01")
    assert planner.store.state()["calendars"]["file:big.ics"]["uids"] == ["near"]


def test_file_names_are_shown_without_control_characters(
    planner: Planner, write_ics: WriteIcs
) -> None:
    text = vcalendar(vevent("m", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z"))
    report = run(planner, write_ics(text, "evil\x1b[2J.ics"), "2026-12-01", "2026-12-01")
    assert report.calendar == "evil[2J.ics"
    assert "\x1b" not in report.summary()
