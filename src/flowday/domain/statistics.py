"""The statistics behind the insights, computed exactly in pure Python (no scipy at run time).

Student's t through the regularized incomplete beta function, Welch's two-sample interval,
Hedges' g, the Mann-Whitney rank test, and a least-squares fit with standard errors that
treat the days of one week as one cluster (days that follow each other are not independent
evidence). The test suite checks each against scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from flowday.domain.frozen import Record, define

LEVEL = 0.95  # the intervals shown
FAMILY_ALPHA = 0.05  # the chance of a false "prefer" over all the weekly looks together


# --- Student's t -------------------------------------------------------------------------


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 400):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return result


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with ``df`` degrees of freedom (df may be fractional)."""
    if math.isinf(t):
        return 0.0
    if df <= 0 or math.isnan(t):
        return 1.0
    return incomplete_beta(df / 2.0, 0.5, df / (df + t * t))


def _t_density(t: float, df: float) -> float:
    log = (
        math.lgamma((df + 1) / 2)
        - math.lgamma(df / 2)
        - 0.5 * math.log(df * math.pi)
        - (df + 1) / 2 * math.log1p(t * t / df)
    )
    return math.exp(log)


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile (0.5 < p < 1) of Student's t: Newton's method on the exact
    distribution, kept inside a shrinking bracket (bisection when a step leaves it)."""
    if df <= 0:
        return math.inf
    tail = 2.0 * (1.0 - p)  # two-sided probability beyond the quantile
    low, high = 0.0, 2.0
    while t_two_sided_p(high, df) > tail:
        low, high = high, high * 2.0
    t = (low + high) / 2.0
    for _ in range(200):
        excess = t_two_sided_p(t, df) - tail  # > 0: t is still too small
        if excess > 0:
            low = t
        else:
            high = t
        candidate = t + excess / (2.0 * _t_density(t, df))  # the two-sided p falls 2 pdf
        if not low < candidate < high:
            candidate = (low + high) / 2.0
        if abs(candidate - t) <= 1e-14 * max(1.0, t) or high - low <= 1e-14 * max(1.0, t):
            return candidate
        t = candidate
    return t


def normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


def look_alpha(look: int) -> float:
    """The level a verdict must meet at the ``look``-th weekly look (1, 2, ...).

    The levels add up to :data:`FAMILY_ALPHA` over every look there will ever be
    (0.05 / (j (j + 1)) sums to 0.05), so however long someone uses flowday and however
    often they look, the chance that a "prefer" ever shows without a real difference stays
    at or under 5 % (the union bound: it needs no assumption about how looks relate)."""
    return FAMILY_ALPHA / (look * (look + 1))


# --- two samples -------------------------------------------------------------------------


def _mean_var(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, var


@define(slots=True)
class TwoSamples(Record):
    """Sample a minus sample b: Welch's interval, Hedges' g and the rank test's p."""

    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    difference: float
    low: float  # the 95 % interval (Welch)
    high: float
    p: float  # Welch's two-sided p
    df: float
    hedges_g: float
    rank_p: float  # Mann-Whitney, two-sided (normal approximation, ties corrected)


def welch(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float, float]:
    """(difference, standard error, df, two-sided p) of Welch's t-test."""
    mean_a, var_a = _mean_var(a)
    mean_b, var_b = _mean_var(b)
    qa, qb = var_a / len(a), var_b / len(b)
    se = math.sqrt(qa + qb)
    diff = mean_a - mean_b
    if se == 0:
        return diff, 0.0, float(len(a) + len(b) - 2), (0.0 if diff else 1.0)
    df = (qa + qb) ** 2 / (
        (qa * qa / (len(a) - 1) if len(a) > 1 else 0)
        + (qb * qb / (len(b) - 1) if len(b) > 1 else 0)
    )
    return diff, se, df, t_two_sided_p(diff / se, df)


def hedges_g(a: Sequence[float], b: Sequence[float]) -> float:
    """Standardised difference (a - b) over the pooled SD, corrected for small samples."""
    n_a, n_b = len(a), len(b)
    mean_a, var_a = _mean_var(a)
    mean_b, var_b = _mean_var(b)
    df = n_a + n_b - 2
    if df <= 0:
        return 0.0
    pooled = math.sqrt(((n_a - 1) * var_a + (n_b - 1) * var_b) / df)
    if pooled == 0:
        return 0.0
    correction = 1.0 - 3.0 / (4.0 * df - 1.0)
    return correction * (mean_a - mean_b) / pooled


