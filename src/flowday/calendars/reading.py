"""Reading a calendar file: bounded in size and events, with unsafe time zones dropped.

Only a regular file is read (a named pipe or a device is refused without waiting on it), and
a file over :data:`~.bounds.MAX_FILE_BYTES` or with more than 20,000 events is refused before
anything is parsed further. A VTIMEZONE whose rules would take unbounded work is dropped
(see :func:`_without_unsafe_timezones`); a part with a bad line that flowday does not need
is left out with a notice (:mod:`.tolerant`); Outlook's zone display names are read as the
zones they name; several calendars in one file are merged as iTIP says (:mod:`.messages`).
Which calendar a file is (so that re-imports remove only inside it) and who owns it (for
declined invitations) are read here too.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import icalendar
from icalendar.timezone import tzp

from flowday import safe_write
from flowday.calendars import bounds
from flowday.calendars.messages import merged
from flowday.calendars.tolerant import parse_tolerantly
from flowday.calendars.values import text_of
from flowday.calendars.windows_zones import DISPLAY_NAMES
from flowday.domain.errors import InputError
from flowday.domain.text import clean_text, strip_controls
from flowday.domain.timeparse import LAST_YEAR

MAX_FILE_BYTES = bounds.MAX_FILE_BYTES  # the bounds live in .bounds; kept here for callers
MAX_EVENTS = bounds.MAX_EVENTS


def read_calendar(
    path: Path,
    notices: list[str] | None = None,
    on_size: Callable[[int], None] | None = None,
) -> icalendar.Calendar:
    """The file as one calendar, or an :class:`InputError` saying in one line why not.
    Each part left out as unreadable adds a one-line notice to ``notices``; ``on_size``
    hears the file's size before it is parsed (a big one takes seconds)."""
    try:  # regular files only, read at most one byte past the bound: a pipe never blocks
        _, raw = safe_write.read_regular(path, MAX_FILE_BYTES + 1)
    except (IsADirectoryError, safe_write.NotRegularFileError) as exc:
        if isinstance(exc, IsADirectoryError) or exc.kind == "a folder":
            raise InputError(f"{shown(path)} is a folder, not a calendar file") from None
        raise InputError(f"cannot read {shown(path)}: {exc.strerror}") from None
    except OSError as exc:
        raise InputError(f"cannot read {shown(path)}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(
            f"{shown(path)} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; export a shorter "
            "period from your calendar app and import that"
        )
    if on_size is not None:
        on_size(len(raw))
    return parse_calendar(raw, shown(path), notices)


def shown(path: Path | str) -> str:
    """A file name as printed: names are data too (a name can hold escape sequences)."""
    return strip_controls(str(path))


def parse_calendar(
    raw: bytes, name: str = "calendar", notices: list[str] | None = None
) -> icalendar.Calendar:
    text = raw.decode("utf-8-sig", errors="replace")
    if not re.match(r"\s*BEGIN:VCALENDAR", text[:4096], re.IGNORECASE):
        raise InputError(
            f"{name} is not an iCalendar file (it does not start with BEGIN:VCALENDAR)"
        )
    # counted before parsing: a file of too many events is refused in a moment, not after
    # the seconds it takes to read it (a parsed event is counted again, nesting and all)
    components = len(re.findall(r"^BEGIN:", text, re.IGNORECASE | re.MULTILINE))
    vevents = len(re.findall(r"^BEGIN:VEVENT", text, re.IGNORECASE | re.MULTILINE))
    if components > MAX_EVENTS * 4 or vevents > MAX_EVENTS:
        raise InputError(f"{name} holds more than {MAX_EVENTS} events; import a shorter period")
    text = _with_zone_ids(_without_unsafe_timezones(text))
    # icalendar keeps the zones a file defines in one process-wide cache keyed by TZID: start
    # every file afresh, so one file's (odd) definition never changes how the next is read
    tzp.use_zoneinfo()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            calendars = parse_tolerantly(text, notices if notices is not None else [])
    except Exception as exc:  # the parser's own errors, and its bugs on odd input
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise InputError(f"{name} is not a readable iCalendar file: {first_line[:120]}") from None
    if not calendars:
        raise InputError(
            f"{name} is not a readable iCalendar file: no complete calendar (cut off?)"
        )
    total = 0
    for calendar in calendars:
        # a broken file can nest an event inside another component; the expander would
        # still find it, but the safety checks look at top-level events: lift them all up
        events = calendar.walk("VEVENT")
        for component in calendar.walk():
            component.subcomponents = [c for c in component.subcomponents if c.name != "VEVENT"]
        calendar.subcomponents.extend(events)
        total += len(events)
    if total > MAX_EVENTS:
        raise InputError(f"{name} holds more than {MAX_EVENTS} events; import a shorter period")
    return merged(calendars)


_DISPLAY_PREFIX = re.compile(r"^\((?:UTC|GMT)[^)]*\)\s*", re.IGNORECASE)
_ZONE_BY_DISPLAY = {
    " ".join(_DISPLAY_PREFIX.sub("", name).lower().split()): zone
    for name, zone in DISPLAY_NAMES.items()
}
_DISPLAY_TZID = re.compile(
    r'(TZID=)"(\((?:UTC|GMT)[^"\r\n]*)"|(^TZID:)(\((?:UTC|GMT)[^\r\n]*)$',
    re.IGNORECASE | re.MULTILINE,
)


