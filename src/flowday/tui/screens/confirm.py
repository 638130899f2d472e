"""Ask before crossing a hard rule: the refusal's reasons, then yes or no."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from flowday.domain.rules import Violation
from flowday.tui.text import literal


class ConfirmScreen(ModalScreen[bool]):
    """Returns True only on an explicit yes."""

    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#no"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, cross", id="confirm_yes", tooltip="Cross anyway"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no", tooltip="Leave it as it was"),
    ]

    def __init__(
        self, question: str, violations: list[Violation], *, yes: str = "Cross",
        no: str = "Cancel", hint: str = "", days: str = "",
    ) -> None:  # fmt: skip
        super().__init__()
        self.question = question
        self.violations = violations
        self.yes, self.no = yes, no
        self.hint = hint  # the way forward the mode offers instead of crossing
        self.days = days  # a refusal on several days: which (the reasons are the first's)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.question), classes="dialog-title")
            # many reasons scroll, so the buttons stay on screen at 80x24
            with VerticalScroll(classes="reasons"):
                for violation in self.violations:
                    yield Static(
                        literal(f"✖ {violation.rule}: {violation.message}"), classes="reason"
                    )
            if self.days:
                yield Static(literal(self.days), id="confirm-days")
            if self.hint:
                yield Static(literal(f"Or: {self.hint}"), id="confirm-hint")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="error", id="yes", compact=True)
                yield Button(f"{self.no} (n)", variant="primary", id="no", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