def mann_whitney_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p of the Mann-Whitney U test (ratings are ordinal: ranks, not points).
    Normal approximation with the tie correction and a continuity correction."""
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    n_a, n_b, n = len(a), len(b), len(pooled)
    rank_sum_a = 0.0
    ties = 0.0
    i = 0
    while i < n:
        j = i
        while j + 1 < n and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        rank = (i + j) / 2.0 + 1.0
        count = j - i + 1
        ties += count**3 - count
        rank_sum_a += rank * sum(1 for k in range(i, j + 1) if pooled[k][1] == 0)
        i = j + 1
    u = rank_sum_a - n_a * (n_a + 1) / 2.0
    mean_u = n_a * n_b / 2.0
    var_u = n_a * n_b / 12.0 * ((n + 1) - ties / (n * (n - 1)))
    if var_u <= 0:
        return 1.0
    z = max(abs(u - mean_u) - 0.5, 0.0) / math.sqrt(var_u)
    return normal_two_sided_p(z)


def two_samples(a: Sequence[float], b: Sequence[float]) -> TwoSamples:
    """Needs at least two values in each sample."""
    diff, se, df, p = welch(a, b)
    half = t_quantile(0.5 + LEVEL / 2, df) * se if se else 0.0
    return TwoSamples(
        n_a=len(a),
        n_b=len(b),
        mean_a=sum(a) / len(a),
        mean_b=sum(b) / len(b),
        difference=diff,
        low=diff - half,
        high=diff + half,
        p=p,
        df=df,
        hedges_g=hedges_g(a, b),
        rank_p=mann_whitney_p(a, b),
    )


# --- least squares with week clusters ----------------------------------------------------


@define(slots=True)
class Fit(Record):
    """One coefficient of a least-squares fit. Its standard error is the larger of the
    cluster-robust one and the classical one: with few weeks the robust one can come out
    far too small by chance (two clusters can give almost zero), never the other way."""

    estimate: float
    standard_error: float
    clusters: int
    dropped: tuple[int, ...]  # covariate columns left out: constant or collinear

    @property
    def df(self) -> int:
        return self.clusters - 1

    @property
    def p(self) -> float:
        if self.standard_error == 0:
            return 0.0 if self.estimate else 1.0
        return t_two_sided_p(self.estimate / self.standard_error, self.df)

    def interval(self, level: float = LEVEL) -> tuple[float, float]:
        half = t_quantile(0.5 + level / 2, self.df) * self.standard_error
        return self.estimate - half, self.estimate + half


class Confounded(ValueError):
    """The coefficient of interest cannot be told apart from the covariates."""


COLLINEAR = 1e-9  # a column whose part not explained by earlier ones is this small: dropped


def cluster_fit(
    rows: Sequence[Sequence[float]], ys: Sequence[float], clusters: Sequence[object]
) -> Fit:
    """Least squares of ``ys`` on ``rows``; the LAST column is the one of interest.

    Its standard error is cluster-robust (CR1: each cluster's residuals may go together,
    so a run of similar days counts as one piece of evidence, not seven), with
    clusters - 1 degrees of freedom. Covariate columns that add nothing (constant or
    collinear) are dropped; if the last column is explained by the others,
    :class:`Confounded`."""
    width = len(rows[0])
    matrix = [[0.0] * width for _ in range(width)]
    xty = [0.0] * width
    for row, y in zip(rows, ys, strict=True):
        for i in range(width):
            ri = row[i]
            if ri:
                xty[i] += ri * y
                line = matrix[i]
                for j in range(i, width):
                    line[j] += ri * row[j]
    for i in range(width):
        for j in range(i):
            matrix[i][j] = matrix[j][i]
    diagonal = [matrix[i][i] for i in range(width)]
    swept: list[int] = []
    dropped: list[int] = []
    for k in range(width):  # the sweep operator: swept block becomes minus its inverse
        pivot = matrix[k][k]
        if diagonal[k] <= 0 or pivot <= COLLINEAR * diagonal[k]:
            if k == width - 1:
                raise Confounded("the column of interest is explained by the others")
            dropped.append(k)
            continue
        swept.append(k)
        row_k = matrix[k][:]
        for i in range(width):
            if i == k:
                continue
            factor = matrix[i][k] / pivot
            if factor:
                line = matrix[i]
                for j in range(width):
                    if j != k:
                        line[j] -= factor * row_k[j]
        for i in range(width):
            matrix[i][k] /= pivot
            matrix[k][i] = row_k[i] / pivot
        matrix[k][k] = -1.0 / pivot
    inverse_last = [-matrix[width - 1][j] if j in swept else 0.0 for j in range(width)]
    beta = [sum(-matrix[i][j] * xty[j] for j in swept) if i in swept else 0.0 for i in range(width)]
    scores: dict[object, float] = {}
    squares = 0.0
    for row, y, cluster in zip(rows, ys, clusters, strict=True):
        residual = y - sum(b * x for b, x in zip(beta, row, strict=True))
        weight = sum(a * x for a, x in zip(inverse_last, row, strict=True))
        scores[cluster] = scores.get(cluster, 0.0) + weight * residual
        squares += residual * residual
    groups, n, k = len(scores), len(rows), len(swept)
    if groups < 2 or n <= k:
        return Fit(beta[-1], math.inf, groups, tuple(dropped))
    correction = groups / (groups - 1) * (n - 1) / (n - k)
    robust = correction * sum(s * s for s in scores.values())
    classical = squares / (n - k) * inverse_last[-1]
    return Fit(beta[-1], math.sqrt(max(robust, classical)), groups, tuple(dropped))
