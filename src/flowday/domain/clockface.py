"""Durations as a person writes them (``2h45``, ``45m``, ``8h``). Standard library only: the
status bar's fast path (``flowday next``) formats with it without loading pendulum."""

from __future__ import annotations


def fmt_duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"
