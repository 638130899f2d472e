"""``flowday next``: the one line a status bar shows — the block under way (minutes left)
or the next one today (minutes until), its sphere, the day's mode, and a mark when a hard
rule of the day is broken. Done and skipped blocks are over. Computed here from the
planner; the status bar's fast path answers from the snapshot this leaves
(:mod:`flowday.application.statusbar`)."""

from __future__ import annotations

from typing import Any

from flowday.application.planner import Planner
from flowday.application.statusbar import BROKEN_MARK as BROKEN_MARK
from flowday.application.statusbar import Status, status_from
from flowday.domain.model import Outcome
from flowday.domain.timeparse import instant
from flowday.domain.wallclock import fmt_minutes


def snapshot_of(planner: Planner) -> dict[str, Any]:
    """Today as the status bar needs it: the mode, the hard rules broken, and the open
    blocks in time order with their real start and end instants (DST days included)."""
    date = planner.now().date()
    day, violations = planner.check(date)
    tz = planner.config.timezone
    open_blocks = sorted(
        (b for b in planner.store.blocks_on(date) if b.outcome is Outcome.PLANNED),
        key=lambda b: (b.start, b.end),
    )
    return {
        "date": date.to_date_string(),
        "tz": getattr(tz, "name", None),
        "mode": planner.mode_of(day),
        "broken": sum(1 for v in violations if v.is_hard),
        "blocks": [
            {
                "id": block.id,
                "title": block.title,
                "sphere": block.sphere.value,
                "glyph": block.sphere.glyph,
                "start": fmt_minutes(block.start),
                "end": fmt_minutes(block.end),
                "from": block.start,
                "to": block.end,
                "start_ts": instant(date, block.start, tz, exact=False).timestamp(),
                "end_ts": instant(date, block.end, tz, exact=False).timestamp(),
            }
            for block in open_blocks
        ],
    }


def status_now(planner: Planner) -> Status:
    return status_from(snapshot_of(planner), planner.now())
