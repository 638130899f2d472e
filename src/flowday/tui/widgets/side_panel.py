"""The side panel: the inbox, the day's rule status and its figures."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from flowday.domain.model import Task
from flowday.domain.rules import Violation
from flowday.domain.timeparse import fmt_duration
from flowday.tui.layout import SPHERE_GLYPHS
from flowday.tui.text import literal

FIGURE_LABELS = (
    ("work", "work"),
    ("personal", "personal"),
    ("break", "break"),
    ("work_outside_window", "outside window"),
    ("switches", "switches"),
    ("crossings", "crossings"),
)
MINUTE_FIGURES = {"work", "personal", "break", "work_outside_window"}


class VimOptionList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class SidePanel(Vertical):
    def compose(self) -> ComposeResult:
        yield Label("Inbox", classes="panel-title")
        yield VimOptionList(id="inbox")
        yield Label("Rules", classes="panel-title")
        yield VimOptionList(id="rules")
        yield Label("Figures", classes="panel-title")
        yield Static(id="figures")

    def show(self, tasks: list[Task], violations: list[Violation], figures: dict[str, int]) -> None:
        shown = (tuple(tasks), tuple(violations), tuple(sorted(figures.items())))
        if shown == getattr(self, "_shown", None):
            return  # nothing changed (e.g. a block moved): skip the relayout of the lists
        self._shown = shown
        self._refill(
            self.query_one("#inbox", OptionList),
            [
                Option(
                    literal(f"{SPHERE_GLYPHS[t.sphere]} {t.title} · {fmt_duration(t.estimate)}"
                            + (" · p1" if t.priority == 1 else "")),
                    id=t.id,
                )
                for t in tasks
            ],
            "(empty — A adds a task)",
        )  # fmt: skip
        self._refill(
            self.query_one("#rules", OptionList),
            [
                Option(
                    literal(f"{'✖' if v.is_hard else '!'} {v.rule}: {v.message}"),
                    id=f"v{index}",
                )
                for index, v in enumerate(violations)
            ],
            "✔ no violations",
        )
        self.violations = violations
        lines = []
        for key, label in FIGURE_LABELS:
            value = figures.get(key, 0)
            text = fmt_duration(value) if key in MINUTE_FIGURES and value else str(value)
            lines.append(f"{label:<15}{text:>6}")
        self.query_one("#figures", Static).update(literal("\n".join(lines)))

    @staticmethod
    def _refill(options: OptionList, items: list[Option], empty: str) -> None:
        previous = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        if items:
            options.add_options(items)
            ids = [o.id for o in items]
            options.highlighted = ids.index(previous) if previous in ids else 0
        else:
            options.add_option(Option(literal(empty), id="", disabled=True))

    def select_task(self, task_id: str) -> None:
        """Keep the cursor on a task that a change moved within the list."""
        inbox = self.query_one("#inbox", OptionList)
        try:
            inbox.highlighted = inbox.get_option_index(task_id)
        except OptionDoesNotExist:  # gone meanwhile (e.g. planned by another process): leave it
            return

    def selected_task_id(self) -> str | None:
        inbox = self.query_one("#inbox", OptionList)
        option = inbox.highlighted_option
        return option.id if option is not None and option.id else None
