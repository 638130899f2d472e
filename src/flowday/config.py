"""Settings from ``config.toml`` (user config dir; ``--config FILE`` / ``FLOWDAY_CONFIG``).

Pure Python (tomllib): read once per process, validated, every problem reported as one
line naming the file and, where TOML can tell, the line.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pendulum

from flowday.domain.errors import FlowdayError
from flowday.domain.timeparse import WEEKDAYS, Zone, parse_span
from flowday.domain.wallclock import parse_clock


class ConfigError(FlowdayError):
    """The configuration file cannot be used (exit status 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Config:
    # pendulum.tz's function, the same as pendulum.local_timezone: mypy can take that name
    # for the submodule pendulum.tz.local_timezone, depending on the order it reads modules
    timezone: Zone = field(default_factory=pendulum.tz.local_timezone)
    work_start: int = 9 * 60
    work_end: int = 17 * 60
    working_days: frozenset[int] = frozenset(range(5))  # Monday=0 .. Sunday=6
    week_modes: tuple[str, ...] = ("balance",) * 7  # mode per weekday, Monday first
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    reflection: dict[str, Any] = field(default_factory=dict)
    modes: dict[str, Any] = field(
        default_factory=dict
    )  # raw [modes.*] tables, for the rules engine
    source: Path | None = None
    lines: tuple[str, ...] = ()  # the file's text, so later checks can name the line

    def mode_for(self, date: pendulum.Date) -> str:
        return self.week_modes[date.weekday()]

    def is_working_day(self, date: pendulum.Date) -> bool:
        return date.weekday() in self.working_days

    def line_of(self, needle: str, after: Sequence[str] = ()) -> int | None:
        """The first line holding ``needle`` at or after the lines holding each of ``after``
        in turn (e.g. a parameter inside one rule of one mode); else its first line."""
        start = 0
        for marker in after:
            found = next(
                (i for i in range(start, len(self.lines)) if marker in self.lines[i]), None
            )
            if found is None:
                start = 0
                break
            start = found
        for number in range(start, len(self.lines)):
            if needle in self.lines[number]:
                return number + 1
        return self.line_of(needle) if start else None

    def error(
        self, message: str, needle: str | None = None, after: Sequence[str] = ()
    ) -> ConfigError:
        where = str(self.source) if self.source else "config"
        line = self.line_of(needle, after) if needle else None
        return ConfigError(f"{where}{f', line {line}' if line else ''}: {message}")


def default_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("flowday")) / "config.toml"


def config_path(explicit: str | os.PathLike[str] | None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get("FLOWDAY_CONFIG"):
        return Path(os.environ["FLOWDAY_CONFIG"])
    return default_config_path()


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    path = config_path(explicit)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"{path}: no such config file") from None
        return from_mapping({}, tz_env=os.environ.get("FLOWDAY_TZ"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return from_mapping(data, source=path, text=text, tz_env=os.environ.get("FLOWDAY_TZ"))


_KNOWN_KEYS = {
    "timezone", "work_hours", "working_days", "week", "theme", "keymap", "reflection", "modes",
}  # fmt: skip


def from_mapping(
    data: dict[str, Any],
    *,
    source: Path | None = None,
    text: str = "",
    tz_env: str | None = None,
) -> Config:
    probe = Config(source=source, lines=tuple(text.splitlines()))
    for key in data:
        if key not in _KNOWN_KEYS:
            raise probe.error(f"unknown setting {key!r}", key)

    zone_name = tz_env or data.get("timezone")
    timezone: Zone = pendulum.tz.local_timezone()
    if zone_name:
        try:
            timezone = pendulum.timezone(str(zone_name))
        except Exception:
            if tz_env:  # the value came from the environment, not from the file
                raise ConfigError(f"$FLOWDAY_TZ: unknown time zone {zone_name!r}") from None
            raise probe.error(f"unknown time zone {zone_name!r}", "timezone") from None

    work_start, work_end = probe.work_start, probe.work_end
    if "work_hours" in data:
        try:
            work_start, work_end = parse_span(str(data["work_hours"]))
        except FlowdayError as exc:
            raise probe.error(f"work_hours: {exc}", "work_hours") from None

    working_days = probe.working_days
    if "working_days" in data:
        working_days = frozenset(
            _weekday_index(probe, d) for d in _as_list(probe, data["working_days"], "working_days")
        )

    week = list(probe.week_modes)
    if "week" in data:
        table = data["week"]
        if not isinstance(table, dict):
            raise probe.error(
                '[week] must map weekdays to modes, e.g. friday = "integration"', "week"
            )
        for day_name, mode in table.items():
            if not isinstance(mode, str):
                raise probe.error(f"week.{day_name} must be a mode name", day_name)
            week[_weekday_index(probe, day_name)] = mode

    for table_name in ("keymap", "reflection", "modes"):
        if table_name in data and not isinstance(data[table_name], dict):
            raise probe.error(f"[{table_name}] must be a table", table_name)
    keymap = dict(data.get("keymap", {}))
    for binding_id, keys in keymap.items():
        if binding_id not in KEYMAP_IDS:
            raise probe.error(
                f"unknown binding id {binding_id!r} in [keymap] (the README lists them)",
                binding_id,
            )
        if not isinstance(keys, str) or not keys.strip():
            raise probe.error(
                f'keymap.{binding_id} must be keys in quotes, e.g. "n" or "n,ctrl+n"', binding_id
            )
    reflection = dict(data.get("reflection", {}))
    _check_reflection(probe, reflection)

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
        modes=dict(data.get("modes", {})),
        source=source,
        lines=tuple(text.splitlines()),
    )


# the planner's binding ids (listed in the README); a test keeps this list and the
# planner's BINDINGS the same, without the CLI having to import Textual to check a config
KEYMAP_IDS: tuple[str, ...] = (
    "select_next", "select_previous", "add_block", "add_task", "edit_block", "delete_block",
    "move_later", "move_earlier", "lengthen", "shorten", "undo", "redo", "previous_day",
    "next_day", "today", "goto_date", "switch_mode", "schedule_task", "plan_inbox",
    "set_hours", "import_calendar", "reflection", "weekly_review", "help", "quit",
)  # fmt: skip

_REFLECTION_CHECKS: dict[str, tuple[str, Any]] = {
    "enabled": ("true or false", lambda v: isinstance(v, bool)),
    "balance_after": ("minutes after the work window, 0-600",
                      lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 600),
    "integration_at": ("a time like \"20:30\"", lambda v: isinstance(v, str) and _is_clock(v)),
    "min_days": ("a whole number of days, at least 2",
                 lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 2),
}  # fmt: skip


def _is_clock(text: str) -> bool:
    try:
        parse_clock(text)
    except FlowdayError:
        return False
    return True


def _check_reflection(probe: Config, reflection: dict[str, Any]) -> None:
    for key, value in reflection.items():
        if key not in _REFLECTION_CHECKS:
            raise probe.error(f"unknown setting reflection.{key}", key)
        expected, valid = _REFLECTION_CHECKS[key]
        if not valid(value):
            raise probe.error(f"reflection.{key} must be {expected}, not {value!r}", key)


def _as_list(probe: Config, value: Any, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise probe.error(f"{key} must be a list", key)
    return value


def _weekday_index(probe: Config, name: Any) -> int:
    word = str(name).strip().lower()
    if len(word) >= 3:
        for index, day in enumerate(WEEKDAYS):
            if day.startswith(word):
                return index
    raise probe.error(f"{name!r} is not a weekday", str(name))
