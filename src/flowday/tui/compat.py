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
- ``OptionList._get_option_render(option, style)`` (with ``Option._divider`` and
  ``OptionList._option_to_index``, which it draws an option from):
  :class:`RepaintOnResizeOptionList` keeps its results by what the option shows.
- ``Widget._styles_cache`` (``StylesCache.set_dirty``, ``is_dirty``, ``_dirty_lines`` and
  ``render_widget``, which the default ``Widget.render_lines`` calls) and
  ``Widget._border_title``/``_border_subtitle``: :class:`FinishedLines` makes a line there
  only for content it has not finished before. Check that ``StylesCache.render`` still
  draws a line from the widget's ``render_line`` and the styles it is given alone
  (``tests/tui/test_tui_keys.py``'s ``assert_drawn_as_textual_draws`` compares the two).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from textual.app import App
from textual.content import Content
from textual.filter import Monochrome, NoColor
from textual.geometry import Region, Size
from textual.notifications import Notification
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


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


class _Finished:
    """What :class:`FinishedLines` keeps for one signature (the styles lines are drawn with)."""

    __slots__ = ("by_content", "by_y", "signature")

    def __init__(self, signature: tuple[object, ...]) -> None:
        self.signature = signature
        self.by_content: dict[int, tuple[Strip, Strip]] = {}  # id(content strip) → both
        self.by_y: dict[int, Strip] = {}  # the line shown at y, while not repainted


class FinishedLines(Widget):
    """The last base of a Line API widget class (``class X(ScrollView, FinishedLines)``):
    its finished lines (its border, padding and the app's filters added to what
    ``render_line`` returned) are kept by the content strip they were made from. A day
    change repaints ~25 lines whose content strips are kept already (rows are cached by
    what they show); Textual finished each afresh, a new Strip each time, so its filter,
    division and terminal-text caches were empty too: most of a day change's CPU. A line
    not repainted since is shown as it was, without asking ``render_line`` again.

    ``render_line`` must return the same Strip object for the same content to gain (a new
    object costs what Textual's own path costs). Lines of a top or bottom gutter, border
    titles and links take Textual's own path.

    Last, so that it comes right before Widget (after the class's own ``render_lines``,
    e.g. OptionList's) and Textual's CSS inheritance, which follows the first base
    alone (``DOMNode._css_bases``), keeps the class's default CSS."""

    FINISHED_LINES = 2000  # kept lines, cleared when full (a day has ~100 rows per zoom)

    def render_lines(self, crop: Region) -> list[Strip]:
        styles = self.styles
        gutter = styles.gutter
        outline = styles.outline
        if (
            gutter.top or gutter.bottom or outline.top[0] or outline.bottom[0]
            or self._border_title is not None or self._border_subtitle is not None
            or self.hover_style._link_id
        ):  # fmt: skip
            if self.__dict__.pop("_finished_lines", None) is not None:
                self._styles_cache.clear()  # holds lines of ours it was not told of
            return super().render_lines(crop)
        base_background, background = self.background_colors
        app = self.app
        # everything StylesCache.render draws a content line with, but the content
        signature = (
            self.region.size, self.content_region.size, base_background, background,
            tuple((f, f.enabled) for f in self.get_line_filters()),
            styles.border, outline, styles.padding, styles.tint, styles.text_opacity,
            styles.hatch if styles.has_rule("hatch") else None, self.opacity,
            app.ansi_theme, app.native_ansi_color,
        )  # fmt: skip
        kept = self.__dict__.get("_finished_lines")
        if kept is None or kept.signature != signature:
            kept = self.__dict__["_finished_lines"] = _Finished(signature)
        finished, by_y = kept.by_content, kept.by_y
        width = self.region.width
        cache = self._styles_cache
        lines: list[Strip] = []
        for y in crop.line_range:
            line = None if cache.is_dirty(y) else by_y.get(y)
            if line is None:  # repainted since (or never painted at this size)
                content = self.render_line(y)
                entry = finished.get(id(content))  # the entry holds the strip: ids stay unique
                if entry is not None and entry[0] is content:
                    line = entry[1]
                else:
                    line_region = Region(0, y, width, 1)
                    cache.set_dirty(line_region)  # drawn afresh from the content
                    line = cache.render_widget(self, line_region)[0]
                    if len(finished) >= self.FINISHED_LINES:
                        finished.clear()
                    finished[id(content)] = (content, line)
                by_y[y] = line
            lines.append(line)
        # as StylesCache.render does: these lines are drawn as they are now
        cache._dirty_lines.difference_update(crop.line_range)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            lines = [line.crop(x1, x2) for line in lines]
        return lines

    def forget_rendered(self) -> None:
        """Draw every line afresh from its content (after a style update; tests compare
        what is kept with what Textual draws)."""
        self.__dict__.pop("_finished_lines", None)
        self._styles_cache.clear()  # its lines by y were not all told of the kept ones
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.forget_rendered()


class RememberingStatic(Static, FinishedLines):
    """A Static that keeps its lines for the last few contents it showed (the day's header
    and figures: a day change and the way back showed each afresh, ~1 ms a widget)."""

    REMEMBERED = 8

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        style = self.visual_style
        visual = self.visual
        if self.text_selection is not None or not isinstance(visual, Content):
            return super().render_line(y)
        key = (visual, width, height, style)
        kept: dict[tuple[object, ...], list[Strip]] = self.__dict__.setdefault("_kept", {})
        strips = kept.get(key)
        if strips is None:
            if len(kept) >= self.REMEMBERED:
                kept.clear()
            # what Widget._render_content draws the visual with
            strips = kept[key] = Visual.to_strips(self, visual, width, height, style)
        return strips[y] if 0 <= y < len(strips) else Strip.blank(width, style.rich_style)

    def forget_rendered(self) -> None:
        self.__dict__.pop("_kept", None)
        super().forget_rendered()


class SizeAwareScrollView(ScrollView, FinishedLines):
    """A ScrollView told of its size as it is laid out, before it is painted; its
    vertical scrollbar remembers its renderings; its finished lines are kept
    (:class:`FinishedLines`)."""

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


class RepaintOnResizeOptionList(OptionList, FinishedLines):
    """An OptionList whose new content repaints it, without laying out the whole screen
    (a day change refilled the Rules list: a full layout and repaint of every widget,
    most of the key's time). Its own height must not depend on its content, unless it is
    ``auto`` (then ``add_options`` lays it out); scrollbars shown or hidden still lay out.
    Its finished lines are kept (:class:`FinishedLines`: its blank lines, and the options'
    lines until the list is refilled)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    REMEMBERED = 64  # options' renderings kept across refills

    def _get_option_render(self, option: Option, style: Style) -> list[Strip]:
        # kept by what an option shows, not by the Option object (a refill makes new ones
        # and clears OptionList's own cache): going to another day and back draws the
        # Rules list's lines again from these, the same strips (see FinishedLines)
        prompt = option.prompt
        if not isinstance(prompt, Content):
            return super()._get_option_render(option, style)
        padding = self.get_component_styles("option-list--option").padding
        key = (prompt, option._divider, self._option_to_index[option], style, padding,
               self.scrollable_content_region.width)  # fmt: skip
        kept: dict[tuple[object, ...], list[Strip]] = self.__dict__.setdefault("_renders", {})
        strips = kept.get(key)
        if strips is None:
            if len(kept) >= self.REMEMBERED:
                kept.clear()
            strips = kept[key] = super()._get_option_render(option, style)
        return strips

    def forget_rendered(self) -> None:
        self.__dict__.pop("_renders", None)
        super().forget_rendered()

    def render_line(self, y: int) -> Strip:
        # below the last option (the Rules list is mostly that): blank, as OptionList
        # draws it, without its look-ups for each line (~0.1 ms a line)
        if self.scroll_offset.y + y >= self.virtual_size.height:
            style = self.get_visual_style("option-list--option").rich_style
            return Strip.blank(self.scrollable_content_region.width, style)
        return super().render_line(y)
