"""Modes: rules composed with parameters. Two built in, any number from the config.

    [modes.balance.rules]                  # tune a built-in mode
    transition-buffer = { minutes = 30 }  # the buffer after work (see domain.transitions)

    [modes.school-run]                     # or define your own
    description = "A little boundary here, a little flexibility there"
    extends = "balance"                    # start from a mode's rules (default: none)
    planning_hours = "06:30-22:00"         # where `flowday plan` may place tasks
    [modes.school-run.rules]
    personal-outside-window = false        # drop a rule
    work-outside-limit = { minutes = 20 }  # add one, with parameters
    min-block = true                       # add one with its defaults
    max-stretch = { minutes = "2h", severity = "error" }  # and make it hard

``no-overlap`` is part of every mode. :mod:`flowday.config` parses these tables into
:class:`~flowday.domain.settings.ModeSettings`; any mistake is a ``ConfigError`` naming the line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flowday.domain.errors import FlowdayError
from flowday.domain.frozen import Record, define, replace
from flowday.domain.rules import RULES, SHARED, RuleUse
from flowday.domain.settings import ModeSettings
from flowday.domain.transitions import AFTER_LONG_WORK, AFTER_WORK, BEFORE_WORK, LONG_WORK, Buffers
from flowday.domain.wallclock import fmt_minutes

DEFAULT_PLANNING = (7 * 60, 22 * 60)


@define(slots=True)
class Mode(Record):
    name: str
    description: str
    rules: tuple[RuleUse, ...]
    planning_start: int = DEFAULT_PLANNING[0]  # the scheduler places tasks in here
    planning_end: int = DEFAULT_PLANNING[1]

    def use(self, rule_id: str) -> RuleUse | None:
        return next((u for u in self.rules if u.rule == rule_id), None)

    @property
    def buffers(self) -> Buffers:
        """The free time the mode keeps at switches between work and personal: the
        ``transition-buffer`` rule's parameters (none without the rule)."""
        use = self.use("transition-buffer")
        return Buffers.from_params(None if use is None else use.params)


def _uses(*entries: str | tuple[str, dict[str, int]]) -> tuple[RuleUse, ...]:
    uses = [SHARED]
    for entry in entries:
        rule_id, params = (entry, {}) if isinstance(entry, str) else entry
        uses.append(RULES[rule_id].use(None, **params))
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
        # the weave's seams: a short breath either way, longer after deep work
        ("transition-buffer", {AFTER_WORK: 5, BEFORE_WORK: 5, AFTER_LONG_WORK: 15, LONG_WORK: 120}),
    ),
)
BUILTIN_MODES: dict[str, Mode] = {BALANCE.name: BALANCE, INTEGRATION.name: INTEGRATION}


class ModeError(FlowdayError):
    """A mode cannot be composed from its settings; ``path`` is the config key to blame
    (the config module turns it into a line of the file)."""

    exit_code = 2

    def __init__(self, message: str, path: tuple[str, ...]) -> None:
        super().__init__(message)
        self.path = path


def build_modes(settings: Mapping[str, ModeSettings]) -> dict[str, Mode]:
    """The built-in modes, tuned and extended by the config's ``[modes.*]`` tables (already
    parsed and checked one by one by :mod:`flowday.config`). What only shows once modes are
    composed (an ``extends`` circle, an inherited evening that ends before it starts) is a
    :class:`ModeError`."""
    modes = dict(BUILTIN_MODES)
    resolving: list[str] = []

    def build(name: str) -> Mode:
        if name in resolving:
            chain = " → ".join([*resolving, name])
            raise ModeError(f"modes.{name}: 'extends' goes round in a circle ({chain})",
                            ("modes", name, "extends"))  # fmt: skip
        if name not in settings:
            return modes[name]
        resolving.append(name)
        try:
            mode = _build_one(settings[name], build)
        finally:
            resolving.pop()
        modes[name] = mode
        return mode

    built: set[str] = set()
    for name in settings:
        if name not in built:
            build(name)
            built.add(name)
    return modes


def _build_one(settings: ModeSettings, build: Callable[[str], Mode]) -> Mode:
    name = settings.name
    base: Mode | None = None
    if settings.extends is not None:
        # a built-in tuned under its own name extends the original
        same = settings.extends == name and name in BUILTIN_MODES
        base = BUILTIN_MODES[name] if same else build(settings.extends)
    elif name in BUILTIN_MODES:
        base = BUILTIN_MODES[name]  # tuning a built-in mode keeps its rules

    description = settings.description
    if description is None:
        description = base.description if base else f"Your mode {name}."
    planning = settings.planning
    if planning is None:
        planning = (base.planning_start, base.planning_end) if base else DEFAULT_PLANNING

    uses: dict[str, RuleUse] = {u.rule: u for u in (base.rules if base else (SHARED,))}
    for setting in settings.rules:
        if not setting.enabled:
            uses.pop(setting.rule, None)
            continue
        use = uses.get(setting.rule) or RULES[setting.rule].use()
        params = {**use.params, **setting.params}
        if setting.rule == "plan-evening" and params["end"] <= params["start"]:
            raise ModeError(
                f"modes.{name}.rules.plan-evening: the evening must end after it starts "
                f"({fmt_minutes(params['start'])}-{fmt_minutes(params['end'])})",
                ("modes", name, "rules", "plan-evening", "end"),
            )
        uses[setting.rule] = replace(use, severity=setting.severity or use.severity, params=params)

    ordered = tuple(sorted(uses.values(), key=lambda u: list(RULES).index(u.rule)))
    return Mode(name, description, ordered, *planning)
