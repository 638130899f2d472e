"""Every day of 1970-2037 whose midnight the clocks skip or repeat, or that they skip whole,
in every zone of the tz database flowday reads, generated here from the zone files.

A day runs from its first existing instant to the next day's; the oracle for that is
computed from the zone's transitions (UTC time, offset before, offset after), independently
of flowday: the first instant whose wall clock reads at or after a given wall time. Every
such day gets the cheap check (its first instant); one day per zone (by its data: links
share it) and kind gets the full one: both days' bounds and lengths, a block added at the
day's first minute, a block ending at 24:00 the evening before measured by the figures, and
export → import of both keeping them as they were.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import importlib.resources
import struct
import types
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import icalendar
import pendulum
import pytest

from flowday.calendars.expansion import expand
from flowday.calendars.exporting import export_calendar
from flowday.config import from_mapping
from flowday.domain.errors import InputError
from flowday.domain.figures import day_figures
from flowday.domain.model import Block, Day, Sphere
from flowday.domain.modes import BUILTIN_MODES
from flowday.domain.rules import DayContext, evaluate
from flowday.domain.timeparse import (
    check_exists,
    day_bounds,
    day_exists,
    day_length,
    instant,
    real_minutes,
    require_day,
)
from flowday.domain.wallclock import MINUTES_PER_DAY

FIRST_YEAR, LAST_YEAR = 1970, 2037
DAY = 86_400
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
KINDS = ("midnight skipped", "midnight repeated", "day skipped", "gap ends at midnight",
         "fold ends at midnight")  # fmt: skip


# --- the zone files, read as zoneinfo (and so pendulum) reads them ---------------------------


def zone_bytes(key: str) -> bytes:
    for root in zoneinfo.TZPATH:
        path = Path(root, key)
        if path.is_file():
            return path.read_bytes()
    return importlib.resources.files("tzdata.zoneinfo").joinpath(*key.split("/")).read_bytes()


def tzif_transitions(
    data: bytes, low: int, high: int
) -> tuple[list[tuple[int, int, int]], int, str]:
    """The offset changes between ``low`` and ``high`` (UTC seconds, offset before, offset
    after), the offset before the first of them, and the POSIX rule for the times after the
    file's last transition (its TZif v2+ footer)."""

    def header(at: int) -> tuple[bytes, tuple[int, ...]]:
        assert data[at : at + 4] == b"TZif"
        return data[at + 4 : at + 5], struct.unpack(">6l", data[at + 20 : at + 44])

    version, counts = header(0)
    size, at = 4, 44
    if version >= b"2":  # skip the 32-bit body: the 64-bit one follows
        isut, isstd, leap, timecnt, typecnt, charcnt = counts
        at += timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
        version, counts = header(at)
        size, at = 8, at + 44
    isut, isstd, leap, timecnt, typecnt, charcnt = counts
    times = struct.unpack(f">{timecnt}{'q' if size == 8 else 'l'}", data[at : at + timecnt * size])
    at += timecnt * size
    indices = data[at : at + timecnt]
    at += timecnt
    offsets = [struct.unpack(">l", data[at + 6 * i : at + 6 * i + 4])[0] for i in range(typecnt)]
    at += typecnt * 6 + charcnt + leap * (size + 4) + isstd + isut
    footer = data[at:].strip(b"\n").decode() if version >= b"2" else ""
    first, stop = bisect.bisect_left(times, low), bisect.bisect_right(times, high)
    # before the first transition: the first type (RFC 8536, 3.2)
    initial = offsets[indices[first - 1]] if first else offsets[0]
    changes, before = [], initial
    for index in range(first, stop):
        after = offsets[indices[index]]
        if after != before:
            changes.append((times[index], before, after))
        before = after
    last = times[-1] if times else low
    return changes, initial, footer if last < high else ""


def rule_transitions(key: str, start: int, stop: int) -> list[tuple[int, int, int]]:
    """Changes after the last one a (slim) zone file lists, where its POSIX rule makes them:
    offsets sampled every 4 weeks through zoneinfo (a rule changes twice a year, months
    apart), each change found by bisection. Only where the system has no fat zone files."""
    zone = zoneinfo.ZoneInfo(key)

    def offset(t: int) -> int:
        value = dt.datetime.fromtimestamp(t, zone).utcoffset()
        assert value is not None
        return int(value.total_seconds())

    found, t, current = [], start + 1, offset(start + 1)
    while t < stop:
        step = min(t + 28 * DAY, stop)
        if offset(step) != current:
            low, high = t, step
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            found.append((high, current, offset(high)))
            current, step = offset(high), high
        t = step
    return found


