"""The statistics module against scipy and numpy (test-only dependencies)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.domain import statistics


@pytest.fixture(scope="module")
def scipy_stats():
    from scipy import stats  # here: importing it costs every test worker over a second

    return stats


@pytest.mark.parametrize("df", [1, 2, 3.5, 7, 31, 119.3, 121, 1000, 10_000])
def test_t_quantile_and_p_match_scipy(scipy_stats, df: float) -> None:
    for p in (0.9, 0.975, 0.995, 0.99999):
        assert statistics.t_quantile(p, df) == pytest.approx(scipy_stats.t.ppf(p, df), rel=1e-9)
    for t in (0.05, 1.0, 2.5, 8.0, 40.0):
        expected = 2 * scipy_stats.t.sf(t, df)
        assert statistics.t_two_sided_p(t, df) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_incomplete_beta_matches_scipy() -> None:
    from scipy.special import betainc

    for a, b in ((0.5, 0.5), (2, 3), (15, 0.5), (200, 40)):
        for x in (0.001, 0.2, 0.5, 0.83, 0.999):
            assert statistics.incomplete_beta(a, b, x) == pytest.approx(
                betainc(a, b, x), rel=1e-10, abs=1e-300
            )


ratings = st.lists(st.integers(1, 5), min_size=2, max_size=30)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scipy on near-identical samples
@settings(max_examples=25, deadline=None)
@given(ratings, ratings)
def test_two_samples_match_scipy(scipy_stats, a: list[int], b: list[int]) -> None:
    xs, ys = [float(v) for v in a], [float(v) for v in b]
    got = statistics.two_samples(xs, ys)
    if len(set(xs)) > 1 or len(set(ys)) > 1:
        welch = scipy_stats.ttest_ind(xs, ys, equal_var=False)
        low, high = welch.confidence_interval(0.95)
        assert got.p == pytest.approx(welch.pvalue, rel=1e-7, abs=1e-12)
        assert (got.low, got.high) == (pytest.approx(low, abs=1e-7), pytest.approx(high, abs=1e-7))
    if len(set(xs + ys)) > 1:
        rank = scipy_stats.mannwhitneyu(xs, ys, method="asymptotic", use_continuity=True)
        assert got.rank_p == pytest.approx(rank.pvalue, rel=1e-7, abs=1e-12)


def test_hedges_g_by_hand() -> None:
    a, b = [4.0, 5.0, 3.0, 4.0], [2.0, 3.0, 2.0]
    pooled = math.sqrt((3 * np.var(a, ddof=1) + 2 * np.var(b, ddof=1)) / 5)
    d = (np.mean(a) - np.mean(b)) / pooled
    assert statistics.hedges_g(a, b) == pytest.approx(d * (1 - 3 / (4 * 5 - 1)))


def test_cluster_fit_matches_the_sandwich_in_numpy() -> None:
    rng = random.Random(5)
    n = 60
    rows = [[1.0, float(i % 5 == 1), rng.gauss(0, 1), float(rng.random() < 0.5)] for i in range(n)]
    ys = [0.4 * r[3] + rng.gauss(0, 1) for r in rows]
    weeks = [i // 5 for i in range(n)]
    fit = statistics.cluster_fit(rows, ys, weeks)
    x, y, g = np.array(rows), np.array(ys), np.array(weeks)
    inverse = np.linalg.inv(x.T @ x)
    beta = inverse @ x.T @ y
    u = y - x @ beta
    meat = sum(np.outer(x[g == c].T @ u[g == c], x[g == c].T @ u[g == c]) for c in set(weeks))
    clusters = len(set(weeks))
    robust = (inverse @ meat @ inverse)[3, 3] * clusters / (clusters - 1) * (n - 1) / (n - 4)
    classical = u @ u / (n - 4) * inverse[3, 3]
    assert fit.estimate == pytest.approx(beta[3])
    assert fit.standard_error == pytest.approx(math.sqrt(max(robust, classical)))
    assert fit.df == clusters - 1


def test_cluster_fit_drops_useless_columns_and_refuses_a_confounded_one() -> None:
    rows = [[1.0, 0.0, float(i % 2)] for i in range(8)]  # a constant-zero covariate
    fit = statistics.cluster_fit(
        rows, [float(i % 2) + (i % 3) * 0.1 for i in range(8)], list(range(8))
    )
    assert fit.dropped == (1,)
    confounded = [[1.0, float(i % 2), float(i % 2)] for i in range(8)]
    with pytest.raises(statistics.Confounded):
        statistics.cluster_fit(confounded, [1.0] * 8, list(range(8)))


def test_look_levels_add_up_to_five_percent() -> None:
    assert sum(statistics.look_alpha(j) for j in range(1, 100_000)) == pytest.approx(0.05, rel=1e-4)
    assert statistics.look_alpha(1) == 0.025
