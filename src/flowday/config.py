"""Settings from ``config.toml`` (user config dir; ``--config FILE`` / ``FLOWDAY_CONFIG``).

Pure Python (tomllib): read once per process, validated, every problem reported as one
line naming the file and, where TOML can tell, the line.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pendulum

# not pendulum.local_timezone: type checkers take that name for the module it shadows
from pendulum.tz.local_timezone import get_local_timezone

from flowday.domain.errors import FlowdayError
from flowday.domain.frozen import Record, define, field
from flowday.domain.modes import BUILTIN_MODES, ModeError, build_modes
from flowday.domain.rules import RULES, SHARED, Severity
from flowday.domain.settings import (
    ModeSettings,
    ReflectionSettings,
    ReminderSettings,
    RuleSetting,
)
from flowday.domain.timeparse import WEEKDAYS, Zone, parse_duration, parse_span
from flowday.domain.wallclock import parse_clock
from flowday.places import config_path
from flowday.safe_write import read_regular

CONFIG_LIMIT = 1024 * 1024  # a real config is a few KB


def local_zone() -> Zone:
    """The system's time zone. ``TZ`` counts when it names a zone; any other value (a
    300-character string, a path, a POSIX rule) is passed over the way pendulum passes over
    an unknown name, for the system's own setting, else UTC. pendulum alone would open the
    file such a value names (a FIFO blocks, a long name raises ENAMETOOLONG)."""
    tz_env = os.environ.get("TZ")
    if tz_env:
        with contextlib.suppress(Exception):  # zoneinfo's errors: ValueError, OSError, ...
            return pendulum.timezone(tz_env.removeprefix(":"))
    saved = os.environ.pop("TZ", None)  # read once, at start-up, before any thread
    try:
        return get_local_timezone()
    except Exception:  # a broken /etc/localtime: no zone the system can name
        return pendulum.UTC
    finally:
        if saved is not None:
            os.environ["TZ"] = saved


class ConfigError(FlowdayError):
    """The configuration file cannot be used (exit status 2)."""

    exit_code = 2


KeyPath = tuple[str | int, ...]  # a key in the file: ("modes", "deep", "rules"); ints index arrays


@define
class Config(Record):
    timezone: Zone = field(default_factory=local_zone)
    work_start: int = 9 * 60
    work_end: int = 17 * 60
    working_days: frozenset[int] = frozenset(range(5))  # Monday=0 .. Sunday=6
    week_modes: tuple[str, ...] = ("balance",) * 7  # mode per weekday, Monday first
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    reflection: ReflectionSettings = field(default_factory=ReflectionSettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    modes: Mapping[str, ModeSettings] = field(
        default_factory=lambda: MappingProxyType({})
    )  # the [modes.*] tables, in the file's order; domain.modes composes them
    sync: SyncSettings | None = None  # [sync]: the CalDAV server (None: not set up)
    source: Path | None = None
    key_lines: Mapping[KeyPath, int] = field(default_factory=dict)  # where each key is set

    def mode_for(self, date: pendulum.Date) -> str:
        return self.week_modes[date.weekday()]

    def is_working_day(self, date: pendulum.Date) -> bool:
        return date.weekday() in self.working_days

    def line_of(self, path: KeyPath) -> int | None:
        """The line setting the key at ``path``, else the line of its nearest enclosing
        table or key (a key that is missing is blamed on where it should have been)."""
        for length in range(len(path), 0, -1):
            line = self.key_lines.get(path[:length])
            if line is not None:
                return line
        return None

    def error(self, message: str, path: KeyPath = ()) -> ConfigError:
        where = str(self.source) if self.source else "config"
        line = self.line_of(path)
        return ConfigError(f"{where}{f', line {line}' if line else ''}: {message}")


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    path = config_path(explicit)
    try:
        # a FIFO or /dev/zero named by --config or $FLOWDAY_CONFIG must not hang flowday
        _, raw = read_regular(path, CONFIG_LIMIT + 1)
        if len(raw) > CONFIG_LIMIT:
            raise ConfigError(f"{path}: over {CONFIG_LIMIT // 1024} KB, not a config file")
        text = raw.decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):  # (a folder on the way is a file)
        if explicit:
            raise ConfigError(f"{path}: no such config file") from None
        return from_mapping({}, tz_env=os.environ.get("FLOWDAY_TZ"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    import tomllib  # lazily: without a config file no command pays its ~3 ms

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except RecursionError:  # tomllib recurses once per nesting level
        raise ConfigError(f"{path}: values nested too deeply to be a config") from None
    return from_mapping(data, source=path, text=text, tz_env=os.environ.get("FLOWDAY_TZ"))


_KNOWN_KEYS = {
    "timezone", "work_hours", "working_days", "week", "theme", "keymap", "reflection", "modes",
    "reminders", "sync",
}  # fmt: skip


def from_mapping(
    data: dict[str, Any],
    *,
    source: Path | None = None,
    text: str = "",
    tz_env: str | None = None,
) -> Config:
    probe = Config(source=source, key_lines=key_lines(text))
    for key in data:
        if key not in _KNOWN_KEYS:
            raise probe.error(f"unknown setting {key!r}", (key,))

    zone_name = tz_env or data.get("timezone")
    timezone: Zone = local_zone()
    if zone_name:
        try:
            timezone = pendulum.timezone(str(zone_name))
        except Exception:
            if tz_env:  # the value came from the environment, not from the file
                raise ConfigError(f"$FLOWDAY_TZ: unknown time zone {zone_name!r}") from None
            raise probe.error(f"unknown time zone {zone_name!r}", ("timezone",)) from None

    work_start, work_end = probe.work_start, probe.work_end
    if "work_hours" in data:
        try:
            work_start, work_end = parse_span(str(data["work_hours"]))
        except FlowdayError as exc:
            raise probe.error(f"work_hours: {exc}", ("work_hours",)) from None

    working_days = probe.working_days
    if "working_days" in data:
        days = _as_list(probe, data["working_days"], "working_days")
        working_days = frozenset(
            _weekday_index(probe, d, ("working_days", i)) for i, d in enumerate(days)
        )

    week = list(probe.week_modes)
    week_keys: dict[int, str] = {}  # weekday → the key that set it, to name its line
    if "week" in data:
        table = data["week"]
        if not isinstance(table, dict):
            raise probe.error(
                '[week] must map weekdays to modes, e.g. friday = "integration"', ("week",)
            )
        for day_name, mode in table.items():
            if not isinstance(mode, str):
                raise probe.error(f"week.{day_name} must be a mode name", ("week", day_name))
            index = _weekday_index(probe, day_name, ("week", day_name))
            week[index] = mode
            week_keys[index] = day_name

    for table_name in ("keymap", "reflection", "modes", "reminders", "sync"):
        if table_name in data and not isinstance(data[table_name], dict):
            raise probe.error(f"[{table_name}] must be a table", (table_name,))
    keymap = dict(data.get("keymap", {}))
    for binding_id, keys in keymap.items():
        if binding_id not in KEYMAP_IDS:
            raise probe.error(
                f"unknown binding id {binding_id!r} in [keymap] (the README lists them)",
                ("keymap", binding_id),
            )
        if not isinstance(keys, str) or not keys.strip():
            raise probe.error(
                f'keymap.{binding_id} must be keys in quotes, e.g. "n" or "n,ctrl+n"',
                ("keymap", binding_id),
            )
    reflection = _reflection_settings(probe, data.get("reflection", {}))

    modes = _mode_settings(probe, data.get("modes", {}))
    try:
        mode_table = build_modes(modes)  # composing them is the last check they get
    except ModeError as exc:
        raise probe.error(str(exc), exc.path) from None
    for index, mode_name in enumerate(week):
        if mode_name not in mode_table:
            raise probe.error(
                f"week.{WEEKDAYS[index]}: unknown mode {mode_name!r} "
                f"(modes: {', '.join(mode_table)})",
                ("week", week_keys.get(index, WEEKDAYS[index])),
            )

    theme = data.get("theme")
    return Config(
        timezone=timezone,
        work_start=work_start,
        work_end=work_end,
        working_days=working_days,
        week_modes=tuple(week),
        theme=str(theme) if theme is not None else None,
        keymap=keymap,
        reflection=reflection,
        reminders=_reminder_settings(probe, data.get("reminders", {})),
        modes=modes,
        sync=_sync_settings(probe, data["sync"]) if "sync" in data else None,
        source=source,
        key_lines=probe.key_lines,
    )


# the planner's binding ids (listed in the README); a test keeps this list and the
# planner's BINDINGS the same, without the CLI having to import Textual to check a config
KEYMAP_IDS: tuple[str, ...] = (
    "select_next", "select_previous", "add_block", "add_task", "edit_block", "delete_block",
    "move_later", "move_earlier", "lengthen", "shorten", "undo", "redo", "previous_day",
    "next_day", "today", "goto_date", "switch_mode", "schedule_task", "plan_inbox",
    "set_hours", "import_calendar", "reflection", "weekly_review", "week_view", "month_view",
    "routine", "help", "quit", "toggle_done", "toggle_skipped", "actual_times", "zoom_in",
    "zoom_out", "zoom_fit", "log_intrusion", "park_thought", "sync", "sync_conflicts",
)  # fmt: skip

_REFLECTION_CHECKS: dict[str, tuple[str, Any]] = {
    "enabled": ("true or false", lambda v: isinstance(v, bool)),
    "balance_after": ("minutes after the work window, 0-600",
                      lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 600),
    "integration_at": ("a time like \"20:30\"", lambda v: isinstance(v, str) and _is_clock(v)),
    "min_days": ("a whole number of days, at least 2",
                 lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 2),
    "shutdown_block": ("true or false", lambda v: isinstance(v, bool)),
}  # fmt: skip


def _is_clock(text: str) -> bool:
    try:
        parse_clock(text)
    except FlowdayError:
        return False
    return True


def _check_table(
    probe: Config, section: str, table: dict[str, Any], checks: dict[str, tuple[str, Any]]
) -> None:
    """Every key of ``[section]`` known and of the value its check wants."""
    for key, value in table.items():
        if key not in checks:
            raise probe.error(f"unknown setting {section}.{key}", (section, key))
        expected, valid = checks[key]
        if not valid(value):
            raise probe.error(f"{section}.{key} must be {expected}, not {value!r}", (section, key))


def _reflection_settings(probe: Config, table: dict[str, Any]) -> ReflectionSettings:
    _check_table(probe, "reflection", table, _REFLECTION_CHECKS)
    default = ReflectionSettings()
    at = table.get("integration_at")
    return ReflectionSettings(
        enabled=table.get("enabled", default.enabled),
        balance_after=table.get("balance_after", default.balance_after),
        integration_at=default.integration_at if at is None else parse_clock(at),
        min_days=table.get("min_days", default.min_days),
        shutdown_block=table.get("shutdown_block", default.shutdown_block),
    )


@define
class SyncSettings(Record):
    """``[sync]``: where ``flowday sync`` meets the other devices (see flowday.sync). The
    password is never in the file: ``password_cmd`` prints it, or the system keyring
    holds it (service ``flowday-sync``)."""

    url: str
    user: str = ""
    password_cmd: str = ""
    calendar: str = "flowday"  # the collection's display name (made on the first sync)
    allow_insecure_http: bool = False  # plain http beyond this machine
    every: int = 0  # minutes between syncs while the planner is open (0: only when asked)
    # reflections are personal: a collection of their own, never the plan's (which may be
    # shared); reflections = false keeps them on this device
    reflections: bool = True
    reflections_calendar: str = "flowday-reflections"
    # other collections on the same server pulled one way, like `flowday import` (by name)
    subscribe: tuple[str, ...] = ()


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= 2000


_SYNC_CHECKS: dict[str, tuple[str, Any]] = {
    "url": ('an address like "https://dav.example.org/"', _is_text),
    "user": ("a user name in quotes", _is_text),
    "password_cmd": ('a command in quotes, e.g. "pass show caldav"', _is_text),
    "calendar": ("a calendar name in quotes", _is_text),
    "allow_insecure_http": ("true or false", lambda v: isinstance(v, bool)),
    "reflections": ("true or false", lambda v: isinstance(v, bool)),
    "reflections_calendar": ("a calendar name in quotes", _is_text),
    "subscribe": (
        'a list of calendar names, e.g. ["Work"]',
        lambda v: isinstance(v, list) and len(v) <= 50 and all(_is_text(x) for x in v),
    ),
    "password": ("never set here: use password_cmd or the keyring", lambda v: False),
    "every": ('a duration like "15m" or "1h" (at most a day)', lambda v: _duration(v) is not None),
}


def _duration(value: Any) -> int | None:
    """``"15m"``, ``"1h"`` → minutes; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return parse_duration(value)
    except FlowdayError:
        return None


