"""Sync from the planner: the key (``y``), the palette, and ``[sync] every`` while it is open.

The engine (:func:`flowday.sync.engine.run_sync`, as ``flowday sync`` runs it) works in a
thread, so keys keep working meanwhile; what it says comes back through
``call_from_thread`` as one line. A sync never opens anything over what the person is
doing: it only says (a toast), and its conflicts wait for the conflicts screen (``C``).
The planner's own writes meanwhile are safe by the engine's rule: what it changes here
is checked under the store's lock against what its merge read, and merged again when a
key changed it since.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from functools import partial
from time import monotonic
from typing import TYPE_CHECKING

from flowday.domain.text import counted
from flowday.tui import failures
from flowday.tui.failures import FAILURES, one_line

if TYPE_CHECKING:
    from flowday.config import SyncSettings
    from flowday.sync.everything import Connect, Reports
    from flowday.tui.screens.main import MainScreen

SYNCING = "Syncing…"
TICK_SECONDS = 30.0  # how often the periodic sync looks at its clock (minutes matter)
Resolution = tuple[str, str]  # (block, routine or task id, "local" | "remote")


class PlannerSync:
    """The main screen's syncs: one at a time, each in a thread worker. ``clock`` (seconds,
    monotonic) is what the periodic sync measures its interval on: tests pass their own."""

    def __init__(self, screen: MainScreen, *, clock: Callable[[], float] = monotonic) -> None:
        self.screen = screen
        self.clock = clock
        settings = screen.planner.config.sync
        self.every = settings.every * 60.0 if settings is not None else 0.0  # seconds; 0: off
        self.next_due = clock() + self.every
        self.running = False
        self.queued: list[Resolution] = []  # chosen while a sync ran: settled right after it
        self.quiet_failure: str | None = None  # a periodic failure already said once
        self.open_conflicts: int | None = None  # after the last sync (None: none ran yet)
        # the server's collection, kept between syncs for the settings it was opened with:
        # a periodic sync does not run password_cmd (a password manager's prompt) each time
        self._opened: tuple[SyncSettings, Connect] | None = None

    def start_timer(self) -> None:
        if self.every:
            self.screen.set_interval(TICK_SECONDS, self.tick)

    def tick(self) -> None:
        """The periodic sync, when its interval has passed on :attr:`clock`."""
        if self.every and not self.running and self.clock() >= self.next_due:
            self.start(periodic=True)

    def start(
        self, resolutions: Iterable[Resolution] = (), *, periodic: bool = False, yes: bool = False
    ) -> None:
        resolutions = list(resolutions)
        if self.running:
            if resolutions:
                self.queued.extend(resolutions)
                self.screen.notify("A sync is under way: your choices are settled right after it",
                                   title="Sync", markup=False)  # fmt: skip
            elif not periodic:
                self.screen.notify("A sync is under way", title="Sync", markup=False)
            return
        self.running = True
        if not periodic:
            self.screen.notify(SYNCING, title="Sync", timeout=30, markup=False)
        work = partial(self._work, resolutions, periodic, yes)
        self.screen.run_worker(work, thread=True, group="sync", name="sync")

    def _work(self, resolutions: list[Resolution], periodic: bool, yes: bool) -> None:
        """In the worker thread: the password, the server, the engine."""
        from flowday.config import ConfigError
        from flowday.sync.everything import sync_everything
        from flowday.sync.server import SyncError
        from flowday.sync.setup import connector, sync_settings

        planner = self.screen.planner
        try:
            settings = sync_settings(planner.config)
            if self._opened is None or self._opened[0] != settings:
                self._opened = None
                self._opened = (settings, connector(planner.config))
            report = sync_everything(planner, settings, self._opened[1],
                                     resolutions=resolutions, yes=yes)  # fmt: skip
        except FAILURES as exc:
            if isinstance(exc, (SyncError, ConfigError)):  # afresh next time: a new password,
                self._opened = None  # the server back, the config fixed
            self._say(self._failed, exc, periodic, resolutions)
            return
        self._say(self._done, report, periodic)

    def _say(self, callback: Callable[..., None], *args: object) -> None:
        """Back on the UI thread; the planner quit meanwhile (the sync finished its
        transaction first): nobody left to tell."""
        with contextlib.suppress(RuntimeError):
            self.screen.app.call_from_thread(callback, *args)

    def _finished(self) -> None:
        app = self.screen.app
        withdraw = getattr(app, "withdraw_notifications", None)  # FlowdayApp's (compat)
        if withdraw is not None:
            withdraw(lambda toast, _newer: toast.message == SYNCING)
        self.running = False
        self.next_due = self.clock() + self.every
        if self.queued:
            queued, self.queued = self.queued, []
            self.start(queued)

    def _done(self, reports: Reports, periodic: bool) -> None:
        self.quiet_failure = None
        report = reports.plan
        personal = reports.reflections.conflicts if reports.reflections else []
        seen, self.open_conflicts = self.open_conflicts, len(report.conflicts) + len(personal)
        pulled_elsewhere = bool(reports.reflections and reports.reflections.pulled) or any(
            subscribed.pulled for subscribed in reports.subscriptions
        )
        if report.pulled or report.resolved or pulled_elsewhere:  # the data here changed
            self.screen.reload()
        news = report.pushed or report.pulled or report.resolved or report.crossed
        news = news or pulled_elsewhere
        if not periodic or news or self.open_conflicts != (seen or 0):
            self.screen.notify(self.summary(reports), title="Sync", markup=False,
                               severity="warning" if self.open_conflicts or report.crossed
                               else "information")  # fmt: skip
        self._finished()

    def summary(self, reports: Reports) -> str:
        """``flowday sync``'s summary line, with what to do next (the reflections' and the
        subscriptions' only when they moved, as the command says them)."""
        report, personal = reports.plan, reports.reflections
        text = report.summary()
        if report.resolved:
            text = f"settled {counted(report.resolved, 'conflict')}; {text}"
        if personal is not None and (personal.pushed or personal.pulled or personal.conflicts):
            text += f"; reflections: {personal.summary()}"
        for subscribed in reports.subscriptions:
            if subscribed.unsubscribed:
                text += f"; {subscribed.summary()}"
            elif subscribed.pulled:
                text += f"; {subscribed.calendar}: ↓{subscribed.pulled}"
        if report.conflicts or (personal is not None and personal.conflicts):
            text += f" — {self._key('sync_conflicts', 'C')} shows them"
        if report.crossed:
            text += f"; {counted(len(report.crossed), 'rule')} crossed — see Rules"
        if report.skipped:
            left = counted(len(report.skipped), "event")
            text += f"; {left} left alone (flowday sync lists them)"
        return text

    def _key(self, binding_id: str, default: str) -> str:
        return self.screen.planner.config.keymap.get(binding_id, default).split(",")[0].strip()

    def _failed(self, error: BaseException, periodic: bool, resolutions: list[Resolution]) -> None:
        from flowday.sync.engine import DeletionsNeedConfirmation

        line = one_line(error)
        if isinstance(error, DeletionsNeedConfirmation) and not periodic and self._nothing_open():
            self._finished()
            self._ask_to_delete(line, resolutions)
            return
        if periodic:  # offline for hours is said once, not every interval
            if line != self.quiet_failure:
                self.quiet_failure = line
                self.screen.notify(f"{line} (syncing again every "
                                   f"{int(self.every // 60)} min, quietly)",
                                   title="Sync", markup=False)  # fmt: skip
        else:
            self.screen.notify(line, title="Sync failed", severity="error", markup=False)
        self._finished()

    def _nothing_open(self) -> bool:
        """No dialog and no quick-add line: a question may be asked without taking over
        what the person is typing or answering."""
        from flowday.tui.widgets.quick_add import QuickAddBar

        screen = self.screen
        return screen.app.screen is screen and not screen.query_one(QuickAddBar).display

    def _ask_to_delete(self, line: str, resolutions: list[Resolution]) -> None:
        """Many deletions (or a whole day emptied) wait for a yes, as ``flowday sync``
        asks in a terminal; no changes nothing."""
        from flowday.tui.screens.confirm import ConfirmScreen

        reason = line.split(";")[0]  # "this sync would delete …" without the CLI's advice

        def answered(yes: bool | None) -> None:
            if yes:
                self.start(resolutions, yes=True)
            else:
                self.screen.notify("Sync stopped: nothing was changed", title="Sync", markup=False)

        question = f"{reason[:1].upper()}{reason[1:]}. Go ahead?"
        self.screen.app.push_screen(
            ConfirmScreen(question, [], yes="Sync and delete", no="Stop"), answered
        )

    # --- conflicts --------------------------------------------------------------------------
    def show_conflicts(self) -> None:
        """The conflicts screen; the choices made there are settled by one sync, the same
        way as ``flowday sync --resolve ID --take local|remote``."""
        from flowday.sync.engine import load_state
        from flowday.sync.scopes import REFLECTIONS
        from flowday.tui.screens.conflicts import ConflictsScreen, conflict_rows

        planner = self.screen.planner
        try:
            conflicts = [*load_state(planner).conflicts.values()]
            if planner.config.sync is not None and planner.config.sync.reflections:
                # a reflection's conflict too: settled as reflection-<date>, in its collection
                conflicts += load_state(planner, REFLECTIONS).conflicts.values()
            rows = conflict_rows(conflicts)
        except FAILURES as exc:  # sync.json unreadable: said in one line, nothing opened
            failures.report(self.screen, exc)
            return
        if not rows:
            self.screen.notify("No sync conflicts", title="Sync", markup=False)
            return

        def chosen(resolutions: list[Resolution] | None) -> None:
            if resolutions:
                self.start(resolutions)

        self.screen.app.push_screen(ConflictsScreen(rows), chosen)
