"""The rules engine: small rules composed into modes (balance, integration, your own).

Foundation version: the one rule every mode shares, "blocks do not overlap". The full
engine (issue 3) composes more rules behind the same :func:`evaluate` entry point.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pendulum

from flowday.domain.model import Block
from flowday.domain.timeparse import Zone


class Severity(StrEnum):
    ERROR = "error"  # hard: refused unless forced
    WARNING = "warning"  # soft: reported, never blocks


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    severity: Severity
    message: str
    blocks: tuple[str, ...] = ()

    @property
    def is_hard(self) -> bool:
        return self.severity is Severity.ERROR

    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.rule, tuple(sorted(self.blocks)))

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "blocks": list(self.blocks),
        }


@dataclass(frozen=True, slots=True)
class DayContext:
    """Everything a rule may look at: one day, its mode and window, its blocks."""

    date: pendulum.Date
    mode: str
    work_start: int
    work_end: int
    blocks: tuple[Block, ...]
    tz: Zone
    working_day: bool = True


def describe(block: Block) -> str:
    return f"{block.sphere.value.capitalize()} block '{block.title}' {block.span}"


def no_overlap(ctx: DayContext) -> list[Violation]:
    found: list[Violation] = []
    ordered = sorted(ctx.blocks, key=lambda b: (b.start, b.end, b.id))
    for index, block in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other.start >= block.end:
                break
            found.append(
                Violation(
                    "no-overlap",
                    Severity.ERROR,
                    f"'{block.title}' {block.span} (id {block.id}) and "
                    f"'{other.title}' {other.span} (id {other.id}) overlap",
                    (block.id, other.id),
                )
            )
    return found


def evaluate(ctx: DayContext) -> list[Violation]:
    return no_overlap(ctx)


def new_hard_violations(before: list[Violation], after: list[Violation]) -> list[Violation]:
    """Hard violations a change would add (those already there are not the change's fault)."""
    existing = {v.key() for v in before}
    return [v for v in after if v.is_hard and v.key() not in existing]