def _sync_settings(probe: Config, table: dict[str, Any]) -> SyncSettings:
    """``[sync]`` checked: https (verified) anywhere, plain http only to this machine
    unless ``allow_insecure_http`` says otherwise (the password would travel readable)."""
    import ipaddress
    import urllib.parse

    _check_table(probe, "sync", table, _SYNC_CHECKS)
    if "url" not in table:
        raise probe.error('sync.url is missing (e.g. url = "https://dav.example.org/")', ("sync",))
    url = table["url"].strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise probe.error(f"sync.url must be an http(s) address, not {url!r}", ("sync", "url"))
    insecure = table.get("allow_insecure_http", False)
    if parts.scheme == "http" and not insecure:
        host = parts.hostname
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise probe.error(
                f"sync.url {url!r} is plain http to another machine: use https, or set "
                "allow_insecure_http = true",
                ("sync", "url"),
            )
    calendar = table.get("calendar", "flowday").strip()
    reflections_calendar = table.get("reflections_calendar", "flowday-reflections").strip()
    if reflections_calendar == calendar:
        raise probe.error(
            f"sync.reflections_calendar must not be the plan's calendar {calendar!r}: "
            "reflections are personal and go to a collection of their own",
            ("sync", "reflections_calendar"),
        )
    subscribe = tuple(dict.fromkeys(name.strip() for name in table.get("subscribe", [])))
    for name in subscribe:
        if name in (calendar, reflections_calendar):
            raise probe.error(
                f"sync.subscribe names {name!r}, which flowday syncs both ways already",
                ("sync", "subscribe"),
            )
    return SyncSettings(
        url=url,
        user=table.get("user", ""),
        password_cmd=table.get("password_cmd", ""),
        calendar=calendar,
        allow_insecure_http=insecure,
        every=_duration(table.get("every")) or 0,
        reflections=table.get("reflections", True),
        reflections_calendar=reflections_calendar,
        subscribe=subscribe,
    )


