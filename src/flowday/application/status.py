"""``flowday next``: the one line a status bar shows — the block under way (minutes left)
or the next one today (minutes until), its sphere, the day's mode, and a mark when a hard
rule of the day is broken. Done and skipped blocks are over."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from flowday.application.planner import Planner
from flowday.domain.model import Block, Outcome
from flowday.domain.text import shown
from flowday.domain.timeparse import fmt_duration, instant
from flowday.domain.wallclock import fmt_minutes

BROKEN_MARK = "!"


@dataclass(frozen=True)
class Status:
    state: Literal["now", "next", "free"]  # a block under way, the next one, nothing left
    mode: str
    block: Block | None = None
    minutes: int = 0  # left (now) or until (next), in real minutes
    broken: int = 0  # hard rules the day breaks now

    def line(self) -> str:
        mark = f" {BROKEN_MARK}" if self.broken else ""
        if self.block is None:
            return f"free · {self.mode}{mark}"
        title = shown(self.block.title)
        when = (
            f"{fmt_duration(self.minutes)} left"
            if self.state == "now"
            else f"in {fmt_duration(self.minutes)}"
        )
        return f"{self.block.sphere.glyph} {title} · {when} · {self.mode}{mark}"

    def to_dict(self) -> dict[str, Any]:
        block = self.block
        return {
            "text": self.line(),
            "state": self.state,
            "mode": self.mode,
            "minutes": self.minutes,
            "broken": self.broken,
            "block": None
            if block is None
            else {
                "id": block.id,
                "title": block.title,
                "sphere": block.sphere.value,
                "glyph": block.sphere.glyph,
                "start": fmt_minutes(block.start),
                "end": fmt_minutes(block.end),
            },
        }


def status_now(planner: Planner) -> Status:
    now = planner.now()
    date = now.date()
    day, violations = planner.check(date)
    mode = planner.mode_of(day)
    broken = sum(1 for v in violations if v.is_hard)
    minute = now.hour * 60 + now.minute
    tz = planner.config.timezone
    open_blocks = sorted(
        (b for b in planner.store.blocks_on(date) if b.outcome is Outcome.PLANNED),
        key=lambda b: (b.start, b.end),
    )
    for block in open_blocks:
        if block.start <= minute < block.end:
            left = instant(date, block.end, tz, exact=False) - now
            return Status("now", mode, block, max(0, int(left.total_seconds() // 60)), broken)
    for block in open_blocks:
        if block.start > minute:
            until = instant(date, block.start, tz, exact=False) - now
            return Status("next", mode, block, max(0, -int(-until.total_seconds() // 60)), broken)
    return Status("free", mode, broken=broken)
