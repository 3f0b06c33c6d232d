from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sleepplan.core.stats import one_sample_interval, stdev, t_cdf, t_quantile, welch_interval


@pytest.mark.parametrize(
    ("df", "expected"),
    # two-sided 95% critical values from a t table
    [(1, 12.706), (2, 4.303), (5, 2.571), (10, 2.228), (30, 2.042), (1000, 1.962)],
)
def test_t_quantile_matches_the_table(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-3)


def test_t_cdf_is_symmetric() -> None:
    assert t_cdf(0, 7) == pytest.approx(0.5)
    assert t_cdf(1.5, 7) + t_cdf(-1.5, 7) == pytest.approx(1.0)


def test_one_sample_interval_by_hand() -> None:
    # values 1..5: mean 3, sd 1.5811, se 0.7071, t(0.975, 4) = 2.7764 → ±1.9632
    centre, low, high = one_sample_interval([1, 2, 3, 4, 5])
    assert centre == 3
    assert (low, high) == pytest.approx((3 - 1.9632, 3 + 1.9632), abs=1e-3)


def test_welch_interval_by_hand() -> None:
    # a = [10, 12, 14] (var 4), b = [5, 6, 7] (var 1): diff 6, se = sqrt(4/3 + 1/3) = 1.2910
    # df = (5/3)^2 / ((4/3)^2/2 + (1/3)^2/2) = 2.7778/0.9444 = 2.941; t(0.975, 2.941) ≈ 3.2
    difference, low, high = welch_interval([10, 12, 14], [5, 6, 7])
    assert difference == 6
    margin = t_quantile(0.975, 2.9412) * 1.2910
    assert (low, high) == pytest.approx((6 - margin, 6 + margin), abs=1e-3)
    assert 3.1 < t_quantile(0.975, 2.9412) < 3.25


def _bisected_quantile(p: float, df: float) -> float:
    """The plain definition: bisection on the CDF, to the last bit."""
    low, high = -1e3, 1e3
    for _ in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@pytest.mark.parametrize("df", [0.5, 1, 2, 2.94, 4, 7.3, 30, 250.5, 1800, 3600.7, 1e5])
@pytest.mark.parametrize("p", [1e-6, 0.001, 0.025, 0.1, 0.3, 0.6, 0.9, 0.975, 0.999, 1 - 1e-6])
def test_t_quantile_agrees_with_bisection(df: float, p: float) -> None:
    # far in the tails the CDF is flat to the last bit of p, so both are good to ~1e-10 there
    expected = _bisected_quantile(p, df)
    assert t_quantile(p, df) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("p", [0.001, 0.01, 0.2, 0.7, 0.975, 0.999])
def test_t_quantile_matches_closed_forms(p: float) -> None:
    # df = 1 is the Cauchy distribution; df = 2 has t = (2p − 1) / sqrt(2p(1 − p))
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-10)
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-10)


def test_t_quantile_of_one_half_is_zero_and_bad_p_is_refused() -> None:
    assert t_quantile(0.5, 12) == pytest.approx(0, abs=1e-12)
    with pytest.raises(ValueError, match="between 0 and 1"):
        t_quantile(1.0, 12)


@given(  # quantiles inside the ±1000 searched (a p of 1e-4 with df 1 is beyond it)
    st.floats(min_value=1e-3, max_value=1 - 1e-3),
    st.floats(min_value=2, max_value=1e5),
)
@example(p=0.49991695764926125, df=7308.0)  # near the centre, many degrees of freedom
def test_t_quantile_inverts_the_cdf(p: float, df: float) -> None:
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, rel=1e-9, abs=1e-12)


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=2, max_size=300))
def test_stdev_matches_the_standard_library(values: list[float]) -> None:
    assert stdev(values) == pytest.approx(statistics.stdev(values), rel=1e-12, abs=1e-9)


def test_stdev_needs_two_values() -> None:
    assert stdev([1.0, 3.0]) == pytest.approx(math.sqrt(2))
    with pytest.raises(ValueError, match="at least two"):
        stdev([1.0])
