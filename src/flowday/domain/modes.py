"""Modes: rules composed with parameters. Two built in, any number from the config.

    [modes.balance.rules]                  # tune a built-in mode
    transition-buffer = { minutes = 30 }

    [modes.school-run]                     # or define your own
    description = "A little boundary here, a little flexibility there"
    extends = "balance"                    # start from a mode's rules (default: none)
    planning_hours = "06:30-22:00"         # where `flowday plan` may place tasks
    [modes.school-run.rules]
    personal-outside-window = false        # drop a rule
    work-outside-limit = { minutes = 20 }  # add one, with parameters
    min-block = true                       # add one with its defaults
    max-stretch = { minutes = "2h", severity = "error" }  # and make it hard

``no-overlap`` is part of every mode. Any mistake is a :class:`ConfigError` naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from flowday.domain.errors import FlowdayError
from flowday.domain.rules import RULES, SHARED, RuleUse, Severity
from flowday.domain.timeparse import WEEKDAYS, parse_span
from flowday.domain.wallclock import fmt_minutes

DEFAULT_PLANNING = (7 * 60, 22 * 60)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_MODE_KEYS = ("description", "extends", "planning_hours", "rules")


@dataclass(frozen=True, slots=True)
class Mode:
    name: str
    description: str
    rules: tuple[RuleUse, ...]
    planning_start: int = DEFAULT_PLANNING[0]  # the scheduler places tasks in here
    planning_end: int = DEFAULT_PLANNING[1]

    def use(self, rule_id: str) -> RuleUse | None:
        return next((u for u in self.rules if u.rule == rule_id), None)


def _uses(*entries: str | tuple[str, dict[str, int]]) -> tuple[RuleUse, ...]:
    uses = [SHARED]
    for entry in entries:
        rule_id, params = (entry, {}) if isinstance(entry, str) else entry
        uses.append(RULES[rule_id].use(**params))
    return tuple(uses)


BALANCE = Mode(
    "balance",
    "Balance draws lines: fixed working hours, work inside them, personal time outside.",
    _uses(
        "work-inside-window",
        "personal-outside-window",
        "no-work-on-days-off",
        "fixed-hours",
        "transition-buffer",
        "plan-evening",
    ),
)
INTEGRATION = Mode(
    "integration",
    "Integration draws connections: the window moves to fit life, within limits.",
    _uses(
        "work-outside-limit",
        "max-work",
        "protected-off-time",
        "max-stretch",
        "max-switches",
        "min-block",
    ),
)
BUILTIN_MODES: dict[str, Mode] = {BALANCE.name: BALANCE, INTEGRATION.name: INTEGRATION}


class ConfigLike(Protocol):
    """What :func:`build_modes` needs from :class:`flowday.config.Config` (the domain does
    not import the config module)."""

    @property
    def modes(self) -> dict[str, Any]: ...  # read-only: Config is a frozen dataclass
    @property
    def week_modes(self) -> tuple[str, ...]: ...

    def error(self, message: str, needle: str | None = None, after: Sequence[str] = ()) -> Any: ...


def build_modes(config: ConfigLike) -> dict[str, Mode]:
    """The built-in modes, tuned and extended by the config's ``[modes.*]`` tables; checks
    that every mode named in ``[week]`` exists."""
    tables: Mapping[str, Any] = config.modes or {}
    modes = dict(BUILTIN_MODES)
    resolving: list[str] = []

    def build(name: str) -> Mode:
        if name in resolving:
            chain = " → ".join([*resolving, name])
            raise config.error(f"modes.{name}: 'extends' goes round in a circle ({chain})",
                               "extends", (f"modes.{name}",))  # fmt: skip
        if name not in tables:
            return modes[name]
        resolving.append(name)
        try:
            mode = _build_one(config, name, tables[name], build)
        finally:
            resolving.pop()
        modes[name] = mode
        return mode

    built: set[str] = set()
    for name in tables:
        if not _NAME.match(str(name)):
            raise config.error(
                f"modes.{name}: a mode name uses letters, digits, '-' and '_' (at most 40)",
                str(name),
            )
        if name not in built:
            build(name)
            built.add(name)

    for day_index, mode_name in enumerate(config.week_modes):
        if mode_name not in modes:
            raise config.error(
                f"week.{WEEKDAYS[day_index]}: unknown mode {mode_name!r} "
                f"(modes: {', '.join(modes)})",
                f'"{mode_name}"',
                ("week",),
            )
    return modes


def _build_one(config: ConfigLike, name: str, table: Any, build: Any) -> Mode:
    where = (f"modes.{name}",)

    def fail(message: str, needle: str, *after: str) -> FlowdayError:
        error: FlowdayError = config.error(message, needle, (*where, *after))
        return error

    if not isinstance(table, dict):
        raise fail(f"modes.{name} must be a table ([modes.{name}])", f"modes.{name}")
    for key in table:
        if key not in _MODE_KEYS:
            raise fail(f"modes.{name}: unknown setting {key!r} (use {', '.join(_MODE_KEYS)})", key)

    base: Mode | None = None
    if "extends" in table:
        parent = table["extends"]
        if not isinstance(parent, str) or (
            parent not in config.modes and parent not in BUILTIN_MODES
        ):
            raise fail(f"modes.{name}: extends names no mode ({parent!r})", "extends")
        # a built-in tuned under its own name extends the original
        same = parent == name and name in BUILTIN_MODES
        base = BUILTIN_MODES[parent] if same else build(parent)
    elif name in BUILTIN_MODES:
        base = BUILTIN_MODES[name]  # tuning a built-in mode keeps its rules

    description = table.get("description", base.description if base else f"Your mode {name}.")
    if not isinstance(description, str):
        raise fail(f"modes.{name}: description must be text", "description")

    planning = (base.planning_start, base.planning_end) if base else DEFAULT_PLANNING
    if "planning_hours" in table:
        try:
            planning = parse_span(str(table["planning_hours"]))
        except FlowdayError as exc:
            raise fail(f"modes.{name}.planning_hours: {exc}", "planning_hours") from None

    uses: dict[str, RuleUse] = {u.rule: u for u in (base.rules if base else (SHARED,))}
    rules_table = table.get("rules", {})
    if not isinstance(rules_table, dict):
        raise fail(f"modes.{name}.rules must be a table ([modes.{name}.rules])", "rules")
    for rule_id, value in rules_table.items():
        if rule_id not in RULES:
            raise fail(
                f"modes.{name}: unknown rule {rule_id!r} (rules: {', '.join(RULES)})", rule_id
            )
        if value is False:
            if rule_id == SHARED.rule:
                raise fail(f"modes.{name}: no-overlap is part of every mode", rule_id)
            uses.pop(rule_id, None)
            continue
        if value is True:
            value = {}
        if not isinstance(value, dict):
            raise fail(
                f"modes.{name}.rules.{rule_id}: use true, false or a table of parameters "
                "(e.g. { minutes = 30 })",
                rule_id,
            )
        uses[rule_id] = _rule_use(config, name, rule_id, value, uses.get(rule_id), fail)

    ordered = tuple(sorted(uses.values(), key=lambda u: list(RULES).index(u.rule)))
    return Mode(name, description, ordered, *planning)


def _rule_use(
    config: ConfigLike,
    mode: str,
    rule_id: str,
    table: dict[str, Any],
    current: RuleUse | None,
    fail: Any,
) -> RuleUse:
    rule = RULES[rule_id]
    use = current or rule.use()
    params = dict(use.params)
    severity = use.severity
    known = {p.name: p for p in rule.params}
    for key, value in table.items():
        if key == "severity":
            if value not in ("error", "warning"):
                raise fail(
                    f"modes.{mode}.rules.{rule_id}.severity must be \"error\" or \"warning\"",
                    "severity", rule_id,
                )  # fmt: skip
            severity = Severity(value)
            if rule_id == SHARED.rule and severity is not Severity.ERROR:
                raise fail(
                    f"modes.{mode}.rules.no-overlap: blocks never overlap (always an error)",
                    "severity", rule_id,
                )  # fmt: skip
            continue
        if key not in known:
            takes = ", ".join(["severity", *known]) if known else "severity only"
            raise fail(
                f"modes.{mode}.rules.{rule_id}: unknown parameter {key!r} ({rule_id} takes "
                f"{takes})",
                key, rule_id,
            )  # fmt: skip
        try:
            params[key] = known[key].parse(value)
        except ValueError as exc:
            raise fail(
                f"modes.{mode}.rules.{rule_id}.{key}: {value!r} is not {exc}", key, rule_id
            ) from None
    if rule_id == "plan-evening" and params["end"] <= params["start"]:
        raise fail(
            f"modes.{mode}.rules.plan-evening: the evening must end after it starts "
            f"({fmt_minutes(params['start'])}-{fmt_minutes(params['end'])})",
            "end", rule_id,
        )  # fmt: skip
    return replace(use, severity=severity, params=params)
