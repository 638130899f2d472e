"""The top line: date, the day's mode, its work window, its all-day notes and how often it
switches between work and personal."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from flowday.application.day_screen import DayScreen
from flowday.domain.timeparse import fmt_duration
from flowday.domain.wallclock import fmt_minutes
from flowday.tui.text import literal


class DayHeader(Static):
    def show(self, view: DayScreen) -> None:
        start, end = view.window
        shape = "woven" if view.woven else "fenced"
        parts = [
            Content.styled(f" {view.date.format('ddd D MMM YYYY')}", "bold"),
            Content.styled(" · today" if view.is_today else "", "$accent"),
            Content(" │ "),
            Content.styled(view.mode, "bold"),
            Content(f" ({shape}) │ work {fmt_minutes(start)}-{fmt_minutes(end)}"),
        ]
        if view.trial:  # a randomised mode trial chose this day's mode
            parts.append(Content.styled(f" │ {view.trial}", "$accent"))
        if view.skipped:  # Pacific/Apia, 2011-12-30: the timeline has no rows to say it
            parts.append(Content.styled(" │ skipped: the clocks jump over this day", "$warning"))
        if view.day.has_own_window:
            parts.append(Content.styled(" (moved)", "$accent"))
        if view.day.off:  # planned ahead (`flowday off`): no work today; the note is data
            off = f"day off: {view.day.off_note}" if view.day.off_note else "day off"
            parts += [Content(" │ "), literal(off, "$accent")]
        if view.day.notes:  # all-day notes, e.g. an imported holiday: data, shown literally
            parts += [Content(" │ "), literal("✎ " + "; ".join(view.day.notes), "$accent")]
        parts += _switches(view.figures)
        parts += _what_happened(view.figures)
        content = Content("").join(parts)
        if content != getattr(self, "_shown", None):
            self._shown = content
            self.update(content)


def _switches(figures: dict[str, int]) -> list[Content]:
    """How often the day moves between work and personal: ◇n switches, ◆n of them abrupt
    (no gap before the new sphere), as the timeline marks them."""
    switches, abrupt = figures.get("switches", 0), figures.get("abrupt_switches", 0)
    if not switches:
        return []
    # compact (the header is one line at 80 columns): the timeline's own mark, then n
    parts = [Content(f" │ ◇{switches}")]
    if abrupt:
        parts.append(Content.styled(f" ◆{abrupt}", "$warning"))
    return parts


def _what_happened(figures: dict[str, int]) -> list[Content]:
    """Done/skipped counts and overruns, only once something was marked (a day never
    marked keeps its header as it was)."""
    done, skipped = figures.get("done", 0), figures.get("skipped", 0)
    overruns = figures.get("overruns", 0)
    if not (done or skipped or overruns):
        return []
    parts = [Content(f" │ ✓ {done}" + (f" ✗ {skipped}" if skipped else ""))]
    if figures.get("actual_work", 0) != figures.get("work", 0):
        parts.append(Content(f" · work ran {fmt_duration(figures.get('actual_work', 0))}"))
    if overruns:
        parts.append(Content.styled(f" · {overruns} overrun" + ("s" if overruns > 1 else ""),
                                    "$warning"))  # fmt: skip
    return parts
