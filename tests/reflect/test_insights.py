"""The pure side: answers, aggregation, the recommendation, patterns, prompt timing."""

from __future__ import annotations

import random

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.domain import insights
from flowday.domain.errors import InputError
from flowday.domain.frozen import replace
from flowday.domain.insights import DayRecord, recommend, summarize, t_critical
from flowday.domain.model import Day
from flowday.domain.questions import Answers
from flowday.domain.settings import ReflectionSettings

from .reflect_histories import (
    HIGH,
    LOW,
    MONDAY,
    START,
    answers,
    mixed,
    persona,
    records,
    reflection,
)


# --- answers ---------------------------------------------------------------------------
def test_answers_from_loose_input() -> None:
    got = Answers.from_mapping(
        {"present": " Work", "stress": "rules", "energy": "4", "peace": 3, "meaning": 5,
         "note": "a\tb\x1b[31m"}
    )  # fmt: skip
    assert got.to_dict() == {
        "present": "work", "stress": "rules", "energy": 4, "peace": 3, "meaning": 5,
        "note": "a b[31m",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"energy": 0}, "energy must be 1-5, not 0"),
        ({"peace": "6"}, "peace must be 1-5, not 6"),
        ({"meaning": "lots"}, "meaning must be a whole number 1-5"),
        ({"present": "home"}, "present must be one of work, people, self, nowhere"),
        ({"stress": "boss"}, "stress must be one of boundaries, rules, neither"),
        ({"energy": None}, "no answer for energy"),
    ],
)
def test_bad_answers_are_refused(change: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        Answers.from_mapping({**answers(3, 3, 3), **change})


# --- aggregation -----------------------------------------------------------------------
def test_summarize_averages_and_counts_by_mode() -> None:
    days = records("balance", [(4, 5, 3), (2, 3, 5), None]) + records(
        "integration", [(3, 3, 3)], start=START.add(days=10)
    )
    days[0] = DayRecord(days[0].date, "balance", days[0].figures,
                        reflection((4, 5, 3), "balance", stress="rules"))  # fmt: skip
    got = summarize(days)
    assert list(got) == ["balance", "integration"]
    balance = got["balance"].to_dict()
    assert balance["days"] == 3 and balance["reflected_days"] == 2
    assert (balance["energy"], balance["peace"], balance["meaning"]) == (3.0, 4.0, 4.0)
    assert balance["stress"] == {"boundaries": 0, "rules": 1, "neither": 1}
    assert got["integration"].to_dict()["energy"] == 3.0


def test_own_modes_follow_the_two_known_ones() -> None:
    days = records("zen", [(3, 3, 3)]) + records("integration", [(3, 3, 3)])
    days += records("balance", [(3, 3, 3)]) + records("deep", [(3, 3, 3)])
    assert list(summarize(days)) == ["balance", "integration", "deep", "zen"]


# --- the statistics --------------------------------------------------------------------
def students_t(df: float) -> float:
    """The two-sided 5 % critical value, computed by scipy (test-only)."""
    from scipy.special import stdtrit  # here: importing scipy costs every test worker

    return float(stdtrit(df, 0.975))


@pytest.mark.parametrize(
    "df", [*range(1, 31), 31, 35, 40, 50, 60, 90, 119, 120, 121, 200, 1000, 10_000]
)
def test_t_critical_is_students_t(df: int) -> None:
    assert t_critical(df) == pytest.approx(students_t(df), abs=1e-9)


def test_t_critical_without_degrees_of_freedom_is_infinite() -> None:
    assert t_critical(0) == float("inf")


# --- the recommendation on histories with known answers --------------------------------
def test_clear_balance_preference() -> None:
    rec = recommend(persona(6, (4.5, 4.5, 4.5), (2, 2, 2)))
    assert (rec.mode, rec.status, rec.reason) == ("balance", "prefer", "clear")
    assert rec.text.startswith("Balance days seem to suit you better.")
    assert "15 balance and 15 integration working days over 6 weeks" in rec.text


def test_clear_integration_preference() -> None:
    rec = recommend(persona(6, (2, 2, 2), (4.5, 4.5, 4.5)))
    assert (rec.mode, rec.status) == ("integration", "prefer")
    assert rec.text.startswith("Integration days seem to suit you better.")


def test_trade_off_is_named_not_averaged_away() -> None:
    # energy and meaning carry balance's average while peace is far worse on balance days
    rec = recommend(persona(8, (4.5, 1.3, 4.5), (2.5, 4.4, 2.5)))
    assert (rec.mode, rec.status, rec.reason) == (None, "no-clear-difference", "trade-off")
    assert rec.text.startswith("A trade-off between")
    assert "peace clearly better on integration days" in rec.text


def test_large_but_uncertain_gap_blames_uncertainty() -> None:
    # 5 vs 5 days and a 1.7-point gap: not small, uncertain
    plan = [("balance", (5, 4, 5)), ("integration", (2, 2, 3)), ("balance", (1, 2, 1)),
            ("integration", (1, 1, 1)), ("balance", (5, 5, 5)), ("integration", (2, 3, 2)),
            ("balance", (4, 5, 4)), ("integration", (3, 2, 2)), ("balance", (5, 5, 4)),
            ("integration", (5, 4, 5))]  # fmt: skip
    rec = recommend(mixed(plan))
    assert (rec.mode, rec.status, rec.reason) == (None, "no-clear-difference", "too-uncertain")
    assert "too uncertain" in rec.text and "small" not in rec.text and "tiny" not in rec.text


def test_a_real_but_tiny_gap_is_no_clear_difference() -> None:
    # 20 weeks: balance days always 4 4 4; integration days a point lower on one question
    # in three of five: 0.2 apart on every question and the combined score, very steadily
    cycle = [(3, 4, 4), (4, 3, 4), (4, 4, 3), (4, 4, 4), (4, 4, 4)]
    plan = [("balance", (4, 4, 4)) if i % 2 else ("integration", cycle[i // 2 % 5])
            for i in range(100)]  # fmt: skip
    rec = recommend(mixed(plan))
    assert (rec.status, rec.reason) == ("no-clear-difference", "tiny")
    assert "a real but tiny difference" in rec.text and "too uncertain (" not in rec.text


def test_weekday_confounded_history_gives_no_verdict() -> None:
    days = persona(6, (4.5, 4.5, 4.5), (2, 2, 2), assign=lambda week, day: day < 3)
    rec = recommend(days)
    assert (rec.mode, rec.reason) == (None, "confounded")
    assert "mode and weekday cannot be told apart" in rec.text
    assert " working days over 6 weeks (look " in rec.text  # not "over 0 weeks"


def test_a_late_look_s_level_is_shown_not_rounded_to_zero() -> None:
    from flowday.domain.insights import _level_text
    from flowday.domain.statistics import look_alpha

    assert [_level_text(look_alpha(n)) for n in (1, 5, 30, 151)] == [
        "0.0250", "0.0017", "0.000054", "0.0000022"
    ]  # fmt: skip


def test_days_off_are_their_own_kind() -> None:
    days = persona(6, (3, 3, 3), (3, 3, 3), spread=0.6)
    weekend = [
        DayRecord(d.date.add(days=5), "balance", d.figures, reflection((5, 5, 5), "balance"),
                  day_off=True)
        for d in days if d.date.weekday() == 0
    ]  # fmt: skip
    rec = recommend(days + weekend)
    assert rec.status != "prefer"
    assert summarize(days + weekend)["balance"].reflected_days == 15
    assert rec.days_off is not None and rec.days_off.reflected_days == 6
    assert "Days off are counted apart (6 reflected)" in rec.text


def test_too_little_data() -> None:
    rec = recommend(records("balance", HIGH[:4]) + records("integration", LOW))
    assert (rec.mode, rec.status, rec.reason) == (None, "not-enough-data", "too-few-days")
    assert "4 balance, 8 integration" in rec.text and "each has 5" in rec.text
    assert "too few days" in rec.text


def test_unreflected_days_do_not_count_as_data() -> None:
    rec = recommend(records("balance", [None] * 20 + HIGH[:4]) + records("integration", LOW))
    assert rec.status == "not-enough-data"


def test_min_days_is_configurable() -> None:
    days = persona(3, (5, 5, 5), (1.5, 1.5, 1.5), days_a_week=2)
    assert recommend(days).status == "not-enough-data"
    assert recommend(days, min_days=3).mode == "balance"


def test_only_whole_weeks_count() -> None:
    days = persona(6, (4.5, 4.5, 4.5), (2, 2, 2))
    friday = days[-1].date
    assert recommend(days, through=friday.add(days=2)).look == recommend(days).look
    early = recommend(days, through=friday)  # the last week joins on its Sunday
    assert early.look == recommend(days).look - 1 and "join the verdict on Sunday" in early.text


ratings = st.tuples(*(st.integers(1, 5) for _ in range(3)))


@settings(max_examples=15, deadline=None)
@given(st.lists(ratings, min_size=0, max_size=12), st.lists(ratings, min_size=0, max_size=12))
def test_swapping_the_modes_swaps_the_verdict(a: list, b: list) -> None:
    plan = [("balance", r) for r in a] + [("integration", r) for r in b]
    random.Random(len(a) * 31 + len(b)).shuffle(plan)
    straight = recommend(mixed(plan))
    swapped = recommend(mixed([({"balance": "integration"}.get(m, "balance"), r) for m, r in plan]))
    assert (straight.status, straight.reason) == (swapped.status, swapped.reason)
    flip = {"balance": "integration", "integration": "balance", None: None}
    assert swapped.mode == flip[straight.mode]
    if min(len(a), len(b)) < insights.MIN_REFLECTED_DAYS:
        assert straight.mode is None


# --- patterns --------------------------------------------------------------------------
def test_always_on_integration_days() -> None:
    late = records("integration", [(2, 2, 2)] * 4, last_work_end=22 * 60)
    calm = records("integration", [(4, 4, 4)] * 5, start=START.add(days=10))
    (pattern,) = recommend(late + calm).patterns
    assert (pattern.name, pattern.days, pattern.of_days) == ("always-on", 4, 9)
    assert "past 21:00" in pattern.text and "peace on those days averaged 2.0" in pattern.text
    assert pattern.text in recommend(late + calm).text


def test_no_off_time_counts_as_always_on_across_midnight() -> None:
    # 04:00 to 20:45 every day: never past 21:00, but only 7h15 off overnight
    short_nights = records("integration", [None] * 5, figures={"longest_off": 4 * 60},
                           first_work_start=4 * 60, last_work_end=20 * 60 + 45)  # fmt: skip
    assert [p.name for p in recommend(short_nights).patterns] == ["always-on"]
    # 07:30 to 16:30: 7h30 at most inside the calendar day (before 07:30, after 16:30),
    # fifteen hours overnight: not always on (the calendar day alone would say it is)
    early = records("integration", [None] * 5, figures={"longest_off": 7 * 60 + 30},
                    first_work_start=7 * 60 + 30, last_work_end=16 * 60 + 30)  # fmt: skip
    assert recommend(early).patterns == []


def test_always_on_follows_the_rules_not_the_name() -> None:
    late = records("school-run", [None] * 4, last_work_end=22 * 60)
    assert recommend(late).patterns == []  # an unknown mode: neither family
    families = {"school-run": insights.mode_family(["work-outside-limit", "no-overlap"])}
    (pattern,) = recommend(late, families=families).patterns
    assert (pattern.name, pattern.mode) == ("always-on", "school-run")
    rigid = records("deep", [None] * 3, figures={"crossings": 2})
    found = recommend(rigid, families={"deep": "balance"}).patterns
    assert [p.name for p in found] == ["rigid"] and "3 of 3 deep days" in found[0].text


def test_burnout_signs_are_a_gentle_note() -> None:
    weeks = [(4, 40), (3, 45), (2, 50)]
    days = []
    for week, (energy, hours) in enumerate(weeks):
        days += records("balance", [(energy, 3, 3)] * 5, start=MONDAY.add(weeks=week),
                        figures={"work": hours * 12})  # fmt: skip
    (pattern,) = recommend(days).patterns
    assert pattern.name == "burnout-signs" and "4.0 → 3.0 → 2.0" in pattern.text
    assert "40h → 45h → 50h" in pattern.text and "not a diagnosis" in pattern.text
    days[-1] = replace(days[-1], figures={**days[-1].figures, "work": 0})
    days[-2] = replace(days[-2], figures={**days[-2].figures, "work": 0})
    assert recommend(days).patterns == []  # work did not grow in the last week


def test_rigid_balance_days() -> None:
    crossing = records("balance", [None] * 3, figures={"crossings": 3})
    calm = records("balance", [None] * 6, start=START.add(days=10))
    (pattern,) = recommend(crossing + calm).patterns
    assert pattern.name == "rigid" and "3 of 9 balance days" in pattern.text
    assert "9 crossings in all" in pattern.text


def test_patterns_need_enough_days() -> None:
    days = records("balance", [None] * 2, figures={"crossings": 5})
    days += records("integration", [None] * 10, last_work_end=22 * 60, start=START.add(days=2))
    days = days[:12]
    assert [p.name for p in recommend(days).patterns] == ["always-on"]
    late_few = records("integration", [None] * 2, last_work_end=23 * 60)
    calm = records("integration", [None] * 10, start=START.add(days=5))
    assert recommend(late_few + calm).patterns == []  # 2 days: neither 3 nor a third


# --- when to ask -----------------------------------------------------------------------
TODAY = pendulum.date(2026, 11, 25)
DEFAULTS = ReflectionSettings()


def at(hour: int, minute: int) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, 25, hour, minute, tz="Europe/Berlin")


@pytest.mark.parametrize(
    ("mode", "now", "settings", "due"),
    [
        ("balance", at(17, 14), DEFAULTS, False),
        ("balance", at(17, 15), DEFAULTS, True),
        ("balance", at(17, 59), ReflectionSettings(balance_after=60), False),
        ("balance", at(18, 0), ReflectionSettings(balance_after=60), True),
        ("integration", at(20, 29), DEFAULTS, False),
        ("integration", at(20, 30), DEFAULTS, True),
        ("integration", at(21, 59), ReflectionSettings(integration_at=22 * 60), False),
        ("integration", at(22, 0), ReflectionSettings(integration_at=22 * 60), True),
        ("balance", at(23, 0), ReflectionSettings(enabled=False), False),
        ("deep", at(17, 15), DEFAULTS, True),  # own modes follow the work window
    ],
)
def test_reflection_due(
    mode: str, now: pendulum.DateTime, settings: ReflectionSettings, due: bool
) -> None:
    day = Day(date=TODAY)
    assert insights.reflection_due(now, day, mode, (9 * 60, 17 * 60), settings) is due


def test_not_due_once_answered_or_skipped_or_on_another_day() -> None:
    window = (9 * 60, 17 * 60)
    assert not insights.reflection_due(
        at(23, 0),
        Day(date=TODAY, reflection=reflection((3, 3, 3), "balance")),
        "balance",
        window,
        DEFAULTS,
    )
    assert not insights.reflection_due(
        at(23, 0), Day(date=TODAY, reflection_skipped=True), "balance", window, DEFAULTS
    )
    assert not insights.reflection_due(at(23, 0), Day(date=START), "balance", window, DEFAULTS)


def test_late_window_caps_at_end_of_day() -> None:
    day = Day(date=TODAY)
    assert insights.reflection_due(at(23, 59), day, "balance", (14 * 60, 24 * 60), DEFAULTS)


def test_needs_yesterday_prompt() -> None:
    yesterday = Day(date=TODAY.subtract(days=1))
    assert insights.needs_yesterday_prompt(TODAY, yesterday, had_blocks=True, config=DEFAULTS)
    assert not insights.needs_yesterday_prompt(TODAY, yesterday, had_blocks=False, config=DEFAULTS)
    assert not insights.needs_yesterday_prompt(
        TODAY, yesterday, had_blocks=True, config=ReflectionSettings(enabled=False)
    )
    skipped = Day(date=yesterday.date, reflection_skipped=True)
    assert not insights.needs_yesterday_prompt(TODAY, skipped, had_blocks=True, config=DEFAULTS)
    done = Day(date=yesterday.date, reflection=reflection((2, 2, 2), "balance"))
    assert not insights.needs_yesterday_prompt(TODAY, done, had_blocks=True, config=DEFAULTS)