def _minutes(limit: int) -> tuple[str, Any]:
    def valid(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit

    return f"minutes, 0-{limit}", valid


_REMINDER_CHECKS: dict[str, tuple[str, Any]] = {
    "enabled": ("true or false", lambda v: isinstance(v, bool)),
    "before": _minutes(240),
    "work": _minutes(240), "personal": _minutes(240), "break": _minutes(240),
    "quiet": ("a time range like \"22:00-07:00\" (it may wrap midnight), or \"\"",
              lambda v: isinstance(v, str) and (v == "" or _is_quiet(v))),
    "window_end": ("true or false", lambda v: isinstance(v, bool)),
    "off_time": ("true or false", lambda v: isinstance(v, bool)),
}  # fmt: skip


def _is_quiet(text: str) -> bool:
    start, _, end = text.partition("-")
    return _is_clock(start.strip()) and _is_clock(end.strip()) and start.strip() != end.strip()


def _reminder_settings(probe: Config, table: dict[str, Any]) -> ReminderSettings:
    """``[reminders]``: minutes before a block (per sphere: 0 is off), quiet hours."""
    _check_table(probe, "reminders", table, _REMINDER_CHECKS)
    default = ReminderSettings()
    before = table.get("before", default.before)
    quiet_text = table.get("quiet")
    quiet = default.quiet
    if quiet_text is not None:
        start, _, end = quiet_text.partition("-")
        quiet = None if not quiet_text else (parse_clock(start.strip()), parse_clock(end.strip()))
    return ReminderSettings(
        enabled=table.get("enabled", default.enabled),
        before=before,
        by_sphere=tuple((s, table[s]) for s in ("work", "personal", "break") if s in table),
        quiet=quiet,
        window_end=table.get("window_end", default.window_end),
        off_time=table.get("off_time", default.off_time),
    )


_MODE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_MODE_KEYS = ("description", "extends", "planning_hours", "rules")


def _mode_settings(probe: Config, tables: dict[str, Any]) -> Mapping[str, ModeSettings]:
    """Each ``[modes.NAME]`` table, checked on its own (how they compose is
    :func:`flowday.domain.modes.build_modes`' business)."""
    known = set(tables) | set(BUILTIN_MODES)
    modes: dict[str, ModeSettings] = {}
    for name, table in tables.items():
        if not _MODE_NAME.match(str(name)):
            raise probe.error(
                f"modes.{name}: a mode name uses letters, digits, '-' and '_' (at most 40)",
                ("modes", name),
            )
        modes[name] = _one_mode(probe, name, table, known)
    return MappingProxyType(modes)


def _one_mode(probe: Config, name: str, table: Any, known: set[str]) -> ModeSettings:
    where = ("modes", name)
    if not isinstance(table, dict):
        raise probe.error(f"modes.{name} must be a table ([modes.{name}])", where)
    for key in table:
        if key not in _MODE_KEYS:
            raise probe.error(
                f"modes.{name}: unknown setting {key!r} (use {', '.join(_MODE_KEYS)})",
                (*where, key),
            )

    extends = table.get("extends")
    if "extends" in table and (not isinstance(extends, str) or extends not in known):
        raise probe.error(f"modes.{name}: extends names no mode ({extends!r})", (*where, "extends"))

    description = table.get("description")
    if "description" in table and not isinstance(description, str):
        raise probe.error(f"modes.{name}: description must be text", (*where, "description"))

    planning: tuple[int, int] | None = None
    if "planning_hours" in table:
        try:
            planning = parse_span(str(table["planning_hours"]))
        except FlowdayError as exc:
            raise probe.error(
                f"modes.{name}.planning_hours: {exc}", (*where, "planning_hours")
            ) from None

    rules_table = table.get("rules", {})
    if not isinstance(rules_table, dict):
        raise probe.error(
            f"modes.{name}.rules must be a table ([modes.{name}.rules])", (*where, "rules")
        )
    rules = tuple(
        _rule_setting(probe, name, rule_id, value) for rule_id, value in rules_table.items()
    )
    return ModeSettings(name, description, extends, planning, rules)


def _rule_setting(probe: Config, mode: str, rule_id: str, value: Any) -> RuleSetting:
    where = ("modes", mode, "rules", rule_id)
    if rule_id not in RULES:
        raise probe.error(
            f"modes.{mode}: unknown rule {rule_id!r} (rules: {', '.join(RULES)})", where
        )
    if value is False:
        if rule_id == SHARED.rule:
            raise probe.error(f"modes.{mode}: no-overlap is part of every mode", where)
        return RuleSetting(rule_id, enabled=False)
    if value is True:
        value = {}
    if not isinstance(value, dict):
        raise probe.error(
            f"modes.{mode}.rules.{rule_id}: use true, false or a table of parameters "
            "(e.g. { minutes = 30 })",
            where,
        )
    known = {p.name: p for p in RULES[rule_id].params}
    severity: Severity | None = None
    params: dict[str, int] = {}
    for key, item in value.items():
        if key == "severity":
            if item not in ("error", "warning"):
                raise probe.error(
                    f'modes.{mode}.rules.{rule_id}.severity must be "error" or "warning"',
                    (*where, key),
                )
            severity = Severity(item)
            if rule_id == SHARED.rule and severity is not Severity.ERROR:
                raise probe.error(
                    f"modes.{mode}.rules.no-overlap: blocks never overlap (always an error)",
                    (*where, key),
                )
            continue
        if key not in known:
            takes = ", ".join(["severity", *known]) if known else "severity only"
            raise probe.error(
                f"modes.{mode}.rules.{rule_id}: unknown parameter {key!r} ({rule_id} takes "
                f"{takes})",
                (*where, key),
            )
        try:
            params[key] = known[key].parse(item)
        except ValueError as exc:
            raise probe.error(
                f"modes.{mode}.rules.{rule_id}.{key}: {item!r} is not {exc}", (*where, key)
            ) from None
    return RuleSetting(rule_id, True, severity, MappingProxyType(params))


def _as_list(probe: Config, value: Any, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise probe.error(f"{key} must be a list", (key,))
    return value


def _weekday_index(probe: Config, name: Any, path: KeyPath) -> int:
    word = str(name).strip().lower()
    if len(word) >= 3:
        for index, day in enumerate(WEEKDAYS):
            if day.startswith(word):
                return index
    raise probe.error(f"{name!r} is not a weekday", path)


# --- which line sets which key ----------------------------------------------------------


class _StopScan(Exception):
    """Text the scanner does not follow: it keeps the keys found so far."""


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def key_lines(text: str) -> dict[KeyPath, int]:
    """The line (1-based) that sets each key of a TOML document, by its full path. Keys are
    read as TOML reads them, so a key's name in a comment or inside a string never counts,
    and ``end`` under ``[modes.a.rules]`` is not ``end`` under ``[modes.b.rules]``. Table
    headers, dotted keys (``a.b = 1``), inline tables and array items (by index) are all
    found; a table made only implicitly gets the line of its first key.

    The text has already parsed as TOML; should the scanner still meet something it does
    not follow, it keeps what it found (a message then names a less precise line)."""
    scanner = _KeyScanner(text)
    with contextlib.suppress(_StopScan, ValueError, IndexError):
        scanner.document()
    return {**scanner.implicit, **scanner.explicit}


class _KeyScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.explicit: dict[KeyPath, int] = {}
        self.implicit: dict[KeyPath, int] = {}  # parents of dotted keys and of table headers

    # characters
    def at(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def starts(self, prefix: str) -> bool:
        return self.text.startswith(prefix, self.pos)

    def advance(self, count: int = 1) -> None:
        self.line += self.text.count("\n", self.pos, self.pos + count)
        self.pos += count

    def skip_blanks(self, *, newlines: bool) -> None:
        """Spaces and comments (and line ends, where the grammar allows them)."""
        while self.pos < len(self.text):
            char = self.at()
            if char in " \t\r" or (newlines and char == "\n"):
                self.advance()
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return

    def expect(self, char: str) -> None:
        if self.at() != char:
            raise _StopScan
        self.advance()

    def mark(self, path: KeyPath, line: int) -> None:
        self.explicit.setdefault(path, line)
        for length in range(1, len(path)):
            self.implicit.setdefault(path[:length], line)

    # the grammar
    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_blanks(newlines=True)
            if self.pos >= len(self.text):
                return
            line = self.line
            if self.at() == "[":
                double = self.starts("[[")  # an array of tables: its items share one path
                self.advance(2 if double else 1)
                table = self.key()
                self.expect("]")
                if double:
                    self.expect("]")
                self.mark(table, line)
            else:
                path = (*table, *self.key())
                self.expect("=")
                self.mark(path, line)
                self.value(path)
            self.skip_blanks(newlines=False)
            if self.pos < len(self.text):
                self.expect("\n")

    def key(self) -> KeyPath:
        """A dotted key, each part bare, "quoted" or 'literal'; the blanks after it too."""
        parts: list[str | int] = []
        while True:
            self.skip_blanks(newlines=False)
            if self.at() == '"':
                parts.append(self.basic_string())
            elif self.at() == "'":
                end = self.text.index("'", self.pos + 1)
                parts.append(self.text[self.pos + 1 : end])
                self.advance(end + 1 - self.pos)
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    raise _StopScan
                parts.append(match[0])
                self.advance(len(match[0]))
            self.skip_blanks(newlines=False)
            if self.at() != ".":
                return tuple(parts)
            self.advance()

    def basic_string(self) -> str:
        """A one-line "..." string, its escapes decoded (a quoted key is compared by them)."""
        self.advance()
        chars: list[str] = []
        while self.at() != '"':
            char = self.at()
            if char in ("", "\n"):
                raise _StopScan
            if char == "\\":
                code = self.at(1)
                if code in ("u", "U"):
                    width = 4 if code == "u" else 8
                    chars.append(chr(int(self.text[self.pos + 2 : self.pos + 2 + width], 16)))
                    self.advance(2 + width)
                    continue
                chars.append(_ESCAPES.get(code, code))
                self.advance(2)
                continue
            chars.append(char)
            self.advance()
        self.advance()
        return "".join(chars)

    def value(self, path: KeyPath) -> None:
        self.skip_blanks(newlines=False)
        char = self.at()
        if self.starts('"""') or self.starts("'''"):
            self.multiline_string(self.text[self.pos : self.pos + 3])
        elif char == '"':
            self.basic_string()
        elif char == "'":
            end = self.text.index("'", self.pos + 1)
            self.advance(end + 1 - self.pos)
        elif char == "{":
            self.advance()
            while True:
                self.skip_blanks(newlines=True)
                if self.at() == "}":
                    self.advance()
                    return
                line = self.line
                inner = (*path, *self.key())
                self.expect("=")
                self.mark(inner, line)
                self.value(inner)
                self.skip_blanks(newlines=True)
                if self.at() == ",":
                    self.advance()
        elif char == "[":
            self.advance()
            index = 0
            while True:
                self.skip_blanks(newlines=True)
                if self.at() == "]":
                    self.advance()
                    return
                self.mark((*path, index), self.line)
                self.value((*path, index))
                index += 1
                self.skip_blanks(newlines=True)
                if self.at() == ",":
                    self.advance()
        else:  # a number, boolean or date: up to what ends a value
            start = self.pos
            while self.at() not in ("", ",", "]", "}", "\n", "#"):
                self.advance()
            if self.pos == start:
                raise _StopScan

    def multiline_string(self, quotes: str) -> None:
        self.advance(3)
        while not self.starts(quotes):
            if self.pos >= len(self.text):
                raise _StopScan
            # in a basic string a backslash escapes the next character (maybe a quote)
            self.advance(2 if quotes == '"""' and self.at() == "\\" else 1)
        self.advance(3)
        for _ in range(2):  # up to two quotes right before the closing three are content
            if self.at() == quotes[0]:
                self.advance()
