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
- ``App._refresh_truecolor_filter()``: what ``App._watch_theme`` does for the ANSI
  filter; :meth:`CompatApp.start_with_theme` chooses the theme before the first style pass
  without the watcher, whose queued ``refresh_css`` re-parses every stylesheet and restyles
  and lays out the first screen again.
- ``Widget._size_updated()``: the compositor calls it while it lays a widget out, before
  the frame is painted; :class:`SizeAwareScrollView` turns it into a hook, so the timeline
  scrolls to the now-line in the frame that first shows it (a ``Resize`` handler runs
  after that frame is drawn, so the first frame showed 00:00 and a second one the day).
- ``App._filters``: the line filters. With ``NO_COLOR`` set, ``App.__init__`` adds a
  ``NoColor`` or ``Monochrome`` filter chosen once, for the start-up theme;
  :meth:`CompatApp.swap_no_color_filter` changes it with the theme (the public
  ``get_line_filters()`` only reads them).
- ``Widget.vertical_scrollbar`` (the property that makes the scrollbar, with
  ``Widget._vertical_scrollbar`` and ``App._start_widget``, as Textual 8.2 does) is
  redefined by :class:`SizeAwareScrollView` to make a :class:`RememberingScrollBar`.
- ``Widget.virtual_size`` is a reactive that lays the whole screen out when it changes;
  :class:`RepaintOnResizeOptionList` redefines it to repaint only. Safe while
  ``OptionList._update_lines`` calls ``_scroll_update`` (which shows or hides the
  scrollbars: those changes still lay out) and ``add_options`` lays out a list whose
  height is ``auto``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from textual.app import App
from textual.filter import Monochrome, NoColor
from textual.geometry import Region, Size
from textual.notifications import Notification
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widgets import OptionList


class CompatApp(App[None]):
    """An App whose uses of Textual's private API are the methods below."""

    def report_fatal_error(self, error: BaseException | None) -> None:
        """An unhandled error ends the app: say so. The default is Textual's report."""
        super()._fatal_error()

    def start_with_theme(self, name: str) -> None:
        """Use theme ``name`` from the start (call before the app runs): what setting
        ``App.theme`` does (classes, ANSI filter, CSS variables), less the later re-parse of
        every stylesheet that the watcher queues."""
        self.set_reactive(App.theme, name)
        dark = self.current_theme.dark
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        classes.update({f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark})
        self.update_classes(classes, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

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


class RememberingScrollBar(ScrollBar):
    """A scrollbar that keeps its last few renderings: going to another day and back
    (its thumb jumps between two places) repainted its every row each time, as much time
    as the timeline's own rows."""

    REMEMBERED = 8

    def render_lines(self, crop: Region) -> list[Strip]:
        key = (crop, self.size, self.window_virtual_size, self.window_size, self.position,
               self.thickness, self.grabbed, self.mouse_over, self.app.theme)  # fmt: skip
        remembered: dict[tuple[object, ...], list[Strip]] = self.__dict__.setdefault(
            "_remembered", {}
        )
        strips = remembered.get(key)
        if strips is None:
            if len(remembered) >= self.REMEMBERED:
                remembered.clear()
            strips = remembered[key] = super().render_lines(crop)
        return strips

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.__dict__.pop("_remembered", None)


class SizeAwareScrollView(ScrollView):
    """A ScrollView told of its size as it is laid out, before it is painted; its
    vertical scrollbar remembers its renderings."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        if self._vertical_scrollbar is None:
            bar = RememberingScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def on_size_known(self) -> None:
        """Called in layout once the size changed, before the frame showing it is drawn."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if changed:
            self.on_size_known()
        return changed


class RepaintOnResizeOptionList(OptionList):
    """An OptionList whose new content repaints it, without laying out the whole screen
    (a day change refilled the Rules list: a full layout and repaint of every widget,
    most of the key's time). Its own height must not depend on its content, unless it is
    ``auto`` (then ``add_options`` lays it out); scrollbars shown or hidden still lay out."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
