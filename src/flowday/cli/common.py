"""What every command shares: global options, the context (config, store, planner,
clock), date parsing and plain-text output helpers."""

from __future__ import annotations

import argparse
import unicodedata
from functools import cached_property
from pathlib import Path

import pendulum

from flowday.application.planner import Planner
from flowday.cli.output import error as error
from flowday.cli.output import out
from flowday.cli.output import print_json as print_json
from flowday.cli.output import warn as warn
from flowday.config import Config, load_config
from flowday.domain.clock import Clock, clock_from_env
from flowday.domain.frozen import Record, define
from flowday.domain.model import Block, Day, Outcome
from flowday.domain.rules import Violation
from flowday.domain.text import shown
from flowday.domain.timeparse import Zone, day_bounds, parse_date
from flowday.domain.wallclock import fmt_date
from flowday.places import data_dir
from flowday.store import Store


def shared_options(*, suppress: bool = True) -> argparse.ArgumentParser:
    """Global options, accepted before or after the command (``flowday --data-dir D list``
    and ``flowday list --data-dir D``)."""
    default = argparse.SUPPRESS if suppress else None
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--data-dir",
        metavar="PATH",
        default=default,
        help="data folder (else $FLOWDAY_DATA_DIR, else the user data dir)",
    )
    options.add_argument(
        "--config",
        metavar="FILE",
        default=default,
        help="config file (else $FLOWDAY_CONFIG, else the user config dir)",
    )
    options.add_argument("--theme", metavar="NAME", default=default, help="theme for the planner")
    return options


@define(frozen=False)
class Context(Record):
    """Built lazily: ``flowday --help`` or a bad flag never touches the data folder."""

    config: Config
    data_path: Path
    clock: Clock

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        config = load_config(getattr(args, "config", None))
        return cls(
            config, data_dir(getattr(args, "data_dir", None)), clock_from_env(config.timezone)
        )

    @cached_property
    def store(self) -> Store:
        return self.planner.store  # the planner's: it shows routines' occurrences

    @cached_property
    def planner(self) -> Planner:
        return Planner(Store(self.data_path), self.config, self.clock)

    def date(self, text: str | None) -> pendulum.Date:
        today = self.clock.now().in_timezone(self.config.timezone).date()
        return today if text is None else parse_date(text, today)


def report(warnings: list[Violation], crossed: list[Violation]) -> None:
    for violation in crossed:
        out(f"flowday: crossed ({violation.rule}): {violation.message}", err=True)
    for violation in warnings:
        warn(f"{violation.message} [{violation.rule}]")


def day_heading(
    day: Day, mode: str, window: tuple[int, int], tz: Zone | None = None, *, working: bool = True
) -> str:
    """The date, mode and work window (``working=False``: followed by "not a working day",
    or "day off" for one planned off: the window is the one the day would have, kept where
    scripts read it); with ``tz``, a day whose midnight the clocks skip says where it
    starts, and a day they skip entirely says so."""
    from flowday.domain.wallclock import fmt_minutes

    heading = (
        f"{fmt_date(day.date, 'ddd D MMM YYYY')} · {mode} · "
        f"work {fmt_minutes(window[0])}-{fmt_minutes(window[1])}"
    )
    if not working:
        heading += " · day off" if day.off else " · not a working day"
    if tz is not None:
        opens, closes = day_bounds(day.date, tz)
        if closes <= opens:
            heading += " · no such day here: the clocks skip it"
        elif (opens.hour, opens.minute) != (0, 0):
            heading += f" · starts {fmt_date(opens, 'HH:mm')} (the clocks skip midnight)"
    return heading


def cells(text: str) -> int:
    """Terminal columns ``text`` takes: wide (CJK, emoji) characters take two, combining
    and zero-width ones none; ``len`` would misalign the id column after them."""
    return sum(_char_cells(char) for char in text)


def _char_cells(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns (with ``…``) and padded to exactly ``width``."""
    if cells(text) > width:
        kept, used = [], 0
        for char in text:
            if used + _char_cells(char) > width - 1:
                break
            kept.append(char)
            used += _char_cells(char)
        text = "".join(kept) + "…"
    return text + " " * (width - cells(text))


# what happened, before the title: nothing for a block never marked (its row as it was)
OUTCOME_MARKS = {Outcome.PLANNED: "", Outcome.DONE: "✓ ", Outcome.SKIPPED: "✗ "}


def block_rows(blocks: list[Block]) -> list[str]:
    """Aligned, readable lines; ``~`` marks a flexible block, ``↻`` a routine's."""
    if not blocks:
        return ["  (no blocks)"]
    # measured as they will show; ↻ marks a routine's occurrence
    titles = [
        ("↻ " if b.routine else "") + OUTCOME_MARKS[b.outcome] + shown(b.title)
        + (f" (ran {b.actual_span})" if b.ran_differently else "")
        for b in blocks
    ]  # fmt: skip
    width = min(max(cells(title) for title in titles), 48)
    rows = []
    for block, title in zip(blocks, titles, strict=True):
        flex = "~" if block.flexible else " "
        title = fit(title, width)
        rows.append(f"  {block.span}  {block.sphere.value:<8} {flex} {title}  {block.id}")
    return rows


def register_doctor(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    doctor = commands.add_parser("doctor", parents=[shared], help="check every data file")
    doctor.add_argument(
        "--repair",
        action="store_true",
        help="keep each damaged file as NAME.corrupt-<stamp> and start it afresh",
    )
    doctor.set_defaults(handler=run_doctor)


def _say_reminders() -> None:
    from flowday.application.reminders import DESKTOP_COMMAND, desktop_available

    if not desktop_available():  # no hard dependency: the planner's own toasts remain
        out(f"reminders are in-app only ({DESKTOP_COMMAND} not found)")


def run_doctor(args: argparse.Namespace, context: Context) -> int:
    # opened without finishing a journal: doctor is what deals with a damaged one
    problems = Store(context.data_path, recover=False).doctor(repair=args.repair)
    if not problems:
        out(f"all data files in {context.data_path} are readable")
        _say_reminders()
        return 0
    for path, problem in problems:
        # store errors already name their file
        out(problem if problem.startswith(str(path)) else f"{path}: {problem}")
    return 0 if args.repair and all(p.startswith("kept as") for _, p in problems) else 4