def _with_zone_ids(text: str) -> str:
    """Outlook may name a zone by its display name, ``(UTC-05:00) Eastern Time (US &
    Canada)``: such a name becomes the zone it names (``America/New_York``), from CLDR's
    table (:mod:`.windows_zones`), so the time zone database reads it right, DST included.
    Unknown names are left as they are (their events are skipped as in an unknown zone)."""
    if "(UTC" not in text.upper() and "(GMT" not in text.upper():
        return text
    text = _FOLD.sub("", text)

    def known(match: re.Match[str]) -> str:
        prefix, name = (match[1], match[2]) if match[1] else (match[3], match[4])
        zone = _ZONE_BY_DISPLAY.get(" ".join(_DISPLAY_PREFIX.sub("", name).lower().split()))
        if zone is None:
            return match[0]
        return f"{prefix}{zone}" if prefix.endswith(":") else f'{prefix}"{zone}"'

    return _DISPLAY_TZID.sub(known, text)


_FOLD = re.compile(r"\r?\n[ \t]")
_ZONE_RULE_LISTS = ("BYMONTH", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")
MAX_ZONE_STEPS = 20_000  # estimated rule iterations for one VTIMEZONE (real ones: ~1,200)
MAX_ZONE_OBSERVANCES = 500  # STANDARD/DAYLIGHT parts of one VTIMEZONE (full histories: ~200)


def _without_unsafe_timezones(text: str) -> str:
    """The text without VTIMEZONE definitions whose rules would take unbounded work.

    A time zone definition changes its offset by repeat rules, and icalendar (through
    dateutil) walks those rules from their start every time an event's offset is asked
    for: a zone that "changes" every second since 1601 hangs the import and eats all
    memory. Real zones change yearly. An unsafe definition is dropped: events naming a
    zone the time zone database knows (``Europe/Berlin``, ``W. Europe Standard Time``)
    still read right, and the others are skipped as having an unknown zone."""
    if not re.search(r"^BEGIN:VTIMEZONE", text, re.IGNORECASE | re.MULTILINE):
        return text
    lines = re.split(r"\r?\n", _FOLD.sub("", text))
    keep: list[str] = []
    zone: list[str] | None = None
    depth = 0  # a zone nested in a zone is judged (and dropped) with the outer one
    dropped = False
    for line in lines:
        upper = line[:16].upper()
        if upper.startswith("BEGIN:VTIMEZONE"):
            depth += 1
            zone = [*(zone or []), line]
        elif zone is not None:
            zone.append(line)
            if upper.startswith("END:VTIMEZONE"):
                depth -= 1
                if depth == 0:
                    if _zone_is_safe(zone):
                        keep.extend(zone)
                    else:
                        dropped = True
                    zone = None
        else:
            keep.append(line)
    if zone is not None:  # never closed: the parser says what is wrong with that
        keep.extend(zone)
    return "\r\n".join(keep) if dropped else text


def _zone_is_safe(lines: list[str]) -> bool:
    observances = 0
    steps = 0
    first_year = 1601
    for line in lines:
        name, _, value = line.partition(":")
        key = name.split(";", 1)[0].strip().upper()
        if key == "BEGIN" and value.strip().upper() in ("STANDARD", "DAYLIGHT"):
            observances += 1
            first_year = 1601
        elif key == "DTSTART":
            match = re.match(r"\s*(\d{4})", value)
            first_year = int(match.group(1)) if match else 1601
        elif key == "RDATE":
            steps += value.count(",") + 1
        elif key == "RRULE":
            parts = dict(
                (k.strip().upper(), v.strip())
                for k, _, v in (p.partition("=") for p in value.split(";"))
            )
            if parts.get("FREQ", "").upper() != "YEARLY":
                return False
            if {"BYHOUR", "BYMINUTE", "BYSECOND"} & parts.keys():
                return False
            per_year = math.prod(len(parts[k].split(",")) for k in _ZONE_RULE_LISTS if k in parts)
            steps += max(LAST_YEAR - min(max(first_year, 1), LAST_YEAR), 1) * per_year
    return observances <= MAX_ZONE_OBSERVANCES and steps <= MAX_ZONE_STEPS


def calendar_identity(calendar: icalendar.Calendar, path: Path) -> str:
    """What makes "the same calendar" across exports, so removals stay inside it."""
    for key, label in (("X-WR-RELCALID", "relcalid"), ("X-WR-CALNAME", "name")):
        value = clean_text(text_of(calendar, key), limit=200)
        if value:
            return f"{label}:{value}"
    return f"file:{path.name}"


def calendar_owner(calendar: icalendar.Calendar) -> str | None:
    """Google names a person's main calendar after their address: that is its owner."""
    name = text_of(calendar, "X-WR-CALNAME").strip().lower()
    return name if re.fullmatch(r"[^@\s]+@[^@\s]+", name) else None
