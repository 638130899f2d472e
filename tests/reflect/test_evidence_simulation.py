"""False verdicts over a whole year of use, simulated.

With no true difference between the modes, how often does a "prefer" ever show, at any
weekly look over 52 weeks? The issue measured 24 % (daily looks) and 44 % (week-long
runs, moods carrying over between days) for the old method. The decision rule is
replayed here with numpy, batched over histories (the production code would take
minutes); ``test_the_replay_is_the_production_rule`` checks the replay against
:func:`insights.compare_question` and :func:`insights.look_number` on the same days.
"""

from __future__ import annotations

import numpy as np
import pendulum
import pytest

from flowday.domain import insights, statistics
from flowday.domain.insights import DayRecord

from .reflect_histories import QUIET, reflection

WEEKS = 52
DAYS = 5  # working days a week, all reflected
HISTORIES = 400
MONDAY = pendulum.date(2026, 1, 5)


def simulate(
    rng: np.random.Generator,
    *,
    week_runs: bool,
    carry: float,
    effect: float = 0.0,
    histories: int = HISTORIES,
) -> tuple[np.ndarray, np.ndarray]:
    """(modes, ratings): modes 1 = balance, shape (H, WEEKS * DAYS); ratings (H, n, 3),
    whole numbers 1-5 around 3, a Friday lift of half a point, ``effect`` added on
    balance days, day-to-day noise carrying over with correlation ``carry``."""
    n = WEEKS * DAYS
    if week_runs:
        modes = np.repeat(rng.integers(0, 2, (histories, WEEKS)), DAYS, axis=1)
    else:
        modes = rng.integers(0, 2, (histories, n))
    noise = rng.normal(0, 1.0, (histories, n, 3))
    for day in range(1, n):  # AR(1): moods carry over from one day to the next
        noise[:, day] = carry * noise[:, day - 1] + np.sqrt(1 - carry**2) * noise[:, day]
    friday = (np.arange(n) % DAYS == 4) * 0.5
    latent = 3 + noise + friday[None, :, None] + effect * modes[:, :, None]
    return modes, np.clip(np.rint(latent), 1, 5)


