"""Reflections and what they add up to: which mode suits this person, from their own days.

Pure: the answers to the end-of-day questions, aggregation by mode, the recommendation
with its evidence, the patterns the article warns about, and when to ask.

How "a clear difference" is decided (documented in the README too): each reflected day
gets one score, the mean of its energy, peace and meaning ratings (1-5). The two best
modes are compared with a two-sample t-test on those scores with a pooled standard error
(difference of means / pooled SE against the two-sided 5 % critical value of Student's t).
A difference that passes the test but is under :data:`MIN_PRACTICAL_DIFFERENCE` points
on the 1-5 scale is still called "no clear difference": too small to plan a life around.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pendulum

from flowday.domain.model import Day, Reflection
from flowday.domain.questions import (
    PRESENT_CHOICES,
    RATINGS,
    STRESS_CHOICES,
)
from flowday.domain.settings import MIN_REFLECTED_DAYS, ReflectionSettings
from flowday.domain.wallclock import fmt_minutes

MIN_PRACTICAL_DIFFERENCE = 0.25  # points on the 1-5 scale
LATE_WORK_FROM = 21 * 60  # a work block ending after this is "late work"
NO_OFF_TIME_BELOW = 8 * 60  # no unbroken stretch this long without work: "no off-time"
MANY_CROSSINGS = 2  # forced crossings on one balance day that count as "many"
PATTERN_MIN_DAYS = 3  # a pattern needs at least this many days ...
PATTERN_MIN_SHARE = 1 / 3  # ... and this share of the mode's days

# Two-sided 5 % critical values of Student's t by degrees of freedom (1..30), then a few
# larger steps; between steps the smaller df's (larger, more cautious) value is used.
_T_CRITICAL: dict[int, float] = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
    9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120,
    17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064,
    25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000,
    120: 1.980,
}  # fmt: skip
_T_INFINITY = 1.960


def t_critical(df: int) -> float:
    """Two-sided 5 % critical value of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        return math.inf
    if df > max(_T_CRITICAL):
        return _T_INFINITY
    return next(v for steps, v in sorted(_T_CRITICAL.items(), reverse=True) if df >= steps)


# --- one day, as the insights see it ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayRecord:
    """A day's mode, figures (minutes and counts, see ``domain.figures``) and answers."""

    date: pendulum.Date
    mode: str
    figures: Mapping[str, int]
    reflection: Reflection | None = None
    last_work_end: int | None = None  # wall-clock minutes; None on a day without work

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

    @property
    def always_on(self) -> bool:
        """Late work, or no unbroken stretch of off-time long enough to rest."""
        if self.figures.get("work", 0) <= 0:
            return False
        late = self.last_work_end is not None and self.last_work_end > LATE_WORK_FROM
        return late or self.figures.get("longest_off", 24 * 60) < NO_OFF_TIME_BELOW

    @property
    def many_crossings(self) -> bool:
        return self.figures.get("crossings", 0) >= MANY_CROSSINGS


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def round_or_none(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- aggregation by mode ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModeSummary:
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


def summarize(records: Iterable[DayRecord]) -> dict[str, ModeSummary]:
    grouped: dict[str, list[DayRecord]] = {}
    for record in records:
        grouped.setdefault(record.mode, []).append(record)
    summaries: dict[str, ModeSummary] = {}
    for mode in mode_order(grouped):
        days = grouped[mode]
        reflected = [r for r in days if r.reflected]
        stress = dict.fromkeys(STRESS_CHOICES, 0)
        present = dict.fromkeys(PRESENT_CHOICES, 0)
        for record in reflected:
            assert record.reflection is not None
            stress[record.reflection.answers.stress] += 1
            present[record.reflection.answers.present] += 1
        summaries[mode] = ModeSummary(
            mode=mode,
            days=len(days),
            reflected_days=len(reflected),
            energy=mean(r.rating("energy") or 0 for r in reflected),
            peace=mean(r.rating("peace") or 0 for r in reflected),
            meaning=mean(r.rating("meaning") or 0 for r in reflected),
            score=mean(r.score or 0.0 for r in reflected),
            stress=stress,
            present=present,
        )
    return summaries


# --- the comparison ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two modes' day scores compared with a pooled two-sample t statistic."""

    better: str
    worse: str
    difference: float
    standard_error: float
    critical: float

    @property
    def t(self) -> float:
        if self.standard_error == 0:
            return math.inf if self.difference else 0.0
        return self.difference / self.standard_error

    @property
    def clear(self) -> bool:
        return self.t > self.critical and self.difference >= MIN_PRACTICAL_DIFFERENCE


def compare(mode_a: str, scores_a: list[float], mode_b: str, scores_b: list[float]) -> Comparison:
    """Difference of mean scores against the pooled standard error (needs 2+ days each)."""
    n_a, n_b = len(scores_a), len(scores_b)
    mean_a, mean_b = sum(scores_a) / n_a, sum(scores_b) / n_b
    squares = sum((s - mean_a) ** 2 for s in scores_a) + sum((s - mean_b) ** 2 for s in scores_b)
    df = n_a + n_b - 2
    pooled_variance = squares / df if df > 0 else 0.0
    standard_error = math.sqrt(pooled_variance * (1 / n_a + 1 / n_b))
    if mean_a >= mean_b:
        return Comparison(mode_a, mode_b, mean_a - mean_b, standard_error, t_critical(df))
    return Comparison(mode_b, mode_a, mean_b - mean_a, standard_error, t_critical(df))


# --- patterns the article warns about ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pattern:
    name: str  # "always-on" | "rigid"
    mode: str
    days: int  # days showing it
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


def _shows(count: int, total: int) -> bool:
    return count >= PATTERN_MIN_DAYS and count >= PATTERN_MIN_SHARE * total


def _peace_contrast(flagged: list[DayRecord], others: list[DayRecord]) -> str:
    on = mean(r.rating("peace") or 0 for r in flagged if r.reflected)
    off = mean(r.rating("peace") or 0 for r in others if r.reflected)
    if on is None or off is None:
        return ""
    return f" Your peace on those days averaged {on:.1f}, on the others {off:.1f}."


def find_patterns(records: Iterable[DayRecord]) -> list[Pattern]:
    items = list(records)
    found: list[Pattern] = []

    integration = [r for r in items if r.mode == "integration"]
    always_on = [r for r in integration if r.always_on]
    if _shows(len(always_on), len(integration)):
        rest = [r for r in integration if not r.always_on]
        found.append(
            Pattern(
                "always-on",
                "integration",
                len(always_on),
                len(integration),
                f"Always on: on {len(always_on)} of {len(integration)} integration days work "
                f"ran past {fmt_minutes(LATE_WORK_FROM)} or left no "
                f"{NO_OFF_TIME_BELOW // 60}-hour stretch free of it."
                + _peace_contrast(always_on, rest),
            )
        )

    balance = [r for r in items if r.mode == "balance"]
    rigid = [r for r in balance if r.many_crossings]
    if _shows(len(rigid), len(balance)):
        crossings = sum(r.figures.get("crossings", 0) for r in rigid)
        rules_stress = sum(
            1 for r in rigid if r.reflection and r.reflection.answers.stress == "rules"
        )
        stress_note = (
            f" On {rules_stress} of them you named strict rules as what stressed you."
            if rules_stress
            else ""
        )
        found.append(
            Pattern(
                "rigid",
                "balance",
                len(rigid),
                len(balance),
                f"Rigid and guilt-inducing: on {len(rigid)} of {len(balance)} balance days you "
                f"forced your way past the rules {MANY_CROSSINGS} or more times "
                f"({crossings} crossings in all).{stress_note}"
                + _peace_contrast(rigid, [r for r in balance if not r.many_crossings]),
            )
        )
    return found


# --- the recommendation -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recommendation:
    mode: str | None
    text: str  # the verdict, its evidence, then any patterns
    status: str  # "not-enough-data" | "no-clear-difference" | "prefer"
    patterns: list[Pattern] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "text": self.text,
            "status": self.status,
            "patterns": [p.to_dict() for p in self.patterns],
        }


