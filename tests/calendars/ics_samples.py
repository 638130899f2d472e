"""ICS samples shaped like what real calendar apps write, built by the tests themselves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pendulum

from flowday.application.planner import Planner
from flowday.domain.model import Block

WriteIcs = Callable[..., Path]  # the write_ics fixture: (text, name=...) -> path


def vcalendar(*events: str, header: str = "", prodid: str = "-//flowday tests//EN") -> str:
    """A whole VCALENDAR with CRLF line ends, as every client writes them."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}"]
    if header:
        lines.extend(header.strip().splitlines())
    body = "\r\n".join(lines) + "\r\n"
    for event in events:
        body += event.strip().replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n"
    return body + "END:VCALENDAR\r\n"


def vevent(uid: str, *lines: str, summary: str = "Meeting") -> str:
    return "\n".join(
        ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261101T000000Z", f"SUMMARY:{summary}", *lines,
         "END:VEVENT"]
    )  # fmt: skip


# Outlook writes Windows zone names, with its own VTIMEZONE under that name.
OUTLOOK_BERLIN_TZ = """
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""


def google_calendar() -> str:
    """Google: X-WR-* headers, the owner's address as the calendar name, UTC and TZID times."""
    header = "X-WR-CALNAME:jane@example.com\nX-WR-TIMEZONE:Europe/Berlin\nMETHOD:PUBLISH"
    return vcalendar(
        vevent(
            "standup-1@google.com",
            "DTSTART;TZID=Europe/Berlin:20261123T091500",
            "DTEND;TZID=Europe/Berlin:20261123T093000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "EXDATE;TZID=Europe/Berlin:20261127T091500",
            summary="Standup",
        ),
        vevent(
            "review-2@google.com",
            "DTSTART:20261126T130000Z",
            "DTEND:20261126T140000Z",
            "CATEGORIES:Projects",
            summary="Design review",
        ),
        vevent(
            "declined-3@google.com",
            "DTSTART:20261126T150000Z",
            "DTEND:20261126T160000Z",
            "ORGANIZER;CN=Bob:mailto:bob@example.com",
            "ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@example.com",
            "ATTENDEE;CN=Jane;PARTSTAT=DECLINED:mailto:jane@example.com",
            summary="Vendor pitch",
        ),
        vevent(
            "holiday-4@google.com",
            "DTSTART;VALUE=DATE:20261126",
            "DTEND;VALUE=DATE:20261127",
            summary="Team offsite day",
        ),
        header=header,
        prodid="-//Google Inc//Google Calendar 70.9054//EN",
    )


def outlook_calendar() -> str:
    """Outlook: Windows zone names, a moved and a cancelled occurrence, an EXDATE."""
    tz = "W. Europe Standard Time"
    return vcalendar(
        OUTLOOK_BERLIN_TZ,
        vevent(
            "040000008200E00074C5B7101A82E008000000001",
            f'DTSTART;TZID="{tz}":20261130T100000',
            f'DTEND;TZID="{tz}":20261130T110000',
            "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;INTERVAL=1",
            f'EXDATE;TZID="{tz}":20261209T100000',
            summary="Planning",
        ),
        vevent(
            "040000008200E00074C5B7101A82E008000000001",
            f'RECURRENCE-ID;TZID="{tz}":20261202T100000',
            f'DTSTART;TZID="{tz}":20261202T140000',
            f'DTEND;TZID="{tz}":20261202T150000',
            summary="Planning (moved)",
        ),
        vevent(
            "040000008200E00074C5B7101A82E008000000001",
            f'RECURRENCE-ID;TZID="{tz}":20261207T100000',
            f'DTSTART;TZID="{tz}":20261207T100000',
            f'DTEND;TZID="{tz}":20261207T110000',
            "STATUS:CANCELLED",
            summary="Planning",
        ),
        vevent(
            "040000008200E00074C5B7101A82E008000000002",
            'DTSTART;TZID="Pacific Standard Time":20261201T080000',
            'DTEND;TZID="Pacific Standard Time":20261201T090000',
            summary="Call with Seattle",
        ),
        header="METHOD:PUBLISH\nX-WR-CALNAME:Calendar",
        prodid="-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
    )


def apple_calendar() -> str:
    """Apple: floating times (no zone at all) mean "whatever time zone I am in"."""
    return vcalendar(
        vevent(
            "A1B2C3D4-apple",
            "DTSTART:20261128T093000",
            "DTEND:20261128T103000",
            summary="Swimming lesson",
        ),
        vevent(
            "E5F6-apple",
            "DTSTART:20261129T180000",
            "DURATION:PT1H30M",
            "RRULE:FREQ=DAILY;COUNT=3",
            summary="Family dinner",
        ),
        header="X-WR-CALNAME:Family\nCALSCALE:GREGORIAN",
        prodid="-//Apple Inc.//macOS 14.0//EN",
    )


def spans(planner: Planner, date: str) -> list[tuple[str, str, str]]:
    """(span, title, sphere) of a day's blocks, for compact assertions."""
    blocks: list[Block] = planner.store.blocks_on(pendulum.parse(date).date())  # type: ignore[union-attr]
    return [(b.span, b.title, b.sphere.value) for b in blocks]


def d(text: str) -> pendulum.Date:
    return pendulum.parse(text).date()  # type: ignore[union-attr]
