"""The footer, rebuilt only when what it shows changes.

Textual's :class:`Footer` throws away and mounts all its keys whenever the bindings *may*
have changed: every focus change, every dialog opened or closed. Each rebuild restyles every
key, which showed in profiles of key presses and of start-up. This one compares what it
would show with what it shows and rebuilds only on a difference. Its keys are composed with
it, so the first frame has them (Textual's composes none until the screen says its bindings
changed after mount: a rebuild and a frame later)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class StableFooter(Footer):
    _shown: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        if not self._bindings_ready and self.is_attached:
            self.set_reactive(Footer._bindings_ready, True)
            self._shown = _what_shows(self.screen)
        for widget in super().compose():
            # born compact: the class its watcher sets once mounted restyled each key again
            if isinstance(widget, FooterKey):
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen and screen is not self.app.screen:
            return  # under a dialog: the keys shown are this screen's, unchanged until it is back
        will_rebuild = screen.app.app_focus and self.is_attached and screen is self.screen
        if will_rebuild:
            shown = _what_shows(screen)
            if shown == self._shown and self._bindings_ready:
                return
            self._shown = shown
        super().bindings_changed(screen)


def _what_shows(screen: Screen[Any]) -> tuple[Any, ...]:
    """Everything of the active bindings that the footer draws (the shown ones and the
    palette's key; a key it does not show may come and go with the focus)."""
    palette = screen.app.COMMAND_PALETTE_BINDING
    return tuple(
        (key, b.binding.action, b.binding.description, b.binding.show, b.enabled, b.tooltip,
         b.binding.group.description if b.binding.group else None, b.binding.key)
        for key, b in screen.active_bindings.items()
        if b.binding.show or key == palette
    )  # fmt: skip
