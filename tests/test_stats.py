from __future__ import annotations

import pytest

from sleepplan.core.stats import one_sample_interval, t_cdf, t_quantile, welch_interval


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
