"""The top line: date, the day's mode, its work window, how often it switches between work
and personal, what happened and its all-day notes — abbreviated step by step until it fits
the terminal's width."""

from __future__ import annotations

import re

from textual import events
from textual.content import Content

from flowday.application.day_screen import DayScreen
from flowday.domain.timeparse import fmt_duration
from flowday.domain.wallclock import fmt_date, fmt_minutes
from flowday.tui.compat import RememberingStatic
from flowday.tui.text import literal

# How far the header is shortened, one step at a time, until it fits: the figures of what
# happened first (they are the longest part), then the shape, the year, the word "work",
# the trial's label ("trial 3/20"), "today". Past the last step the widget cuts the end.
SHORTER = range(7)
TRIAL_DAY = re.compile(r"trial day (\d+) of (\d+)")
REMEMBERED_HEADERS = 8


class DayHeader(RememberingStatic):
    _view: DayScreen | None = None

    def show(self, view: DayScreen) -> None:
        self._view = view
        width = self.size.width or self.app.size.width
        # a day change and back shows the same views (read ahead, kept): their headers too
        made: dict[int, tuple[DayScreen, int, Content]] = self.__dict__.setdefault("_made", {})
        entry = made.get(id(view))  # the entry holds the view: ids stay unique
        if entry is not None and entry[0] is view and entry[1] == width:
            content = entry[2]
        else:
            if len(made) >= REMEMBERED_HEADERS:
                made.clear()
            content = header(view, width)
            made[id(view)] = (view, width, content)
        if content != getattr(self, "_shown", None):
            # one row, as wide as the screen (main.tcss): a new text needs no layout
            self.update(content, layout=getattr(self, "_shown", None) is None)
            self._shown = content

    def on_resize(self, event: events.Resize) -> None:
        if self._view is not None:  # a narrower terminal: shorten again
            self.show(self._view)


def header(view: DayScreen, width: int) -> Content:
    """The fullest form of the header that fits ``width`` cells (notes, which are data of
    any length, are the part left to be cut)."""
    content = Content("")
    for level in SHORTER:
        content = _header_at(view, level)
        if content.cell_length <= width:
            break
    return content


def _header_at(view: DayScreen, level: int) -> Content:
    start, end = view.window
    shape = "" if level >= 2 else (" (woven)" if view.woven else " (fenced)")
    date = fmt_date(view.date, "ddd D MMM" if level >= 3 else "ddd D MMM YYYY")
    work = "" if level >= 4 else "work "
    parts = [
        Content.styled(f" {date}", "bold"),
        Content.styled(" · today" if view.is_today and level < 6 else "", "$accent"),
        Content(" │ "),
        Content.styled(view.mode, "bold"),
        Content(f"{shape} │ {work}{fmt_minutes(start)}-{fmt_minutes(end)}"),
    ]
    if not view.working_day:  # no window to keep today: the day off says so further on
        parts[-1] = Content(shape if view.day.off else f"{shape} │ not a working day")
    if view.trial:  # a randomised mode trial chose this day's mode
        trial = TRIAL_DAY.sub(r"trial \1/\2", view.trial) if level >= 5 else view.trial
        parts.append(Content.styled(f" │ {trial}", "$accent"))
    if view.skipped:  # Pacific/Apia, 2011-12-30: the timeline has no rows to say it
        parts.append(Content.styled(" │ skipped: the clocks jump over this day", "$warning"))
    if view.day.has_own_window:
        parts.append(Content.styled(" (moved)", "$accent"))
    parts += _switches(view.figures)
    parts += _what_happened(view.figures, level)
    if view.day.off:  # planned ahead (`flowday off`): no work today; the note is data
        off = f"day off: {view.day.off_note}" if view.day.off_note else "day off"
        parts += [Content(" │ "), literal(off, "$accent")]
    if view.day.notes:  # all-day notes, e.g. an imported holiday: data, shown literally
        parts += [Content(" │ "), literal("✎ " + "; ".join(view.day.notes), "$accent")]
    return Content("").join(parts)


def _switches(figures: dict[str, int]) -> list[Content]:
    """How often the day moves between work and personal, marked as the timeline marks it
    and kept short, beside the window (the header's room goes to what happened): ``◇3 ◆1``
    is three switches, one of them abrupt."""
    switches, abrupt = figures.get("switches", 0), figures.get("abrupt_switches", 0)
    if not switches:
        return []
    parts = [Content(f" ◇{switches}")]
    if abrupt:
        parts.append(Content.styled(f" ◆{abrupt}", "$warning"))
    return parts


def _what_happened(figures: dict[str, int], level: int) -> list[Content]:
    """Done/skipped counts, the work that really ran and overruns, only once something was
    marked (a day never marked keeps its header as it was). Shortened from level 1:
    ``│ ✓ 2 ✗ 1 · work ran 5h10 · 1 overrun`` → ``│ ✓2 ✗1 ran 5h10 »1``."""
    done, skipped = figures.get("done", 0), figures.get("skipped", 0)
    overruns = figures.get("overruns", 0)
    if not (done or skipped or overruns):
        return []
    short = level >= 1
    gap, dot = ("", " ") if short else (" ", " · ")
    parts = [Content(f" │ ✓{gap}{done}" + (f" ✗{gap}{skipped}" if skipped else ""))]
    if figures.get("actual_work", 0) != figures.get("work", 0):
        ran = fmt_duration(figures.get("actual_work", 0))
        parts.append(Content(f"{dot}ran {ran}" if short else f"{dot}work ran {ran}"))
    if overruns:
        said = f"»{overruns}" if short else f"{overruns} overrun" + ("s" if overruns > 1 else "")
        parts.append(Content.styled(dot + said, "$warning"))
    return parts
