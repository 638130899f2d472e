"""Switch the day's mode: what would break, and the fix the planner proposes, before applying."""

from __future__ import annotations

from typing import ClassVar

import pendulum
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from flowday.application.planner import Planner
from flowday.domain.wallclock import fmt_date, fmt_minutes
from flowday.tui.failures import FAILURES, one_line
from flowday.tui.text import literal

ModeChoice = tuple[str, bool]  # (mode, apply the fix)


class ModeScreen(ModalScreen[ModeChoice | None]):
    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#mode-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="mode_cancel", tooltip="Keep the mode"),
        Binding("enter", "choose(False)", "Switch", id="mode_switch", tooltip="Switch only"),
        Binding(
            "f",
            "choose(True)",
            "Switch + fix",
            id="mode_fix",
            tooltip="Switch and move flexible blocks",
        ),
    ]

    def __init__(self, planner: Planner, date: pendulum.Date, current: str) -> None:
        super().__init__()
        self.planner = planner
        self.date = date
        self.current = current
        self.fixable = True  # "switch + fix" is offered only when the fix would move something

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == (True,) and not self.fixable:
            return None  # shown disabled: nothing to fix
        return True

    def compose(self) -> ComposeResult:
        names = self.planner.modes()
        with Vertical(classes="dialog wide"):
            yield Label(literal(self.title_text()), classes="dialog-title")
            yield OptionList(
                *[
                    Option(literal(n + ("  (current)" if n == self.current else "")), id=n)
                    for n in names
                ],
                id="mode-list",
                compact=True,
            )
            with VerticalScroll(id="mode-preview-box"):
                yield Static("", id="mode-preview")
            with Horizontal(classes="buttons"):
                yield Button("Switch (enter)", variant="primary", id="switch", compact=True)
                yield Button("Switch + fix (f)", variant="warning", id="fix", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = self.planner.modes()
        others = [i for i, n in enumerate(names) if n != self.current]
        options.highlighted = others[0] if others else 0
        # the list's first highlight (index 0) is previewed before the dialog is laid out,
        # and that preview kept a height of one line: preview again once it is
        self.call_after_refresh(self.preview)

    @property
    def chosen(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    @on(OptionList.OptionHighlighted)
    def preview(self) -> None:
        mode = self.chosen
        if mode is None:
            return
        try:
            lines = self.preview_lines(mode)
        except FAILURES as exc:  # the dialog stays; switching reports its own failure
            self.query_one("#mode-preview", Static).update(literal(one_line(exc, "✖ no preview")))
            return
        self.query_one("#mode-preview", Static).update(literal("\n".join(lines)))

    def title_text(self) -> str:
        return f"Switch mode of {fmt_date(self.date, 'ddd D MMM')} (now {self.current})"

    def preview_lines(self, mode: str) -> list[str]:
        """What switching to ``mode`` would break, and the fix (a week's dialog says more)."""
        proposal = self.planner.propose_mode(self.date, mode)
        self._offer_fix(proposal.fixable)
        lines = [self.planner.mode_named(mode).description, f"In {mode}:"]
        hard = [v for v in proposal.violations if v.is_hard]
        soft = [v for v in proposal.violations if not v.is_hard]
        if not proposal.violations:
            lines.append("  nothing breaks")
        lines += [f"  ✖ {v.rule}: {v.message}" for v in hard]
        lines += [f"  ! {v.rule}: {v.message}" for v in soft]
        if proposal.hours_reset is not None:
            start, end = proposal.hours_reset
            window = f"{fmt_minutes(start)}-{fmt_minutes(end)}"
            more = " and move:" if proposal.moves else ""
            lines.append(f"The fix would set the work window back to {window}{more}")
        elif proposal.moves:
            lines.append("The fix would move:")
            lines += [f"  {old.title} {old.span} → {new.span}" for old, new in proposal.moves]
        if proposal.unfixable:
            lines.append("Cannot fix:")
            lines += [f"  {block.title} {block.span}: {why}" for block, why in proposal.unfixable]
        return lines

    def _offer_fix(self, fixable: bool) -> None:
        self.fixable = fixable
        self.query_one("#fix", Button).disabled = not fixable
        self.refresh_bindings()

    @on(OptionList.OptionSelected)
    def selected(self) -> None:
        self.action_choose(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.action_choose(event.button.id == "fix")

    def action_choose(self, fix: bool) -> None:
        mode = self.chosen
        fix = fix and self.fixable
        self.dismiss((mode, fix) if mode else None)