@dataclass(frozen=True)
class Zone:
    key: str
    changes: tuple[tuple[int, int, int], ...]
    initial: int

    @functools.cached_property
    def times(self) -> list[int]:
        return [t for t, _, _ in self.changes]

    def first_at_or_after(self, wall: int) -> int:
        """The first UTC second whose wall clock (local seconds since 1970) is at or after
        ``wall``: a wall time's first occurrence, or where the clocks land after skipping it."""
        index = max(0, bisect.bisect_left(self.times, wall - 2 * DAY) - 1)
        best = None
        while True:
            begins = self.changes[index - 1][0] if index else -(2**62)
            offset = self.changes[index - 1][2] if index else self.initial
            ends = self.changes[index][0] if index < len(self.changes) else 2**62
            candidate = max(begins, wall - offset)
            if candidate < ends:
                best = candidate if best is None else min(best, candidate)
            if ends > wall + 2 * DAY:
                break
            index += 1
        assert best is not None
        return best

    def day_start(self, date: dt.date) -> int:
        return self.first_at_or_after(wall(date, 0))

    def offset_at(self, t: int) -> int:
        index = bisect.bisect_right(self.times, t)
        return self.changes[index - 1][2] if index else self.initial


@dataclass(frozen=True)
class MidnightDay:
    zone: Zone
    date: pendulum.Date
    kind: str


LOW = int(dt.datetime(FIRST_YEAR - 1, 1, 1, tzinfo=dt.UTC).timestamp())
HIGH = int(dt.datetime(LAST_YEAR + 1, 1, 2, tzinfo=dt.UTC).timestamp())


@functools.cache
def zone_data(key: str) -> Zone:
    changes, initial, footer = parsed(zone_bytes(key))
    if "," in footer:  # a slim file: its rule makes the changes after its last one
        start = changes[-1][0] if changes else LOW
        changes = (*changes, *rule_transitions(key, start, HIGH))
    return Zone(key, changes, initial)


@functools.cache  # links are copies of their target: parsed once
def parsed(data: bytes) -> tuple[tuple[tuple[int, int, int], ...], int, str]:
    changes, initial, footer = tzif_transitions(data, LOW, HIGH)
    return tuple(changes), initial, footer


