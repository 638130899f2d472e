"""Reading a calendar tolerantly: one broken part never costs the rest of the file.

icalendar reads events tolerantly (a value it cannot read becomes a broken value, and the
event is skipped later only if flowday needs that value), but any other component with one
bad line (a reminder's ``TRIGGER:PT-2H`` as a train-ticket generator writes it, a free/busy
period that ends before it starts, a to-do with a garbled date) makes the whole file
unreadable. Here every component is read the same way: a component flowday does not need
whole (a VALARM, VTODO, VJOURNAL, VFREEBUSY, ..., or a VTIMEZONE, whose events then fall
back to the time zone database) is left out when it has a bad line, with a one-line notice
in plain words naming the component, its UID or SUMMARY, and the line.

This leans on icalendar 7's parser class (``CalendarIcalParser``), whose error hooks are
its documented template methods; the version is pinned in ``pyproject.toml``.
"""

from __future__ import annotations

import re

import icalendar
from icalendar.parser.content_line import Contentline
from icalendar.parser.ical.calendar import CalendarIcalParser
from icalendar.prop import vBroken

from flowday.domain.frozen import Record, define
from flowday.domain.text import clean_text, strip_controls

# an event keeps its bad lines as broken values, as icalendar reads it (the event is skipped
# later, with the reason, only when flowday needs one of them)
_AS_THE_LIBRARY_READS = {"VEVENT"}

_KINDS = {
    "VALARM": "a reminder (VALARM)",
    "VTODO": "a to-do (VTODO)",
    "VJOURNAL": "a journal entry (VJOURNAL)",
    "VFREEBUSY": "free/busy times (VFREEBUSY)",
    "VTIMEZONE": "a time zone definition (VTIMEZONE)",
    "STANDARD": "a time zone definition (VTIMEZONE)",
    "DAYLIGHT": "a time zone definition (VTIMEZONE)",
    "VAVAILABILITY": "availability (VAVAILABILITY)",
    "AVAILABLE": "availability (AVAILABLE)",
}

# what a value of each type should have been, in words (by icalendar's value class)
_EXPECTED = {
    "vDuration": "a length of time",
    "vDDDTypes": "a date, a time or a length of time",
    "vDatetime": "a date and time",
    "vDate": "a date",
    "vTime": "a time",
    "vDDDLists": "a list of dates or times",
    "vPeriod": "a period of time",
    "vRecur": "a repeat rule",
    "vInt": "a whole number",
    "vFloat": "a number",
    "vGeo": "a position (latitude;longitude)",
    "vUTCOffset": "an offset from UTC such as +0100",
    "vCalAddress": "an address",
    "vUri": "an address",
    "vBoolean": "TRUE or FALSE",
}
_MOMENTS = {"DTSTART", "DTEND", "DUE", "DTSTAMP", "COMPLETED", "CREATED", "LAST-MODIFIED",
            "RECURRENCE-ID", "EXDATE", "RDATE"}  # fmt: skip
LINE_SHOWN = 80  # characters of a bad line quoted in a notice


@define
class _Bad(Record):
    line: str
    reason: str


class _Parser(CalendarIcalParser):
    """icalendar's calendar parser, with every component as tolerant as an event."""

    def initialize_parsing(self) -> None:
        super().initialize_parsing()
        # the parser may start over (forward references to a VTIMEZONE): so do these.
        # Bad lines by id() of a component still on the parser's stack, alive, so the id is
        # its own: the record goes when the component ends (a dropped component's id is
        # soon another's)
        self.bad: dict[int, _Bad] = {}
        self.left_out: list[tuple[icalendar.Component, icalendar.Component | None, _Bad]] = []
        self.ignored: list[_Bad] = []  # the calendar's own bad lines

    def parse_and_add_property(
        self, name: str, params: object, val: str, tzid: str | None, line: Contentline
    ) -> None:
        # the library catches a bad value as it is read, not as its value object is made
        # (a period ending before it starts fails there): both are one bad line
        try:
            super().parse_and_add_property(name, params, val, tzid, line)  # type: ignore[arg-type]
        except Exception as exc:  # the library's errors, and its bugs on odd values
            self.handle_property_parse_error(exc, name, params, val, line)

    def handle_property_parse_error(
        self, exception: Exception, name: str, params: object, val: str, line: Contentline
    ) -> None:
        component = self.component
        if component is None or _name(component) in _AS_THE_LIBRARY_READS:
            super().handle_property_parse_error(exception, name, params, val, line)  # type: ignore[arg-type]
        else:
            factory = self.get_factory_for_property(name, params)  # type: ignore[arg-type]
            reason = _plain_reason(name, val, getattr(factory, "__name__", ""))
            bad = _Bad(_quoted(str(line)), reason)
            if _name(component) == "VCALENDAR":  # the line alone goes, not the calendar
                self.ignored.append(bad)
            else:
                self.bad.setdefault(id(component), bad)

    def handle_line_parse_error(self, exception: Exception) -> None:
        component = self.component
        # a line that is no line at all outside every component: not a calendar file
        if component is None or _name(component) in _AS_THE_LIBRARY_READS | {"VCALENDAR"}:
            super().handle_line_parse_error(exception)
        else:
            found = re.search(r"parts: '(.*)'", str(exception))
            line = _quoted(found[1] if found else "")
            self.bad.setdefault(id(component), _Bad(line, "is not a 'NAME:value' line"))

    def handle_end_component(self, vals: str) -> None:
        component = self.component
        bad = self.bad.pop(id(component), None) if component is not None else None
        if component is not None and bad and len(self._stack) > 1:
            self._stack.pop()  # never attached to its parent: left out
            parent = self._stack[-1]
            for event in component.walk("VEVENT"):  # an event nested in it (a broken file)
                parent.add_component(event)  # is still an event: it stays
            if _name(component) in ("STANDARD", "DAYLIGHT"):
                self.bad.setdefault(id(parent), bad)  # half a zone is a wrong zone
            else:
                self.left_out.append((component, parent, bad))
            return
        super().handle_end_component(vals)