def decisions(
    modes: np.ndarray, ratings: np.ndarray, min_days: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """For each history and week: does the rule say "prefer" at that week's look, and
    the p of the combined score's difference there (1 where no look was possible)."""
    score = ratings.mean(axis=2)
    from scipy.special import stdtr  # here: importing scipy costs every test worker

    h, n = modes.shape
    weekday = np.zeros((n, DAYS - 1))
    for w in range(1, DAYS):
        weekday[np.arange(n) % DAYS == w, w - 1] = 1
    a_days = np.cumsum(modes.reshape(h, WEEKS, DAYS).sum(axis=2), axis=1)
    b_days = np.cumsum((1 - modes).reshape(h, WEEKS, DAYS).sum(axis=2), axis=1)
    a_weeks = np.cumsum(modes.reshape(h, WEEKS, DAYS).max(axis=2), axis=1)
    b_weeks = np.cumsum((1 - modes).reshape(h, WEEKS, DAYS).max(axis=2), axis=1)
    ready = (np.minimum(a_days, b_days) >= min_days) & (np.minimum(a_weeks, b_weeks) >= 2)
    looks = np.cumsum(ready, axis=1)
    # sufficient statistics per week, summed up to each look: no loop over the looks
    x = np.concatenate(
        [np.ones((h, n, 1)), np.broadcast_to(weekday, (h, n, DAYS - 1)),
         modes[:, :, None].astype(float)], axis=2,
    ).reshape(h, WEEKS, DAYS, DAYS + 1)  # fmt: skip
    y = score.reshape(h, WEEKS, DAYS)
    per_xtx = np.einsum("hwdi,hwdj->hwij", x, x)
    per_xty = np.einsum("hwdi,hwd->hwi", x, y)
    xtx, xty = np.cumsum(per_xtx, axis=1), np.cumsum(per_xty, axis=1)
    yty = np.cumsum((y**2).sum(axis=2), axis=1)
    ok = ready & (np.abs(np.linalg.det(xtx)) > 1e-9)
    xtx = np.where(ok[:, :, None, None], xtx, np.eye(DAYS + 1))
    inverse = np.linalg.inv(xtx)
    beta = (inverse @ xty[..., None])[..., 0]  # (h, look, p)
    last = inverse[:, :, -1, :]  # (h, look, p)
    # week g's score at look k: last_k . (X_g'y_g - X_g'X_g beta_k), as two matrix products
    outer = (last[:, :, :, None] * beta[:, :, None, :]).reshape(h, WEEKS, -1)
    scores = last @ per_xty.transpose(0, 2, 1) - outer @ per_xtx.reshape(h, WEEKS, -1).transpose(
        0, 2, 1
    )
    counted = np.tril(np.ones((WEEKS, WEEKS), dtype=bool))  # week g counts at look k >= g
    clusters = np.arange(1, WEEKS + 1)
    m, k = clusters * DAYS, DAYS + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        correction = clusters / (clusters - 1) * (m - 1) / (m - k)
        robust = correction * (scores**2 * counted).sum(axis=2)
        squares = (
            yty
            - 2 * (beta * xty).sum(axis=2)
            + ((xtx @ beta[..., None])[..., 0] * beta).sum(axis=2)
        )
        classical = squares / (m - k) * inverse[:, :, -1, -1]
        se = np.sqrt(np.maximum(robust, classical))
        t = np.abs(beta[:, :, -1]) / se
        p = 2 * stdtr(np.maximum(clusters - 1, 1), -t)  # statistics.t_two_sided_p, vectorised
    alpha = statistics.FAMILY_ALPHA / np.maximum(looks * (looks + 1), 1)
    prefer = ok & (p < alpha) & (np.abs(beta[:, :, -1]) >= 0.25)
    return prefer, np.where(ok, p, 1.0)


def as_records(modes: np.ndarray, ratings: np.ndarray, weeks: int) -> list[DayRecord]:
    return [
        DayRecord(MONDAY.add(weeks=i // DAYS, days=i % DAYS),
                  "balance" if modes[i] else "integration", QUIET,
                  reflection(tuple(int(v) for v in ratings[i]), "x"))  # type: ignore[arg-type]
        for i in range(weeks * DAYS)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("week_runs", "carry"),
    [(False, 0.0), (True, 0.5)],
    ids=["days-at-random", "week-long-runs-moods-carry-over"],
)
def test_no_true_difference_rarely_gives_a_prefer_over_a_year(
    week_runs: bool, carry: float
) -> None:
    modes, ratings = simulate(np.random.default_rng(16), week_runs=week_runs, carry=carry)
    ever = decisions(modes, ratings)[0].any(axis=1)
    print(f"false prefer at any weekly look over {WEEKS} weeks: {ever.sum()} of {HISTORIES}")
    # the union bound promises 5 %; allow for the simulation's own chance (binomial sd ~1.1 %)
    assert ever.mean() <= 0.05


def test_a_real_difference_is_found_within_a_year() -> None:
    modes, ratings = simulate(
        np.random.default_rng(7), week_runs=False, carry=0.0, effect=0.5, histories=100
    )
    found = decisions(modes, ratings)[0]
    by_half_year, by_year = found[:, :26].any(axis=1).mean(), found.any(axis=1).mean()
    print(f"half a point better: found by week 26 in {by_half_year:.0%}, by week 52 {by_year:.0%}")
    assert by_year >= 0.8


def test_the_replay_is_the_production_rule() -> None:
    rng = np.random.default_rng(3)
    checked = 0
    for week_runs in (False, True):
        modes, ratings = simulate(rng, week_runs=week_runs, carry=0.5, effect=0.6)
        prefer, p_values = decisions(modes[:2], ratings[:2])
        for history in range(2):
            for week in (3, 8, 14):
                days = as_records(modes[history], ratings[history], week + 1)
                look = insights.look_number(days, "balance", "integration", 5)
                if look == 0:
                    assert not prefer[history, week]
                    continue
                result = insights.compare_question(
                    "combined", days, "balance", "integration", statistics.look_alpha(look)
                )
                assert result.p == pytest.approx(p_values[history, week], rel=1e-6, abs=1e-12)
                assert prefer[history, week] == (result.verdict == "clear")
                checked += 1
    assert checked >= 8
