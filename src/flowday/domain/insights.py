"""Reflections and what they add up to: which mode suits this person, from their own days.

Pure: the answers to the end-of-day questions, aggregation by mode, the evidence per
question, the recommendation and its wording, the patterns the article warns about, and
when to ask. The arithmetic is :mod:`flowday.domain.statistics`.

How a verdict is reached (the README says the same in plain words):

- Only reflected *working* days count; days off are their own kind, never a mode.
- Only whole weeks (Monday to Sunday) count, so the verdict changes at most once a week:
  each week is one "look".
- For each question (energy, peace, meaning, and their mean, "combined"), the difference
  between the two modes is fitted by least squares together with the weekday and the
  day's work hours, so a Friday effect or a heavy week is not taken for the mode. Its
  standard error treats each week as one cluster: days that follow each other go together.
- The j-th look needs p < 0.05 / (j (j + 1)) (:func:`statistics.look_alpha`): over all
  the looks there will ever be, a false "prefer" has at most a 5 % chance.
- A difference that passes but is under :data:`MIN_PRACTICAL_DIFFERENCE` is "real but
  tiny". Questions clearly going opposite ways are a trade-off, not a winner.
- Welch's interval, Hedges' g and a rank test (ratings are ordinal) are shown beside it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pendulum

from flowday.domain import statistics
from flowday.domain.frozen import Record, define, field
from flowday.domain.model import Day, Reflection
from flowday.domain.questions import (
    PRESENT_CHOICES,
    RATINGS,
    STRESS_CHOICES,
)
from flowday.domain.settings import MIN_REFLECTED_DAYS, ReflectionSettings
from flowday.domain.wallclock import MINUTES_PER_DAY, fmt_minutes

MIN_PRACTICAL_DIFFERENCE = 0.25  # points on the 1-5 scale
LATE_WORK_FROM = 21 * 60  # a work block ending after this is "late work"
NO_OFF_TIME_BELOW = 8 * 60  # no unbroken stretch this long without work: "no off-time"
MANY_CROSSINGS = 2  # forced crossings on one balance day that count as "many"
PATTERN_MIN_DAYS = 3  # a pattern needs at least this many days ...
PATTERN_MIN_SHARE = 1 / 3  # ... and this share of the mode's days
BURNOUT_WEEKS = 3  # energy falling and work growing this many weeks running
QUESTIONS = (*RATINGS, "combined")
WEEKDAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays",
                 "Sundays")  # fmt: skip


def t_critical(df: int) -> float:
    """Two-sided 5 % critical value of Student's t with ``df`` degrees of freedom (exact)."""
    if df < 1:
        return math.inf
    return statistics.t_quantile(0.975, df)


# --- one day, as the insights see it ---------------------------------------------------


@define(slots=True)
class DayRecord(Record):
    """A day's mode, figures (minutes and counts, see ``domain.figures``) and answers."""

    date: pendulum.Date
    mode: str
    figures: Mapping[str, int]
    reflection: Reflection | None = None
    last_work_end: int | None = None  # wall-clock minutes; None on a day without work
    first_work_start: int | None = None
    day_off: bool = False  # not a working day: its own kind, never counted for a mode

    @property
    def reflected(self) -> bool:
        return self.reflection is not None

    @property
    def score(self) -> float | None:
        """Mean of energy, peace and meaning; None when the day was not reflected."""
        if self.reflection is None:
            return None
        answers = self.reflection.answers
        return sum(answers.rating(name) for name in RATINGS) / len(RATINGS)

    def rating(self, name: str) -> int | None:
        return self.reflection.answers.rating(name) if self.reflection else None

    def value(self, question: str) -> float | None:
        """A rating, or the combined score for ``"combined"``."""
        return self.score if question == "combined" else self.rating(question)

    @property
    def many_crossings(self) -> bool:
        return self.figures.get("crossings", 0) >= MANY_CROSSINGS


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def round_or_none(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- aggregation by mode ----------------------------------------------------------------


@define(slots=True)
class ModeSummary(Record):
    mode: str
    days: int
    reflected_days: int
    energy: float | None
    peace: float | None
    meaning: float | None
    score: float | None
    stress: dict[str, int]
    present: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "reflected_days": self.reflected_days,
            "energy": round_or_none(self.energy),
            "peace": round_or_none(self.peace),
            "meaning": round_or_none(self.meaning),
            "stress": dict(self.stress),
            "present": dict(self.present),
        }