def parse_tolerantly(text: str, notices: list[str]) -> list[icalendar.Calendar]:
    """The calendars in ``text``; each part left out adds a one-line notice."""
    parser = _Parser(text, icalendar.ComponentFactory(), icalendar.TypesFactory.instance())
    calendars = parser.parse()
    for bad in parser.ignored:  # the calendar's own bad lines: its events stay
        notices.append(f"ignored the calendar's line {bad.line}: it {bad.reason}")
    for component, parent, bad in parser.left_out:
        what = _described(component, parent)
        notices.append(f"left out {what}: the line {bad.line} {bad.reason}")
    return [c for c in calendars if isinstance(c, icalendar.Calendar)]


# the event properties flowday needs: one of them unreadable skips the event, with why
NEEDED = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")


def unreadable(component: icalendar.Component) -> str | None:
    """Why an event cannot be used, in words, when a value flowday needs is unreadable:
    "its line 'DTSTART:2026-13-45' is not a date or a date and time". None otherwise."""
    for name in NEEDED:
        value = component.get(name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, vBroken):
                expected = _plain_reason(name, str(item), str(item.expected_type or ""))
                return f"its line {_quoted(f'{name}:{item}')} {expected}"
    return None


def _name(component: icalendar.Component) -> str:
    return (component.name or "").upper()


def _plain_reason(name: str, value: str, type_name: str) -> str:
    expected = _EXPECTED.get(type_name)
    if type_name == "vPeriod" or name.upper() == "FREEBUSY":
        if _reversed_period(value):
            return "ends before it starts"
        expected = "a period of time (start/end or start/length)"
    if name.upper() == "TRIGGER":
        expected = "a length of time or a date and time"
    elif name.upper() == "DURATION":
        expected = "a length of time"
    elif name.upper() in _MOMENTS:
        expected = "a date or a date and time"
    if expected is None:
        return "cannot be read"
    reason = f"is not {expected}"
    if re.fullmatch(r"[+-]?P[0-9WDTHMS]*-[0-9WDTHMS]*", value.strip().upper()):
        reason += " (a minus sign goes first: -PT2H is two hours before)"
    return reason


def _reversed_period(value: str) -> bool:
    start, _, end = value.strip().partition("/")
    if not re.fullmatch(r"\d{8}T\d{6}Z?", start) or not re.fullmatch(r"\d{8}T\d{6}Z?", end):
        return False
    return end.rstrip("Z") < start.rstrip("Z")


def _quoted(line: str) -> str:
    shown = strip_controls(line)
    if len(shown) > LINE_SHOWN:
        shown = shown[: LINE_SHOWN - 3] + "..."
    return f"'{shown}'"


def _named(component: icalendar.Component) -> str:
    """A component's SUMMARY and UID (or a zone's TZID), as a person recognises it."""
    summary, uid, zone = (
        clean_text(str(component.get(key, "")), limit=60) for key in ("SUMMARY", "UID", "TZID")
    )
    parts = [f"'{summary}'"] if summary else []
    if uid:
        parts.append(f"(UID {uid})")
    if zone and not parts:
        parts.append(f"'{zone}'")
    return " ".join(parts)


def _described(component: icalendar.Component, parent: icalendar.Component | None) -> str:
    name = _name(component)
    kind = _KINDS.get(name, f"a {clean_text(name, limit=30)} component")
    own = _named(component)
    if own:
        return f"{kind} {own}"
    if parent is not None and _name(parent) != "VCALENDAR":
        of = _named(parent)
        if of:
            return f"{kind} of {of}"
    return kind
