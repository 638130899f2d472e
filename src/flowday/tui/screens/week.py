"""The week view: seven days side by side, to the day view's time scale.

Every change made here goes the day view's way (:meth:`MainScreen.change`: its history,
so ``u`` undoes it here or back in the day, and its refusal → "Cross the boundary
anyway?" → recorded crossing path); the days are read with the application layer's
:func:`~flowday.application.week.summaries`, as ``flowday week`` reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import pendulum
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from flowday.application.day_screen import buffer_minutes, is_woven
from flowday.application.week import set_week_mode, summaries, week_of
from flowday.domain.text import counted
from flowday.domain.wallclock import fmt_date
from flowday.tui import failures
from flowday.tui.failures import FAILURES
from flowday.tui.layout import FIT, ROW_MINUTES, build_layout, fit_zoom, zoom_step
from flowday.tui.screens.mode import ModeChoice, ModeScreen
from flowday.tui.text import literal
from flowday.tui.widgets.footer import StableFooter
from flowday.tui.widgets.timeline import Timeline
from flowday.tui.widgets.week_grid import HEAD, WeekColumn, WeekGrid

if TYPE_CHECKING:
    from flowday.tui.screens.main import MainScreen


def view_binding(view: str) -> Callable[..., Binding]:
    """Bindings of a view (week, month) with ids ``<view>_<name>``: the view's own keys (the
    config's keymap rebinds the day view's)."""

    def make(key: str, action: str, name: str, description: str, tooltip: str, *,
             show: bool = True) -> Binding:  # fmt: skip
        return Binding(key, action, description, show=show, id=f"{view}_{name}", tooltip=tooltip)

    return make


_b = view_binding("week")
CHROME_ROWS = 2 + HEAD  # the screen's rows that are not the grid's time rows


def week_title(monday: pendulum.Date, work: int, width: int) -> str:
    """The fullest form of the week's title that fits ``width`` cells: the legend goes
    first, then the weekdays (``Week of 30 Nov – 6 Dec 2026 · work 10h15``)."""
    sunday = monday.add(days=6)
    worked = f"work {work // 60}h{work % 60:02d}"
    days = f"{fmt_date(monday, 'ddd D MMM')} – {fmt_date(sunday, 'ddd D MMM YYYY')}"
    short = (
        f"{monday.day}–{fmt_date(sunday, 'D MMM YYYY')}"
        if monday.month == sunday.month
        else f"{fmt_date(monday, 'D MMM')} – {fmt_date(sunday, 'D MMM YYYY')}"
    )
    forms = [
        f"Week of {days}  · {worked}  · ■ work ● personal ◌ break ↻ routine",
        f"Week of {days}  · {worked}  · ■ work ● personal ◌ break",
        f"Week of {days}  · {worked}",
        f"Week of {short} · {worked}",
    ]
    return next((form for form in forms if len(form) <= width), forms[-1])


class WeekScreen(Screen[None]):
    CSS_PATH = "week.tcss"
    ACTIONS_IN_PALETTE: ClassVar[bool] = True
    """The palette lists this view's keys (the app adds them: see ``get_system_commands``)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        _b("h,left", "day(-1)", "day_back", "◀", "Select the previous day", show=False),
        _b("l,right", "day(1)", "day_on", "▶", "Select the next day", show=False),
        _b(
            "j,down", "block(1)", "block_on", "Next", "Select the next block of the day", show=False
        ),
        _b(
            "k,up",
            "block(-1)",
            "block_back",
            "Prev",
            "Select the previous block of the day",
            show=False,
        ),
        _b("H", "move(-1)", "move_back", "◀ Move", "Move the selected block to the previous day"),
        _b("L", "move(1)", "move_on", "Move ▶", "Move the selected block to the next day"),
        _b("m", "mode_day", "mode_day", "Mode", "Switch the selected day's mode"),
        _b("M", "mode_week", "mode_week", "Week mode", "Switch the whole week's mode"),
        _b("enter", "open_day", "open_day", "Open", "Open the selected day in the day view"),
        _b("u", "undo", "undo", "Undo", "Undo the last change"),
        _b("ctrl+r", "redo", "redo", "Redo", "Redo what was undone", show=False),
        _b(
            "left_square_bracket",
            "week(-1)",
            "week_back",
            "Prev wk",
            "Go to the previous week",
            show=False,
        ),
        _b(
            "right_square_bracket",
            "week(1)",
            "week_on",
            "Next wk",
            "Go to the next week",
            show=False,
        ),
        _b("escape,W", "close", "close", "Back", "Back to the day view"),
        # the day view's zoom, its keys and keymap ids: one zoom, remembered for both
        Binding("z", "zoom_in", "Zoom in", show=False, id="zoom_in",
                tooltip="Zoom in: fewer minutes per row"),
        Binding("Z", "zoom_out", "Zoom out", show=False, id="zoom_out",
                tooltip="Zoom out: more of the day per row"),
        Binding("f", "zoom_fit", "Fit day", show=False, id="zoom_fit",
                tooltip="Fit the waking days to the screen"),
    ]  # fmt: skip

    def __init__(self, main: MainScreen, date: pendulum.Date, block_id: str | None = None) -> None:
        """``block_id``: the day view's selection, selected here too (else the day's first)."""
        super().__init__()
        self.main = main
        self.planner = main.planner
        self.monday, _ = week_of(date)
        self.day_index = (date - self.monday).days
        self.block_id = block_id
        self.columns: list[WeekColumn] = []
        self._work = 0  # the week's work minutes, for the title
        self.seen: tuple[float, ...] = ()  # what the day view's poll compares (OpenView)

    def compose(self) -> ComposeResult:
        yield Static(id="week-title")
        yield WeekGrid(id="week-grid")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        self.reload(first=True)
        self.query_one(WeekGrid).focus()

    # --- reading -------------------------------------------------------------------------
    def reload(self, *, first: bool = False) -> None:
        """Read the week again; the selection is kept by block id (else the day's first).
        The day view's poll calls it too, when another process changed the week."""
        try:
            # taken before reading: a change made meanwhile is read at the next poll
            self.seen = self.main.signature_of(self.shown_dates())
            days = summaries(self.planner, self.monday, self.monday.add(days=6))
        except FAILURES as exc:
            failures.report(self, exc, f"cannot read the week of {self.monday}")
            return
        now = self.planner.now()
        tz = self.planner.config.timezone
        row_minutes, open_wall = self._row_minutes(days)
        self.columns = []
        for summary in days:
            woven = is_woven(self.planner, summary.mode)
            layout = build_layout(
                date=summary.date, tz=tz, blocks=summary.blocks,
                violations=summary.violations, window=summary.window, woven_lane=woven,
                now=now if now.date() == summary.date else None,
                buffer_minutes=buffer_minutes(self.planner, summary.mode),
                switches=summary.switches,
                row_minutes=row_minutes, working_day=summary.working_day,
            )  # fmt: skip
            blocks = sorted(summary.blocks, key=lambda b: (b.start, b.end, b.id))
            self.columns.append(WeekColumn(summary, layout, woven, blocks))
        if self.block_id not in [b.id for b in self.day_blocks]:
            found = [i for i, c in enumerate(self.columns) if self.block_id in c.ids()]
            if found:  # moved to another day: follow it
                self.day_index = found[0]
            else:
                blocks = self.day_blocks
                self.block_id = blocks[0].id if blocks else None
        self._work = sum(d.figures["work"] for d in days)
        self._show_title()
        grid = self.query_one(WeekGrid)
        grid.show(self.columns, self.day_index, self.block_id, row_minutes=row_minutes,
                  open_wall=open_wall)  # fmt: skip
        if first:
            self.call_after_refresh(grid.scroll_to_selection, opening=True)

    def _row_minutes(self, days: list[Any]) -> tuple[int, int | None]:
        """The day view's zoom (minutes per row); "fit" fits the whole week's waking days
        (every day's blocks and window) and says the wall time to open at."""
        zoom = self.main.zoom
        if zoom != FIT:
            return int(zoom), None
        starts = [d.window[0] for d in days] or [ROW_MINUTES]
        ends = [d.window[1] for d in days] or [ROW_MINUTES]
        return fit_zoom(
            date=self.date, tz=self.planner.config.timezone,
            blocks=[b for d in days for b in d.blocks], window=(min(starts), max(ends)),
            rows=self.app.size.height - CHROME_ROWS,
        )  # fmt: skip

    # --- zoom (the day view's: its keys, its remembered setting) ----------------------------
    def _set_zoom(self, zoom: str) -> None:
        self.main._set_zoom(zoom)  # remembered, and the day view redrawn for when it is back
        self.reload()
        self.query_one(WeekGrid).scroll_to_selection(opening=zoom == FIT)

    def action_zoom_in(self) -> None:
        self._set_zoom(str(zoom_step(self.query_one(WeekGrid).row_minutes, finer=True)))

    def action_zoom_out(self) -> None:
        self._set_zoom(str(zoom_step(self.query_one(WeekGrid).row_minutes, finer=False)))

    def action_zoom_fit(self) -> None:
        """Fit the week's waking days; pressed again, back to the default zoom."""
        self._set_zoom(str(ROW_MINUTES) if self.main.zoom == FIT else FIT)

    def on_resize(self) -> None:
        if self.main.zoom == FIT and self.columns:
            self._set_zoom(FIT)  # a taller or shorter screen fits another step
        if self.columns:
            self._show_title()  # a narrower screen: a shorter title

    def _show_title(self) -> None:
        shown = self.query_one("#week-title", Static)
        width = (self.size.width or self.app.size.width) - shown.styles.gutter.width
        shown.update(literal(week_title(self.monday, self._work, width)))

    def shown_dates(self) -> list[pendulum.Date]:
        return [self.monday, self.monday.add(days=6)]  # the files of both ends' months

    @property
    def date(self) -> pendulum.Date:
        return self.monday.add(days=self.day_index)

    @property
    def day_blocks(self) -> list[Any]:
        return self.columns[self.day_index].blocks if self.columns else []

    def _select(self, day_index: int, block_id: str | None) -> None:
        self.day_index, self.block_id = day_index, block_id
        self.query_one(WeekGrid).select(day_index, block_id)

    # --- moving the selection ------------------------------------------------------------
    def action_day(self, step: int) -> None:
        """The next/previous day (into the next/previous week at the ends); the block
        nearest in time to the one selected."""
        here = next((b for b in self.day_blocks if b.id == self.block_id), None)  # before
        index = self.day_index + step  # the week changes: its blocks are gone after
        if not 0 <= index < 7:
            self.monday = self.monday.add(weeks=step)
            index %= 7
            self.day_index = index
            self.reload()
        target = self.columns[index].blocks
        chosen = None
        if target:
            at = here.start if here is not None else target[0].start
            chosen = min(target, key=lambda b: (abs(b.start - at), b.start)).id
        self._select(index, chosen)

    def action_block(self, step: int) -> None:
        blocks = self.day_blocks
        if not blocks:
            return
        ids = [b.id for b in blocks]
        index = ids.index(self.block_id) + step if self.block_id in ids else 0
        self._select(self.day_index, ids[max(0, min(index, len(ids) - 1))])

    def action_week(self, step: int) -> None:
        self.monday = self.monday.add(weeks=step)
        self.block_id = None
        self.reload()
        self.query_one(WeekGrid).scroll_to_selection(opening=True)

    # --- changes (the day view's path: history, refusal → cross anyway) -----------------
    def action_move(self, step: int) -> None:
        block = next((b for b in self.day_blocks if b.id == self.block_id), None)
        if block is None:
            self.notify("No block selected on this day", severity="warning")
            return
        target = block.date.add(days=step)
        self.main.change(
            f"move to {fmt_date(target, 'ddd D MMM')}",
            lambda force: self.planner.edit_block(block.id, date=target, force=force),
            dates=[block.date, target],
            after=lambda _: self._after_move(block.id, target),
        )

    def _after_move(self, block_id: str, target: pendulum.Date) -> None:
        if not self.monday <= target <= self.monday.add(days=6):
            self.monday, _ = week_of(target)  # followed into the next week
        self.day_index = (target - self.monday).days
        self.block_id = block_id
        self.reload()
        self.query_one(WeekGrid).scroll_to_selection()

    def action_mode_day(self) -> None:
        date = self.date
        current = self.columns[self.day_index].summary.mode if self.columns else ""

        def chosen(choice: ModeChoice | None) -> None:
            if not choice or (choice[0] == current and not choice[1]):
                return
            mode, fix = choice
            self.main.change(
                f"mode switch to {mode}",
                lambda force: self.planner.set_mode(date, mode, fix=fix),
                dates=[date],
                after=lambda _: self._reported([date], mode),
            )

        self.app.push_screen(ModeScreen(self.planner, date, current), chosen)

    def action_mode_week(self) -> None:
        monday = self.monday

        def chosen(choice: ModeChoice | None) -> None:
            if not choice:
                return
            mode = choice[0]
            dates = [monday.add(days=i) for i in range(7)]
            self.main.change(
                f"week's mode to {mode}",
                lambda force: set_week_mode(self.planner, monday, mode),
                dates=dates,
                after=lambda _: self._reported(dates, mode),
            )

        modes = {c.summary.mode for c in self.columns}
        current = modes.pop() if len(modes) == 1 else "mixed"
        self.app.push_screen(WeekModeScreen(self.planner, monday, current), chosen)

    def _reported(self, dates: list[pendulum.Date], mode: str) -> None:
        """What now breaks, per day (as ``flowday mode NAME --week`` says it)."""
        self.reload()
        lines = [f"Mode is now {mode}" + (" all week" if len(dates) > 1 else "")]
        shown = {c.summary.date: c.summary for c in self.columns}
        for date in dates:
            summary = shown.get(date)
            broken = [v for v in summary.violations if v.is_hard] if summary else []
            if broken:
                lines.append(f"{fmt_date(date, 'ddd D')}: {counted(len(broken), 'rule')} broken "
                             f"({', '.join(dict.fromkeys(v.rule for v in broken))})")  # fmt: skip
        self.notify("\n".join(lines), severity="warning" if len(lines) > 1 else "information",
                    markup=False)  # fmt: skip

    async def action_undo(self) -> None:
        await self.main.action_undo()
        self.reload()

    async def action_redo(self) -> None:
        await self.main.action_redo()
        self.reload()

    # --- leaving -------------------------------------------------------------------------
    def action_open_day(self) -> None:
        date = self.date
        self.dismiss(None)
        self.main.date = date
        if self.block_id is not None:
            self.main.query_one(Timeline).select(self.block_id)

    def action_close(self) -> None:
        self.dismiss(None)


class WeekModeScreen(ModeScreen):
    """The mode dialog for a whole week: what would break, day by day (no fix: the CLI's
    ``mode --week`` has none either)."""

    def title_text(self) -> str:
        return f"Switch the mode of the week of {fmt_date(self.date, 'D MMM')} (now {self.current})"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#fix").display = False

    def preview_lines(self, mode: str) -> list[str]:
        lines = [f"In {mode}:"]
        for i in range(7):
            date = self.date.add(days=i)
            proposal = self.planner.propose_mode(date, mode)
            hard = [v for v in proposal.violations if v.is_hard]
            # one short line a day: the rules by name (the day's Rules panel says why)
            rules = ", ".join(dict.fromkeys(v.rule for v in hard))
            what = f"✖ {rules}" if hard else "nothing breaks"
            lines.append(f"  {fmt_date(date, 'ddd D')}: {what}")
        return lines

    def action_choose(self, fix: bool) -> None:
        super().action_choose(False)