def mode_order(modes: Iterable[str]) -> list[str]:
    """balance, integration, then the person's own modes by name."""
    known = ("balance", "integration")
    found = set(modes)
    return [m for m in known if m in found] + sorted(found - set(known))


def _summary(name: str, days: list[DayRecord]) -> ModeSummary:
    reflected = [r for r in days if r.reflected]
    stress = dict.fromkeys(STRESS_CHOICES, 0)
    present = dict.fromkeys(PRESENT_CHOICES, 0)
    for record in reflected:
        assert record.reflection is not None
        stress[record.reflection.answers.stress] += 1
        present[record.reflection.answers.present] += 1
    return ModeSummary(
        mode=name,
        days=len(days),
        reflected_days=len(reflected),
        energy=mean(r.rating("energy") or 0 for r in reflected),
        peace=mean(r.rating("peace") or 0 for r in reflected),
        meaning=mean(r.rating("meaning") or 0 for r in reflected),
        score=mean(r.score or 0.0 for r in reflected),
        stress=stress,
        present=present,
    )


def summarize(records: Iterable[DayRecord]) -> dict[str, ModeSummary]:
    """Working days by mode (days off are summed apart: :func:`summarize_days_off`)."""
    grouped: dict[str, list[DayRecord]] = {}
    for record in records:
        if not record.day_off:
            grouped.setdefault(record.mode, []).append(record)
    return {mode: _summary(mode, grouped[mode]) for mode in mode_order(grouped)}


def summarize_days_off(records: Iterable[DayRecord]) -> ModeSummary:
    return _summary("day off", [r for r in records if r.day_off])


# --- the evidence, question by question -------------------------------------------------


def week_number(date: pendulum.Date) -> int:
    """The week's Monday as a day number: a cheap key (pendulum arithmetic is not)."""
    return date.toordinal() - date.weekday()


def week_start(date: pendulum.Date) -> pendulum.Date:
    return date.subtract(days=date.weekday())


def last_whole_week_end(date: pendulum.Date) -> pendulum.Date:
    """The last Sunday on or before ``date``: verdicts count whole weeks only."""
    return date.subtract(days=(date.weekday() + 1) % 7)


def design(days: Sequence[DayRecord], mode_a: str) -> list[list[float]]:
    """One row per day: intercept, weekday indicators (Monday left out), work hours
    (centred) and, last, 1 on ``mode_a`` days: the column whose coefficient is the
    difference the mode makes with weekday and workload held equal."""
    hours = [r.figures.get("work", 0) / 60 for r in days]
    centre = sum(hours) / len(hours) if hours else 0.0
    rows = []
    for record, work in zip(days, hours, strict=True):
        weekday = [1.0 if record.date.weekday() == w else 0.0 for w in range(1, 7)]
        rows.append([1.0, *weekday, work - centre, 1.0 if record.mode == mode_a else 0.0])
    return rows


