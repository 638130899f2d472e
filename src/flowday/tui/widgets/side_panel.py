"""The side panel: the inbox, the day's rule status and its figures.

The Rules list shows each violation's short form (rule, the blocks by title, the number that
matters); the full reason shows below it while the list has focus. Ids never show."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from flowday.domain.model import Block, Task
from flowday.domain.rules import Violation
from flowday.domain.timeparse import fmt_duration
from flowday.tui.compat import RememberingStatic, RepaintOnResizeOptionList
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
# what happened, once something was marked (a day never marked keeps its figures as they were)
HAPPENED_LABELS = (
    ("actual_work", "work ran"),
    ("done", "✓ done ✗ skip"),
    ("overruns", "» overruns"),
)
MINUTE_FIGURES = {"work", "personal", "break", "work_outside_window", "actual_work"}
# what a rule's amount (minutes over the line) is, in the short form: "30m overlap"
AMOUNT_WORDS = {
    "no-overlap": "overlap", "transition-buffer": "short", "work-inside-window": "outside",
    "personal-outside-window": "inside", "protected-off-time": "inside",
    "work-outside-limit": "outside", "max-work": "planned", "max-stretch": "unbroken",
    "fixed-hours": "moved",
}  # fmt: skip
IDS = re.compile(r" \(id [^)]*\)")


def short_form(violation: Violation, blocks: dict[str, Block]) -> str:
    """``✖ no-overlap · Code review × Client call · 30m overlap``: the rule, the blocks it
    names (by title) and the number that matters."""
    named = [blocks[b] for b in violation.blocks if b in blocks]
    what = " × ".join(b.title for b in named[:2])
    if len(named) > 2:
        what += f" +{len(named) - 2}"
    amount = violation.amount
    if violation.rule == "max-switches":
        number = f"{amount} switches"
    elif violation.rule == "min-block" and named:
        number = fmt_duration(named[0].end - named[0].start)
    elif amount:
        number = f"{fmt_duration(amount)} {AMOUNT_WORDS.get(violation.rule, '')}".rstrip()
    else:
        number = ""
    mark = "✖" if violation.is_hard else "!"
    return " · ".join(part for part in (f"{mark} {violation.rule}", what, number) if part)


def full_reason(violation: Violation) -> str:
    """The rule's whole message, without the ids it names blocks by."""
    return IDS.sub("", violation.message)


class VimOptionList(RepaintOnResizeOptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class SidePanel(Vertical):
    def compose(self) -> ComposeResult:
        # a panel's title lights up while its list has focus (main.tcss, :focus-within)
        with Vertical(classes="panel", id="inbox-panel"):
            yield Label("Inbox", classes="panel-title")
            yield VimOptionList(id="inbox")
        with Vertical(classes="panel", id="rules-panel"):
            yield Label("Rules", classes="panel-title")
            yield VimOptionList(id="rules")
            yield Static(id="rule-detail")
        yield Label("Figures", classes="panel-title")
        yield RememberingStatic(id="figures")  # a day change and back: drawn once

    # Textual restyles the focused widget and its ancestors, not an ancestor's other
    # children (the panel's title): a class on the panel makes that title change
    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for panel in self.query(".panel"):
            panel.set_class(event.widget in panel.query("*"), "-focused")

    def on_descendant_blur(self) -> None:
        for panel in self.query(".panel"):
            panel.remove_class("-focused")

    def show(
        self,
        tasks: list[Task],
        violations: list[Violation],
        figures: dict[str, int],
        blocks: Sequence[Block] = (),
    ) -> None:
        by_id = {block.id: block for block in blocks}
        # each part redrawn only when it changed (e.g. a block moved changes none, one
        # made longer only the figures): refilling a list lays the whole panel out again
        if tuple(tasks) != getattr(self, "_shown_tasks", None):
            self._shown_tasks = tuple(tasks)
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
        # compared as shown: the next day's same warning is another Violation (its date,
        # its blocks' ids) but the same line, which needs no repaint
        rules = [short_form(v, by_id) for v in violations]
        if rules != getattr(self, "_shown_rules", None):
            self._shown_rules = rules
            self._refill(
                self.query_one("#rules", OptionList),
                [Option(literal(rule), id=f"v{index}") for index, rule in enumerate(rules)],
                "✔ no violations",
            )
        self.violations = violations
        self._explain()
        lines = []
        marked = any(figures.get(key, 0) for key in ("done", "skipped", "overruns"))
        for key, label in FIGURE_LABELS + (HAPPENED_LABELS if marked else ()):
            value = figures.get(key, 0)
            text = fmt_duration(value) if key in MINUTE_FIGURES and value else str(value)
            if key == "done":
                text = f"{value} {figures.get('skipped', 0)}"
            lines.append(f"{label:<15}{text:>6}")
        shape = [len(line) for line in lines]
        if lines != getattr(self, "_shown_figures", None):
            # the same shape takes the same room: no layout, only a repaint
            same_size = shape == getattr(self, "_figures_shape", None)
            self._shown_figures, self._figures_shape = lines, shape
            self.query_one("#figures", Static).update(
                literal("\n".join(lines)), layout=not same_size
            )

    @on(OptionList.OptionHighlighted, "#rules")
    def _explain(self) -> None:
        """The highlighted rule's full reason, under the list (shown while it has focus)."""
        rules = self.query_one("#rules", OptionList)
        option = rules.highlighted_option
        detail = self.query_one("#rule-detail", Static)
        violations = getattr(self, "violations", [])
        if option is None or not option.id or int(option.id[1:]) >= len(violations):
            text = ""
        else:
            text = full_reason(violations[int(option.id[1:])])
        if text != getattr(self, "_detail_shown", None):
            self._detail_shown = text
            # hidden until the list has focus (its class change lays it out then): a new
            # reason needs a layout only while it shows (a day change showed a full layout)
            detail.update(literal(text), layout=detail.styles.display != "none")

    @staticmethod
    def _refill(options: OptionList, items: list[Option], empty: str) -> None:
        previous = options.highlighted_option.id if options.highlighted_option else None
        # in one step (clear_options then add_options measured and sized the list twice)
        options.set_options(items or [Option(literal(empty), id="", disabled=True)])
        if items:
            ids = [o.id for o in items]
            options.highlighted = ids.index(previous) if previous in ids else 0

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
