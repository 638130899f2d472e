"""Routines from the planner: make the selected block repeat, or see and change the
routine of an occurrence ("this and following", as ``flowday routine edit --from``).

The dialog only gathers what was typed (checked inline with the CLI's own parsers); the
change goes the day view's way (:meth:`MainScreen.change`: undo, and the refusal → "Cross
the boundary anyway?" → recorded crossings path) through the application's routine use
cases, the ones ``flowday routine`` calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pendulum
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from flowday.application import routines as use
from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define
from flowday.domain.model import Block
from flowday.domain.recurrence import EXAMPLES, SHORT_EXAMPLES, parse_every
from flowday.domain.routines import Routine
from flowday.domain.text import counted
from flowday.domain.timeparse import parse_date
from flowday.domain.wallclock import fmt_date
from flowday.tui import failures
from flowday.tui.failures import FAILURES
from flowday.tui.screens.guarded import GuardedForm
from flowday.tui.text import literal

if TYPE_CHECKING:
    from flowday.application.planner import Planner
    from flowday.tui.screens.main import MainScreen

FIELDS = ("text", "every", "from", "until", "modes")


@define
class RoutineForm(Record):
    """What the dialog returns: only the fields that changed (None: left as it was)."""

    text: str | None
    every: str | None
    first: pendulum.Date
    until: pendulum.Date | None
    no_until: bool
    modes: list[str] | None


def describe(routine: Routine) -> str:
    until = f" until {routine.until.to_date_string()}" if routine.until else ""
    modes = f" · only {','.join(routine.modes)}" if routine.modes else ""
    skipped = f" · {counted(len(routine.skipped), 'day')} skipped" if routine.skipped else ""
    return (
        f"↻ {routine.title} {routine.span} · {routine.repeat.describe()} from "
        f"{routine.first.to_date_string()}{until}{modes}{skipped}"
    )


class RoutineScreen(GuardedForm[RoutineForm]):
    """Make a block a routine (``routine`` None) or change ``routine`` from a date on."""

    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#routine-every"
    ERROR_ID = "routine-error"
    CANCEL_ASKS = True  # its Cancel button asks too, as escape does
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="routine_cancel", tooltip="Change nothing"),
    ]

    def __init__(self, planner: Planner, block: Block, routine: Routine | None) -> None:
        super().__init__()
        self.planner = planner
        self.block, self.routine, self.today = block, routine, planner.today()
        self.start = max(block.date, self.today)

    def initial_values(self) -> dict[str, str]:
        routine = self.routine
        if routine is None:
            return {"text": use.quick_add_text(self.block), "every": "", "from": "",
                    "until": "", "modes": ""}  # fmt: skip
        return {
            "text": routine.text, "every": routine.every,
            "from": self.start.to_date_string(),
            "until": routine.until.to_date_string() if routine.until else "",
            "modes": ",".join(routine.modes),
        }  # fmt: skip

    def compose(self) -> ComposeResult:
        values = self.initial_values()
        making = self.routine is None
        with Vertical(classes="dialog wide"):
            if making:
                when = fmt_date(self.start, "ddd D MMM")
                title = f"Make '{self.block.title}' a routine (from {when})"
            else:
                assert self.routine is not None
                title = f"Routine {self.routine.id}: {describe(self.routine)}"
            yield Static(literal(title), classes="dialog-title")  # wraps: a long repeat
            yield Label("What (quick-add text)")
            yield Input(values["text"], id="routine-text", compact=True, disabled=making)
            yield Label("Repeats every")
            yield Input(
                values["every"], placeholder=SHORT_EXAMPLES, id="routine-every", compact=True
            )
            with Horizontal(classes="row"):
                if not making:
                    with Vertical():
                        yield Label("From (this and later)")  # 24 columns at 80
                        yield Input(values["from"], id="routine-from", compact=True)
                with Vertical():
                    yield Label("Until (empty: no end)")
                    yield Input(values["until"], placeholder="YYYY-MM-DD", id="routine-until",
                                compact=True)  # fmt: skip
                with Vertical():
                    yield Label("Modes (empty: all)")
                    yield Input(values["modes"], placeholder="e.g. integration",
                                id="routine-modes", compact=True)  # fmt: skip
            yield Static("", id="routine-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (enter)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def values(self) -> dict[str, str]:
        return {name: input.value for name in FIELDS
                if (input := self._input(name)) is not None}  # fmt: skip

    def _input(self, name: str) -> Input | None:
        found = self.query(f"#routine-{name}")
        return found.first(Input) if found else None

    def has_edits(self) -> bool:
        initial = self.initial_values()
        return any(initial[name] != value for name, value in self.values().items())

    def read(self) -> RoutineForm | None:
        """What was typed, checked; None when nothing changed (raises on bad input)."""
        typed, initial = self.values(), self.initial_values()
        first = parse_date(typed["from"], self.today) if typed.get("from") else self.start
        every = typed["every"].strip()
        if not every:
            raise InputError(f"say how it repeats: {EXAMPLES}")
        parse_every(every, first)  # the CLI's words; an error is shown here
        until_text = typed["until"].strip()
        until = parse_date(until_text, self.today) if until_text else None
        modes = [m.strip() for m in typed["modes"].split(",") if m.strip()]
        self._check(typed["text"], first, until, modes)
        if self.routine is None:
            return RoutineForm(None, every, first, until, False, modes)
        changed = {name for name in FIELDS if typed.get(name, "") != initial[name]} - {"from"}
        if not changed:
            return None
        return RoutineForm(
            text=typed["text"] if "text" in changed else None,
            every=every if "every" in changed else None,
            first=first,
            until=until if "until" in changed else None,
            no_until="until" in changed and until is None,
            modes=modes if "modes" in changed else None,
        )

    def _check(
        self, text: str, first: pendulum.Date, until: pendulum.Date | None, modes: list[str]
    ) -> None:
        """What the change would refuse, said here, so the dialog stays with what was
        typed (the change itself checks it all again)."""
        if self.routine is not None and first < self.today:
            raise InputError(f"From {first.to_date_string()} is in the past: a change starts "
                             "today or later")  # fmt: skip
        if until is not None and until < first:
            raise InputError(f"Until {until.to_date_string()} is before "
                             f"{first.to_date_string()}, where it starts")  # fmt: skip
        unknown = [m for m in modes if m not in self.planner.modes()]
        if unknown:
            raise InputError(f"unknown mode {unknown[0]!r} (modes: "
                             f"{', '.join(self.planner.modes())})")  # fmt: skip
        self.planner.parse_block_text(text, day=self.planner.store.day(first))


def open_routine(main: MainScreen, block: Block) -> None:
    """The dialog for ``block``: make it a routine, or change its routine."""
    planner = main.planner
    routine = None
    if block.routine:
        try:
            routine = use.find_routine(planner, block.routine)
        except FAILURES as exc:
            failures.report(main, exc)
            return

    def done(result: Any) -> None:
        made = result.routine
        what = f"Routine {made.id}: {made.repeat.describe()} from {made.first.to_date_string()}"
        if result.ended is not None:
            what += f" (continues {result.ended.id})"
        if result.crossed:
            what += f"; crossed on {counted(len(result.crossed), 'day')}"
        main.notify(what + " (u undoes)", markup=False)

    def chosen(form: RoutineForm | None) -> None:
        if form is None:
            return
        if routine is None:
            main.change(
                "make routine",
                lambda force: use.routine_from_block(
                    planner, block.id, form.every or "", until=form.until,
                    modes=form.modes or (), force=force,
                ),
                dates=use.judged_days(_first_day(form.every or "", block, planner)),
                after=done,
            )  # fmt: skip
            return
        main.change(
            "routine change",
            lambda force: use.edit_routine(
                planner, routine.id, text=form.text, every=form.every, until=form.until,
                no_until=form.no_until, modes=form.modes, start=form.first, force=force,
            ),
            dates=use.judged_days(form.first), after=done,
        )  # fmt: skip

    main.app.push_screen(RoutineScreen(planner, block, routine), chosen)


def _first_day(every: str, block: Block, planner: Planner) -> pendulum.Date:
    """Where a routine made from ``block`` starts (its judged days count from there)."""
    start = max(block.date, planner.today())
    return parse_every(every, start).first_on_or_after(start) or start