@define(slots=True)
class QuestionResult(Record):
    """One question compared between two modes: ``mode_a`` minus ``mode_b``."""

    question: str
    mode_a: str
    mode_b: str
    plain: statistics.TwoSamples  # the plain averages: Welch, Hedges' g, the rank test
    adjusted: statistics.Fit | None  # None: mode and weekday cannot be told apart
    alpha: float  # the level this look needs

    @property
    def difference(self) -> float:
        return self.adjusted.estimate if self.adjusted else self.plain.difference

    @property
    def interval(self) -> tuple[float, float]:
        return self.adjusted.interval() if self.adjusted else (self.plain.low, self.plain.high)

    @property
    def p(self) -> float:
        return self.adjusted.p if self.adjusted else 1.0

    @property
    def favours(self) -> str | None:
        if abs(self.difference) < 1e-9:  # rounding noise of the fit, not a direction
            return None
        return self.mode_a if self.difference > 0 else self.mode_b

    @property
    def verdict(self) -> str:
        """One of "clear", "tiny" (real but under the practical floor), "leaning" (p under
        0.05 but not under this look's level), "uncertain", "confounded"."""
        if self.adjusted is None:
            return "confounded"
        if self.favours is None or self.p >= statistics.FAMILY_ALPHA:
            return "uncertain"
        if self.p >= self.alpha:  # would pass one look on its own, not all of them
            return "leaning"
        return "clear" if abs(self.difference) >= MIN_PRACTICAL_DIFFERENCE else "tiny"

    @property
    def rank_test_agrees(self) -> bool:
        """Welch's t and the rank test say the same at the 5 % level."""
        return (self.plain.p < 0.05) == (self.plain.rank_p < 0.05)

    def sentence(self) -> str:
        name = self.question.capitalize()
        phrase = {
            "clear": f"clearly better on {self.favours} days",
            "tiny": f"a real but tiny difference, in favour of {self.favours} days",
            "leaning": f"leaning towards {self.favours} days, not yet sure",
            "uncertain": "no clear difference (too uncertain)",
            "confounded": "cannot be told apart from the weekday",
        }[self.verdict]
        low, high = self.interval
        return (
            f"{name}: {phrase} ({self.plain.mean_a:.1f} vs {self.plain.mean_b:.1f} on "
            f"{self.mode_a} vs {self.mode_b} days, {self.plain.n_a} vs {self.plain.n_b} days; "
            f"difference {self.difference:+.2f}, 95% interval {low:+.2f} to {high:+.2f})."
        )

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {
            "question": self.question,
            "verdict": self.verdict,
            "favours": self.favours,
            "difference": round(self.difference, 3),
            "interval": [round(low, 3), round(high, 3)],
            "p": round(self.p, 6),
            "level_needed": round(self.alpha, 6),
            "days": {self.mode_a: self.plain.n_a, self.mode_b: self.plain.n_b},
            "means": {
                self.mode_a: round(self.plain.mean_a, 3),
                self.mode_b: round(self.plain.mean_b, 3),
            },
            "weeks": self.adjusted.clusters if self.adjusted else None,
            "hedges_g": round(self.plain.hedges_g, 3),
            "plain": {
                "difference": round(self.plain.difference, 3),
                "interval": [round(self.plain.low, 3), round(self.plain.high, 3)],
                "p": round(self.plain.p, 6),
            },
            "rank_p": round(self.plain.rank_p, 6),
            "rank_test_agrees": self.rank_test_agrees,
        }


def compare_question(
    question: str,
    days: Sequence[DayRecord],
    mode_a: str,
    mode_b: str,
    alpha: float,
    rows: list[list[float]] | None = None,
) -> QuestionResult:
    """``days``: reflected working days of the two modes (2+ of each); ``rows``: their
    :func:`design`, when the caller has it already."""
    values = [r.value(question) or 0.0 for r in days]
    a = [v for r, v in zip(days, values, strict=True) if r.mode == mode_a]
    b = [v for r, v in zip(days, values, strict=True) if r.mode == mode_b]
    plain = statistics.two_samples(a, b)
    try:
        fit: statistics.Fit | None = statistics.cluster_fit(
            rows or design(days, mode_a), values, [week_number(r.date) for r in days]
        )
    except statistics.Confounded:
        fit = None
    return QuestionResult(question, mode_a, mode_b, plain, fit, alpha)


def _level_text(alpha: float) -> str:
    """A level with two significant digits: a late look's 0.0000022 is not "0.0000"."""
    decimals = max(4, 1 - math.floor(math.log10(alpha)))
    return f"{alpha:.{decimals}f}"


def look_number(days: Sequence[DayRecord], mode_a: str, mode_b: str, min_days: int) -> int:
    """How many weekly looks so far could have given a verdict: the weeks (to their
    Sunday) at whose end both modes had ``min_days`` reflected working days, each in 2+
    weeks."""
    counts = {mode_a: 0, mode_b: 0}
    weeks: dict[str, set[int]] = {mode_a: set(), mode_b: set()}
    looks = 0
    by_week: dict[int, list[DayRecord]] = {}
    for record in days:
        by_week.setdefault(week_number(record.date), []).append(record)
    for monday in range(min(by_week), max(by_week) + 1, 7):
        for record in by_week.get(monday, []):
            counts[record.mode] += 1
            weeks[record.mode].add(monday)
        if min(counts.values()) >= min_days and min(len(w) for w in weeks.values()) >= 2:
            looks += 1
    return looks


# --- patterns the article warns about ---------------------------------------------------


@define(slots=True)
class Pattern(Record):
    name: str  # "always-on" | "rigid" | "burnout-signs"
    mode: str
    days: int  # days showing it (weeks, for burnout signs)
    of_days: int  # days of that mode
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "mode": self.mode,
            "days": self.days,
            "of_days": self.of_days,
            "text": self.text,
        }


