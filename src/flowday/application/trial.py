"""A personal mode trial: balance and integration assigned at random, balanced, to the
coming working days (or weeks), then one pre-planned comparison at the end.

Why random: when people pick the mode themselves, the mode follows the day (integration
on the messy days, balance on calm Fridays) and the comparison measures the days, not the
modes. A coin decides instead, so weekday, workload and mood are spread evenly over both.
Because the end is fixed in advance and looked at once, the verdict needs p under 0.05
(not the stricter level of repeated weekly looks).

The trial is kept in the app state (``state.json``, key ``trial``) and the assigned modes
on the days themselves, all in one transaction: the planner and ``flowday list`` show a
trial day's mode like any other.
"""

from __future__ import annotations

import os
import random
from typing import Any

import pendulum

from flowday.application.planner import Planner
from flowday.domain.errors import FlowdayError, InputError
from flowday.domain.frozen import Record, define, replace
from flowday.domain.timeparse import parse_date

MODES = ("balance", "integration")
MAX_WEEKS = 26
OUTCOME = "combined"  # the pre-chosen outcome: the mean of energy, peace and meaning


@define(slots=True)
class Trial(Record):
    started: pendulum.Date
    unit: str  # "day" | "week"
    first: pendulum.Date
    last: pendulum.Date
    assigned: dict[str, str]  # date -> mode
    kept: tuple[str, ...]  # days the person kept out of it
    stopped: pendulum.Date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "started": self.started.to_date_string(),
            "unit": self.unit,
            "first": self.first.to_date_string(),
            "last": self.last.to_date_string(),
            "assigned": dict(self.assigned),
            "kept": list(self.kept),
            "stopped": self.stopped.to_date_string() if self.stopped else None,
            "outcome": OUTCOME,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Trial:
        """The stored record, checked: a damaged one is an error naming it, never a guess."""
        try:
            anchor = pendulum.date(2000, 1, 1)
            assigned = {str(k): str(v) for k, v in dict(data["assigned"]).items()}
            if any(v not in MODES for v in assigned.values()):
                raise ValueError("a mode that is not balance or integration")
            stopped = data.get("stopped")
            return cls(
                started=parse_date(str(data["started"]), anchor),
                unit=str(data["unit"]),
                first=parse_date(str(data["first"]), anchor),
                last=parse_date(str(data["last"]), anchor),
                assigned=assigned,
                kept=tuple(str(d) for d in data.get("kept", [])),
                stopped=parse_date(str(stopped), anchor) if stopped else None,
            )
        except (KeyError, TypeError, ValueError, InputError) as exc:
            raise InputError(f"the stored trial (state.json, 'trial') is damaged: {exc}") from None


def current(planner: Planner) -> Trial | None:
    data = planner.store.state().get("trial")
    return None if data is None else Trial.from_dict(data)


def day_label(planner: Planner, date: pendulum.Date, mode: str) -> str:
    """ "trial day 3 of 20" when ``date`` is a day of the trial still on its assigned mode
    (the planner's header says so); "" otherwise, also when the stored trial is damaged
    (``flowday trial status`` and the theme's loading say that)."""
    try:
        trial = current(planner)
    except FlowdayError:  # a damaged trial or state file: said elsewhere, never here
        return ""
    key = date.to_date_string()
    if trial is None or trial.assigned.get(key) != mode:
        return ""
    if trial.stopped is not None and date > trial.stopped:
        return ""
    days = sorted(trial.assigned)
    return f"trial day {days.index(key) + 1} of {len(days)}"


def assign(days: list[pendulum.Date], unit: str, rng: random.Random) -> dict[str, str]:
    """Balanced random assignment: per week for days (half of each week's days each mode,
    the odd one by coin), over the whole trial for weeks (half the weeks each mode)."""
    groups: dict[pendulum.Date, list[pendulum.Date]] = {}
    for date in days:
        groups.setdefault(date.subtract(days=date.weekday()), []).append(date)
    assigned: dict[str, str] = {}
    if unit == "week":
        weeks = sorted(groups)
        modes = [MODES[i % 2] for i in range(len(weeks))]
        rng.shuffle(modes)
        for monday, mode in zip(weeks, modes, strict=True):
            assigned.update({d.to_date_string(): mode for d in groups[monday]})
        return assigned
    for monday in sorted(groups):
        week = groups[monday]
        start = rng.randrange(2)
        modes = [MODES[(start + i) % 2] for i in range(len(week))]
        rng.shuffle(modes)
        assigned.update({d.to_date_string(): m for d, m in zip(week, modes, strict=True)})
    return assigned