def _evidence(better: ModeSummary, worse: ModeSummary) -> str:
    """Ratings side by side, the measure with the biggest gap first."""
    gaps = sorted(
        RATINGS,
        key=lambda name: -abs((getattr(better, name) or 0) - (getattr(worse, name) or 0)),
    )
    lead, *rest = gaps
    others = "; ".join(
        f"{name} {getattr(better, name):.1f} vs {getattr(worse, name):.1f}" for name in rest
    )
    return (
        f"On {better.mode} days your {lead} averaged {getattr(better, lead):.1f}, "
        f"on {worse.mode} days {getattr(worse, lead):.1f} "
        f"({better.reflected_days} vs {worse.reflected_days} days); {others}."
    )


def recommend(
    records: Iterable[DayRecord], *, min_days: int = MIN_REFLECTED_DAYS
) -> Recommendation:
    items = list(records)
    summaries = summarize(items)
    patterns = find_patterns(items)
    tail = "".join(f" {p.text}" for p in patterns)
    min_days = max(2, min_days)  # a spread needs at least two days

    ready = [m for m, s in summaries.items() if s.reflected_days >= min_days]
    if len(ready) < 2:
        shown = mode_order(
            {"balance", "integration"} | {m for m, s in summaries.items() if s.reflected_days}
        )
        counts = ", ".join(
            f"{summaries[m].reflected_days if m in summaries else 0} {m}" for m in shown
        )
        return Recommendation(
            None,
            f"Not enough data yet: reflected days so far {counts}; flowday compares modes "
            f"once each has {min_days}.{tail}",
            "not-enough-data",
            patterns,
        )

    ranked = sorted(ready, key=lambda m: -(summaries[m].score or 0.0))
    first, second = ranked[0], ranked[1]
    scores = {
        m: [r.score for r in items if r.mode == m and r.score is not None] for m in (first, second)
    }
    result = compare(first, scores[first], second, scores[second])
    better, worse = summaries[result.better], summaries[result.worse]
    evidence = _evidence(better, worse)
    if not result.clear:
        return Recommendation(
            None,
            f"No clear difference between {better.mode} and {worse.mode} days yet: "
            f"{evidence} The gap is small against how much your days vary.{tail}",
            "no-clear-difference",
            patterns,
        )
    return Recommendation(
        better.mode,
        f"{better.mode.capitalize()} days seem to suit you better. {evidence}{tail}",
        "prefer",
        patterns,
    )


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
