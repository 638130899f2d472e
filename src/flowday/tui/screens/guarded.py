"""Dialogs that hold a person's edits: escape asks before throwing them away."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.screen import ModalScreen
from textual.widgets import Button, Static

from flowday.domain.errors import FlowdayError
from flowday.tui.screens.confirm import ConfirmScreen
from flowday.tui.text import literal

T = TypeVar("T")


class GuardedDialog(ModalScreen[T | None]):
    """Bind escape to ``cancel``; a subclass says what counts as an edit."""

    DISCARD_QUESTION: ClassVar[str] = "Discard what you typed?"

    def has_edits(self) -> bool:
        """Whether anything was typed or picked that leaving would lose."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        if not self.has_edits():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(self.DISCARD_QUESTION, [], yes="Discard", no="Keep editing"),
            answered,
        )


class GuardedForm(GuardedDialog[T]):
    """A form dialog: enter or Save dismisses with :meth:`read` (a :class:`FlowdayError` is
    shown in ``#ERROR_ID`` and the form stays); escape asks first when :meth:`fields`
    changed since the form opened; the Cancel button closes (asking too when
    ``CANCEL_ASKS``)."""

    ERROR_ID: ClassVar[str]
    CANCEL_ASKS: ClassVar[bool] = False

    def fields(self) -> tuple[object, ...]:
        """What the form holds, as typed (text that does not parse yet counts too)."""
        return ()

    def read(self) -> T | None:
        """The form's result, checked (raises :class:`FlowdayError` on bad input); None
        closes it as a cancel would."""
        raise NotImplementedError

    def on_mount(self) -> None:
        self.initial = self.fields()

    def has_edits(self) -> bool:
        return self.fields() != self.initial

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif self.CANCEL_ASKS:
            self.action_cancel()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        try:
            result = self.read()
        except FlowdayError as exc:
            self.query_one(f"#{self.ERROR_ID}", Static).update(literal(str(exc)))
            return
        self.dismiss(result)
