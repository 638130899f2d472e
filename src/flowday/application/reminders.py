"""Reminders for a running planner: what is due now (domain/reminders.py decides), each
said once per run, and the desktop's own notification when the system has one
(``notify-send``; no hard dependency: without it reminders are in-app only)."""

from __future__ import annotations

import shutil
import subprocess

from flowday.application.planner import Planner
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


class Reminders:
    """What is due today at the planner's "now", each key said once."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.said: set[str] = set()

    def due(self) -> list[Reminder]:
        now = self.planner.now()
        date = now.date()
        day = self.planner.store.day(date)
        ctx = self.planner.context(day, self.planner.store.blocks_on(date))
        found = due_reminders(
            ctx, now.hour * 60 + now.minute, self.planner.config.reminders, self.said
        )
        self.said.update(r.key for r in found)
        return found
