"""Spans of minutes as ``(start, end)`` pairs (end exclusive): their union, and the gaps.

The scheduler's free slots, a day's longest stretch without work, shared availability and
free/busy all ask these two questions; they are answered here once. Pure, stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable

Interval = tuple[int, int]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union as disjoint intervals in time order: ones that overlap or touch join into
    one; empty ones (``end <= start``) are left out."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def gaps(busy: Iterable[Interval], start: int, end: int, min_length: int = 0) -> list[Interval]:
    """The parts of ``start``..``end`` that no interval of ``busy`` covers, in time order,
    each longer than zero and at least ``min_length`` long."""
    found: list[Interval] = []
    reached = start
    for busy_start, busy_end in merge(busy):
        if reached >= end:
            break
        if busy_start > reached:
            found.append((reached, min(busy_start, end)))
        reached = max(reached, busy_end)
    if reached < end:
        found.append((reached, end))
    return [(a, b) for a, b in found if b > a and b - a >= min_length]