INTEGRATION_RULES = frozenset({"work-outside-limit", "protected-off-time", "max-switches"})
BALANCE_RULES = frozenset({"work-inside-window", "fixed-hours", "personal-outside-window"})


def mode_family(rule_ids: Iterable[str]) -> str | None:
    """ "integration" or "balance" from the rules a mode actually has (a mode of one's own
    built on either keeps its rules), None for a mode like neither."""
    ids = set(rule_ids)
    if ids & INTEGRATION_RULES:
        return "integration"
    if ids & BALANCE_RULES:
        return "balance"
    return None


DEFAULT_FAMILIES: Mapping[str, str | None] = {"balance": "balance", "integration": "integration"}


def _shows(count: int, total: int) -> bool:
    return count >= PATTERN_MIN_DAYS and count >= PATTERN_MIN_SHARE * total


def _peace_contrast(flagged: list[DayRecord], others: list[DayRecord]) -> str:
    on = mean(r.rating("peace") or 0 for r in flagged if r.reflected)
    off = mean(r.rating("peace") or 0 for r in others if r.reflected)
    if on is None or off is None:
        return ""
    return f" Your peace on those days averaged {on:.1f}, on the others {off:.1f}."


def longest_off_across_midnight(
    record: DayRecord, by_date: Mapping[pendulum.Date, DayRecord]
) -> int:
    """The longest stretch free of work around the day, overnight stretches included:
    from the evening's last work to the next morning's first (a 07:30-16:30 day has 15
    hours off, not the 9 of its own calendar day)."""
    longest = record.figures.get("longest_off", MINUTES_PER_DAY)
    if record.last_work_end is not None:
        following = by_date.get(record.date.add(days=1))
        morning = following.first_work_start if following else None
        longest = max(longest, MINUTES_PER_DAY - record.last_work_end + (
            morning if morning is not None else MINUTES_PER_DAY))  # fmt: skip
    if record.first_work_start is not None:
        previous = by_date.get(record.date.subtract(days=1))
        evening = previous.last_work_end if previous else None
        longest = max(longest, record.first_work_start + (
            MINUTES_PER_DAY - evening if evening is not None else MINUTES_PER_DAY))  # fmt: skip
    return longest


def _always_on(record: DayRecord, by_date: Mapping[pendulum.Date, DayRecord]) -> bool:
    if record.figures.get("work", 0) <= 0:
        return False
    late = record.last_work_end is not None and record.last_work_end > LATE_WORK_FROM
    return late or longest_off_across_midnight(record, by_date) < NO_OFF_TIME_BELOW


def find_patterns(
    records: Iterable[DayRecord], families: Mapping[str, str | None] = DEFAULT_FAMILIES
) -> list[Pattern]:
    """``families``: each mode's family (:func:`mode_family`); unknown modes are neither."""
    items = list(records)
    by_date = {r.date: r for r in items}
    working = [r for r in items if not r.day_off]
    found: list[Pattern] = []

    for mode in mode_order({r.mode for r in working}):
        days = [r for r in working if r.mode == mode]
        family = families.get(mode)
        if family == "integration":
            flagged = [r for r in days if _always_on(r, by_date)]
            if _shows(len(flagged), len(days)):
                rest = [r for r in days if r not in flagged]
                found.append(Pattern(
                    "always-on", mode, len(flagged), len(days),
                    f"Always on: on {len(flagged)} of {len(days)} {mode} days work "
                    f"ran past {fmt_minutes(LATE_WORK_FROM)} or left no "
                    f"{NO_OFF_TIME_BELOW // 60}-hour stretch free of it (overnight included)."
                    + _peace_contrast(flagged, rest),
                ))  # fmt: skip
        elif family == "balance":
            rigid = [r for r in days if r.many_crossings]
            if _shows(len(rigid), len(days)):
                crossings = sum(r.figures.get("crossings", 0) for r in rigid)
                rules_stress = sum(
                    1 for r in rigid if r.reflection and r.reflection.answers.stress == "rules"
                )
                stress_note = (
                    f" On {rules_stress} of them you named strict rules as what stressed you."
                    if rules_stress
                    else ""
                )
                found.append(Pattern(
                    "rigid", mode, len(rigid), len(days),
                    f"Rigid and guilt-inducing: on {len(rigid)} of {len(days)} {mode} days you "
                    f"forced your way past the rules {MANY_CROSSINGS} or more times "
                    f"({crossings} crossings in all).{stress_note}"
                    + _peace_contrast(rigid, [r for r in days if not r.many_crossings]),
                ))  # fmt: skip
    burnout = burnout_signs(working)
    if burnout:
        found.append(burnout)
    return found


