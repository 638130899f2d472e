"""Small text charts of the evidence, for ``flowday stats --plot`` and the weekly review.

Plain characters only (no colour needed: they read the same with NO_COLOR), each line
at most 78 columns so they fit an 80x24 terminal. They draw the ``stats --json`` shapes
(the recommendation's ``questions`` and ``weeks``), so what is drawn is what is reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

SPARKS = "▁▂▃▄▅▆▇█"
AXIS_CELLS = 41  # -2 .. +2 points, 0.1 point a cell
AXIS_RANGE = 2.0
LABEL = 9


def sparkline(values: Sequence[float | None], low: float = 1.0, high: float = 5.0) -> str:
    """One character per value between ``low`` and ``high``; a gap (space) for None."""
    cells = []
    for value in values:
        if value is None:
            cells.append(" ")
            continue
        share = (min(max(value, low), high) - low) / (high - low)
        cells.append(SPARKS[round(share * (len(SPARKS) - 1))])
    return "".join(cells)


def _cell(value: float) -> int:
    clamped = min(max(value, -AXIS_RANGE), AXIS_RANGE)
    return round((clamped + AXIS_RANGE) / (2 * AXIS_RANGE) * (AXIS_CELLS - 1))


def difference_chart(questions: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Per question the difference between the two modes (a dot) and its 95 % interval
    (the bar), on one axis from -2 to +2 points; ``|`` marks no difference."""
    if not questions:
        return []
    first = next(iter(questions.values()))
    mode_a, mode_b = list(first["days"])
    half = AXIS_CELLS // 2
    left, right = f"< {mode_b} better", f"{mode_a} better >"
    lines = [
        f"{'':<{LABEL}}{left:<{half}} {right:>{half}}"[:78],
        f"{'':<{LABEL}}{'-2':<10}{'-1':<10}{'0':<10}{'+1':<9}{'+2':>2}",
    ]
    zero = _cell(0.0)
    for name, result in questions.items():
        low, high = result["interval"]
        row = ["·"] * AXIS_CELLS
        row[zero] = "|"
        for index in range(_cell(low), _cell(high) + 1):
            row[index] = "="
        row[_cell(low)], row[_cell(high)] = "[", "]"
        row[_cell(result["difference"])] = "o"
        lines.append(
            f"{name:<{LABEL}}{''.join(row)} {result['difference']:+.2f} {result['verdict']}"[:78]
        )
    return lines


def trend_lines(weeks: Sequence[Mapping[str, Any]], last: int = 26) -> list[str]:
    """Each rating's weekly mean over the last ``last`` weeks as a sparkline (1-5), and the
    work hours (0 to the most worked week)."""
    shown = list(weeks)[-last:]
    if not shown:
        return []
    lines = [f"Weekly trends ({len(shown)} weeks from {shown[0]['week']}, 1-5):"]
    for name in ("energy", "peace", "meaning"):
        values = [w[name] for w in shown]
        known = [v for v in values if v is not None]
        ends = f" {known[0]:.1f} → {known[-1]:.1f}" if known else ""
        lines.append(f"  {name:<8}{sparkline(values)}{ends}")
    hours = [float(w["work_hours"]) for w in shown]
    top = max(hours) or 1.0
    lines.append(f"  {'work':<8}{sparkline(hours, 0.0, top)} {hours[0]:.0f}h → {hours[-1]:.0f}h")
    return lines


HEAT = "·░▒▓█"  # none, then 1, 2, 3, 4 or more: shading reads without colour too
HEAT_HOUR_CELLS = 2  # 24 hours × 2 cells + a 10-cell label: 58 columns


def heat_row(counts: Sequence[int]) -> str:
    """One day's counts per hour as shaded cells (``HEAT_HOUR_CELLS`` per hour)."""
    return "".join(HEAT[min(count, len(HEAT) - 1)] * HEAT_HOUR_CELLS for count in counts)


def heatmap(rows: Sequence[tuple[str, Sequence[int]]], label: int = 10) -> list[str]:
    """Day × hour: one line per (label, 24 counts), under an hour axis, and a key."""
    if not rows:
        return []
    axis = "".join(f"{hour:<{HEAT_HOUR_CELLS * 3}}" for hour in range(0, 24, 3))
    lines = [f"{'':<{label}}{axis}".rstrip()]
    lines.extend(f"{name[:label]:<{label}}{heat_row(counts)}" for name, counts in rows)
    key = "  ".join(f"{glyph} {n}" for n, glyph in enumerate(HEAT))
    lines.append(f"{'':<{label}}{key}+")
    return lines
