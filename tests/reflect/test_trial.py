"""``flowday trial``: random balanced modes on the coming working days, one look at the end."""

from __future__ import annotations

import json
import random
from collections import Counter

import pendulum

from flowday.application import day_screen, trial
from flowday.domain.frozen import replace
from flowday.store import Store

from .reflect_histories import reflection


def run_json(cli, *args: str, now: str | None = None) -> dict:
    result = cli(*args, "--json", **({"now": now} if now else {}))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_assignment_is_balanced_within_each_week() -> None:
    days = [pendulum.date(2026, 11, 30).add(days=i) for i in range(28) if i % 7 < 5]
    for seed in range(20):
        chosen = trial.assign(days, "day", random.Random(seed))
        for week in range(4):
            counts = Counter(chosen[d.to_date_string()] for d in days[week * 5 : week * 5 + 5])
            assert sorted(counts.values()) == [2, 3]
        by_week = trial.assign(days, "week", random.Random(seed))
        assert Counter(by_week.values()) == {"balance": 10, "integration": 10}
        assert len({by_week[d.to_date_string()] for d in days[:5]}) == 1


def test_trial_start_status_stop(cli) -> None:  # CLI_NOW: Wednesday 25 November 2026
    assert cli("off", "2026-12-03", "--note", "dentist").returncode == 0
    started = run_json(cli, "trial", "start", "--weeks", "2", "--keep", "2026-11-27")
    assigned = started["assigned"]
    assert started["first"] == "2026-11-26" and started["last"] == "2026-12-09"
    assert "2026-11-27" not in assigned  # kept out
    assert "2026-11-28" not in assigned and "2026-11-29" not in assigned  # weekly days off
    assert "2026-12-03" not in assigned  # a day off taken
    assert len(assigned) == 8
    # balanced within each week: the four days of the week of 30 November go two and two
    middle = Counter(assigned[d] for d in ("2026-11-30", "2026-12-01", "2026-12-02", "2026-12-04"))
    assert sorted(middle.values()) == [2, 2]
    listed = cli("list", "--date", "2026-12-01")
    assert assigned["2026-12-01"] in listed.stdout  # the planner's day shows the trial mode
    again = cli("trial", "start", "--weeks", "1")
    assert again.returncode == 2 and "a trial is running until 2026-12-09" in again.stderr
    status = run_json(cli, "trial", "status")
    assert status["finished"] is False and status["result"] is None
    integration_day = next(d for d, m in assigned.items() if m == "integration")
    assert "· integration ·" in cli("list", "--date", integration_day).stdout
    stopped = run_json(cli, "trial", "stop")
    assert stopped["stopped"] == "2026-11-25"
    # the coming days follow the weekly map again (balance every day by default)
    assert "· balance ·" in cli("list", "--date", integration_day).stdout
    assert cli("trial", "stop").returncode == 2


def test_trial_result_is_one_look_at_the_pre_chosen_outcome(cli) -> None:
    started = run_json(cli, "trial", "start", "--weeks", "3")
    with Store(cli.data_dir).transaction() as txn:  # the evenings, straight to the store
        for date, mode in started["assigned"].items():
            day = txn.day(pendulum.parse(date).date())
            ratings = (4, 5, 4) if mode == "integration" else (2, 2, 3)
            txn.put_day(replace(day, reflection=reflection(ratings, mode)))
    status = run_json(cli, "trial", "status", now="2026-12-31T10:00")
    assert status["finished"] is True
    result = status["result"]
    assert result["mode"] == "integration" and result["level_needed"] == 0.05
    assert result["questions"]["combined"]["verdict"] == "clear"
    text = cli("trial", "status", now="2026-12-31T10:00").stdout
    assert "pre-chosen outcome (combined)" in text and "Integration days seem" in text


def test_bad_trial_input_is_refused(cli) -> None:
    assert cli("trial", "start", "--weeks", "0").returncode == 2
    assert cli("trial", "start", "--weeks", "2", "--unit", "month").returncode == 2
    assert cli("trial", "stop").returncode == 2
    status = cli("trial", "status")
    assert status.returncode == 0 and status.stdout.startswith("No trial")


def test_the_planner_header_names_a_trial_day(planner) -> None:
    """The planner shows the trial: its days say "trial day k of n" (day_screen feeds the
    header); a day outside it, a day whose mode was changed since, and the days after a
    stop say nothing."""
    started = trial.start(planner, 1, rng=random.Random(3))
    days = sorted(started.assigned)
    first, last = (pendulum.parse(d).date() for d in (days[0], days[-1]))
    assert day_screen.load_day_screen(planner, first).trial == f"trial day 1 of {len(days)}"
    assert day_screen.load_day_screen(planner, last).trial.endswith(f"{len(days)} of {len(days)}")
    assert day_screen.load_day_screen(planner, planner.today()).trial == ""
    other = "balance" if started.assigned[days[0]] == "integration" else "integration"
    planner.set_mode(first, other)  # the person chose otherwise: no longer a trial day
    assert day_screen.load_day_screen(planner, first).trial == ""
    trial.stop(planner)
    assert day_screen.load_day_screen(planner, last).trial == ""
    with planner.store.transaction() as txn:
        txn.set_state(trial={"assigned": "garbled"})
    assert day_screen.load_day_screen(planner, last).trial == ""  # status says it is damaged


async def test_the_planner_starts_shows_and_stops_a_trial_from_the_palette(planner, paste) -> None:
    from flowday.tui.app import FlowdayApp
    from flowday.tui.screens.confirm import ConfirmScreen
    from flowday.tui.widgets.day_header import DayHeader

    app = FlowdayApp(planner, planner.today())

    async def palette(command: str) -> None:
        await pilot.press("ctrl+p")
        await paste(pilot, command)
        await pilot.pause(0.3)  # the palette's search runs in a worker
        await pilot.press("enter")
        await pilot.pause()

    async with app.run_test(size=(100, 30)) as pilot:
        await palette("Trial: start")
        await paste(pilot, "two")  # not a number: said in the dialog, nothing started
        await pilot.press("enter")
        assert "give a number of weeks" in str(app.screen.query_one("#trial-error").render())
        app.screen.query_one("#trial-input").value = ""
        await paste(pilot, "2 by week")
        await pilot.press("enter")
        started = trial.current(planner)
        assert started is not None and started.unit == "week" and started.stopped is None
        first = pendulum.parse(sorted(started.assigned)[0]).date()
        app.main.date = first
        await pilot.pause()
        assert "trial day 1 of" in str(app.main.query_one(DayHeader).render())
        await palette("Trial: status")
        assert any(n.title == "Trial" and "Trial by the week" in n.message
                   for n in app._notifications)  # fmt: skip
        await palette("Trial: stop")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert trial.current(planner).stopped == planner.today()
