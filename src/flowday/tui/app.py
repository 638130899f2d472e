"""The planner app: one main screen over the planner, a keymap from the config, every
action in the command palette, and a terminal that is always given back in good order."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path, PurePath
from time import monotonic
from typing import TYPE_CHECKING, ClassVar

import pendulum
from rich.text import Text
from textual import events
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.filter import Monochrome, NoColor
from textual.notifications import SeverityLevel
from textual.screen import Screen

from flowday import places, safe_write
from flowday.application.planner import Planner
from flowday.domain.text import shown
from flowday.domain.wallclock import fmt_date
from flowday.tui.compat import CompatApp
from flowday.tui.screens.main import MainScreen
from flowday.tui.theming import install_themes, remember_theme_choices

if TYPE_CHECKING:
    from flowday.cli.common import Context

# Defaults for the theme variables the .tcss uses (Textual's own themes lack them);
# flowday's theme files set their own.
THEME_VARIABLE_DEFAULTS = {
    "flowday-work": "#3b6ea5",
    "flowday-personal": "#3f8f5a",
    "flowday-break": "#8a7a3a",
    "flowday-fence": "#6c5f8d",
    "flowday-violation": "#d0453b",
    "flowday-now": "#e0a526",
}
TRIAL_COMMANDS = (
    ("Trial: start a mode trial", "balance or integration at random, the coming weeks",
     "trial_start"),
    ("Trial: status", "how far the trial is, and its result at the end", "trial_status"),
    ("Trial: stop", "coming trial days go back to your weekly map", "trial_stop"),
)  # fmt: skip
CRASH_LOG = "flowday-crash.log"
MAX_TOASTS = 2  # five undos once stacked five toasts over the day
EXIT_GRACE_SECONDS = 5.0


class FlowdayApp(CompatApp):
    """``FlowdayApp(planner, date)``: the planner is built (with its clock) by the caller."""

    TITLE = "flowday"
    # the main screen is the default screen, whose own CSS_PATH Textual does not load:
    # its styles come in with the app's
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "screens/main.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit flowday (everything is saved)"),
    ]

    def __init__(
        self, planner: Planner, date: pendulum.Date | None = None, *, theme: str | None = None
    ) -> None:
        super().__init__()
        self.planner = planner
        self.start_date = date or planner.today()
        self.cli_theme = theme  # --theme NAME, for this run only
        self.crash: BaseException | None = None
        self.last_key_at = monotonic()
        # before the first style pass: choosing the theme later (on_load) restyles and lays
        # out the whole first screen again
        self.theme_warnings = install_themes(
            self, planner.store, planner.config, theme, use=self.start_with_theme
        )
        self.watch_theme()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_key_at = monotonic()  # prompts wait until the person pauses
        await super().on_event(event)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications often quote titles: terminal controls go, and markup is off unless
        a caller asks for it with text it wrote itself. A repeated message replaces its
        earlier copy, and at most :data:`MAX_TOASTS` stay stacked over the timeline."""
        message, title = shown(message), shown(title)
        self.withdraw_notifications(lambda n, _: (n.message, n.title) == (message, title))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
        self.withdraw_notifications(lambda _, newer: newer >= MAX_TOASTS)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {**super().get_theme_variable_defaults(), **THEME_VARIABLE_DEFAULTS}

    def watch_theme(self) -> None:
        """Textual chooses its NO_COLOR filter once, for the theme at start-up; monochrome
        turns an ANSI theme's "default" colours black on black, so follow the theme."""
        if self.no_color:
            self.swap_no_color_filter(NoColor if self.native_ansi_color else Monochrome)

    def get_default_screen(self) -> Screen:
        # the main screen is the first screen: no blank default screen drawn before it
        return MainScreen(self.planner, self.start_date)

    def on_load(self) -> None:
        remember_theme_choices(self, self.planner.store, self.planner.config.theme)
        if self.planner.config.keymap:
            self.set_keymap(self.planner.config.keymap)

    def on_mount(self) -> None:
        self._install_signal_handlers()
        for message in self.theme_warnings:
            # markup off: messages quote file names and theme names the user typed
            self.notify(message, title="Theme", severity="warning", timeout=12, markup=False)

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    # --- command palette: every action of the main screen ---------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":  # Textual's toast is markup and gives no reason
                yield command
        yield SystemCommand(
            "Screenshot",
            "Save an SVG picture of the screen (in Downloads, else the current folder)",
            # a moment later: the palette is closed by then and not in the picture
            lambda: self.set_timer(0.1, self.action_save_screenshot),
        )
        if isinstance(screen, MainScreen):
            # the palette matches titles only: the full wording ("Delete the selected
            # block") is found by "delete" and "move", the footer's short word ("Del") is not
            for binding in MainScreen.BINDINGS:
                assert isinstance(binding, Binding)
                title = binding.tooltip if binding.action != "help" else "Help: every key"
                key = self.get_key_display(binding)
                yield SystemCommand(title, f"{binding.description} · key {key}",
                                    _runner(screen, binding.action))  # fmt: skip
            # palette only (no key): the mode trial, as `flowday trial start|status|stop`
            for title, help_text, action in TRIAL_COMMANDS:
                yield SystemCommand(title, help_text, _runner(screen, action))
        elif getattr(screen, "ACTIONS_IN_PALETTE", False):  # the week and month views
            for binding in screen.BINDINGS:
                assert isinstance(binding, Binding)
                key = self.get_key_display(binding)
                yield SystemCommand(binding.tooltip, f"{binding.description} · key {key}",
                                    _runner(screen, binding.action))  # fmt: skip

    def action_save_screenshot(self, folder: Path | None = None) -> Path | None:
        """Save the screen as SVG through the one safe write and say where, or why not."""
        folder = folder or places.screenshot_folder()
        path = folder / f"flowday-{fmt_date(self.planner.now(), 'YYYY-MM-DD_HH-mm-ss')}.svg"
        try:
            safe_write.write_atomically(path, self.export_screenshot().encode("utf-8"))
        except OSError as exc:
            self.notify(f"Could not save the screenshot in {folder}: {exc.strerror or exc}",
                        title="Screenshot", severity="error")  # fmt: skip
            return None
        self.notify(f"Saved the screenshot to {path}", title="Screenshot")
        return path

    # --- leaving cleanly --------------------------------------------------------------------
    def _install_signal_handlers(self) -> None:
        """SIGTERM/SIGHUP: exit through Textual so the terminal is restored. Every change is
        already written when it is made, so there is nothing else to save."""
        try:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(signum, self._on_signal, signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, Windows
            pass

    def _on_signal(self, signum: int) -> None:
        self.exit(return_code=128 + signum)
        if signum == signal.SIGHUP:
            # the terminal is gone and the orderly exit can stall writing to it; every
            # change is already on disk, so leave for sure a moment later
            watchdog = threading.Timer(EXIT_GRACE_SECONDS, os._exit, args=(128 + signum,))
            watchdog.daemon = True
            watchdog.start()

    def report_fatal_error(self, error: BaseException | None) -> None:
        """Textual's default prints a full traceback with locals (titles included) over the
        terminal; a person gets one line, the details go to a log file."""
        self.crash = error
        self.bell()
        self.panic(Text(f"flowday: unexpected error: {type(error).__name__}: {error}"[:300]))


def _runner(screen: Screen, action: str) -> Callable[[], Coroutine[None, None, None]]:
    async def run() -> None:
        await screen.run_action(action)

    return run


def crash_log_places(data_path: Path) -> list[Path]:
    """Where a crash's details go: the first of these with room. The data folder first
    (beside what a person backs up), then the cache dir and the temp dir, which often sit
    on another disk when the data's is full."""
    # the temp dir is shared: a name per user
    fallback = Path(tempfile.gettempdir()) / f"flowday-{os.getuid()}-{CRASH_LOG}"
    return [data_path / CRASH_LOG, places.cache_root() / CRASH_LOG, fallback]


def write_crash_log(data_path: Path, error: BaseException) -> str:
    """Write the crash's traceback and return the one line that says where it went or, when
    no place had room, where it could not be written. Through the one safe write: a
    failed write leaves no empty log behind."""
    details = "".join(traceback.format_exception(error)).encode("utf-8", "replace")
    failed: list[str] = []
    for path in crash_log_places(data_path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            safe_write.write_atomically(path, details)
        except OSError as exc:
            failed.append(f"{path} ({exc.strerror or exc})")
            continue
        return f"details in {path}" + (f" (could not write {'; '.join(failed)})" if failed else "")
    return f"the details could not be written: {'; '.join(failed)}"


def run_app(context: Context, *, date: pendulum.Date, theme: str | None = None) -> int:
    app = FlowdayApp(context.planner, date, theme=theme)
    app.run()
    if app.crash is not None:
        where = write_crash_log(context.data_path, app.crash)
        print(f"flowday: your data is safe (every change is saved as it is made); {where}",
              file=sys.stderr)  # fmt: skip
        return 1
    return app.return_code or 0