def burnout_signs(working: Sequence[DayRecord]) -> Pattern | None:
    """Energy lower every week and work higher every week, :data:`BURNOUT_WEEKS` weeks
    running (each week with 3+ reflected days): a gentle note, never a diagnosis."""
    weeks: dict[pendulum.Date, list[DayRecord]] = {}
    for record in working:
        weeks.setdefault(week_start(record.date), []).append(record)
    rows = []
    for monday in sorted(weeks):
        days = weeks[monday]
        energy = [r.rating("energy") or 0 for r in days if r.reflected]
        if len(energy) >= 3:
            rows.append(
                (monday, sum(energy) / len(energy), sum(r.figures.get("work", 0) for r in days))
            )
    if len(rows) < BURNOUT_WEEKS:
        return None
    recent = rows[-BURNOUT_WEEKS:]
    consecutive = all(b[0] == a[0].add(weeks=1) for a, b in itertools.pairwise(recent))
    falling = all(b[1] < a[1] for a, b in itertools.pairwise(recent))
    growing = all(b[2] > a[2] for a, b in itertools.pairwise(recent))
    if not (consecutive and falling and growing):
        return None
    energy_trend = " → ".join(f"{e:.1f}" for _, e, _ in recent)
    work_trend = " → ".join(f"{w / 60:.0f}h" for _, _, w in recent)
    return Pattern(
        "burnout-signs", "", BURNOUT_WEEKS, len(rows),
        f"Worth a look: your energy fell {BURNOUT_WEEKS} weeks running ({energy_trend}) while "
        f"work grew ({work_trend}). That is one of the early signs people describe before "
        "burning out, not a diagnosis; a lighter week may be worth planning.",
    )  # fmt: skip


# --- the recommendation -----------------------------------------------------------------

REASONS = {
    "too-few-days": "too few days",
    "too-uncertain": "too uncertain",
    "tiny": "a real but tiny difference",
    "trade-off": "a trade-off",
    "confounded": "mode and weekday cannot be told apart",
    "clear": "a clear difference",
}


@define(slots=True)
class Recommendation(Record):
    mode: str | None
    text: str  # the verdict, its evidence, then any patterns
    status: str  # "not-enough-data" | "no-clear-difference" | "prefer"
    patterns: list[Pattern] = field(default_factory=list)
    reason: str = "too-few-days"  # a key of REASONS: the one that decided
    questions: list[QuestionResult] = field(default_factory=list)
    look: int = 0  # the weekly look this verdict is (0: none yet)
    through: pendulum.Date | None = None  # the last day the verdict counts (a Sunday)
    days_off: ModeSummary | None = None
    notes: list[str] = field(default_factory=list)
    level: float | None = None  # the p a verdict needed at this look

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "text": self.text,
            "status": self.status,
            "patterns": [p.to_dict() for p in self.patterns],
            "reason": self.reason,
            "questions": {q.question: q.to_dict() for q in self.questions},
            "look": self.look,
            "level_needed": round(self.level, 6) if self.level is not None else None,
            "through": self.through.to_date_string() if self.through else None,
            "days_off": self.days_off.to_dict() if self.days_off else None,
            "notes": list(self.notes),
        }


def _counts_text(summaries: Mapping[str, ModeSummary], shown: Iterable[str]) -> str:
    return ", ".join(f"{summaries[m].reflected_days if m in summaries else 0} {m}" for m in shown)


def _weekday_note(days: Sequence[DayRecord]) -> str | None:
    """Weekdays that held only one mode tell nothing about the mode apart from the weekday."""
    modes_by_weekday: dict[int, set[str]] = {}
    for record in days:
        modes_by_weekday.setdefault(record.date.weekday(), set()).add(record.mode)
    single = [w for w, modes in sorted(modes_by_weekday.items()) if len(modes) == 1]
    if not single or len(single) == len(modes_by_weekday):
        return None
    names = ", ".join(f"{WEEKDAY_NAMES[w]} ({next(iter(modes_by_weekday[w]))})" for w in single)
    return f"{names} only ever had one mode, so they count for the weekday, not the mode."


