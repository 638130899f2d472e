"""Dialogs that hold a person's edits: escape asks before throwing them away."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from flowday.tui.screens.confirm import ConfirmScreen

T = TypeVar("T")


class GuardedDialog(ModalScreen[T | None]):
    """Bind escape to ``cancel``; a subclass says what counts as an edit."""

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
            ConfirmScreen("Discard what you typed?", [], yes="Discard", no="Keep editing"),
            answered,
        )
