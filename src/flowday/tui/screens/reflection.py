"""The end-of-day questions as a keyboard-only dialog.

Digits pick an answer, tab moves to the next question, enter saves, escape cancels
without saving anything, ctrl+n skips the day (remembered: flowday stops asking)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import pendulum
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from flowday.application import reviews
from flowday.application.planner import Planner
from flowday.application.shutdown import day_word
from flowday.domain import questions
from flowday.domain.wallclock import fmt_date
from flowday.tui.failures import FAILURES, one_line
from flowday.tui.screens.guarded import GuardedDialog

QUESTIONS: dict[str, str] = {
    "present": "When did I feel most present?",
    "stress": "What stressed me today?",
    "energy": "Energy",
    "peace": "Peace",
    "meaning": "Meaning",
}
RATING_LABELS = ("1 low", "2", "3", "4", "5 high")


class Choice(Widget, can_focus=True):
    """One question's options in a row; a digit picks, left/right step."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous answer", show=False),
        Binding("right", "step(1)", "Next answer", show=False),
    ]

    picked: reactive[int | None] = reactive(None)

    def __init__(
        self,
        values: Sequence[str | int],
        labels: Sequence[str],
        *,
        picked: str | int | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.values = list(values)
        self.labels = list(labels)
        index = self.values.index(picked) if picked is not None and picked in self.values else None
        self.set_reactive(Choice.picked, index)

    @property
    def value(self) -> str | int | None:
        return None if self.picked is None else self.values[self.picked]

    def render(self) -> Text:
        # ● marks the answer (not colour alone); lines break between options, never inside
        width = max(self.size.width - 2, 20)
        text, used = Text(), 0
        for index, label in enumerate(self.labels):
            number = "" if label.startswith(str(index + 1)) else f"{index + 1} "
            chosen = index == self.picked
            piece = f"{'●' if chosen else '○'} {number}{label}"
            if used and used + 3 + len(piece) > width:
                text.append("\n")
                used = 0
            elif used:
                text.append("   ")
                used += 3
            text.append(piece, style="reverse bold" if chosen else "")
            used += len(piece)
        return text

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self.values):
                self.picked = index
            event.stop()
            event.prevent_default()

    def action_step(self, delta: int) -> None:
        start = -1 if self.picked is None and delta > 0 else (self.picked or 0)
        self.picked = max(0, min(len(self.values) - 1, start + delta))


class ReflectionScreen(GuardedDialog[str]):
    """Dismisses with ``"saved"``, ``"skipped"`` or ``None`` (cancelled, nothing written)."""

    CSS_PATH = "reflection.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Save", id="reflection.save", priority=False),
        Binding("escape", "cancel", "Cancel", id="reflection.cancel"),
        Binding("ctrl+n", "skip", "Skip this day", id="reflection.skip"),
    ]

    def __init__(self, planner: Planner, date: pendulum.Date) -> None:
        super().__init__()
        self.planner = planner
        self.date = date
        # read here, not in compose: a day that cannot be read is reported by whoever
        # opens the dialog, and nothing opens
        day = planner.store.day(date)
        self.earlier = day.reflection.to_dict() if day.reflection else {}
        self.mode = str(self.earlier.get("mode") or planner.mode_of(day))

    def compose(self) -> ComposeResult:
        earlier, mode = self.earlier, self.mode
        with VerticalScroll(id="reflection-dialog"):
            yield Static(
                Text(f"Reflect on {fmt_date(self.date, 'dddd D MMMM')} · {mode} day"),
                id="reflection-title",
            )
            yield Static(QUESTIONS["present"], classes="question")
            yield Choice(
                questions.PRESENT_CHOICES,
                [questions.PRESENT_LABELS[c] for c in questions.PRESENT_CHOICES],
                picked=earlier.get("present"),
                id="present",
            )
            # worded for the day asked about: "today", "on Thursday"
            word = day_word(self.date, self.planner.today())
            yield Static(QUESTIONS["stress"].replace("today", word), classes="question")
            yield Choice(
                questions.STRESS_CHOICES,
                [questions.STRESS_LABELS[c] for c in questions.STRESS_CHOICES],
                picked=earlier.get("stress"),
                id="stress",
            )
            for name in questions.RATINGS:
                yield Static(QUESTIONS[name], classes="question")
                yield Choice(range(1, 6), RATING_LABELS, picked=earlier.get(name), id=name)
            yield Static("A note", classes="question")
            yield Input(
                value=str(earlier.get("note", "")),
                placeholder="A note (optional)",
                id="reflection-note",
                max_length=questions.NOTE_LIMIT,
            )
            yield Static("", id="reflection-error")
            yield Static(
                "digits pick · tab next · enter save · esc cancel · ctrl+n skip this day",
                id="reflection-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#present", Choice).focus()
        if self.date > self.planner.today():
            self.show_error(
                "this day has not happened yet: it can be reflected on from its evening"
            )

    def answers(self) -> dict[str, object]:
        found: dict[str, object] = {
            name: self.query_one(f"#{name}", Choice).value for name in QUESTIONS
        }
        found["note"] = self.query_one("#reflection-note", Input).value
        return found

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        answers = self.answers()
        missing = [name for name in QUESTIONS if answers[name] is None]
        if missing:
            self.show_error(f"still to answer: {', '.join(missing)}")
            self.query_one(f"#{missing[0]}", Choice).focus()
            return
        try:
            reviews.save_reflection(self.planner, self.date, answers)
        except FAILURES as exc:  # shown in the dialog (bad answers or the store); answers stay
            self.show_error(one_line(exc))
            return
        self.dismiss("saved")

    def action_skip(self) -> None:
        try:
            reviews.skip_reflection(self.planner, self.date)
        except FAILURES as exc:
            self.show_error(one_line(exc))
            return
        self.dismiss("skipped")

    def has_edits(self) -> bool:
        answers = self.answers()
        earlier = {name: self.earlier.get(name) for name in QUESTIONS}
        earlier_note = str(self.earlier.get("note", "") or "")
        return {k: answers[k] for k in QUESTIONS} != earlier or answers["note"] != earlier_note

    def show_error(self, message: str) -> None:
        self.query_one("#reflection-error", Static).update(Text(message))
