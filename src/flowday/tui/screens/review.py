"""The weekly review: per day, bars of work, personal and break hours, crossings,
switches and ratings; the week's averages by mode; its transitions (switches, buffers,
intrusions and a day × hour map of them); the recommendation from all of the person's
history, with its evidence."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import ClassVar

import pendulum
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color, ColorParseError
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from flowday.application import intrusions, reviews, whatif
from flowday.application.planner import Planner
from flowday.domain import charts, insights, questions
from flowday.domain.insights import DayRecord, Recommendation
from flowday.domain.timeparse import fmt_duration
from flowday.domain.wallclock import fmt_date
from flowday.tui.failures import FAILURES, one_line, report
from flowday.tui.widgets.footer import StableFooter

SPENT_HEADING = " work  pers   brk"  # over three five-cell columns of hours
BAR_CELLS = 16  # a day's row stays within 80 columns (76 inside padding and scrollbar)
SPHERES = (("work", "█", "#4e8fd6"), ("personal", "▓", "#5fb36b"), ("break", "░", "#d6a84e"))


def minutes_per_cell(records: Iterable[DayRecord]) -> int:
    """At least 30 minutes a cell; more (in quarter hours) when a long day needs it."""
    longest = max(
        (sum(r.figures.get(name, 0) for name, _, _ in SPHERES) for r in records), default=0
    )
    needed = math.ceil(longest / BAR_CELLS / 15) * 15
    return max(30, needed)


def hours(minutes: int) -> str:
    """Hours as a person writes them (2h45, 45m), five cells wide: the columns line up."""
    return f"{fmt_duration(minutes) if minutes else '0':>5}"


def signed(minutes: int) -> str:
    return "0" if not minutes else ("+" if minutes > 0 else "-") + fmt_duration(abs(minutes))


def planned_vs_actual(records: list[DayRecord]) -> Text:
    """Per day: work planned, work that really ran (a block never marked counts as planned,
    a skipped one not at all), the difference, done/skipped and overruns — only for a week
    in which something was marked (else actual = planned, and the table would repeat it)."""
    marked = [r for r in records if any(r.figures.get(k) for k in ("done", "skipped", "overruns"))]
    if not marked:
        return Text()
    text = Text("\n")
    text.append("Planned vs actual work\n", style="bold")
    heading = f"{'day':<10}  {'planned':>7} {'actual':>7} {'diff':>6}   ✓  ✗  overruns\n"
    text.append(heading, style="bold")
    totals = dict.fromkeys(("work", "actual_work", "done", "skipped", "overruns"), 0)
    for record in records:
        figures = {key: record.figures.get(key, 0) for key in totals}
        for key, value in figures.items():
            totals[key] += value
        text.append(_actual_row(fmt_date(record.date, "ddd D MMM"), figures))
    week = _actual_row("week", totals)
    week.stylize_before("bold")
    text.append(week)
    return text


def _actual_row(label: str, figures: dict[str, int]) -> Text:
    planned, actual = figures["work"], figures["actual_work"]
    done, skipped = figures["done"], figures["skipped"]
    row = Text(
        f"{label:<10}  {hours(planned):>7} {hours(actual):>7} {signed(actual - planned):>6}"
        f"  {done:>2} {skipped:>2}  "
    )
    overruns = figures["overruns"]
    row.append(f"»{overruns}" if overruns else "0", style="bold" if overruns else "")
    row.append("\n")
    return row


class WeeklyReviewScreen(Screen[None]):
    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,[", "week(-1)", "Prev week", id="review.previous_week"),
        Binding("right,]", "week(1)", "Next week", id="review.next_week"),
        Binding("t", "this_week", "This week", id="review.this_week"),
        Binding("escape,q,w", "close", "Close", id="review.close"),
    ]

    def __init__(self, planner: Planner, date: pendulum.Date) -> None:
        super().__init__()
        self.planner = planner
        self.monday, self.sunday = reviews.week_of(date)
        self.recommendation: Recommendation | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="review-body"):
            yield Static(id="review-title")
            yield Static(id="review-days")
            yield Static(id="review-modes")
            yield Static(id="review-transitions")
            yield Static(id="review-recommendation")
            yield Static(id="review-evidence")
        yield StableFooter()

    def on_mount(self) -> None:
        self.show_week()
        # all of history: quick from the stats cache, but a first run can take a second
        self.run_worker(self.load_recommendation, thread=True, exclusive=True)

    def load_recommendation(self) -> None:
        try:
            history = reviews.records_between(
                self.planner, reviews.history_start(self.planner), self.planner.today()
            )
        except FAILURES as exc:  # an error in a worker would end the app
            self.app.call_from_thread(self.show_no_recommendation, exc)
            return
        found = reviews.recommendation(self.planner, history, self.planner.today())
        trends = charts.trend_lines(insights.weekly_trends(history), last=BAR_CELLS * 2)
        self.app.call_from_thread(self.show_recommendation, found, trends)

    def show_no_recommendation(self, error: Exception) -> None:
        report(self, error, "no recommendation")
        if self.is_attached:
            self.query_one("#review-recommendation", Static).update(
                Text(one_line(error, "No recommendation"), style="dim")
            )

    def show_recommendation(
        self, recommendation: Recommendation, trends: list[str] | None = None
    ) -> None:
        self.recommendation = recommendation
        if not self.is_attached:  # closed before the history was read
            return
        self.query_one("#review-recommendation", Static).update(
            Text("From all your days: ", style="bold") + Text(recommendation.text)
        )
        chart = charts.difference_chart({q.question: q.to_dict() for q in recommendation.questions})
        pictures = Text()
        if chart:
            pictures.append("Difference per question, with its 95% interval\n", style="bold")
            pictures.append("\n".join(chart) + "\n\n")
        if trends:
            pictures.append("\n".join(trends))
        self.query_one("#review-evidence", Static).update(pictures)

    # --- drawing --------------------------------------------------------------------------
    def colour(self, sphere: str, fallback: str) -> str:
        value = self.app.theme_variables.get(f"flowday-{sphere}", fallback)
        try:
            return Color.parse(value).hex
        except ColorParseError:
            return fallback

    def show_week(self) -> bool:
        """Draw the week of :attr:`monday`; a week that cannot be read is reported and
        what is shown stays (returns whether it was drawn)."""
        try:
            records = reviews.records_between(self.planner, self.monday, self.sunday)
        except FAILURES as exc:
            report(self, exc, f"cannot read the week of {fmt_date(self.monday, 'D MMM YYYY')}")
            return False
        by_date = {r.date: r for r in records}
        cell = minutes_per_cell(records)
        title = Text(
            f"Week of {fmt_date(self.monday, 'D MMM YYYY')} "
            f"({fmt_date(self.monday, 'ddd D')} – {fmt_date(self.sunday, 'ddd D MMM')})"
        )
        self.query_one("#review-title", Static).update(title)
        self.query_one("#review-days", Static).update(self.day_rows(by_date, cell))
        modes = self.mode_rows(records)
        if records:
            modes.append(self.whatif_row())
        self.query_one("#review-modes", Static).update(modes)
        self.query_one("#review-transitions", Static).update(self.transition_rows(records))
        if self.recommendation is None:
            self.query_one("#review-recommendation", Static).update(
                Text("Reading all your days…", style="dim")
            )
        return True

    def day_rows(self, by_date: dict[pendulum.Date, DayRecord], cell: int) -> Text:
        text = Text()
        for name, glyph, fallback in SPHERES:
            text.append(glyph * 2, style=self.colour(name, fallback))
            text.append(f" {name}  ")
        text.append(f"(one cell = {cell} min)\n\n")
        text.append(
            f"{'day':<10}  {'mode':<11} {'':<{BAR_CELLS}} {SPENT_HEADING:<17}  cross sw  E P M\n",
            style="bold",
        )
        for offset in range(7):
            date = self.monday.add(days=offset)
            record = by_date.get(date)
            text.append(f"{fmt_date(date, 'ddd D MMM'):<10}  ")
            if record is None:
                text.append(f"{'-':<11} {'':<{BAR_CELLS}} {'':<17}  {'':<8}  - - -\n", style="dim")
                continue
            text.append(f"{record.mode[:11]:<11} ")
            used = 0
            for name, glyph, fallback in SPHERES:
                cells = min(BAR_CELLS - used, round(record.figures.get(name, 0) / cell))
                text.append(glyph * cells, style=self.colour(name, fallback))
                used += cells
            text.append(" " * (BAR_CELLS - used) + " ")
            spent = " ".join(hours(record.figures.get(n, 0)) for n, _, _ in SPHERES)
            text.append(f"{spent:<17}  ")
            crossings = record.figures.get("crossings", 0)
            text.append(f"{crossings:>5}", style="bold red" if crossings else "")
            text.append(f" {record.figures.get('switches', 0):>2}  ")
            if record.reflected:
                text.append(" ".join(str(record.rating(n)) for n in questions.RATINGS))
            else:
                text.append("- - -", style="dim")
            text.append("\n")
        text.append(planned_vs_actual([by_date[d] for d in sorted(by_date)]))
        return text

    def mode_rows(self, records: list[DayRecord]) -> Text:
        text = Text("This week by mode\n", style="bold")
        summaries = insights.summarize(records)
        if not summaries:
            text.append("  nothing planned or reflected this week\n", style="dim")
        for mode, summary in summaries.items():
            averages = " · ".join(
                f"{name} {value:.1f}"
                for name in questions.RATINGS
                if (value := getattr(summary, name)) is not None
            )
            stress = ", ".join(f"{k} {v}" for k, v in summary.stress.items() if v)
            text.append(
                f"  {mode}: {summary.days} days, {summary.reflected_days} reflected"
                + (f" · {averages}" if averages else "")
                + (f" · stress: {stress}" if stress else "")
                + "\n"
            )
        return text

    def transition_rows(self, records: list[DayRecord]) -> Text:
        """The week's seams: switches, abrupt ones, buffers kept, intrusions by direction,
        and when the intrusions came (day × hour)."""

        def total(name: str) -> int:
            return sum(r.figures.get(name, 0) for r in records)

        needed = total("buffers_kept") + total("buffers_short")
        text = Text("Transitions this week\n", style="bold")
        text.append(
            f"  {total('switches')} switches, {total('abrupt_switches')} abrupt · buffers "
            f"kept {total('buffers_kept')} of {needed}\n  intrusions: work → personal "
            f"{total('intrusions_from_work')}, personal → work "
            f"{total('intrusions_from_personal')}\n"
        )
        try:
            heat = intrusions.week_heat(self.planner, self.monday)
        except FAILURES as exc:
            return text + Text(one_line(exc, "no intrusion map"), style="dim")
        if any(any(counts) for _, counts in heat):
            text.append("  Intrusions by hour\n")
            rows = [(fmt_date(date, "ddd D"), counts) for date, counts in heat]
            text.append("\n".join("  " + line for line in charts.heatmap(rows)) + "\n")
        return text

    def whatif_row(self) -> Text:
        """The week replayed under the other mode's rules, in one line (``flowday whatif``)."""
        try:
            totals = whatif.replay_week(self.planner, self.monday)["totals"]
        except FAILURES as exc:
            return Text(one_line(exc, "no what-if"), style="dim")
        fences, caps = totals["fences_crossed"], totals["caps_broken"]
        return Text(
            f"  what if under the other mode: fences crossed {fences['actual']} → "
            f"{fences['replayed']}, limits broken {caps['actual']} → {caps['replayed']}\n",
            style="dim",
        )

    # --- actions --------------------------------------------------------------------------
    def action_week(self, delta: int) -> None:
        self.go_to_week(self.monday.add(weeks=delta))

    def action_this_week(self) -> None:
        self.go_to_week(reviews.week_of(self.planner.today())[0])

    def go_to_week(self, monday: pendulum.Date) -> None:
        """A week that cannot be read is not opened: the one shown stays, as on the main
        screen's date moves."""
        shown = self.monday, self.sunday
        self.monday, self.sunday = monday, monday.add(days=6)
        if not self.show_week():
            self.monday, self.sunday = shown

    def action_close(self) -> None:
        self.dismiss(None)