def recommend(
    records: Iterable[DayRecord],
    *,
    min_days: int = MIN_REFLECTED_DAYS,
    through: pendulum.Date | None = None,
    families: Mapping[str, str | None] = DEFAULT_FAMILIES,
    alpha: float | None = None,
) -> Recommendation:
    """The verdict over ``records`` up to ``through`` (default: the last record's day);
    only whole weeks count (to the last Sunday on or before it). ``alpha``: the level for
    one pre-planned look (a trial's end) instead of the level of this weekly look."""
    items = sorted(records, key=lambda r: r.date)
    summaries = summarize(items)
    patterns = find_patterns(items, families)
    tail = "".join(f" {p.text}" for p in patterns)
    min_days = max(2, min_days)  # a spread needs at least two days
    days_off = summarize_days_off(items)
    off_note = (
        [f"Days off are counted apart ({days_off.reflected_days} reflected), never as a mode."]
        if days_off.reflected_days
        else []
    )
    if through is None:  # everything counts: to the end of the last record's week
        through = week_start(items[-1].date).add(days=6) if items else pendulum.date(2000, 1, 2)
    end = last_whole_week_end(through)
    counted = [r for r in items if r.date <= end and r.reflected and not r.day_off]
    later = sum(1 for r in items if r.date > end and r.reflected and not r.day_off)
    counted_summaries = summarize(counted)

    def waiting(reason: str, message: str) -> Recommendation:
        return Recommendation(None, message + tail, "not-enough-data", patterns, reason,
                              through=end, days_off=days_off, notes=off_note)  # fmt: skip

    ready = [m for m, s in counted_summaries.items() if s.reflected_days >= min_days]
    if len(ready) < 2:
        shown = mode_order(
            {"balance", "integration"} | {m for m, s in summaries.items() if s.reflected_days}
        )
        pending = f" ({later} more from this week count from Sunday)" if later else ""
        return waiting(
            "too-few-days",
            f"Not enough data yet (too few days): reflected working days so far "
            f"{_counts_text(summaries, shown)}; flowday compares modes once each has "
            f"{min_days} in whole weeks{pending}.",
        )
    ranked = sorted(ready, key=lambda m: -(counted_summaries[m].score or 0.0))
    first, second = ranked[0], ranked[1]
    days = [r for r in counted if r.mode in (first, second)]
    single = [
        m for m in (first, second) if len({week_number(r.date) for r in days if r.mode == m}) < 2
    ]
    if single:  # one week of a mode is one piece of evidence, however many days it has
        return waiting(
            "too-few-days",
            f"Not enough data yet (too few days): all the {single[0]} days are from one "
            "week; flowday compares modes once each has days in two weeks or more.",
        )
    look = look_number(days, first, second, min_days)
    if alpha is None:
        alpha = statistics.look_alpha(look)
    else:  # one look, planned in advance
        look = 1
    rows = design(days, first)
    results = [compare_question(q, days, first, second, alpha, rows) for q in QUESTIONS]
    combined = results[-1]
    per_question = results[:-1]
    notes = list(off_note)
    weekday_note = _weekday_note(days)
    if weekday_note:
        notes.append(weekday_note)
    if later:
        notes.append(f"{later} reflected days of this week join the verdict on Sunday.")
    disagree = [r.question for r in results if not r.rank_test_agrees]
    if disagree:
        notes.append(
            "The rank test and the t-test disagree at the 5% level on "
            + ", ".join(disagree)
            + ": read those with care."
        )
    weeks = len({week_number(r.date) for r in days})
    basis = (
        f"Based on {combined.plain.n_a} {first} and {combined.plain.n_b} {second} working days "
        f"over {weeks} weeks (look {look}: a verdict needs p under {_level_text(alpha)}), "
        "allowing for weekday and work hours."
    )

    clear = [r for r in per_question if r.verdict == "clear"]
    leaning = [r for r in per_question if r.verdict == "leaning"]
    directions = {r.favours for r in clear}
    opposed = [r for r in leaning if directions and r.favours not in directions]
    mode: str | None = None
    if combined.verdict == "confounded":
        status, reason = "no-clear-difference", "confounded"
        headline = (
            f"No verdict between {first} and {second} days: every weekday had only one of "
            "them, so mode and weekday cannot be told apart. Swap a few days (or start a "
            "trial: flowday trial start) to find out."
        )
    elif len(directions) > 1 or opposed:
        status, reason = "no-clear-difference", "trade-off"
        sides = [f"{r.question} clearly better on {r.favours} days" for r in clear] + [
            f"{r.question} leaning towards {r.favours} days" for r in opposed
        ]
        headline = (
            f"A trade-off between {first} and {second} days, not a winner: "
            + "; ".join(sides)
            + ". Weigh what matters most to you now."
        )
    elif combined.verdict == "clear":
        status, reason = "prefer", "clear"
        mode = combined.favours
        headline = f"{str(mode).capitalize()} days seem to suit you better."
    elif combined.verdict == "tiny":
        status, reason = "no-clear-difference", "tiny"
        headline = (
            f"No clear difference between {first} and {second} days yet: a real but tiny "
            f"difference ({abs(combined.difference):.2f} points, under the "
            f"{MIN_PRACTICAL_DIFFERENCE} that would matter)."
        )
    else:
        status, reason = "no-clear-difference", "too-uncertain"
        low, high = combined.interval
        headline = (
            f"No clear difference between {first} and {second} days yet: too uncertain "
            f"(the combined difference could be anywhere from {low:+.2f} to {high:+.2f})."
        )
    side = mode or combined.favours
    strong = ("clear", "tiny", "leaning")
    supporting = [r for r in results if r.favours == side and r.verdict in strong]
    against = [r for r in results if r.favours is not None and r.favours != side]
    rest = [r for r in results if r not in supporting and r not in against]
    ordered = supporting + rest + against
    body = " ".join(r.sentence() for r in ordered)
    against_text = ""
    if against and status == "prefer":
        against_text = " Against it: " + ", ".join(r.question for r in against) + "."
    text = " ".join(part for part in (headline + against_text, body, basis, *notes) if part) + tail
    return Recommendation(mode, text, status, patterns, reason, results, look, end,
                          days_off, notes, alpha)  # fmt: skip


