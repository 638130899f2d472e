"""The application layer: saving and skipping reflections, and stats over stored history."""

from __future__ import annotations

import pendulum
import pytest

from flowday.application import reflection_prompts, reviews
from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.errors import InputError
from flowday.domain.model import Block, Crossing, Day, Sphere
from flowday.domain.questions import Answers
from flowday.store import Store

from .reflect_histories import HIGH, LOW, START, alternating, answers, reflection, write_history

TODAY = pendulum.date(2026, 11, 25)  # NOW in tests/conftest.py


def test_save_reflection_stores_answers_mode_and_figures(planner: Planner) -> None:
    planner.add_block(TODAY, title="Deep work", start=9 * 60, end=12 * 60, sphere=Sphere.WORK)
    planner.add_block(TODAY, title="Lunch", start=12 * 60, end=13 * 60, sphere=Sphere.BREAK)
    reviews.skip_reflection(planner, TODAY)
    reviews.save_reflection(planner, TODAY, answers(4, 3, 5, note="good"))
    day = planner.store.day(TODAY)
    assert day.reflection_skipped is False
    assert day.reflection is not None
    assert day.reflection.answers == Answers("people", "neither", 4, 3, 5, "good")
    assert day.reflection.mode == "balance"
    assert day.reflection.at == "2026-11-25T09:00:00Z"
    assert day.reflection.figures["work"] == 180
    assert day.reflection.figures["break"] == 60


def test_bad_answers_and_future_days_write_nothing(planner: Planner) -> None:
    with pytest.raises(InputError, match="energy must be 1-5, not 9"):
        reviews.save_reflection(planner, TODAY, answers(9, 3, 3))
    with pytest.raises(InputError, match="has not happened yet"):
        reviews.save_reflection(planner, TODAY.add(days=1), answers(3, 3, 3))
    assert not planner.store.month_path(TODAY).exists()


def test_skip_is_remembered(planner: Planner) -> None:
    reviews.skip_reflection(planner, TODAY.subtract(days=1))
    assert planner.store.day(TODAY.subtract(days=1)).reflection_skipped


def planner_at(store: Store, hour: int, minute: int, **reflection: object) -> Planner:
    config = from_mapping({"timezone": "Europe/Berlin", "reflection": dict(reflection)})
    return Planner(store, config, FixedClock(pendulum.datetime(2026, 11, 25, hour, minute,
                                                               tz="Europe/Berlin")))  # fmt: skip


def test_reflection_due_now_follows_the_window(store: Store) -> None:
    assert not reflection_prompts.reflection_due_now(planner_at(store, 17, 14))
    assert reflection_prompts.reflection_due_now(planner_at(store, 17, 15))
    assert not reflection_prompts.reflection_due_now(planner_at(store, 17, 15, enabled=False))
    with store.transaction() as txn:
        txn.put_day(Day(date=TODAY, work_start=10 * 60, work_end=19 * 60))
    assert not reflection_prompts.reflection_due_now(planner_at(store, 19, 14))
    assert reflection_prompts.reflection_due_now(planner_at(store, 19, 15))
    reviews.skip_reflection(planner_at(store, 19, 15), TODAY)
    assert not reflection_prompts.reflection_due_now(planner_at(store, 23, 0))


def test_yesterday_to_reflect(planner: Planner) -> None:
    yesterday = TODAY.subtract(days=1)
    # nothing planned: nothing to ask
    assert reflection_prompts.yesterday_to_reflect(planner) is None
    planner.add_block(yesterday, title="Work", start=9 * 60, end=17 * 60, sphere=Sphere.WORK)
    assert reflection_prompts.yesterday_to_reflect(planner) == yesterday
    reviews.skip_reflection(planner, yesterday)
    assert reflection_prompts.yesterday_to_reflect(planner) is None


# --- stats on generated histories ------------------------------------------------------
def run_stats(planner: Planner, plan: list) -> dict:
    write_history(planner.store, plan)
    return reviews.stats(planner, START, START.add(days=len(plan) - 1))


def test_stats_clear_balance_preference(planner: Planner) -> None:
    data = run_stats(planner, alternating(HIGH, LOW))
    assert data["recommendation"]["mode"] == "balance"
    assert data["by_mode"]["balance"]["reflected_days"] == 15  # weekends are days off
    assert data["recommendation"]["days_off"]["reflected_days"] == 12
    peace = data["recommendation"]["questions"]["peace"]
    assert peace["verdict"] == "clear" and peace["favours"] == "balance"


def test_stats_clear_integration_preference(planner: Planner) -> None:
    plan = alternating(HIGH, LOW, good_mode="integration")
    assert run_stats(planner, plan)["recommendation"]["mode"] == "integration"


def test_stats_no_difference(planner: Planner) -> None:
    mixed = HIGH[:4] + LOW[:4]
    rec = run_stats(planner, alternating(mixed, list(reversed(mixed))))["recommendation"]
    assert (rec["mode"], rec["status"]) == (None, "no-clear-difference")
    assert rec["text"].startswith("No clear difference")


