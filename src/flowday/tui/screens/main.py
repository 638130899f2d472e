"""The main screen: the day's timeline, the side panel and the quick-add line.

Widgets post messages up; this screen calls the planner (through :class:`History`, so
every change can be undone). What it shows is two reactive attributes, painted one way:
setting :attr:`MainScreen.date` reads that date; reading a date (after a change, or when
another process wrote) sets :attr:`MainScreen.day`, whose watcher calls the widgets'
methods down to redraw.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import replace  # Textual's Binding is a dataclass
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import pendulum
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList
from textual.worker import Worker, get_current_worker

from flowday.application import day_screen
from flowday.application.day_screen import DayScreen
from flowday.application.history import Entry, History
from flowday.application.planner import PREVIEW_ID, BlockPreview, PlanDraft, Planner
from flowday.domain import scheduler
from flowday.domain.errors import InputError, RefusedError
from flowday.domain.model import Block, Intrusion, Outcome, Sphere, Task
from flowday.domain.rules import Violation
from flowday.domain.text import counted
from flowday.domain.timeparse import check_exists, parse_quick_add, parse_span
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_date, fmt_minutes
from flowday.tui import failures
from flowday.tui.failures import FAILURES, reports_failures
from flowday.tui.layout import (
    FIT,
    ROW_MINUTES,
    SPHERE_GLYPHS,
    ZOOM_LEVELS,
    DayLayout,
    build_layout,
    fit_zoom,
    zoom_step,
)
from flowday.tui.text import literal
from flowday.tui.widgets.day_header import DayHeader
from flowday.tui.widgets.footer import StableFooter
from flowday.tui.widgets.quick_add import QuickAddBar
from flowday.tui.widgets.side_panel import SidePanel
from flowday.tui.widgets.timeline import Timeline

if TYPE_CHECKING:  # what the first screen does not need is imported when first used
    from flowday.application import outcomes
    from flowday.application.reflection_prompts import ReflectionPrompts
    from flowday.application.reminders import Reminders
    from flowday.application.switch_ritual import SwitchRitual
    from flowday.tui.syncing import PlannerSync

POLL_SECONDS = 0.5  # external changes show within 2 s; a stat() per file is cheap
REFLECTION_CHECK_SECONDS = 30  # the evening prompt needs minute precision at most
REMINDER_CHECK_SECONDS = 30  # reminders are to the minute
IDLE_SECONDS = 4.0  # no key for this long (and nothing open) before a prompt is offered
OFFER_SECONDS = 20.0  # how long an offer stays on screen; r answers it meanwhile
STEP = ROW_MINUTES
STATE_ZOOM = "timeline_zoom"  # the zoom, remembered between runs in the store's state
ZOOMS = (*(str(z) for z in ZOOM_LEVELS), FIT)
PAINT_WAIT_SECONDS = 0.1  # at most this long for the day to be painted before it is stored
CHROME_ROWS = 3  # the screen's rows that are not timeline rows: header, lane titles, footer


@runtime_checkable
class OpenView(Protocol):
    """A view open over the day (the week, the month): :meth:`MainScreen.poll_store` reads it
    again when the files behind :meth:`shown_dates` change, or the now-line moves on."""

    seen: tuple[float, ...]  # MainScreen.signature_of(shown_dates()), taken as it read them

    def shown_dates(self) -> Sequence[pendulum.Date]: ...

    def reload(self) -> None: ...


def _b(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    """A binding whose id is its action name, so the config keymap can rebind it."""
    return Binding(key, action, description, show=show, id=action, tooltip=tooltip)


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        _b("a", "add_block", "Add", "Add a block with the quick-add syntax"),
        _b("A", "add_task", "Task", "Add a task to the inbox", show=False),
        _b("P", "park_thought", "Park", "Park a lingering work thought in the inbox", show=False),
        # these act on what has focus: the timeline's block, or the inbox's task
        _b("e", "edit_block", "Edit", "Edit the selected block or inbox task"),
        _b("d", "delete_block", "Del", "Delete the selected block or inbox task"),
        _b("J", "move_later", "Later", "Move 15 min later · inbox: priority down", show=False),
        _b("K", "move_earlier", "Earlier", "Move 15 min earlier · inbox: priority up", show=False),
        _b("plus", "lengthen", "Longer", "Lengthen 15 min · inbox: estimate +15m", show=False),
        _b("minus", "shorten", "Shorter", "Shorten 15 min · inbox: estimate -15m", show=False),
        # what happened (d already deletes, or skips an occurrence): x, X; u undoes either
        _b(
            "x", "toggle_done", "Done", "Mark the selected block done (again: planned)", show=False
        ),  # the footer keeps its width
        _b("X", "actual_times", "Ran", "Record when the selected block ran", show=False),
        _b(
            "i",
            "log_intrusion",
            "Intrusion",
            "Log a boundary violation now: work into personal time or personal into work",
            show=False,
        ),
        _b(
            "S",
            "toggle_skipped",
            "Skip",
            "Mark the selected block skipped (again: planned)",
            show=False,
        ),
        _b("u", "undo", "Undo", "Undo the last change"),
        _b("ctrl+r", "redo", "Redo", "Redo what was undone", show=False),
        _b("left_square_bracket", "previous_day", "Prev day", "Go to the previous day", show=False),
        _b("right_square_bracket", "next_day", "Next day", "Go to the next day", show=False),
        _b("t", "today", "Today", "Go to today", show=False),
        _b("g", "goto_date", "Go to", "Go to a date", show=False),
        _b("m", "switch_mode", "Mode", "Switch the day's mode (see what breaks first)"),
        _b("s", "schedule_task", "Sched", "Schedule the selected inbox task", show=False),
        _b("p", "plan_inbox", "Plan", "Plan the whole inbox into the day", show=False),
        _b("H", "set_hours", "Hours", "Set this day's work hours (its work window)", show=False),
        _b("I", "import_calendar", "Import", "Import an .ics calendar file", show=False),
        _b("r", "reflection", "Reflect", "End-of-day reflection", show=False),
        _b("w", "weekly_review", "Review", "Weekly review", show=False),
        _b("W", "week_view", "Week", "Week view: seven days side by side", show=False),
        _b("M", "month_view", "Month", "Month overview: mode, work, score", show=False),
        _b("R", "routine", "Routine", "Make the block a routine, or edit its routine", show=False),
        _b("question_mark", "help", "Help", "Show every key"),
        # z/Z: + and - already lengthen and shorten
        _b("z", "zoom_in", "Zoom in", "Zoom in: fewer minutes per row", show=False),
        _b("Z", "zoom_out", "Zoom out", "Zoom out: more of the day per row", show=False),
        _b("f", "zoom_fit", "Fit day", "Fit the waking day to the screen", show=False),
        # y: s is taken (schedule); the sync runs in a thread, keys keep working
        _b("y", "sync", "Sync", "Sync with the CalDAV server ([sync] in config.toml)", show=False),
        _b(
            "C",
            "sync_conflicts",
            "Conflicts",
            "Sync conflicts: keep here or take the server's",
            show=False,
        ),
    ]
    # The footer shows the keys that make sense for what has focus, in this order (every
    # key still works everywhere, and ? lists them all): action → (label, group). Keys
    # sharing a group label show as one ("J K Move").
    FOOTER: ClassVar[dict[str, tuple[tuple[str, str, str], ...]]] = {
        "timeline": (
            ("focus_next", "Inbox", ""), ("add_block", "Add", ""), ("edit_block", "Edit", ""),
            ("delete_block", "Del", ""), ("move_later", "", "Move"),
            ("move_earlier", "", "Move"), ("lengthen", "", "Len"), ("shorten", "", "Len"),
            ("zoom_in", "", "Zoom"), ("zoom_out", "", "Zoom"), ("undo", "Undo", ""),
            ("help", "Help", ""),
        ),
        "inbox": (
            ("focus_next", "Rules", ""), ("schedule_task", "Schedule", ""),
            ("edit_block", "Edit", ""), ("delete_block", "Del", ""),
            ("move_earlier", "", "Prio"), ("move_later", "", "Prio"),
            ("lengthen", "", "Est"), ("shorten", "", "Est"),
            ("undo", "Undo", ""), ("help", "Help", ""),
        ),
        "rules": (
            ("focus_next", "Timeline", ""), ("select", "Go to block", ""),
            ("undo", "Undo", ""), ("help", "Help", ""),
        ),
    }  # fmt: skip

    # always_update: asking for the shown date again (t on today) re-reads and reopens it;
    # the default is a placeholder, __init__ sets the real date
    date: var[pendulum.Date] = var(pendulum.date(1970, 1, 1), init=False, always_update=True)
    """The date shown; setting it reads that date and opens it at its start."""
    # always_update: every read repaints, even when nothing changed (as reload always did)
    day: var[DayScreen | None] = var(None, init=False, always_update=True)
    """What is shown for :attr:`date`, as read last (None until the first read)."""

    def __init__(self, planner: Planner, date: pendulum.Date) -> None:
        super().__init__()
        self.planner = planner
        self.set_reactive(MainScreen.date, date)  # no watcher: nothing is composed yet
        self.history = History(planner)
        self._signature: tuple[float, ...] = ()
        self._now_slot = -1
        self._poll_failure: str | None = None
        # date → (the stamp of its files, now's slot and date; what was read), see _read_ahead
        self._ahead: dict[pendulum.Date, tuple[tuple[Any, ...], DayScreen]] = {}
        self._layouts: dict[int, tuple[DayScreen, int, DayLayout]] = {}  # id(view) → …
        self.zoom = self._remembered_zoom()

    # --- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield DayHeader(id="day-header")
        with Horizontal(id="body"):
            yield Timeline(id="timeline")
            yield SidePanel(id="side")
        yield QuickAddBar(id="quick")
        yield StableFooter(compact=True)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first show: every widget was styled as it was mounted, with the theme
        chosen before (FlowdayApp.__init__); Textual would restyle the whole screen once
        more (a third of the start-up's styling). Later resumes restyle as Textual says."""
        if not getattr(self, "_resumed", False):
            self._resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        self.reload()  # the timeline opens at the start on its first show
        self.call_after_refresh(self._read_ahead)
        self.query_one(Timeline).focus()
        self.set_interval(POLL_SECONDS, self.poll_store)
        self._prompts: ReflectionPrompts | None = None
        self.offered: tuple[pendulum.Date, float] | None = None  # (date, when offered)
        self._launch_prompt_pending = True
        self._retry: Timer | None = None
        self.set_timer(IDLE_SECONDS, self.check_reflection_due)
        self.set_interval(REFLECTION_CHECK_SECONDS, self.check_reflection_due)
        self._reminders: Reminders | None = None
        self._ritual: SwitchRitual | None = None  # offered with the reminders, when idle
        self._reminder_retry: Timer | None = None
        self.set_interval(REMINDER_CHECK_SECONDS, self.check_reminders)
        self._syncing: PlannerSync | None = None
        if self.planner.config.sync is not None and self.planner.config.sync.every:
            self.syncing.start_timer()  # [sync] every: the periodic sync

    @property
    def prompts(self) -> ReflectionPrompts:
        if self._prompts is None:  # the first check, seconds after the first screen
            from flowday.application.reflection_prompts import ReflectionPrompts

            self._prompts = ReflectionPrompts(self.planner)
        return self._prompts

    @property
    def reminders(self) -> Reminders:
        if self._reminders is None:
            from flowday.application.reminders import Reminders

            self._reminders = Reminders(self.planner)
        return self._reminders

    @property
    def ritual(self) -> SwitchRitual:
        if self._ritual is None:
            from flowday.application.switch_ritual import SwitchRitual

            self._ritual = SwitchRitual(self.planner)
        return self._ritual

    @property
    def syncing(self) -> PlannerSync:
        if self._syncing is None:
            from flowday.tui.syncing import PlannerSync

            self._syncing = PlannerSync(self)
        return self._syncing

    def is_idle(self) -> bool:
        """Nothing the person is in the middle of: no dialog, no open quick-add line, and
        no key for a few seconds."""
        quiet = monotonic() - getattr(self.app, "last_key_at", 0.0) >= IDLE_SECONDS
        return self.app.screen is self and not self.query_one(QuickAddBar).display and quiet

    def check_reflection_due(self) -> None:
        """A due reflection (yesterday's at launch, today's in the evening) waits until the
        planner is idle, then is offered in one line, never opened over what the person does."""
        if not self.is_idle():
            if self._retry is None:  # one retry pending at most, however often asked
                self._retry = self.set_timer(IDLE_SECONDS, self._retry_reflection)
            return
        if self._launch_prompt_pending:
            self._launch_prompt_pending = False
            if self.offer_reflection(self.prompts.at_launch):
                return
        self.offer_reflection(self.prompts.due)

    def check_reminders(self) -> None:
        """Due reminders, said once each: like the reflection's offer, they wait until the
        planner is idle (never over a dialog or the quick-add line); the desktop is told
        too when the terminal does not have the focus."""
        if not self.is_idle():
            if self._reminder_retry is None:
                self._reminder_retry = self.set_timer(IDLE_SECONDS, self._retry_reminders)
            return
        try:
            due = self.reminders.due()
        except FAILURES as exc:
            failures.report(self, exc)
            return
        for reminder in due:
            self.notify(reminder.message, title=reminder.title, severity="warning",
                        timeout=OFFER_SECONDS, markup=False)  # fmt: skip
            if not getattr(self.app, "app_focus", True):
                from flowday.application.reminders import send_desktop

                send_desktop(reminder)
        self.offer_switch_ritual()

    @reports_failures
    def offer_switch_ritual(self) -> None:
        """Crossing from work into personal time: one line offering to park what is still
        on the mind (P), once per switch."""
        switch = self.ritual.due()
        if switch is not None:
            self.notify(f"Work ends, {fmt_minutes(switch.at)} is yours: press P to park a "
                        "lingering work thought in the inbox", title="Switch",
                        timeout=OFFER_SECONDS, markup=False)  # fmt: skip

    def _retry_reminders(self) -> None:
        self._reminder_retry = None
        self.check_reminders()

    def _retry_reflection(self) -> None:
        self._retry = None
        self.check_reflection_due()

    @reports_failures
    def offer_reflection(self, which: Callable[[], pendulum.Date | None]) -> bool:
        date = which()
        if date is None:
            return False
        self.offered = (date, monotonic())
        what = "today" if date == self.planner.today() else fmt_date(date, "dddd D MMMM")
        self.notify(f"Time to reflect on {what}: press r to answer",
                    title="Reflection", timeout=OFFER_SECONDS, markup=False)  # fmt: skip
        return True

    def _offered_date(self) -> pendulum.Date | None:
        """The date of a reflection offer still on screen (r answers it), else None."""
        if self.offered is not None and monotonic() - self.offered[1] < OFFER_SECONDS:
            return self.offered[0]
        return None

    # --- reading: date → day → widgets ----------------------------------------------------
    def reload(self) -> None:
        """Read :attr:`date` afresh; :meth:`watch_day` redraws. A read that fails is
        reported in one line and what is shown stays."""
        self._ahead.clear()  # after a change: what was read ahead may be out of date
        self._read()

    def _read(self) -> bool:
        """:meth:`reload`, saying whether the read worked."""
        # taken before reading: a file that cannot be read is retried when it changes (or
        # the next slot comes), not on every poll
        now = self.planner.now()
        self._now_slot = self._slot(now)
        try:
            self._signature = self.planner.store.mtime_signature(self.date)
            stamp = (self._signature, self._now_slot, now.date())
            ahead = self._ahead.pop(self.date, None)
            if ahead is not None and ahead[0] == stamp:  # its files unchanged since
                self.day = ahead[1]  # (its now: the same slot, so the same now-line)
            else:
                self.day = day_screen.load_day_screen(self.planner, self.date)
        except FAILURES as exc:
            failures.report(self, exc, f"cannot read {fmt_date(self.date, 'ddd D MMM YYYY')}")
            return False
        return True

    def _read_ahead(self) -> None:
        """Once a day is on the screen: the days ] and [ go to, read while the person looks
        (a cold month is a good part of a day change). Kept with the stamp of their files,
        used only while those are unchanged."""
        now = self.planner.now()
        wanted = (self.date.subtract(days=1), self.date.add(days=1))
        for date in list(self._ahead):
            if date not in wanted:
                del self._ahead[date]
        for date in wanted:
            if date in self._ahead:
                continue
            try:
                stamp = (self.planner.store.mtime_signature(date), self._slot(now), now.date())
                view = day_screen.load_day_screen(self.planner, date)
                self._ahead[date] = (stamp, view)
                self._layout_of(view, self._row_minutes(view)[0])
            except FAILURES:  # said when the day is really asked for
                return

    def watch_date(self, date: pendulum.Date) -> None:
        """Another date (or the same asked for again) is read and opened at its start; a
        date that cannot be read is not opened: the person stays where they were, told why."""
        signature = self._signature
        left = self.day
        if left is not None and left.date != date and left.date not in self._ahead:
            # the day left is as it was read: the way back needs no read
            self._ahead[left.date] = ((signature, self._now_slot, left.now.date()), left)
        if not self._read():
            if self.day is not None and self.day.date != date:
                self.set_reactive(MainScreen.date, self.day.date)
                self._signature = signature
            return
        self.query_one(Timeline).open_at_start()
        self.call_after_refresh(self._read_ahead)

    def watch_day(self, view: DayScreen | None) -> None:
        """Redraw everything from what was read (the selection is kept by block id)."""
        if view is None:
            return
        self._now_slot = self._slot(view.now)
        row_minutes, fit_wall = self._row_minutes(view)
        layout = self._layout_of(view, row_minutes)
        self.query_one(DayHeader).show(view)
        timeline = self.query_one(Timeline)
        timeline.set_class(view.woven, "-woven")
        timeline.fit_wall = fit_wall
        timeline.show(layout, view.blocks, hint=self._empty_day_hint(view))
        self.query_one(SidePanel).show(view.tasks, view.violations, view.figures, view.blocks)

    def _layout_of(self, view: DayScreen, row_minutes: int) -> DayLayout:
        """``view`` as timeline rows at ``row_minutes`` (kept for the views read ahead)."""
        kept = self._layouts.get(id(view))
        if kept is not None and kept[0] is view and kept[1] == row_minutes:
            return kept[2]
        layout = build_layout(
            date=view.date,
            tz=self.planner.config.timezone,
            blocks=view.blocks,
            violations=view.violations,
            window=view.window,
            woven_lane=view.woven,
            now=view.now if view.is_today else None,
            buffer_minutes=view.buffer_minutes,
            row_minutes=row_minutes,
            overruns=view.day.overrun_blocks,
            switches=view.switches,
            working_day=view.working_day,
        )
        # kept: the shown day's and those read ahead (a view given up is dropped with them)
        layouts: dict[int, tuple[DayScreen, int, DayLayout]] = {}
        for shown in (self.day, *(v for _, v in self._ahead.values())):
            entry = self._layouts.get(id(shown))
            if entry is not None and entry[0] is shown:
                layouts[id(shown)] = entry
        layouts[id(view)] = (view, row_minutes, layout)
        self._layouts = layouts
        return layout

    def _empty_day_hint(self, view: DayScreen) -> tuple[str, ...]:
        """What an empty day says: what its mode means, and how to begin."""
        if view.blocks or view.skipped:
            return ()
        return (
            "Nothing planned on this day.",
            self.planner.mode_named(view.mode).description,
            "a adds a block, e.g. Standup 9:00-9:15 #work",
            "A adds an inbox task · ? shows every key",
        )

    def poll_store(self) -> None:
        """Pick up changes made by another process (e.g. ``flowday add`` elsewhere): in this
        day, and in a view open over it (the week, the month)."""
        view = self.app.screen if isinstance(self.app.screen, OpenView) else None
        try:
            signature = self.planner.store.mtime_signature(self.date)
            seen = self.signature_of(view.shown_dates()) if view is not None else ()
        except FAILURES as exc:  # e.g. the folder made unreadable: said once, not each poll
            if str(exc) != self._poll_failure:
                failures.report(self, exc)
            self._poll_failure = str(exc)
            return
        self._poll_failure = None
        if signature != self._signature or self._slot(self.planner.now()) != self._now_slot:
            self.reload()  # e.g. a damaged file written by someone else: reported, not fatal
        if view is not None and seen != view.seen:
            view.reload()

    def signature_of(self, dates: Sequence[pendulum.Date]) -> tuple[float, ...]:
        """What :meth:`poll_store` compares for a view showing ``dates``: the files behind
        them, and the slot of the now-line."""
        return (*self.planner.store.mtime_signature(*dates), self._slot(self.planner.now()))

    def _slot(self, now: pendulum.DateTime) -> int:
        # the finest zoom's rows: the now-line moves on as soon as it would be drawn lower
        return (now.hour * 60 + now.minute) // ZOOM_LEVELS[0]

    # --- zoom -----------------------------------------------------------------------------
    def _remembered_zoom(self) -> str:
        try:
            zoom = self.planner.store.state().get(STATE_ZOOM)
        except FAILURES:  # a damaged state file costs the remembered zoom, no more
            return str(ROW_MINUTES)
        return zoom if zoom in ZOOMS else str(ROW_MINUTES)

    def _row_minutes(self, view: DayScreen) -> tuple[int, int | None]:
        """Minutes per row, and for "fit" the wall time the fitted day starts at."""
        if self.zoom != FIT:
            return int(self.zoom), None
        return fit_zoom(
            date=view.date, tz=self.planner.config.timezone, blocks=view.blocks,
            window=view.window, rows=self.app.size.height - CHROME_ROWS,
        )  # fmt: skip

    def _set_zoom(self, zoom: str) -> None:
        if zoom != self.zoom:
            self.zoom = zoom
            try:
                with self.planner.store.transaction() as txn:
                    txn.set_state(**{STATE_ZOOM: zoom})
            except FAILURES as exc:  # shown anyway; only remembering it failed
                failures.report(self, exc, "cannot remember the zoom")
        if self.day is not None:
            self.watch_day(self.day)
            timeline = self.query_one(Timeline)
            if timeline.fit_wall is not None:
                timeline.scroll_to_wall(timeline.fit_wall)
            timeline.scroll_to_selected()

    def action_zoom_in(self) -> None:
        current, _ = self._row_minutes(self.day) if self.day else (int(ROW_MINUTES), None)
        self._set_zoom(str(zoom_step(current, finer=True)))

    def action_zoom_out(self) -> None:
        current, _ = self._row_minutes(self.day) if self.day else (int(ROW_MINUTES), None)
        self._set_zoom(str(zoom_step(current, finer=False)))

    def action_zoom_fit(self) -> None:
        """Fit the waking day; pressed again, back to the default zoom."""
        self._set_zoom(str(ROW_MINUTES) if self.zoom == FIT else FIT)

    def on_resize(self) -> None:
        if self.zoom == FIT and self.day is not None:
            self._set_zoom(FIT)  # a taller or shorter screen fits another step

    # --- the footer: the keys for what has focus -------------------------------------------
    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings, with only the ones that make sense for the focused
        panel shown (and labelled for it: on the inbox J/K are its priority); the footer
        reads this. Which key runs what is not changed here."""
        bindings = super().active_bindings
        focused = self.focused
        # before the first focus (the footer is composed then): the timeline's, which gets it
        context = self.FOOTER.get(self._focused_panel() if focused is not None else "timeline")
        if context is None or not isinstance(focused, (Timeline, OptionList, type(None))):
            return bindings
        by_action: dict[str, list[tuple[str, ActiveBinding]]] = {}
        for key, active in bindings.items():
            by_action.setdefault(active.binding.action.rpartition(".")[2], []).append((key, active))
        shown: dict[str, ActiveBinding] = {}
        groups: dict[str, Binding.Group] = {}
        for action, label, group in context:
            for key, active in by_action.get(action, [])[:1]:
                binding = active.binding
                shown[key] = active._replace(binding=replace(
                    binding, show=True, description=label or group,
                    group=groups.setdefault(group, Binding.Group(group, compact=True))
                    if group else None,
                ))  # fmt: skip
        for key, active in bindings.items():
            if key not in shown:
                shown[key] = active._replace(binding=replace(active.binding, show=False))
        return shown

    @property
    def selected(self) -> Block | None:
        return self.query_one(Timeline).selected_block

    def _focused_panel(self) -> str:
        """What the keys for a block or a task act on: ``inbox``, ``rules`` or ``timeline``."""
        focused = self.focused
        return focused.id if focused is not None and focused.id in ("inbox", "rules") else (
            "timeline"
        )  # fmt: skip

    def _need_block(self) -> Block | None:
        if self._focused_panel() == "rules":
            self.notify("The Rules panel only lists; tab to the timeline or the inbox",
                        severity="warning")  # fmt: skip
            return None
        block = self.selected
        if block is None:
            self.notify("No block selected (a adds one)", severity="warning")
        return block

    def _focused_task(self) -> Task | None:
        """The inbox task under the cursor when the inbox has focus, else None."""
        if self._focused_panel() != "inbox":
            return None
        task_id = self.query_one(SidePanel).selected_task_id()
        task = next((t for t in self.day.tasks if t.id == task_id), None) if self.day else None
        if task is None:
            self.notify("The inbox is empty (A adds a task)", severity="warning")
        return task

    def _change_task(self, label: str, task: Task, **changes: Any) -> None:
        def done(updated: Any) -> None:
            self.query_one(SidePanel).select_task(updated.id)

        self.change(label, lambda force: self.planner.edit_task(task.id, **changes),
                    after=done)  # fmt: skip

    # --- changing, with undo and the refusal → confirm → crossing path ------------------
    def change(
        self,
        label: str,
        attempt: Callable[[bool], Any],
        *,
        dates: list[pendulum.Date] | None = None,
        after: Callable[[Any], None] | None = None,
    ) -> bool:
        """Run ``attempt(force)``; a refusal is reported and offered as a forced crossing.
        Returns whether the change was made (a refusal offered to cross counts as not)."""
        dates = dates or [self.date]

        def done(result: Any, crossed: bool) -> None:
            self.reload()
            if after is not None:
                after(result)
            if crossed:
                self.notify(f"{label}: boundary crossed and recorded", severity="warning",
                            markup=False)  # fmt: skip
            # the day's other soft warnings stay in the Rules panel; only the changed
            # block's own ones are worth interrupting for
            block = getattr(result, "block", None)
            for warning in getattr(result, "warnings", []) or []:
                if block is not None and block.id in warning.blocks:
                    self.notify(f"{warning.rule}: {warning.message}", severity="warning")

        try:
            result = self.history.record(label, dates, lambda: attempt(False))
        except RefusedError as exc:
            broken: list[Violation] = list(exc.violations)
            if not broken:
                self.notify(str(exc), title="Refused", severity="error", markup=False)
                return False

            def confirmed(yes: bool | None) -> None:
                if not yes:
                    return
                try:
                    forced = self.history.record(label, dates, lambda: attempt(True))
                except FAILURES as again:
                    failures.report(self, again)
                    return
                done(forced, True)

            from flowday.tui.screens.confirm import ConfirmScreen

            # the dialog names each rule and why; earlier toasts would cover those reasons
            self.app.clear_notifications()
            question = ConfirmScreen("Cross the boundary anyway?", broken, hint=exc.hint,
                                     days=exc.days)  # fmt: skip
            self.app.push_screen(question, confirmed)
            return False
        except FAILURES as exc:
            failures.report(self, exc)
            return False
        done(result, False)
        return True

    async def change_shown_first(
        self,
        label: str,
        forecast: Callable[[DayScreen], DayScreen | None],
        attempt: Callable[[bool], Any],
        *,
        after: Callable[[Any], None] | None = None,
        select: str | None = None,
    ) -> bool:
        """:meth:`change`, with the day as it will be (``forecast(day)``, worked out in
        memory and judged there by the planner's judge) painted before the store is
        written: the key answers at once, the write follows. A change the judge refuses
        (``forecast`` gives None) is never painted: it takes :meth:`change`'s path, whose
        refusal asks whether to cross. Run from a key's action (or through
        :meth:`change_after_dialog`), the app's queue waits meanwhile, so each change is on
        disk before the next key is applied (and before quit). A change that fails is
        reported and the day read again: the screen shows what is stored. ``select``: the
        block to select in the painted day (a block being added)."""
        try:  # (a view over the day, e.g. the week, paints itself after the change)
            shown = forecast(self.day) if self.day is not None and self.is_current else None
        except FAILURES:  # e.g. a time the clocks skip: the change says so itself
            shown = None
        if shown is None:
            return self.change(label, attempt, after=after)
        await self._paint(shown, select)
        if not self.change(label, attempt, after=after):
            self.reload()
            return False
        return True

    async def _paint(self, shown: DayScreen, select: str | None = None) -> None:
        """Show ``shown`` and wait (briefly) until it is on the screen."""
        painted = asyncio.Event()
        self.day = shown
        if select is not None:
            self.query_one(Timeline).select(select)
        self.call_after_refresh(painted.set)
        # a screen not painting (covered by a dialog) does not hold the change up
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(painted.wait(), PAINT_WAIT_SECONDS)

    def change_after_dialog(
        self,
        label: str,
        forecast: Callable[[DayScreen], DayScreen | None],
        attempt: Callable[[bool], Any],
        *,
        after: Callable[[Any], None] | None = None,
        select: str | None = None,
    ) -> None:
        """:meth:`change_shown_first` for a dialog's answer or the quick-add line, which
        no key action waits on: run by the app's own queue, so the keys pressed next wait
        until it is stored, as they do after J."""
        self.app.call_later(
            self.change_shown_first, label, forecast, attempt, after=after, select=select
        )

    def _edited(self, block: Block, changes: dict[str, Any]) -> Callable[[DayScreen], Any]:
        """The forecast of ``block`` edited with ``changes`` (as :meth:`Planner.edit_block`
        makes it): None when it leaves the day (another day is judged when stored)."""

        def forecast(view: DayScreen) -> DayScreen | None:
            edited = block.changed(self.planner.now(), **{k: v for k, v in changes.items()
                                                          if v is not None})  # fmt: skip
            if edited.date != view.date or block.id not in {b.id for b in view.blocks}:
                return None
            blocks = [edited if b.id == block.id else b for b in view.blocks]
            return day_screen.forecast(self.planner, view, blocks)

        return forecast

    # --- quick add ------------------------------------------------------------------------
    def action_add_block(self) -> None:
        self.add_class("-adding")  # toasts move above the line (main.tcss)
        self.query_one(QuickAddBar).open("block")

    def action_add_task(self) -> None:
        self.add_class("-adding")
        self.query_one(QuickAddBar).open("task")

    def action_park_thought(self) -> None:
        """The ritual at a switch: a work thought into the inbox, out of the head."""
        self.add_class("-adding")
        self.query_one(QuickAddBar).open(
            "task", label="Park a work thought in the inbox (enter parks it, escape closes)"
        )

    @on(QuickAddBar.Closed)
    def quick_closed(self) -> None:
        self.remove_class("-adding")
        self.query_one(Timeline).focus()

    @on(Input.Changed, "#quick-input")
    def quick_preview(self, event: Input.Changed) -> None:
        bar = self.query_one(QuickAddBar)
        if not event.value.strip():
            bar.show_preview(Content(""))
            return
        try:
            bar.show_preview(self._preview(bar.kind, event.value))
        except FAILURES as exc:
            bar.show_preview(literal(f"✖ {exc}"), error=True)

    def _preview(self, kind: str, text: str) -> Content:
        if kind == "task":
            quick = parse_quick_add(text)
            if quick.start is not None:
                return literal("✖ a task has no time yet: leave the time out, or add a block")
            sphere = quick.sphere or Sphere.WORK
            return literal(f"→ task {SPHERE_GLYPHS[sphere]} {quick.title} · {sphere.value}")
        preview = self.planner.preview_block(self.date, text)
        block = preview.block
        shown = f"→ {SPHERE_GLYPHS[block.sphere]} {block.title} "
        shown += f"{fmt_minutes(block.start)}-{fmt_minutes(block.end)} {block.sphere.value}"
        shown += " ~flexible" if block.flexible else ""
        return Content("").join([literal(shown), Content("  "), self._verdict(preview)])

    @staticmethod
    def _verdict(preview: BlockPreview) -> Content:
        """The planner's verdict on the block being typed, only rendered here."""
        if preview.refusal is not None:
            refusal = preview.refusal
            return literal(f"✖ refused by {refusal.rule}: {refusal.message}", "bold $error")
        if preview.warning is not None:
            return literal(f"! {preview.warning.rule}: {preview.warning.message}", "$warning")
        return literal("✔ allowed", "$success")

    @on(Input.Submitted, "#quick-input")
    @reports_failures  # the store's failures; what was typed stays in the bar to retry
    def quick_submitted(self, event: Input.Submitted) -> None:
        bar = self.query_one(QuickAddBar)
        text = event.value
        try:
            if bar.kind == "task":
                self.history.record("add task", [], lambda: self.planner.add_task(text))
                bar.action_close()
                self.reload()
                self.notify("Task added to the inbox", markup=False)
                return
            day = self.planner.store.day(self.date)
            title, start, end, sphere, flexible = self.planner.parse_block_text(text, day=day)
        except InputError as exc:
            bar.show_preview(literal(f"✖ {exc}"), error=True)  # the text stays for fixing
            return

        def attempt(force: bool) -> Any:
            return self.planner.add_block(
                self.date, title=title, start=start, end=end, sphere=sphere, flexible=flexible,
                force=force,
            )  # fmt: skip

        def added(result: Any) -> None:
            bar.action_close()
            if result.block is not None:
                self.query_one(Timeline).select(result.block.id)

        def forecast(view: DayScreen) -> DayScreen | None:
            check_exists(view.date, start, end, self.planner.config.timezone)
            # the block as the add will make it, but for its id (made as it is stored)
            block = Block(id=PREVIEW_ID, date=view.date, start=start, end=end, title=title,
                          sphere=sphere, flexible=flexible)  # fmt: skip
            return day_screen.forecast(self.planner, view, [*view.blocks, block])

        self.change_after_dialog("add", forecast, attempt, after=added, select=PREVIEW_ID)

    # --- block actions --------------------------------------------------------------------
    def action_edit_block(self) -> None:
        if self._focused_panel() == "inbox":
            self._edit_task()
            return
        block = self._need_block()
        if block is None:
            return

        def edited(changes: dict[str, Any] | None) -> None:
            if changes:
                self.change_after_dialog("edit", self._edited(block, changes),
                                         lambda force: self.planner.edit_block(
                                             block.id, force=force, **changes))  # fmt: skip

        from flowday.tui.screens.edit import EditBlockScreen

        self.app.push_screen(EditBlockScreen(block), edited)

    # --- what happened ----------------------------------------------------------------------
    async def action_toggle_done(self) -> None:
        block = self._need_block()
        if block is None:
            return
        again = block.outcome is Outcome.DONE
        await self._record_outcome("undone" if again else "done", block,
                                   Outcome.PLANNED if again else Outcome.DONE)  # fmt: skip

    async def action_toggle_skipped(self) -> None:
        """It did not happen (kept on the day, counted apart); again: back to planned."""
        block = self._need_block()
        if block is None:
            return
        again = block.outcome is Outcome.SKIPPED
        await self._record_outcome("unskip" if again else "skip", block,
                                   Outcome.PLANNED if again else Outcome.SKIPPED)  # fmt: skip

    def action_log_intrusion(self) -> None:
        """A boundary violation, as it happens: logged on today, now, the side that does not
        own this time as the intruder (``flowday intrusion --from`` chooses otherwise)."""
        from flowday.application.intrusions import log_intrusion

        today = self.planner.today()

        def logged(intrusion: Intrusion) -> None:
            at = "" if intrusion.at is None else f" at {fmt_minutes(intrusion.at)}"
            self.notify(f"Intrusion logged: {intrusion.direction.replace('-', ' ')}{at} "
                        "(u undoes)", markup=False)  # fmt: skip

        self.change("intrusion", lambda _force: log_intrusion(self.planner, today),
                    dates=[today], after=logged)  # fmt: skip

    def action_actual_times(self) -> None:
        """Done at other times: the plan is kept, the actual time recorded beside it."""
        block = self._need_block()
        if block is None:
            return

        def chosen(span: tuple[int, int] | None) -> None:
            if span is not None:
                self.app.call_later(self._record_outcome, "ran", block, Outcome.DONE, span)

        from flowday.tui.screens.goto import AskScreen

        self.app.push_screen(
            AskScreen(f"When did it really run? (planned {block.span})", "e.g. 16:00-17:45",
                      parse_span, name="actual", value=block.actual_span),
            chosen,
        )  # fmt: skip

    async def _record_outcome(
        self, label: str, block: Block, outcome: Outcome, at: tuple[int, int] | None = None
    ) -> None:
        """Done, skipped or planned again (``at``: done at another time): painted as
        :func:`outcomes.recorded` works it out, then stored by the same rule."""
        from flowday.application import outcomes

        marks = {Outcome.DONE: outcomes.mark_done, Outcome.SKIPPED: outcomes.mark_skipped,
                 Outcome.PLANNED: outcomes.mark_planned}  # fmt: skip

        def attempt(force: bool) -> outcomes.OutcomeResult:
            if at is not None:
                return outcomes.mark_done(self.planner, block.id, at=at)
            return marks[outcome](self.planner, block.id)

        def forecast(view: DayScreen) -> DayScreen | None:
            if block.id not in {b.id for b in view.blocks}:
                return None
            # never refused (it already happened): what breaks is recorded as an overrun
            done = outcomes.recorded(self.planner, view.day, view.blocks, block, outcome, at)
            return day_screen.with_blocks(self.planner, view, done.blocks, day=done.day)

        def said(result: outcomes.OutcomeResult) -> None:
            block = result.block
            ran = f" (ran {block.actual_span})" if block.ran_differently else ""
            self.notify(f"{block.outcome.value.capitalize()}{ran}: {block.title} (u undoes)",
                        markup=False)  # fmt: skip
            for overrun in result.overruns:
                self.notify(f"Overrun recorded: {overrun.message}", title=overrun.rule,
                            severity="warning", markup=False)  # fmt: skip

        await self.change_shown_first(label, forecast, attempt, after=said)

    def _edit_task(self) -> None:
        task = self._focused_task()
        if task is None:
            return

        def edited(changes: dict[str, Any] | None) -> None:
            if changes:
                self._change_task("edit task", task, **changes)

        from flowday.tui.screens.edit import EditTaskScreen

        self.app.push_screen(EditTaskScreen(task, self.planner.today()), edited)

    async def action_delete_block(self) -> None:
        if self._focused_panel() == "inbox":
            task = self._focused_task()
            if task is not None:
                self.change(
                    "delete task",
                    lambda force: self.planner.remove_task(task.id),
                    after=lambda _: self.notify(f"Deleted task '{task.title}' (u undoes)",
                                                markup=False),
                )  # fmt: skip
            return
        block = self._need_block()
        if block is None or self.day is None:
            return
        await self.change_shown_first(
            "delete",
            # never judged: a deletion is not refused
            lambda view: day_screen.with_blocks(
                self.planner, view, [b for b in view.blocks if b.id != block.id]
            ),
            lambda force: self.planner.remove_block(block.id),
            # only once it is gone: a block removed elsewhere meanwhile is an error instead
            # a routine's occurrence is skipped: that date never comes back (undo aside)
            after=lambda _: self.notify(
                f"{'Skipped' if block.routine else 'Deleted'} '{block.title}' (u undoes)",
                markup=False,
            ),
        )

    async def _shift(self, label: str, start_delta: int, end_delta: int) -> None:
        if self._focused_panel() == "inbox":
            self._shift_task(label, start_delta, end_delta)
            return
        block = self._need_block()
        if block is None or self.day is None:
            return
        start, end = block.start + start_delta, block.end + end_delta
        if start < 0 or end > MINUTES_PER_DAY:
            self.notify("Blocks stay within the day (they cannot cross midnight)",
                        severity="warning")  # fmt: skip
            return
        if end - start < 1 or end <= start:
            self.notify("A block cannot get shorter than that", severity="warning")
            return
        await self.change_shown_first(
            label,
            self._edited(block, {"start": start, "end": end}),
            lambda force: self.planner.edit_block(block.id, start=start, end=end, force=force),
        )

    def _shift_task(self, label: str, start_delta: int, end_delta: int) -> None:
        """On the inbox, J/K lower/raise the priority, +/- the estimate."""
        task = self._focused_task()
        if task is None:
            return
        if label == "move":
            priority = task.priority + (1 if start_delta > 0 else -1)
            if not 1 <= priority <= 3:
                self.notify(f"Priority stays within p1-p3 (this task is p{task.priority})",
                            severity="warning")  # fmt: skip
                return
            self._change_task("priority", task, priority=priority)
            return
        estimate = task.estimate + end_delta
        if not 0 < estimate <= MINUTES_PER_DAY:
            self.notify("An estimate stays between 1 minute and a day", severity="warning")
            return
        self._change_task("estimate", task, estimate=estimate)

    async def action_move_later(self) -> None:
        await self._shift("move", STEP, STEP)

    async def action_move_earlier(self) -> None:
        await self._shift("move", -STEP, -STEP)

    async def action_lengthen(self) -> None:
        await self._shift("resize", 0, STEP)

    async def action_shorten(self) -> None:
        await self._shift("resize", 0, -STEP)

    async def action_undo(self) -> None:
        await self._undo_or_redo(undo=True)

    async def action_redo(self) -> None:
        await self._undo_or_redo(undo=False)

    async def _undo_or_redo(self, *, undo: bool) -> None:
        """Undo (or redo) the last change: painted first when what it brings back is
        certain from the history alone (:func:`day_screen.reverted`), then stored, as a
        change is (a revert is never refused); a failure is reported, the day read again."""
        shown = list(self.query_one(Timeline).blocks)
        entries = self.history.done if undo else self.history.undone
        if entries and self.day is not None and self.is_current:  # not under the week view
            entry = entries[-1]
            was, becomes = (entry.after, entry.before) if undo else (entry.before, entry.after)
            coming = day_screen.reverted(self.planner, self.day, was, becomes)
            if coming is not None:
                await self._paint(coming)
                self._select_changed(shown)
        try:
            label = self.history.undo() if undo else self.history.redo()
        except FAILURES as exc:  # History keeps the change: u (ctrl+r) can be pressed again
            failures.report(self, exc, "cannot undo" if undo else "cannot redo")
            self.reload()
            return
        done = "Undid" if undo else "Redid"
        self.notify(f"{done} {label}" if label else f"Nothing to {'undo' if undo else 'redo'}",
                    markup=False)  # fmt: skip
        self.reload()
        self._select_changed(shown)

    def _select_changed(self, shown: list[Block]) -> None:
        """After undo/redo, select the block it brought back or changed (a deleted block
        that undo restores is what the person wants to look at next)."""
        timeline = self.query_one(Timeline)
        before = {block.id: block for block in shown}
        changed = [block for block in timeline.blocks if before.get(block.id) != block]
        if changed:
            timeline.select(changed[0].id)

    # --- dates ----------------------------------------------------------------------------
    def action_previous_day(self) -> None:
        self.date = self.date.subtract(days=1)

    def action_next_day(self) -> None:
        self.date = self.date.add(days=1)

    def action_today(self) -> None:
        self.date = self.planner.today()

    def action_goto_date(self) -> None:
        def chosen(date: pendulum.Date | None) -> None:
            if date is not None:
                self.date = date

        from flowday.tui.screens.goto import GoToDateScreen

        self.app.push_screen(GoToDateScreen(self.planner.today()), chosen)

    # --- modes ----------------------------------------------------------------------------
    def action_switch_mode(self) -> None:
        current = self.day.mode if self.day else ""

        def chosen(choice: tuple[str, bool] | None) -> None:
            if not choice or (choice[0] == current and not choice[1]):
                return
            mode, fix = choice

            def switched(proposal: Any) -> None:
                # the day as it now is (read again after the change), not the proposal's
                # forecast: what the toast says is what Rules and `flowday check` show
                broken = [v for v in (self.day.violations if self.day else []) if v.is_hard]
                message = f"Mode is now {mode}"
                if fix and proposal.hours_reset is not None:
                    message += "; work window back to your hours"
                if fix and proposal.moves:
                    message += f"; moved {counted(len(proposal.moves), 'block')}"
                if broken:
                    message += f"; {counted(len(broken), 'rule')} broken — see Rules"
                self.notify(message, severity="warning" if broken else "information",
                            markup=False)  # fmt: skip

            self.change(
                f"mode switch to {mode}",
                lambda force: self.planner.set_mode(self.date, mode, fix=fix),
                after=switched,
            )

        from flowday.tui.screens.mode import ModeScreen

        self.app.push_screen(ModeScreen(self.planner, self.date, current), chosen)

    def action_set_hours(self) -> None:
        """A day's own work window: integration moves it freely; balance asks to cross."""
        window = self.day.window if self.day else None

        def chosen(span: tuple[int, int] | None) -> None:
            if span is None:
                return
            self.change("work hours", lambda force: self.planner.set_hours(
                self.date, span[0], span[1], force=force))  # fmt: skip

        from flowday.tui.screens.goto import AskScreen

        current = f"{fmt_minutes(window[0])}-{fmt_minutes(window[1])}" if window else ""
        self.app.push_screen(
            AskScreen("Work hours for this day", "e.g. 10:00-18:30", parse_span, name="hours",
                      value=current),
            chosen,
        )  # fmt: skip

    # --- calendars ------------------------------------------------------------------------
    def action_import_calendar(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Importing {path.name}…", markup=False)
                self.run_import(path)

        from flowday.tui.screens.goto import AskScreen

        self.app.push_screen(
            AskScreen("Import calendar (.ics), the next 90 days", "path/to/calendar.ics",
                      _existing_file, name="import"),
            chosen,
        )  # fmt: skip

    @work(thread=True, exclusive=True, group="import")
    def run_import(self, path: Path) -> None:
        """Parsing and expanding can take a second: off the UI thread; results come back
        through call_from_thread, which owns every widget change."""
        from flowday import calendars

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "importing" and total >= 100 and done in (total // 2, total):
                self.app.call_from_thread(self.notify, f"Importing {done}/{total}", markup=False)

        dates = [self.planner.today().add(days=n) for n in range(calendars.DEFAULT_RANGE_DAYS)]
        try:
            before = self.planner.snapshot(*dates)
            report = calendars.import_calendar(self.planner, path, progress=progress)
            after = self.planner.snapshot(*dates)
        except FAILURES as exc:
            self.app.call_from_thread(failures.report, self, exc)
            return
        self.app.call_from_thread(self.history.push, Entry("calendar import", before, after))
        summary = report.summary()
        if report.crossed:
            summary += f"\n{counted(len(report.crossed), 'rule')} crossed — see Rules"
        self.app.call_from_thread(
            self.notify,
            summary,
            markup=False,
            severity="warning" if report.crossed else "information",
        )
        self.app.call_from_thread(self.reload)

    # --- inbox ----------------------------------------------------------------------------
    def action_schedule_task(self) -> None:
        task_id = self.query_one(SidePanel).selected_task_id()
        if task_id is None:
            self.notify("No inbox task selected (tab moves to the inbox)", severity="warning")
            return
        self.change(
            "schedule",
            lambda force: self.planner.schedule_task(task_id, self.date),
            after=self._report_plan,
        )

    def action_plan_inbox(self) -> None:
        """A big inbox takes a while to plan: worked out in a thread while the screen says
        so (escape cancels, nothing changed), then stored through :meth:`change` (undo, and
        the planner re-checks the day under the store's lock)."""
        from flowday.tui.screens.working import WorkingScreen

        worker = self.draft_plan(self.date)

        def closed(finished: bool | None) -> None:
            if not finished:
                worker.cancel()
                self.notify("Planning cancelled: nothing changed", markup=False)

        self.app.push_screen(WorkingScreen("Planning the inbox"), closed)

    @work(thread=True, exclusive=True, group="plan")
    def draft_plan(self, date: pendulum.Date) -> None:
        worker = get_current_worker()
        try:
            draft = self.planner.draft_plan(date, cancelled=lambda: worker.is_cancelled)
        except scheduler.Cancelled:
            return
        except FAILURES as exc:
            self.app.call_from_thread(self._plan_drafted, worker, None, exc)
            return
        self.app.call_from_thread(self._plan_drafted, worker, draft, None)

    def _plan_drafted(
        self, worker: Worker[None], draft: PlanDraft | None, failure: BaseException | None
    ) -> None:
        from flowday.tui.screens.working import WorkingScreen

        if worker.is_cancelled:  # escape came first
            return
        if isinstance(self.app.screen, WorkingScreen):
            self.app.screen.dismiss(True)
        if draft is None:
            failures.report(self, failure or "planning failed")
            return
        self.change("plan", lambda force: self.planner.commit_plan(draft),
                    after=self._report_plan)  # fmt: skip

    def _report_plan(self, result: Any) -> None:
        placed, unplaced = list(result.placed), list(result.unplaced)
        message = f"Placed {counted(len(placed), 'task', zero='no')}"
        for task, why in unplaced[:3]:
            message += f"\nnot placed: {task.title}: {why}"
        self.notify(message, severity="warning" if unplaced else "information", markup=False)
        if placed:
            self.query_one(Timeline).select(placed[-1][1].id)

    # --- other screens --------------------------------------------------------------------
    @reports_failures  # a screen reads its day as it is built: a failure opens nothing
    def _push_optional(
        self, module: str, name: str, what: str, *, date: pendulum.Date | None = None
    ) -> None:
        if importlib.util.find_spec(module) is None:
            self.notify(f"The {what} is not part of this build yet", severity="warning")
            return
        screen_class = getattr(importlib.import_module(module), name)
        self.app.push_screen(screen_class(self.planner, date or self.date),
                             lambda _: self.reload())  # fmt: skip

    def action_reflection(self) -> None:
        """The shown day's reflection, or the one just offered while its offer is showing."""
        offered = self._offered_date()
        self.offered = None
        if offered is not None:  # offered: the shutdown ritual, the questions its third step
            self._shutdown(offered)
            return
        date = self.date
        self._push_optional("flowday.tui.screens.reflection", "ReflectionScreen", "reflection",
                            date=date)  # fmt: skip

    @reports_failures  # each step reads its day as it is built: a failure opens nothing
    def _shutdown(self, date: pendulum.Date) -> None:
        from flowday.tui.screens.shutdown import run_shutdown

        run_shutdown(self.app, self.planner, date, self.reload)

    # --- the mode trial (palette: "Trial: …"), as `flowday trial` ---------------------------
    def action_trial_start(self) -> None:
        def chosen(answer: tuple[int, str] | None) -> None:
            if answer is None:
                return
            from flowday.application import trial

            try:
                started = trial.start(self.planner, answer[0], answer[1])
            except FAILURES as exc:
                failures.report(self, exc)
                return
            self.reload()
            self.notify(
                f"Trial started: {counted(len(started.assigned), 'day')} from "
                f"{fmt_date(started.first, 'ddd D MMM')} to {fmt_date(started.last, 'ddd D MMM')} "
                "have a mode chosen at random (palette: Trial: status)",
                markup=False,
            )

        from flowday.tui.screens.goto import AskScreen

        self.app.push_screen(
            AskScreen("Start a mode trial: how many weeks?", "4 (days at random) or 4 by week",
                      _trial_length, name="trial"),
            chosen,
        )  # fmt: skip

    @reports_failures
    def action_trial_status(self) -> None:
        from flowday.application import trial

        self.notify(trial.status(self.planner)["text"], title="Trial", timeout=20, markup=False)

    def action_trial_stop(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            from flowday.application import trial

            try:
                trial.stop(self.planner)
            except FAILURES as exc:
                failures.report(self, exc)
                return
            self.reload()
            self.notify("Trial stopped: the coming days follow your weekly map", markup=False)

        from flowday.tui.screens.confirm import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen("Stop the trial?", [], yes="Stop", no="Keep it"), confirmed
        )

    def action_weekly_review(self) -> None:
        self._push_optional("flowday.tui.screens.review", "WeeklyReviewScreen", "weekly review")

    @reports_failures  # a view reads its days as it is built: a failure opens nothing
    def action_week_view(self) -> None:
        from flowday.tui.screens.week import WeekScreen

        selected = self.selected
        week = WeekScreen(self, self.date, selected.id if selected else None)
        self.app.push_screen(week, lambda _: self.reload())

    @reports_failures
    def action_month_view(self) -> None:
        from flowday.tui.screens.month import MonthScreen

        self.app.push_screen(MonthScreen(self, self.date), lambda _: self.reload())

    def action_routine(self) -> None:
        block = self._need_block()
        if block is not None:
            from flowday.tui.screens.routine import open_routine

            open_routine(self, block)

    # --- sync (y, C), in a thread: see flowday.tui.syncing ------------------------------------
    def action_sync(self) -> None:
        self.syncing.start()

    def action_sync_conflicts(self) -> None:
        self.syncing.show_conflicts()

    def action_help(self) -> None:
        keymap = self.planner.config.keymap
        rows = []
        # the app's own keys (quit) through self.app: the app imports this screen, not back
        for binding in [*Timeline.BINDINGS, *MainScreen.BINDINGS, *self.app.BINDINGS]:
            assert isinstance(binding, Binding)
            if binding.id is None:
                continue
            keys = keymap.get(binding.id, binding.key).split(",")
            shown = " / ".join(self.app.get_key_display(Binding(k.strip(), "")) for k in keys)
            rows.append((shown, binding.description, binding.tooltip, binding.id))
        rows.append(("tab", "Focus", "Timeline → inbox → rules → timeline", "focus"))
        rows.append(("ctrl+p", "Palette", "Find any action, and the theme picker", "palette"))
        from flowday.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(rows))

    # --- messages from widgets ------------------------------------------------------------
    @on(OptionList.OptionSelected, "#rules")
    def violation_chosen(self, event: OptionList.OptionSelected) -> None:
        """Selecting a violation jumps to (selects) the block it names."""
        if self.day is None or not event.option.id:
            return
        violation = self.day.violations[int(event.option.id[1:])]
        if violation.blocks:
            timeline = self.query_one(Timeline)
            timeline.select(violation.blocks[0])
            timeline.scroll_to_selected()
            timeline.focus()

    @on(OptionList.OptionSelected, "#inbox")
    def task_chosen(self) -> None:
        self.action_schedule_task()


def _trial_length(text: str) -> tuple[int, str]:
    """ "4" or "4 weeks" (days drawn at random) and "4 by week" (whole weeks drawn) →
    (weeks, unit), as ``flowday trial start --weeks N [--unit day|week]``."""
    words = text.lower().replace("weeks", "week").split()
    unit = "week" if words[-2:] == ["by", "week"] else "day"
    rest = words[:-2] if words[-2:] in (["by", "week"], ["by", "day"]) else words
    if not rest or not rest[0].isdigit() or rest[1:] not in ([], ["week"]):
        raise InputError(f"{text.strip()!r}: give a number of weeks, e.g. 4 or 4 by week")
    return int(rest[0]), unit


def _existing_file(text: str) -> Path:
    path = Path(text.strip()).expanduser()
    if not text.strip() or not path.is_file():
        raise InputError(f"no such file: {text.strip()!r}")
    return path
