"""Small statistics for insights and experiments: means, t intervals, the t distribution.

The t quantile comes from the regularised incomplete beta function (continued fraction, as in
Numerical Recipes), found by bisection; tests check it against table values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist, fmean, stdev


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean."""
    return fmean(values)


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 1e-14
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c if abs(1 + aa / c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c if abs(1 + aa / c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1) < eps:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x)
    )
    front = math.exp(log_front)
    if x < (a + 1) / (a + b + 2):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1 - front * _beta_continued_fraction(b, a, 1 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t))
    return 1 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t (by bisection on the CDF)."""
    if not 0 < p < 1:
        raise ValueError("p must be between 0 and 1")
    low, high = -1e3, 1e3
    for _ in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def welch_interval(
    first: Sequence[float], second: Sequence[float], level: float = 0.95
) -> tuple[float, float, float]:
    """Mean of ``first`` minus mean of ``second`` with a Welch t interval (both need ≥ 2)."""
    difference = mean(first) - mean(second)
    v1, v2 = stdev(first) ** 2 / len(first), stdev(second) ** 2 / len(second)
    se = math.sqrt(v1 + v2)
    if se == 0:
        return difference, difference, difference
    df = (v1 + v2) ** 2 / (v1**2 / (len(first) - 1) + v2**2 / (len(second) - 1))
    margin = t_quantile(0.5 + level / 2, df) * se
    return difference, difference - margin, difference + margin


def one_sample_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean with a t interval (needs ≥ 2 values)."""
    centre = mean(values)
    se = stdev(values) / math.sqrt(len(values))
    margin = t_quantile(0.5 + level / 2, len(values) - 1) * se if se else 0.0
    return centre, centre - margin, centre + margin


def normal_cdf(x: float, mu: float = 0.0, sigma: float = 1.0) -> float:
    """P(X <= x) for a normal distribution."""
    return NormalDist(mu, sigma).cdf(x)
