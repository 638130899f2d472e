"""The settings the domain reads, typed: ``[reflection]`` and each ``[modes.NAME]`` table.

:mod:`flowday.config` parses and checks ``config.toml`` once and builds these (the domain
does not import the config module); everything after that only reads their fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from flowday.domain.frozen import Record, define, field
from flowday.domain.rules import Severity

DEFAULT_BALANCE_AFTER = 15  # minutes after the work window ends
DEFAULT_INTEGRATION_AT = 20 * 60 + 30
MIN_REFLECTED_DAYS = 5  # per mode, before any comparison is made


@define(slots=True)
class ReflectionSettings(Record):
    """``[reflection]``: when the evening prompt opens, and when modes are compared."""

    enabled: bool = True  # False: the prompt never opens by itself
    balance_after: int = DEFAULT_BALANCE_AFTER  # minutes after the window, non-integration days
    integration_at: int = DEFAULT_INTEGRATION_AT  # wall-clock minute, on integration days
    min_days: int = MIN_REFLECTED_DAYS  # reflected days per mode before comparing (>= 2)
    shutdown_block: bool = True  # the completed shutdown ritual is added to today as a block


@define(slots=True)
class ReminderSettings(Record):
    """``[reminders]``: a reminder ``before`` minutes ahead of a block (per sphere: 0 is
    off), at the end of the work window on balance days, when work runs into protected
    off-time on integration days; none in the ``quiet`` hours (start, end; may wrap)."""

    enabled: bool = True
    before: int = 5
    by_sphere: tuple[tuple[str, int], ...] = ()  # (sphere, minutes) that differ from before
    quiet: tuple[int, int] | None = (22 * 60, 7 * 60)
    window_end: bool = True
    off_time: bool = True

    def lead(self, sphere: str) -> int:
        return dict(self.by_sphere).get(sphere, self.before)

    def is_quiet(self, minute: int) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        return start <= minute < end if start < end else minute >= start or minute < end


@define(slots=True)
class RuleSetting(Record):
    """One entry of ``[modes.NAME.rules]``, its values parsed (minutes, times, counts)."""

    rule: str
    enabled: bool = True  # ``rule = false`` drops the rule from the mode
    severity: Severity | None = None  # None: the severity the mode already gives it
    params: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))


@define(slots=True)
class ModeSettings(Record):
    """One ``[modes.NAME]`` table; None means "not set" (inherited or the default)."""

    name: str
    description: str | None = None
    extends: str | None = None
    planning: tuple[int, int] | None = None  # planning_hours as wall-clock minutes
    rules: tuple[RuleSetting, ...] = ()  # in the file's order
