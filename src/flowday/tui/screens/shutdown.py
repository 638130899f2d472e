"""The shutdown ritual, offered instead of the bare reflection form: (1) the day at a
glance, (2) its unfinished flexible work (carry to tomorrow, the inbox, or drop), (3) the
questions (the reflection dialog, worded for the day), (4) tomorrow at a glance. Each step
is its own small dialog that fits 80x24; digits answer, enter moves on, escape with
answers picked asks first (GuardedDialog)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import pendulum
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from flowday.application import outcomes, shutdown
from flowday.application.planner import Planner
from flowday.domain.model import Block
from flowday.tui.failures import FAILURES, one_line
from flowday.tui.screens.guarded import GuardedDialog
from flowday.tui.screens.reflection import Choice, ReflectionScreen
from flowday.tui.text import literal

CARRY_VALUES = ("keep", "tomorrow", "inbox", "drop")
CARRY_LABELS = ("keep", "tomorrow", "inbox", "drop")


class GlanceScreen(GuardedDialog[bool]):
    """A few lines to read; enter moves on (True), escape stops the ritual."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Next", id="shutdown.next"),
        Binding("escape", "cancel", "Stop", id="shutdown.cancel"),
    ]

    def __init__(self, title: str, lines: list[str], hint: str = "enter: next · esc: stop"):
        super().__init__()
        self.title_text, self.lines, self.hint = title, lines, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="shutdown-step"):
            yield Label(literal(self.title_text), classes="dialog-title")
            for line in self.lines:  # the lines quote titles: data, shown literally
                yield Static(literal(line), classes="shutdown-line")
            yield Static(self.hint, classes="hint")

    def has_edits(self) -> bool:
        return False

    def action_next(self) -> None:
        self.dismiss(True)


class UnfinishedScreen(GuardedDialog[bool]):
    """Each unfinished flexible block with its choice (1 keep, 2 tomorrow, 3 inbox,
    4 drop); enter carries the choices out and moves on."""

    CSS_PATH = "dialogs.tcss"
    DEFAULT_CSS = """
    UnfinishedScreen Choice { height: auto; padding: 0 1; }
    UnfinishedScreen Choice:focus { background: $boost; border-left: outer $accent; }
    UnfinishedScreen .reasons { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Next", id="shutdown.carry"),
        Binding("escape", "cancel", "Stop", id="shutdown.carry_cancel"),
    ]

    def __init__(self, planner: Planner, date: pendulum.Date, blocks: list[Block]) -> None:
        super().__init__()
        self.planner, self.date, self.blocks = planner, date, blocks

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="shutdown-step"):
            yield Label("Unfinished work", classes="dialog-title")
            with VerticalScroll(classes="reasons"):
                for index, block in enumerate(self.blocks):
                    yield Static(literal(f"{block.span}  {block.title}"))
                    yield Choice(CARRY_VALUES, CARRY_LABELS, picked="keep", id=f"carry-{index}")
            yield Static("", id="shutdown-error", classes="error")
            yield Static("digits pick · tab next block · enter: carry out, next", classes="hint")

    def on_mount(self) -> None:
        self.query(Choice).first().focus()

    def choices(self) -> list[str]:
        return [str(c.value or "keep") for c in self.query(Choice)]

    def has_edits(self) -> bool:
        return any(choice != "keep" for choice in self.choices())

    def action_next(self) -> None:
        try:
            for block, choice in zip(self.blocks, self.choices(), strict=True):
                if choice == "drop":
                    outcomes.mark_skipped(self.planner, block.id)
                elif choice in ("tomorrow", "inbox"):
                    to: outcomes.Destination = "tomorrow" if choice == "tomorrow" else "inbox"
                    outcomes.carry(self.planner, self.date, to=to, ids=[block.id])
        except FAILURES as exc:
            self.query_one("#shutdown-error", Static).update(literal(one_line(exc)))
            return
        self.dismiss(True)


def run_shutdown(
    app: App[object], planner: Planner, date: pendulum.Date, done: Callable[[], None]
) -> None:
    """Push the ritual's steps one after another; ``done`` runs whenever it ends
    (finished or stopped)."""

    def tomorrow(result: str | None) -> None:
        if result != "saved":  # cancelled, or the day skipped (remembered): the ritual ends
            done()
            return
        # the completed ritual on the timeline: a short block, done (when it fits)
        said = shutdown.record_shutdown(planner, date)
        lines = shutdown.tomorrow_at_a_glance(planner, date) + ([said] if said else [])
        app.push_screen(GlanceScreen("Saved · tomorrow at a glance", lines, "enter: done"),
                        lambda _: done())  # fmt: skip

    def questions(go_on: bool | None = True) -> None:
        if not go_on:
            done()
            return
        questions_step = ReflectionScreen(planner, date)
        questions_step.add_class("-compact")  # fits 80x24 (reflection.tcss)
        app.push_screen(questions_step, tomorrow)

    def unfinished(go_on: bool | None) -> None:
        if not go_on:
            done()
            return
        left = outcomes.unfinished(planner, date)
        if left:
            app.push_screen(UnfinishedScreen(planner, date, left), questions)
        else:
            questions()

    lines = shutdown.day_at_a_glance(planner, date)
    app.push_screen(GlanceScreen("The day at a glance", lines), unfinished)