def start(
    planner: Planner,
    weeks: int,
    unit: str = "day",
    keep: tuple[pendulum.Date, ...] = (),
    rng: random.Random | None = None,
) -> Trial:
    """Assign the coming ``weeks`` (from tomorrow, or next Monday by the week) at random.
    Days off (the weekly ones and those taken), days kept out and days that already have a
    mode set stay as they are."""
    if unit not in ("day", "week"):
        raise InputError(f"--unit must be day or week, not {unit!r}")
    if not 1 <= weeks <= MAX_WEEKS:
        raise InputError(f"--weeks must be 1-{MAX_WEEKS}, not {weeks}")
    today = planner.today()
    existing = current(planner)
    if existing and existing.stopped is None and existing.last >= today:
        raise InputError(
            f"a trial is running until {existing.last.to_date_string()}: 'flowday trial stop' first"
        )
    first = today.add(days=1)
    if unit == "week":
        first = today.add(days=7 - today.weekday())
    last = first.add(weeks=weeks).subtract(days=1)
    kept = {d.to_date_string() for d in keep}
    stored = planner.store.days_between(first, last)
    candidates = []
    date = first
    while date <= last:
        key = date.to_date_string()
        day = stored.get(key)
        taken = day is not None and bool(day.mode or day.off)  # set already, or a day off
        if planner.config.is_working_day(date) and key not in kept and not taken:
            candidates.append(date)
        date = date.add(days=1)
    if len(candidates) < 2:
        raise InputError("no working days to assign in that time: nothing was started")
    chosen = assign(candidates, unit, rng or random.Random(os.urandom(16)))
    trial = Trial(today, unit, first, last, chosen, tuple(sorted(kept)))
    with planner.store.transaction() as txn:
        for key, mode in chosen.items():
            day = txn.day(pendulum.parse(key).date())  # type: ignore[union-attr]
            txn.put_day(replace(day, mode=mode))
        txn.set_state(trial=trial.to_dict())
    return trial


def stop(planner: Planner) -> Trial:
    """End the trial now: coming days still on their assigned mode go back to the map."""
    trial = current(planner)
    if trial is None or trial.stopped is not None:
        raise InputError("no trial is running")
    today = planner.today()
    stopped = replace(trial, stopped=today)
    with planner.store.transaction() as txn:
        for key, mode in trial.assigned.items():
            date = pendulum.parse(key).date()  # type: ignore[union-attr]
            if date <= today:
                continue
            day = txn.day(date)
            if day.mode == mode:
                txn.put_day(replace(day, mode=None))
        txn.set_state(trial=stopped.to_dict())
    return stopped


def status(planner: Planner) -> dict[str, Any]:
    """The trial, its progress, and at its end (or once stopped) the result of the one
    pre-planned comparison on the pre-chosen outcome."""
    # here, not at the top: the planner's first screen labels trial days and needs none
    # of the statistics (their imports cost every start of the planner)
    from flowday.application import reviews
    from flowday.domain import insights, statistics

    trial = current(planner)
    if trial is None:
        return {"trial": None, "text": "No trial. Start one: flowday trial start --weeks 4"}
    today = planner.today()
    end = min(trial.last, trial.stopped or trial.last, today)
    records = reviews.records_between(planner, trial.first, max(end, trial.first))
    followed = [
        r for r in records
        if r.date <= end and trial.assigned.get(r.date.to_date_string()) == r.mode
    ]  # fmt: skip
    reflected = {m: sum(1 for r in followed if r.mode == m and r.reflected) for m in MODES}
    total = {m: sum(1 for v in trial.assigned.values() if v == m) for m in MODES}
    finished = trial.stopped is not None or today > trial.last
    data: dict[str, Any] = {
        "trial": trial.to_dict(),
        "finished": finished,
        "days": total,
        "reflected": reflected,
        "result": None,
    }
    progress = ", ".join(f"{reflected[m]} of {total[m]} {m} days reflected" for m in MODES)
    text = (
        f"Trial by the {trial.unit}, {trial.first.to_date_string()} to "
        f"{trial.last.to_date_string()}: {progress}."
    )
    if finished:
        result = insights.recommend(
            followed,
            min_days=reviews.min_reflected_days(planner),
            alpha=statistics.FAMILY_ALPHA,  # one pre-planned look
        )
        data["result"] = result.to_dict()
        text += f" The result, on the pre-chosen outcome ({OUTCOME}): {result.text}"
    else:
        text += f" The result comes at the end, once, on the pre-chosen outcome ({OUTCOME})."
    data["text"] = text
    return data