def test_stats_too_little_data(planner: Planner) -> None:
    plan = [("balance", r) for r in HIGH[:4]] + [("integration", None)] * 6
    rec = run_stats(planner, plan)["recommendation"]
    assert (rec["mode"], rec["status"]) == (None, "not-enough-data")
    assert rec["text"].startswith("Not enough data yet")


def test_stats_json_shape(planner: Planner) -> None:
    data = run_stats(planner, [("balance", (4, 3, 5)), ("integration", None)])
    assert set(data) >= {"days", "by_mode", "recommendation"}
    first, second = data["days"]
    assert first["date"] == START.to_date_string() and first["mode"] == "balance"
    assert set(first["figures"]) >= {
        "work", "personal", "break", "work_outside_window", "switches", "crossings",
        "mode_switches", "work_span", "longest_off",
    }  # fmt: skip
    assert first["figures"]["work"] == 480 and first["last_work_end"] == "17:00"
    assert first["reflection"]["energy"] == 4
    assert second["reflection"] is None
    assert set(data["by_mode"]["balance"]) >= {
        "days", "reflected_days", "energy", "peace", "meaning", "stress",
    }  # fmt: skip
    assert set(data["recommendation"]) >= {"mode", "text"}


def test_reflected_mode_wins_over_todays_mode_map(store: Store, planner: Planner) -> None:
    date = START
    with store.transaction() as txn:
        txn.put_day(Day(date=date, reflection=reflection((3, 3, 3), "integration")))
    (day,) = reviews.stats(planner, date, date)["days"]
    assert day["mode"] == "integration"  # the config map says balance; the person lived this


def test_stats_counts_crossings_and_skips_empty_days(planner: Planner, store: Store) -> None:
    with store.transaction() as txn:
        txn.put_block(Block("aaaaaaaa", START, 8 * 60, 20 * 60, "Work", Sphere.WORK))
        txn.put_day(
            Day(date=START, crossings=(Crossing("r", "aaaaaaaa", "x"), Crossing("r", "", "y")))
        )
    data = reviews.stats(planner, START.subtract(days=3), START.add(days=3))
    assert [d["date"] for d in data["days"]] == [START.to_date_string()]
    assert data["days"][0]["figures"]["crossings"] == 2


def test_backwards_range_is_refused(planner: Planner) -> None:
    with pytest.raises(InputError, match="ends"):
        reviews.stats(planner, TODAY, TODAY.subtract(days=1))


def test_min_days_from_config(store: Store, clock: FixedClock) -> None:
    config = from_mapping({"timezone": "Europe/Berlin", "reflection": {"min_days": 3}})
    planner = Planner(store, config, clock)
    plan = alternating([(5, 5, 5)], [(1, 1, 2)], days=13)  # to Sunday 13 September
    assert run_stats(planner, plan)["recommendation"]["mode"] == "balance"
    assert (
        run_stats(Planner(store, from_mapping({"timezone": "Europe/Berlin"}), clock), plan)[
            "recommendation"
        ]["status"]
        == "not-enough-data"
    )


def test_week_of() -> None:
    assert reviews.week_of(TODAY) == (pendulum.date(2026, 11, 23), pendulum.date(2026, 11, 29))


# --- the month cache --------------------------------------------------------------------
def test_cache_gives_the_same_answer_and_lives_outside_the_data(
    planner: Planner, stats_cache
) -> None:
    write_history(planner.store, [("balance", r) for r in HIGH] + [("integration", r) for r in LOW])
    last = START.add(days=15)
    fresh = reviews.compute_records(planner, START, last)
    assert reviews.records_between(planner, START, last) == fresh  # fills the cache
    assert list(stats_cache.rglob("*.json"))
    assert reviews.records_between(planner, START, last) == fresh  # served from it
    assert not any("stats" in p.name for p in planner.store.root.rglob("*"))


def test_cache_follows_changes_to_a_month(planner: Planner) -> None:
    write_history(planner.store, [("balance", r) for r in HIGH])
    assert reviews.stats(planner, START, START)["days"][0]["figures"]["personal"] == 0
    planner.add_block(START, title="Kids", start=17 * 60, end=19 * 60, sphere=Sphere.PERSONAL)
    assert reviews.stats(planner, START, START)["days"][0]["figures"]["personal"] == 120


def test_cache_follows_the_settings(store: Store, clock: FixedClock) -> None:
    with store.transaction() as txn:
        txn.put_block(Block("aaaaaaaa", START, 9 * 60, 17 * 60, "Work", Sphere.WORK))
    plain = Planner(store, from_mapping({"timezone": "Europe/Berlin"}), clock)
    assert reviews.stats(plain, START, START)["days"][0]["mode"] == "balance"
    tuesdays = from_mapping({"timezone": "Europe/Berlin", "week": {"tuesday": "integration"}})
    assert reviews.stats(Planner(store, tuesdays, clock), START, START)["days"][0]["mode"] == (
        "integration"
    )  # START is a Tuesday


def test_damaged_cache_is_recomputed(planner: Planner, stats_cache) -> None:
    write_history(planner.store, [("balance", r) for r in HIGH])
    expected = reviews.stats(planner, START, START.add(days=7))
    for path in stats_cache.rglob("*.json"):
        path.write_text("{not json")
    assert reviews.stats(planner, START, START.add(days=7)) == expected
