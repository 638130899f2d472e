"""Every key of the main screen as the keymap has it now, grouped by task, then a legend
of every glyph the timeline draws and the quick-add syntax. One scrolling page: all of it
is reachable at 80x24 with the planner's own movement keys."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from flowday.domain.text import shown

# binding id → the task it belongs to; a key not listed here lands in "Other" (never lost)
GROUPS: dict[str, str] = {
    "select_next": "Move around", "select_previous": "Move around",
    "previous_day": "Move around", "next_day": "Move around", "today": "Move around",
    "goto_date": "Move around", "focus": "Move around",
    "zoom_in": "Move around", "zoom_out": "Move around", "zoom_fit": "Move around",
    "add_block": "Plan the day", "edit_block": "Plan the day", "delete_block": "Plan the day",
    "move_later": "Plan the day", "move_earlier": "Plan the day",
    "lengthen": "Plan the day", "shorten": "Plan the day", "undo": "Plan the day",
    "redo": "Plan the day", "import_calendar": "Plan the day",
    "toggle_done": "What happened", "toggle_skipped": "What happened",
    "actual_times": "What happened", "log_intrusion": "What happened",
    "add_task": "The inbox", "park_thought": "The inbox", "schedule_task": "The inbox",
    "plan_inbox": "The inbox",
    "switch_mode": "Modes and hours", "set_hours": "Modes and hours",
    "reflection": "Look back", "weekly_review": "Look back",
}  # fmt: skip
ORDER = (
    "Move around", "Plan the day", "What happened", "The inbox", "Modes and hours", "Look back",
    "Other",
)  # fmt: skip

# lines of at most 66 cells: the dialog's text width at 80 columns
LEGEND = """\
■ work   ● personal   ◌ break   ~ flexible (the plan may move it)
▸ ┃ selected  ✖ breaks a hard rule  ! a warning  ‼ blocks overlap
│      a block's rows under its title row (which starts each block)
┏ ┃ ┗  balance: the work window, fenced off
░      balance: the personal lane, kept free in work hours
≈      balance: the transition buffer after work
◇ ◆    a switch work ↔ personal starts here; ◆ abrupt (no gap)
╭ ┊ ╰  integration: the work window, woven into one lane
▶ ──   now (today only)
✓ ✗    done, skipped (a block stays drawn at its planned time)
┆      where a done block really ran, beside its plan
»      an overrun: ran past the window or into protected time"""

QUICK_ADD = """\
Title words, then any of:
  9:00-9:15  7am-7:45am  9-5   a time range (24:00: midnight)
  12:30 45m  14:00 1h30        a start and a duration
  15:00                        a start alone: 30 minutes
  2h  45m                      a length alone: the next free slot
  #work #personal #break       the sphere (else: by the window)
  #flex                        the scheduler may move it
e.g. Standup 9:00-9:15 #work · Dentist 12:30 45m #personal"""


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#help-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help_close"),
        # the planner's own movement keys scroll here too
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home,g", "edge(False)", "Top", show=False, priority=True),
        Binding("end,G", "edge(True)", "Bottom", show=False, priority=True),
    ]

    def __init__(self, rows: list[tuple[str, str, str, str]]) -> None:
        """``rows``: (keys as shown, short name, what it does, binding id) per key."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="help-dialog"):
            yield Label(
                "flowday keys  (escape closes · j/k scroll · ctrl+p finds any action)",
                classes="dialog-title",
            )
            with VerticalScroll(id="help-body"):
                width = max(len(shown(keys)) for keys, *_ in self.rows)  # one column for all
                for group in ORDER:
                    rows = [r for r in self.rows if GROUPS.get(r[3], "Other") == group]
                    if rows:
                        yield Static(group, classes="help-group")
                        yield Static(_key_lines(rows, width), classes="help-keys")
                yield Static("What the timeline draws", classes="help-group")
                yield Static(Text(LEGEND), classes="help-keys")
                yield Static("Quick-add (a), the same as `flowday add`", classes="help-group")
                yield Static(Text(QUICK_ADD), classes="help-keys")

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#help-body", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        self.body.scroll_relative(y=lines, animate=False, immediate=True)

    def action_page(self, pages: int) -> None:
        step = max(1, self.body.scrollable_content_region.height - 1) * pages
        self.body.scroll_relative(y=step, animate=False, immediate=True)

    def action_edge(self, last: bool) -> None:
        body = self.body
        body.scroll_to(y=body.max_scroll_y if last else 0, animate=False, immediate=True)


def _key_lines(rows: list[tuple[str, str, str, str]], width: int) -> Text:
    text = Text()
    for index, (keys, _name, what, _id) in enumerate(rows):
        if index:
            text.append("\n")
        text.append(f"{shown(keys):<{width}}  ", style="bold")
        text.append(shown(what))
    return text
