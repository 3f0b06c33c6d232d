from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sleepplan.core.kinetics import Curve

LN2 = math.log(2)


def test_rates_recovered_from_tmax_and_half_life() -> None:
    # ka = 2/h, ke = 1/h  →  tmax = ln(2)/(2-1) = 0.693 h, half-life = ln2/1 = 0.693 h
    curve = Curve.from_values(tmax=LN2, half_life=LN2)
    assert curve.ke == pytest.approx(1.0)
    assert curve.ka == pytest.approx(2.0, rel=1e-6)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        # C(t) = 2·(e^-t − e^-2t); C(tmax) = 2·(1/2 − 1/4) = 0.5.  Values worked by hand:
        (LN2, 1.0),
        (1.0, 2 * (math.exp(-1) - math.exp(-2)) / 0.5),  # 0.93011
        (3.0, 2 * (math.exp(-3) - math.exp(-6)) / 0.5),  # 0.18923
        (0.0, 0.0),
        (-1.0, 0.0),
    ],
)
def test_bateman_values_by_hand(hours: float, expected: float) -> None:
    curve = Curve.from_values(tmax=LN2, half_life=LN2)
    assert curve.relative(hours) == pytest.approx(expected, rel=1e-6)


def test_limit_form_when_ka_equals_ke() -> None:
    # tmax = 1/ke exactly: ka = ke = 1/h; C ∝ t·e^-t, peak at t=1 → C(2)/C(1) = 2e^-2/e^-1 = 2/e.
    curve = Curve.from_values(tmax=1.0, half_life=LN2)
    assert curve.is_limit_form
    assert curve.relative(1.0) == pytest.approx(1.0)
    assert curve.relative(2.0) == pytest.approx(2 / math.e)


def test_tmax_beyond_one_over_ke_keeps_the_peak_and_clears_slower() -> None:
    # tmax 3 h with a 1 h half-life has no ka > ke; the peak stays at 3 h, clearing is slower.
    curve = Curve.from_values(tmax=3.0, half_life=1.0)
    assert curve.is_limit_form
    assert curve.relative(3.0) == pytest.approx(1.0)
    assert curve.ke <= LN2 / 1.0


def test_from_ranges_uses_the_middle() -> None:
    assert Curve.from_ranges((0.5, 1.0), (1.0, 2.0)) == Curve.from_values(0.75, 1.5)


@pytest.mark.parametrize(("tmax", "half_life"), [(0, 1), (1, 0), (-1, 2)])
def test_refuses_non_positive_parameters(tmax: float, half_life: float) -> None:
    with pytest.raises(ValueError):
        Curve.from_values(tmax, half_life)


@given(
    tmax=st.floats(min_value=0.05, max_value=12),
    half_life=st.floats(min_value=0.1, max_value=80),
    t=st.floats(min_value=0, max_value=200),
)
def test_relative_is_a_fraction_and_peaks_at_tmax(tmax: float, half_life: float, t: float) -> None:
    curve = Curve.from_values(tmax, half_life)
    value = curve.relative(t)
    assert 0.0 <= value <= 1.0
    assert curve.relative(tmax) == pytest.approx(1.0, abs=1e-9)


@given(
    tmax=st.floats(min_value=0.05, max_value=12),
    half_life=st.floats(min_value=0.1, max_value=80),
    a=st.floats(min_value=0, max_value=100),
    b=st.floats(min_value=0, max_value=100),
)
def test_rises_before_the_peak_and_falls_after(
    tmax: float, half_life: float, a: float, b: float
) -> None:
    curve = Curve.from_values(tmax, half_life)
    early, late = sorted((a, b))
    if late <= tmax:
        assert curve.relative(early) <= curve.relative(late) + 1e-12
    elif early >= tmax:
        assert curve.relative(early) + 1e-12 >= curve.relative(late)
