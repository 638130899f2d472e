"""The private Textual API flowday relies on, in one place.

pyproject.toml pins ``textual>=8.0,<9``; everything here was read against Textual 8.2's
``textual/app.py``. Before raising the pin, check each point against the new source, then
run ``tests/tui/test_tui_terminal.py`` (the crash path) and ``tests/tui/test_tui_qa.py``
(``NO_COLOR``):

- ``App._fatal_error()``: ``App._handle_exception`` calls it for an unhandled error that
  has no ``__rich__``. Textual's own prints a traceback with locals (block titles among
  them) over the terminal; :meth:`CompatApp.report_fatal_error` replaces it (Textual 8
  has no public hook for this).
- ``App._exception``: the first unhandled error, for when ``_fatal_error`` runs outside
  an ``except`` block.
- ``App._notifications`` and ``App._unnotify()``: the toasts on screen. Textual has no
  public way to withdraw one toast (only ``clear_notifications``);
  :meth:`CompatApp.withdraw_notifications` coalesces repeats and caps the stack.
- ``App._filters``: the line filters. With ``NO_COLOR`` set, ``App.__init__`` adds a
  ``NoColor`` or ``Monochrome`` filter chosen once, for the start-up theme;
  :meth:`CompatApp.swap_no_color_filter` changes it with the theme (the public
  ``get_line_filters()`` only reads them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from textual.app import App
from textual.filter import Monochrome, NoColor
from textual.notifications import Notification


class CompatApp(App[None]):
    """An App whose uses of Textual's private API are the methods below."""

    def report_fatal_error(self, error: BaseException | None) -> None:
        """An unhandled error ends the app: say so. The default is Textual's report."""
        super()._fatal_error()

    def swap_no_color_filter(self, wanted: type[NoColor] | type[Monochrome]) -> None:
        """Use ``wanted`` for ``NO_COLOR`` from now on (no-op when ``NO_COLOR`` is unset)."""
        self._filters = [
            wanted() if isinstance(f, NoColor | Monochrome) else f for f in self._filters
        ]

    def withdraw_notifications(self, which: Callable[[Notification, int], bool]) -> None:
        """Take off the screen each toast for which ``which(toast, newer)`` is true, where
        ``newer`` counts the toasts shown after it."""
        shown = list(self._notifications)
        gone = [n for index, n in enumerate(shown) if which(n, len(shown) - 1 - index)]
        for notification in gone:
            self._unnotify(notification, refresh=False)
        if gone:
            self._refresh_notifications()

    def _fatal_error(self) -> None:
        self.report_fatal_error(sys.exc_info()[1] or self._exception)
