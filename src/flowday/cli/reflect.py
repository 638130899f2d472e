"""``flowday reflect`` (the end-of-day questions) and ``flowday stats`` (what they add up to)."""

from __future__ import annotations

import argparse
import re
import textwrap
from typing import Any

import pendulum

from flowday.application import outcomes, shutdown
from flowday.cli.common import Context, out, print_json
from flowday.domain.errors import InputError
from flowday.domain.questions import (
    PRESENT_CHOICES,
    PRESENT_LABELS,
    RATINGS,
    STRESS_CHOICES,
    STRESS_LABELS,
    parse_rating,
)
from flowday.domain.text import shown
from flowday.domain.timeparse import FIRST_YEAR, fmt_duration
from flowday.domain.wallclock import fmt_date

QUESTIONS: dict[str, str] = {
    "present": "When did you feel most present today?",
    "stress": "What stressed you today?",
    "energy": "Energy, 1-5",
    "peace": "Peace, 1-5",
    "meaning": "Meaning, 1-5",
    "note": "A note (optional, enter to leave empty)",
}
MAX_TRIES = 3


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    reflect = commands.add_parser(
        "reflect",
        parents=[shared],
        help="answer the end-of-day questions",
        description="Asks the end-of-day questions in the terminal; answers given as flags "
        "are not asked (give them all for scripts).",
    )
    reflect.add_argument("--date", help="the day to reflect on (default today)")
    reflect.add_argument("--present", choices=PRESENT_CHOICES, help="when you felt most present")
    reflect.add_argument("--stress", choices=STRESS_CHOICES, help="what stressed you")
    for name in RATINGS:
        reflect.add_argument(f"--{name}", metavar="N", help=f"{name}, 1-5")
    reflect.add_argument("--note", metavar="TEXT", help="a free note")
    reflect.set_defaults(handler=run_reflect)

    stats = commands.add_parser(
        "stats",
        parents=[shared],
        help="your days by mode, and which mode seems to suit you",
        description="Without a range: all of your history up to today.",
    )
    stats.add_argument("--from", dest="first", metavar="D", help="first day")
    stats.add_argument("--to", dest="last", metavar="D", help="last day (default today)")
    stats.add_argument("--days", type=int, metavar="N", help="the last N days up to today")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.add_argument(
        "--plot",
        action="store_true",
        help="also draw the per-question differences with their intervals and weekly trends",
    )
    stats.set_defaults(handler=run_stats)


# --- reflect ----------------------------------------------------------------------------


def _ask(name: str, answers: dict[str, Any], word: str = "today") -> None:
    """Ask one question on stdin until it gets a valid answer (EOF = stop, nothing saved);
    ``word`` names the day asked about ("today", "on Thursday")."""
    choices: tuple[str, ...] = ()
    question = QUESTIONS[name].replace("today", word)
    if name in ("present", "stress"):
        choices = PRESENT_CHOICES if name == "present" else STRESS_CHOICES
        labels = PRESENT_LABELS if name == "present" else STRESS_LABELS
        out(question, err=True)
        for number, choice in enumerate(choices, start=1):
            out(f"  {number}) {labels[choice]}", err=True)
    for _ in range(MAX_TRIES):
        prompt = "> " if choices else f"{question}: "
        try:
            line = input(prompt).strip()
        except EOFError:
            raise InputError(f"no answer for {name}; nothing was saved") from None
        if name == "note":
            answers[name] = line
            return
        if choices:
            picked = _pick(line, choices)
            if picked:
                answers[name] = picked
                return
            out(f"  choose 1-{len(choices)} or a name ({', '.join(choices)})", err=True)
            continue
        try:
            answers[name] = parse_rating(name, line)
            return
        except InputError as exc:
            out(f"  {exc}", err=True)
    raise InputError(f"no valid answer for {name}; nothing was saved")


def _pick(line: str, choices: tuple[str, ...]) -> str | None:
    if line.isdigit() and 1 <= int(line) <= len(choices):
        return choices[int(line) - 1]
    word = line.lower()
    return word if word in choices else None


def run_reflect(args: argparse.Namespace, context: Context) -> int:
    date = context.date(args.date)
    answers: dict[str, Any] = {
        "present": args.present,
        "stress": args.stress,
        **{name: getattr(args, name) for name in RATINGS},
        "note": args.note,
    }
    # flags first, so a bad flag is refused before any question is asked
    for name in RATINGS:
        if answers[name] is not None:
            answers[name] = parse_rating(name, answers[name])
    if date > context.planner.today():
        raise InputError(
            f"{date.to_date_string()} has not happened yet: reflect on today or an earlier day"
        )
    # the note is asked only along with other questions: all five flags = a silent script
    missing = [name for name, value in answers.items() if value is None and name != "note"]
    if missing:
        if answers["note"] is None:
            missing.append("note")
        day = context.store.day(date)
        out(
            f"Reflecting on {fmt_date(date, 'dddd D MMMM YYYY')} "
            f"({context.planner.mode_of(day)} day)",
            err=True,
        )
        _shutdown_before(context, date)  # the ritual's first steps, asked in a terminal only
        word = shutdown.day_word(date, context.planner.today())
        for name in missing:
            _ask(name, answers, word)
    from flowday.application import reviews  # loaded only when used: every command starts faster

    reviews.save_reflection(context.planner, date, answers)
    out(f"saved the reflection on {date.to_date_string()}")
    if missing:  # the ritual was completed in the terminal: on today's timeline too
        said = shutdown.record_shutdown(context.planner, date)
        if said:
            out(said, err=True)
        out("\nTomorrow at a glance", err=True)
        for line in shutdown.tomorrow_at_a_glance(context.planner, date):
            out(f"  {line}", err=True)
    return 0


