"""Reminders: what is due at a moment of a day, each with a key so it is said once.

Pure: the planner asks every half minute with the injected clock's minute and the keys it
has said already; nothing here waits or remembers. Three kinds:
- ``start:<block>``: a block starts within its sphere's lead (``[reminders]``), unless
  the block's reminder is off or it is done/skipped;
- ``window-end:<date>``: the work window ends on a balance-like day (work inside the
  window is a rule of its mode) that had work;
- ``off-time:<block>``: a work block runs into the protected off-time (integration-like
  days: the mode has ``protected-off-time``).
None in the quiet hours."""

from __future__ import annotations

from collections.abc import Collection

from flowday.domain.frozen import Record, define
from flowday.domain.model import Outcome, Sphere
from flowday.domain.rules import DayContext
from flowday.domain.settings import ReminderSettings
from flowday.domain.text import shown
from flowday.domain.wallclock import fmt_minutes

WINDOW_END_GRACE = 30  # minutes after the window's end it is still worth saying


@define(slots=True)
class Reminder(Record):
    key: str  # said once per key
    title: str
    message: str


def due_reminders(
    ctx: DayContext, minute: int, settings: ReminderSettings, said: Collection[str] = ()
) -> list[Reminder]:
    """The reminders due at wall-clock ``minute`` of ``ctx``'s day, not yet ``said``."""
    if not settings.enabled or settings.is_quiet(minute):
        return []
    found: list[Reminder] = []
    rules = {use.rule: use for use in ctx.rules or ()}
    for block in sorted(ctx.blocks, key=lambda b: (b.start, b.id)):
        if block.outcome is not Outcome.PLANNED:
            continue
        lead = settings.lead(block.sphere.value)
        if block.remind and lead and block.start - lead <= minute < block.start:
            found.append(Reminder(
                f"start:{block.id}", "Starting soon",
                f"{shown(block.title)} starts at {fmt_minutes(block.start)} "
                f"(in {block.start - minute} min)",
            ))  # fmt: skip
        off = rules.get("protected-off-time")
        if settings.off_time and off is not None and block.sphere is Sphere.WORK:
            off_start = off.params.get("start", 21 * 60)
            if block.start < off_start < block.end and off_start <= minute < block.end:
                found.append(Reminder(
                    f"off-time:{block.id}", "Protected off-time",
                    f"{shown(block.title)} runs into your off-time "
                    f"(from {fmt_minutes(off_start)}): time to stop",
                ))  # fmt: skip
    has_work = any(b.sphere is Sphere.WORK for b in ctx.blocks)
    if (
        settings.window_end and "work-inside-window" in rules and has_work
        and ctx.work_end <= minute < ctx.work_end + WINDOW_END_GRACE
    ):  # fmt: skip
        found.append(Reminder(
            f"window-end:{ctx.date.to_date_string()}", "End of the work day",
            f"The work window ended at {fmt_minutes(ctx.work_end)}: time to switch to home mode",
        ))  # fmt: skip
    return [r for r in found if r.key not in said]
