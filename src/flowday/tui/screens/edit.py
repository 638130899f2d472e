"""Edit one block (title, times, sphere, flexible) or one inbox task. Bad input is shown
inline, never lost; escape with edits in the dialog asks first."""

from __future__ import annotations

from typing import Any, ClassVar

import pendulum
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from flowday.domain.errors import InputError
from flowday.domain.model import Block, Outcome, Sphere, Task
from flowday.domain.text import clean_title
from flowday.domain.timeparse import fmt_duration, parse_date, parse_duration
from flowday.domain.wallclock import fmt_minutes, parse_clock
from flowday.tui.screens.guarded import GuardedForm


class EditBlockScreen(GuardedForm[dict[str, Any]]):
    """Returns the changed fields (only those that differ), or None when cancelled."""

    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#edit-title"
    ERROR_ID = "edit-error"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="edit_cancel", tooltip="Keep the block"),
        Binding("ctrl+s", "save", "Save", id="edit_save", tooltip="Save the changes"),
    ]

    def __init__(self, block: Block) -> None:
        super().__init__()
        self.block = block

    def compose(self) -> ComposeResult:
        block = self.block
        with Vertical(classes="dialog"):
            yield Label("Edit block", classes="dialog-title")
            yield Label("Title")
            yield Input(block.title, id="edit-title", compact=True)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Start")
                    yield Input(fmt_minutes(block.start), id="edit-start", compact=True)
                with Vertical():
                    yield Label("End")
                    yield Input(fmt_minutes(block.end), id="edit-end", compact=True)
            with Horizontal(classes="row"):
                yield Select(
                    [(s.value, s) for s in Sphere], value=block.sphere, allow_blank=False,
                    id="edit-sphere",
                    compact=True,
                )  # fmt: skip
                yield Checkbox("flexible", block.flexible, id="edit-flexible", compact=True)
            if block.outcome is not Outcome.PLANNED:  # what happened, beside the plan
                ran = f" at {block.actual_span} (planned {block.span})" if (
                    block.ran_differently
                ) else " as planned"  # fmt: skip
                what = block.outcome.value.capitalize() + (
                    ran if block.outcome is Outcome.DONE else ""
                )
                yield Label(f"{what} · x toggles done, X records when it ran",
                            id="edit-outcome")  # fmt: skip
            yield Static("", id="edit-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (enter)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def fields(self) -> tuple[object, ...]:
        """What the dialog holds, as typed (text that does not parse yet counts too)."""
        return (
            *(self.query_one(f"#edit-{name}", Input).value for name in ("title", "start", "end")),
            self.query_one("#edit-sphere", Select).value,
            self.query_one("#edit-flexible", Checkbox).value,
        )

    def read(self) -> dict[str, Any]:
        title = clean_title(self.query_one("#edit-title", Input).value)
        start = parse_clock(self.query_one("#edit-start", Input).value)
        end = parse_clock(self.query_one("#edit-end", Input).value, allow_midnight_end=True)
        if end <= start:
            raise InputError(f"end {fmt_minutes(end)} is not after start {fmt_minutes(start)}")
        sphere = self.query_one("#edit-sphere", Select).value
        flexible = self.query_one("#edit-flexible", Checkbox).value
        wanted = {
            "title": title,
            "start": start,
            "end": end,
            "sphere": sphere,
            "flexible": flexible,
        }
        return {k: v for k, v in wanted.items() if getattr(self.block, k) != v}


class EditTaskScreen(GuardedForm[dict[str, Any]]):
    """An inbox task: title, sphere, estimate, priority, due date. Returns the keyword
    arguments of :meth:`Planner.edit_task` for what changed, or None when cancelled."""

    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#task-title"
    ERROR_ID = "task-error"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="task_cancel", tooltip="Keep the task"),
        Binding("ctrl+s", "save", "Save", id="task_save", tooltip="Save the changes"),
    ]

    def __init__(self, task: Task, today: pendulum.Date) -> None:
        super().__init__()
        self.inbox_task, self.today = task, today  # not .task: Textual's own

    def compose(self) -> ComposeResult:
        task = self.inbox_task
        with Vertical(classes="dialog"):
            yield Label("Edit inbox task", classes="dialog-title")
            yield Label("Title")
            yield Input(task.title, id="task-title", compact=True)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Estimate")
                    yield Input(fmt_duration(task.estimate), id="task-estimate", compact=True)
                with Vertical():
                    yield Label("Due (empty: none)")
                    due = task.due.to_date_string() if task.due else ""
                    yield Input(due, placeholder="YYYY-MM-DD, fri…", id="task-due", compact=True)
            with Horizontal(classes="row"):
                yield Select(
                    [(s.value, s) for s in Sphere], value=task.sphere, allow_blank=False,
                    id="task-sphere", compact=True,
                )  # fmt: skip
                yield Select(
                    [(label, number) for number, label in PRIORITIES.items()],
                    value=task.priority, allow_blank=False, id="task-priority", compact=True,
                )  # fmt: skip
            yield Static("", id="task-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (enter)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def fields(self) -> tuple[object, ...]:
        return (
            *(self.query_one(f"#task-{n}", Input).value for n in ("title", "estimate", "due")),
            self.query_one("#task-sphere", Select).value,
            self.query_one("#task-priority", Select).value,
        )

    def read(self) -> dict[str, Any]:
        task = self.inbox_task
        title = clean_title(self.query_one("#task-title", Input).value)
        estimate = parse_duration(self.query_one("#task-estimate", Input).value)
        due_text = self.query_one("#task-due", Input).value.strip()
        due = parse_date(due_text, self.today) if due_text else None
        wanted: dict[str, Any] = {
            "title": title,
            "sphere": self.query_one("#task-sphere", Select).value,
            "estimate": estimate,
            "priority": self.query_one("#task-priority", Select).value,
        }
        changes = {k: v for k, v in wanted.items() if getattr(task, k) != v}
        if due != task.due:
            changes.update({"due": due} if due else {"clear_due": True})
        return changes


PRIORITIES = {1: "p1 high", 2: "p2 normal", 3: "p3 low"}