@functools.cache
def midnight_days() -> tuple[MidnightDay, ...]:
    """Every (zone, day) of FIRST_YEAR..LAST_YEAR where the clocks jump to, from or over a
    midnight, with what it does to that day."""
    found = []
    for key in sorted(zoneinfo.available_timezones()):
        zone = zone_data(key)
        for time, before, after in zone.changes:
            old, new = time + before, time + after  # the wall clock as it jumps
            lo, hi = min(old, new), max(old, new)
            midnight = -(-lo // DAY) * DAY  # the first midnight at or after lo
            while midnight <= hi:
                date = dt.date.fromordinal(EPOCH_ORDINAL + midnight // DAY)
                if FIRST_YEAR <= date.year <= LAST_YEAR:
                    if midnight == hi:
                        kind = KINDS[3] if after > before else KINDS[4]
                    elif after > before:
                        kind = KINDS[2] if midnight + DAY <= hi else KINDS[0]
                    else:
                        kind = KINDS[1]
                    found.append(
                        MidnightDay(zone, pendulum.date(date.year, date.month, date.day), kind)
                    )
                midnight += DAY
    return tuple(found)


def representatives() -> list[MidnightDay]:
    """The latest day of each kind for each zone's data (links share their target's)."""
    chosen: dict[tuple[tuple[tuple[int, int, int], ...], str], MidnightDay] = {}
    for day in midnight_days():
        chosen[(day.zone.changes, day.kind)] = day
    return list(chosen.values())


# --- the checks --------------------------------------------------------------------------------


def utc(moment: pendulum.DateTime) -> int:
    return int(moment.timestamp())


def wall(date: dt.date, minutes: int) -> int:
    """A wall-clock time as local seconds since 1970."""
    return (date.toordinal() - EPOCH_ORDINAL) * DAY + minutes * 60


def test_the_list_covers_the_known_cases() -> None:
    days = midnight_days()
    named = {(d.zone.key, d.date.to_date_string(), d.kind) for d in days}
    assert ("America/Santiago", "2022-09-11", "midnight skipped") in named
    assert ("America/Santiago", "2022-04-03", "fold ends at midnight") in named
    assert ("Pacific/Apia", "2011-12-30", "day skipped") in named
    assert ("America/Havana", "2012-04-01", "midnight skipped") in named
    assert ("Asia/Beirut", "2020-03-29", "midnight skipped") in named
    assert ("Africa/Cairo", "2023-04-28", "midnight skipped") in named
    assert {d.kind for d in days} == set(KINDS)
    assert len({d.zone.key for d in days}) > 100  # 228 with tzdata 2025b


def test_every_such_day_starts_at_its_first_existing_instant() -> None:
    for day in midnight_days():
        tz = pendulum.timezone(day.zone.key)
        got = utc(instant(day.date, 0, tz, exact=False))
        assert got == day.zone.day_start(day.date), (day.zone.key, day.date, day.kind)


def test_one_day_per_zone_and_kind_fully() -> None:
    for day in representatives():
        check_day(day)


def test_export_then_import_keeps_the_blocks_of_every_kind_of_jump() -> None:
    """One day per kind and jump (offsets before and after, the wall time it happens): the
    calendar code measures with the same function as the rest, checked above on every day.
    The first day of each kind carries its VTIMEZONE as export writes it; the others leave
    it out (icalendar builds it from the zone's whole history, ~25 ms each) and are read
    back by the zone's name."""
    chosen: dict[tuple[str, int, int, int], MidnightDay] = {}
    for day in representatives():
        chosen.setdefault(jump(day), day)
    with_zones = {day.kind: day for day in reversed(chosen.values())}
    assert len(chosen) > 50  # 94 with tzdata 2025b
    for day in chosen.values():
        if with_zones[day.kind] is day:
            round_trip(day)
        else:
            with mock.patch.object(icalendar.Calendar, "add_missing_timezones"):
                round_trip(day)


def jump(day: MidnightDay) -> tuple[str, int, int, int]:
    """The day's kind and the change nearest its midnight: offsets, wall time of the jump."""
    midnight = wall(day.date, 0)
    time, before, after = min(day.zone.changes, key=lambda c: abs(c[0] + c[1] - midnight))
    return day.kind, before, after, (time + before) % DAY


def check_day(day: MidnightDay) -> None:
    zone, date, tz = day.zone, day.date, pendulum.timezone(day.zone.key)
    where = (zone.key, date.to_date_string(), day.kind)
    eve = date.subtract(days=1)
    for which in (eve, date):  # bounds: first instant to the next day's, real length between
        start, end = zone.day_start(which), zone.day_start(which.add(days=1))
        assert tuple(map(utc, day_bounds(which, tz))) == (start, end), where
        assert day_length(which, tz) == (end - start) // 60, where
    start, end = zone.day_start(date), zone.day_start(date.add(days=1))
    assert day_exists(date, tz) == (end > start), where
    if end > start:  # a block at the day's first minute is allowed and measured in real time
        first = -(-(start + zone.offset_at(start) - wall(date, 0)) // 60)  # a whole minute
        check_exists(date, first, first + 30, tz)
        assert (
            real_minutes(date, first, first + 30, tz)
            == (zone.first_at_or_after(wall(date, first + 30)) - start) // 60
        ), where
        block = Block("midnight", date, first, first + 30, "Early", Sphere.PERSONAL)
        figures = day_figures(context(date, tz, block), Day(date))
        assert figures.personal == real_minutes(date, first, first + 30, tz), where
        if first:  # the skipped minutes are refused, as any time the clocks skip
            with pytest.raises(InputError, match="does not exist"):
                check_exists(date, 0, first, tz)
    else:
        with pytest.raises(InputError, match=r"does not exist in .*whole day"):
            check_exists(date, 9 * 60, 10 * 60, tz)
        with pytest.raises(InputError, match="whole day"):
            require_day(date, tz)
    if zone.day_start(eve) == start:
        return  # the day before is skipped too (Kwajalein, 1993): its own entry checks it
    # the evening before: a block to 24:00 lasts until the next day's first instant
    begin = late_start(zone, eve)
    late = Block("evening", eve, begin, MINUTES_PER_DAY, "Late", Sphere.WORK)
    expected = (start - zone.first_at_or_after(wall(eve, begin))) // 60
    ctx = context(eve, tz, late)
    assert day_figures(ctx, Day(eve)).work == expected > 0, where
    evaluate(ctx)  # every rule of the mode runs on the day


def late_start(zone: Zone, date: pendulum.Date) -> int:
    """22:00, or the latest hour before it that exists (a gap may end at midnight)."""
    hour = 22
    while True:
        moment = zone.first_at_or_after(wall(date, hour * 60))
        if moment + zone.offset_at(moment) == wall(date, hour * 60):
            return hour * 60
        hour -= 1


def context(date: pendulum.Date, tz: pendulum.Timezone, block: Block) -> DayContext:
    mode = BUILTIN_MODES["balance"]
    return DayContext(date, mode.name, 9 * 60, 17 * 60, (block,), tz, rules=mode.rules)


def round_trip(day: MidnightDay) -> None:
    """Export a block ending at 24:00 the evening before and one at the day's first minute
    (as ``flowday export`` writes them), read the file back as ``flowday import`` does:
    each block comes back as it was, DTEND after DTSTART. An event from that evening to two
    hours into the day comes back split at the day's first instant."""
    zone, eve = day.zone, day.date.subtract(days=1)
    tz = pendulum.timezone(zone.key)
    start = zone.day_start(day.date)
    first = -(-(start + zone.offset_at(start) - wall(day.date, 0)) // 60)  # a whole minute
    blocks: list[Block] = []
    crossing: tuple[int, int] | None = None  # UTC seconds
    expected: list[tuple[str, dt.date, int, int]] = []
    if day_exists(eve, tz):
        late = late_start(zone, eve)
        blocks.append(Block("evening", eve, late, 1440, "Late", Sphere.WORK))
    if day_exists(day.date, tz):
        blocks.append(Block("morning", day.date, first, first + 30, "Early", Sphere.PERSONAL))
        if day_exists(eve, tz):  # to 02:00 after the first minute: a time that comes once
            crossing = (
                zone.first_at_or_after(wall(eve, late)),
                zone.first_at_or_after(wall(day.date, first + 120)),
            )
            end = -(-(crossing[1] + zone.offset_at(crossing[1]) - wall(day.date, 0)) // 60)
            expected += [("crossing", eve, late, 1440), ("crossing", day.date, first, end)]
    expected += [(b.id, b.date, b.start, b.end) for b in blocks]
    calendar = export_calendar(stub_planner(zone.key, blocks), eve, day.date)  # type: ignore[arg-type]
    if crossing is not None:
        event = icalendar.Event()
        event.add("UID", "crossing")
        event.add("DTSTART", dt.datetime.fromtimestamp(crossing[0], dt.UTC))
        event.add("DTEND", dt.datetime.fromtimestamp(crossing[1], dt.UTC))
        calendar.add_component(event)
    calendar = icalendar.Calendar.from_ical(calendar.to_ical())
    for event in calendar.walk("VEVENT"):
        assert event.decoded("DTEND") > event.decoded("DTSTART"), (zone.key, event)
    pieces = expand(calendar, eve, day.date, tz).pieces
    got = sorted((p.uid.removesuffix("@flowday"), p.date, p.start, p.end) for p in pieces)
    assert got == sorted(expected), (zone.key, day.date)


def stub_planner(key: str, blocks: list[Block]) -> types.SimpleNamespace:
    """What export reads of a planner: the zone, now, the blocks (no store, no disk)."""
    store = types.SimpleNamespace(
        blocks_between=lambda first, last: [b for b in blocks if first <= b.date <= last],
        days_between=lambda first, last: {},
        routines=lambda: [],
    )
    return types.SimpleNamespace(
        config=from_mapping({"timezone": key}),
        now=lambda: pendulum.datetime(2000, 1, 1, tz="UTC"),
        store=store,
    )