# --- when to ask ------------------------------------------------------------------------


def prompt_minute(mode: str, window: tuple[int, int], settings: ReflectionSettings) -> int:
    """Wall-clock minute at which the evening prompt is due: on an integration day at
    ``integration_at`` (default 20:30), on any other day ``balance_after`` minutes
    (default 15) after the work window ends; never later than 23:59."""
    on_integration = mode == "integration"
    at = settings.integration_at if on_integration else window[1] + settings.balance_after
    return min(at, 24 * 60 - 1)


def reflection_due(
    now: pendulum.DateTime,
    day: Day,
    mode: str,
    window: tuple[int, int],
    config: ReflectionSettings,
) -> bool:
    """Whether the end-of-day prompt should open for ``day`` at ``now`` (local time).
    ``config`` is the ``[reflection]`` table. The caller opens it at most once per day."""
    if not config.enabled or now.date() != day.date:
        return False
    if day.reflection is not None or day.reflection_skipped:
        return False
    return now.hour * 60 + now.minute >= prompt_minute(mode, window, config)


def needs_yesterday_prompt(
    today: pendulum.Date, yesterday: Day, *, had_blocks: bool, config: ReflectionSettings
) -> bool:
    """At launch: ask about yesterday when it was planned but neither reflected nor skipped."""
    if not config.enabled or yesterday.date != today.subtract(days=1):
        return False
    if yesterday.reflection is not None or yesterday.reflection_skipped:
        return False
    return had_blocks


# --- trends -----------------------------------------------------------------------------


def weekly_trends(records: Iterable[DayRecord]) -> list[dict[str, Any]]:
    """Per week (its Monday, oldest first) of working days: each rating's mean over the
    reflected days (None without any), the reflected days and the work hours."""
    weeks: dict[pendulum.Date, list[DayRecord]] = {}
    for record in records:
        if not record.day_off:
            weeks.setdefault(week_start(record.date), []).append(record)
    rows = []
    for monday in sorted(weeks):
        days = weeks[monday]
        reflected = [r for r in days if r.reflected]
        rows.append({
            "week": monday.to_date_string(),
            "reflected_days": len(reflected),
            "work_hours": round(sum(r.figures.get("work", 0) for r in days) / 60, 1),
            **{q: round_or_none(mean(r.value(q) or 0.0 for r in reflected)) for q in QUESTIONS},
        })  # fmt: skip
    return rows
