"""The optional ritual at a switch: when the clock crosses from work into personal time,
the planner offers one line — park what is still on your mind in the inbox — so a lingering
work thought leaves the head without leaving the system. No Textual here.

Offered once per switch per run, from the moment work ends until a little after personal
time begins; the screen shows it only when the planner is idle (as it does reminders), and
not at all when reminders are turned off (``[reminders] enabled = false``).
"""

from __future__ import annotations

from flowday.application.planner import Planner
from flowday.domain.rules import day_switches
from flowday.domain.transitions import WORK_TO_PERSONAL, Switch

GRACE_MINUTES = 15  # after personal time begins, the offer still makes sense this long


class SwitchRitual:
    """Asked every half minute or so by an open planner: the work → personal switch that
    the clock is crossing now and that was not offered yet, else None."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.offered: set[tuple[str, str, str]] = set()

    def due(self) -> Switch | None:
        if not self.planner.config.reminders.enabled:
            return None
        now = self.planner.now()
        today, minute = now.date(), now.hour * 60 + now.minute
        day = self.planner.store.day(today)
        ctx = self.planner.context(day, self.planner.store.blocks_on(today))
        for switch in day_switches(ctx):
            if switch.direction != WORK_TO_PERSONAL:
                continue
            if not switch.start <= minute < switch.at + GRACE_MINUTES:
                continue
            key = (today.to_date_string(), switch.left.id, switch.entered.id)
            if key not in self.offered:
                self.offered.add(key)
                return switch
        return None
