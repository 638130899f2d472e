"""Sharing availability: a few lines of text, or free/busy (VFREEBUSY) with no titles.

The stretches themselves are worked out in :mod:`flowday.domain.availability`.
"""

from __future__ import annotations

import icalendar
import pendulum

from flowday.application.planner import Planner
from flowday.calendars.exporting import new_calendar
from flowday.calendars.values import to_utc
from flowday.domain import intervals
from flowday.domain.availability import day_availability
from flowday.domain.timeparse import day_bounds, day_exists, instant
from flowday.domain.wallclock import fmt_date


def share_text(planner: Planner, dates: list[pendulum.Date], *, details: bool = False) -> str:
    lines = []
    for date in dates:
        if not day_exists(date, planner.config.timezone):
            lines.append(f"{fmt_date(date, 'ddd D MMM')}: no such day here (the clocks skip it)")
            continue
        stretches = day_availability(planner.store.blocks_on(date), details=details)
        body = ", ".join(s.text() for s in stretches) or "busy all day"
        lines.append(f"{fmt_date(date, 'ddd D MMM')}: {body}")
    return "\n".join(lines)


def freebusy_calendar(planner: Planner, dates: list[pendulum.Date]) -> icalendar.Calendar:
    """Free/busy as a VFREEBUSY (RFC 5545): busy periods in UTC, no titles at all."""
    tz = planner.config.timezone
    calendar = new_calendar()
    calendar.add("METHOD", "PUBLISH")
    freebusy = icalendar.FreeBusy()
    first, last = min(dates), max(dates)
    freebusy.add(
        "UID", f"freebusy-{fmt_date(first, 'YYYYMMDD')}-{fmt_date(last, 'YYYYMMDD')}@flowday"
    )
    freebusy.add("DTSTAMP", to_utc(planner.now()))
    freebusy.add("DTSTART", to_utc(day_bounds(first, tz)[0]))
    freebusy.add("DTEND", to_utc(day_bounds(last, tz)[1]))
    for date in sorted(dates):
        busy = intervals.merge((b.start, b.end) for b in planner.store.blocks_on(date))
        for start, end in busy:
            period = (
                to_utc(instant(date, start, tz, exact=False)),
                to_utc(instant(date, end, tz, exact=False)),
            )
            if period[1] > period[0]:  # nothing of a block on a day the clocks skip
                freebusy.add("FREEBUSY", [period], parameters={"FBTYPE": "BUSY"})
    calendar.add_component(freebusy)
    return calendar