CARRY_CHOICES = {"t": "tomorrow", "i": "inbox", "d": "drop", "": "keep"}


def _shutdown_before(context: Context, date: pendulum.Date) -> None:
    """The day at a glance, then each unfinished flexible block: t carries it to tomorrow,
    i back to the inbox, d drops it (skipped), enter keeps it where it is."""
    planner = context.planner
    out("\nThe day at a glance", err=True)
    for line in shutdown.day_at_a_glance(planner, date):
        out(f"  {line}", err=True)
    left = outcomes.unfinished(planner, date)
    if left:
        out("\nUnfinished: t tomorrow · i inbox · d drop · enter keeps", err=True)
    for block in left:
        for _ in range(MAX_TRIES):
            try:
                line = input(f"  {block.span} {shown(block.title)}: ").strip().lower()
            except EOFError:
                raise InputError("no answer for the unfinished work; nothing was saved") from None
            if line in CARRY_CHOICES:
                break
            out("  t, i, d or enter", err=True)
        else:
            raise InputError("no valid answer for the unfinished work; nothing was saved")
        choice = CARRY_CHOICES[line]
        if choice == "drop":
            outcomes.mark_skipped(planner, block.id)
        elif choice != "keep":
            to: outcomes.Destination = "tomorrow" if choice == "tomorrow" else "inbox"
            moved = outcomes.carry(planner, date, to=to, ids=[block.id])
            for _, why in moved.unplaced:
                out(f"  kept: {why}", err=True)
    out("", err=True)


# --- stats ------------------------------------------------------------------------------


def stats_range(args: argparse.Namespace, context: Context) -> tuple[pendulum.Date, pendulum.Date]:
    today = context.planner.today()
    if args.days is not None:
        if args.first or args.last:
            raise InputError("use either --days or --from/--to, not both")
        if args.days < 1:
            raise InputError(f"--days must be 1 or more, not {args.days}")
        # more days than the calendar holds: all of it, from 1900 (where dates start)
        all_days = today.diff(pendulum.date(FIRST_YEAR, 1, 1)).in_days() + 1
        return today.subtract(days=min(args.days, all_days) - 1), today
    last = context.date(args.last) if args.last else today
    if args.first:
        return context.date(args.first), last
    from flowday.application import reviews

    return min(reviews.history_start(context.planner), last), last


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def run_stats(args: argparse.Namespace, context: Context) -> int:
    first, last = stats_range(args, context)
    from flowday.application import reviews

    data = reviews.stats(context.planner, first, last)
    if args.json:
        print_json(data)
        return 0
    for line in stats_table(data):
        out(line)
    if args.plot:
        for line in stats_plot(data):
            out(line)
    return 0


def stats_plot(data: dict[str, Any]) -> list[str]:
    """The pictures: differences with intervals, then the weekly trends (plain text)."""
    from flowday.domain import charts

    lines = [""]
    questions = data["recommendation"].get("questions") or {}
    if questions:
        lines.append("Difference per question (dot) with its 95% interval (bar), in points:")
        lines += charts.difference_chart(questions)
        lines.append("")
    lines += charts.trend_lines(data.get("weeks") or [])
    return lines


def stats_table(data: dict[str, Any]) -> list[str]:
    """The readable form: by-mode averages, the days (for a short range), the verdict."""
    days = data["days"]
    reflected = sum(1 for d in days if d["reflection"])
    count = f"{len(days)} day" + ("" if len(days) == 1 else "s")
    lines = [f"{data['from']} to {data['to']}: {count}, {reflected} reflected", ""]
    if data["by_mode"]:
        width = max(11, *(len(m) for m in data["by_mode"]))
        lines.append(
            f"{'mode':<{width}}  days  reflected  energy  peace  meaning  "
            "stress: boundaries  rules  neither"
        )
        for mode, row in data["by_mode"].items():
            stress = row["stress"]
            lines.append(
                f"{mode:<{width}}  {row['days']:>4}  {row['reflected_days']:>9}  "
                f"{_fmt(row['energy']):>6}  {_fmt(row['peace']):>5}  {_fmt(row['meaning']):>7}  "
                f"{stress['boundaries']:>18}  {stress['rules']:>5}  {stress['neither']:>7}"
            )
        lines.append("")
    if 0 < len(days) <= 31:
        lines.append("date        mode         work  personal  break  crossed  overrun  E P M")
        for day in days:
            figures, answer = day["figures"], day["reflection"]
            ratings = " ".join(str(answer[k]) for k in RATINGS) if answer else "- - -"
            lines.append(
                f"{day['date']}  {day['mode'][:11]:<11}  {fmt_duration(figures['work']):>5}  "
                f"{fmt_duration(figures['personal']):>8}  {fmt_duration(figures['break']):>5}  "
                f"{figures['crossings']:>7}  {figures.get('overruns', 0):>7}  {ratings}"
            )
        lines.append("")
    # one sentence a paragraph, wrapped: readable in an 80-column terminal
    for sentence in re.split(r"(?<=\.) (?=[A-Z])", data["recommendation"]["text"]):
        lines.extend(textwrap.wrap(sentence, 78, break_on_hyphens=False) or [""])
    return lines
