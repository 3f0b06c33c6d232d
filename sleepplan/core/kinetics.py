"""One-compartment oral kinetics (the Bateman function), relative to the dose's own peak.

For an oral dose absorbed with rate ``ka`` and eliminated with rate ``ke``,
``C(t) ∝ ka/(ka-ke) · (e^(-ke·t) - e^(-ka·t))``, peaking at ``tmax = ln(ka/ke)/(ka-ke)``.
Given ``tmax`` and the half-life (the middles of the catalog's ranges), ``ke = ln 2 / t½`` and
``ka`` is the root of the tmax equation with ``ka > ke``. When ``ka ≈ ke`` the limit form
``C(t) ∝ k·t·e^(-k·t)`` is used.

The tmax equation has a root with ``ka > ke`` only while ``tmax < 1/ke``. A longer tmax means
absorption, not elimination, limits the curve; then the limit form with ``k = 1/tmax`` keeps the
peak where the sources put it and clears more slowly than the half-life says, which errs towards
warning about next-morning residue rather than hiding it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_LIMIT_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Curve:
    """A dose's concentration over time, as a fraction of its own peak (0 to 1)."""

    ka: float
    """Absorption rate per hour."""
    ke: float
    """Elimination rate per hour."""
    tmax_h: float
    """Hours from the dose to the peak."""

    @classmethod
    def from_ranges(cls, tmax_h: tuple[float, float], half_life_h: tuple[float, float]) -> Curve:
        """A curve from catalog ranges, using the middle of each."""
        return cls.from_values(sum(tmax_h) / 2, sum(half_life_h) / 2)

    @classmethod
    def from_values(cls, tmax: float, half_life: float) -> Curve:
        """A curve peaking at ``tmax`` hours with elimination half-life ``half_life`` hours."""
        if tmax <= 0 or half_life <= 0:
            raise ValueError("tmax and half-life must be positive")
        ke = math.log(2) / half_life
        if tmax * ke >= 1 - _LIMIT_TOLERANCE:
            k = 1 / tmax
            return cls(ka=k, ke=k, tmax_h=tmax)
        ratio = _solve_ratio(tmax * ke)
        return cls(ka=ratio * ke, ke=ke, tmax_h=tmax)

    @property
    def is_limit_form(self) -> bool:
        """Whether absorption and elimination rates are (numerically) equal."""
        return abs(self.ka - self.ke) <= _LIMIT_TOLERANCE * self.ke

    def _raw(self, t: float) -> float:
        if t <= 0:
            return 0.0
        if self.is_limit_form:
            return self.ke * t * math.exp(-self.ke * t)
        return self.ka / (self.ka - self.ke) * (math.exp(-self.ke * t) - math.exp(-self.ka * t))

    @property
    def _peak_h(self) -> float:
        """Where the curve itself peaks: ``tmax_h``, unless absorption is too fast to model.

        A tmax of a fraction of a microsecond needs a ``ka`` past the solver's bound; the curve
        then peaks a little later than ``tmax_h``, where its own maximum is.
        """
        if self.is_limit_form:
            return 1 / self.ke
        return math.log(self.ka / self.ke) / (self.ka - self.ke)

    def relative(self, hours_after_dose: float) -> float:
        """Concentration at a time after the dose, as a fraction of the peak."""
        peak = self._raw(self._peak_h)
        if not peak > 0:
            return 0.0  # a half-life too short for a float: nothing is left at any time
        return min(1.0, max(0.0, self._raw(hours_after_dose) / peak))


def residual_lower_bound(hours_after_dose: float, half_life_h: tuple[float, float]) -> float:
    """The fraction of a dose left some hours later if it were absorbed at once.

    For a compound with a half-life but no time to peak: ``0.5 ** (hours / t½)``, with the
    middle of the half-life range. Slower absorption only leaves more: on the Bateman curve
    ``d ln C / dt > -ke``, so once the peak is past the level relative to the peak is at least
    this, and so is the share of the dose still in the body at any time. A bound, not an estimate.
    """
    if hours_after_dose < 0:
        return 0.0  # not taken yet
    half_life = sum(half_life_h) / 2
    if half_life <= 0:
        raise ValueError("half-life must be positive")
    return min(1.0, math.pow(0.5, hours_after_dose / half_life))


def _solve_ratio(target: float) -> float:
    """Solve ``ln(r)/(r-1) = target`` for ``r > 1`` (0 < target < 1) by bisection.

    The left side falls monotonically from 1 (as r → 1) towards 0, so bisection on ``log r``
    always converges.
    """
    low, high = 0.0, math.log(1e9)  # bounds on log(r)
    for _ in range(200):
        mid = (low + high) / 2
        r = math.exp(mid)
        value = mid / (r - 1) if mid > 0 else 1.0
        if value > target:
            low = mid
        else:
            high = mid
    return math.exp((low + high) / 2)
