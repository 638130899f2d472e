"""Reminders for a running planner: what is due now (domain/reminders.py decides), each
said once — remembered in the store's state (``reminders``: the day and the keys said that
day), so a planner restarted inside a block's lead time does not say it again — and the
desktop's own notification when the system has one
(``notify-send``; no hard dependency: without it reminders are in-app only)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess

from flowday.application.planner import Planner
from flowday.domain.errors import FlowdayError
from flowday.domain.reminders import Reminder, due_reminders

DESKTOP_COMMAND = "notify-send"


def desktop_available() -> bool:
    return shutil.which(DESKTOP_COMMAND) is not None


def send_desktop(reminder: Reminder) -> bool:
    """Hand the reminder to the desktop; never raises (a reminder is not worth a crash)."""
    command = shutil.which(DESKTOP_COMMAND)
    if command is None:
        return False
    try:  # arguments, never a shell: titles are user text
        subprocess.Popen(
            [command, "--app-name=flowday", "--", reminder.title, reminder.message],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    except OSError:
        return False
    return True


STATE_KEY = "reminders"  # {"date": "2026-11-25", "said": [keys said that day]}


def said_on(planner: Planner, date: str) -> set[str]:
    """The reminder keys already said on ``date`` (ISO), by this planner or an earlier one."""
    stored = planner.store.state().get(STATE_KEY) or {}
    return set(stored.get("said", ())) if stored.get("date") == date else set()


class Reminders:
    """What is due today at the planner's "now", each key said once, across restarts."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.said: set[str] = set()  # also kept here: a store that cannot be written

    def due(self) -> list[Reminder]:
        now = self.planner.now()
        date = now.date()
        key = date.to_date_string()
        said = self.said | said_on(self.planner, key)
        day = self.planner.store.day(date)
        ctx = self.planner.context(day, self.planner.store.blocks_on(date))
        found = due_reminders(ctx, now.hour * 60 + now.minute, self.planner.config.reminders, said)
        if found:
            self.said.update(r.key for r in found)
            with contextlib.suppress(FlowdayError, OSError):  # a store that cannot be
                self._remember(key, {r.key for r in found})  # written: said once per run
        return found

    def _remember(self, date: str, keys: set[str]) -> None:
        """Add ``keys`` to what ``date`` said. Bounded: only one day is kept, so an earlier
        day's keys are dropped as the first reminder of a new day is stored."""
        with self.planner.store.transaction() as txn:  # re-read under the lock: another
            said = said_on(self.planner, date) | keys  # planner may have said some too
            txn.set_state(**{STATE_KEY: {"date": date, "said": sorted(said)}})
