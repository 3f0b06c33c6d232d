"""A residual at wake from a half-life alone (no tmax) is a lower bound, and says so."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from textual.widgets import OptionList

from sleepplan.core.catalog import Catalog
from sleepplan.core.interactions import resolve_medications
from sleepplan.core.kinetics import Curve, residual_lower_bound
from sleepplan.core.planner import build_plan
from sleepplan.core.safety import SafetyContext, plan_warnings
from sleepplan.output.jsonview import dose_json
from sleepplan.output.textview import plan_text
from sleepplan.store.bundled import bundled_interactions
from tests.conftest import run_cli
from tests.factories import catalog, compound, routine, settings
from tests.tui_helpers import make_app, settle

# The issue's scenario: phenibut 500 mg at 20:00 (its catalog time, 3 h before 23:00), 05:00 wake.
ISSUE_NIGHT = settings(bedtime=dt.time(23, 0), wake=dt.time(5, 0))
PHENIBUT_LEFT = 0.5 ** (9 / 5.3)  # 9 h after the dose, half-life 5.3 h: 30.8 %

HALF_LIFE_ONLY = compound("slow", tmax_h=None, half_life_h=[4.0, 6.0], sedating=True)
FULL = compound("full", tmax_h=[1.0, 1.0], half_life_h=[5.0, 5.0], sedating=True)
CAT = catalog(HALF_LIFE_ONLY, FULL)


def _context() -> SafetyContext:
    data = bundled_interactions()
    return SafetyContext(data, resolve_medications((), data))


def test_the_bound_is_what_instant_absorption_leaves() -> None:
    assert residual_lower_bound(9, (5.3, 5.3)) == pytest.approx(0.308189, abs=1e-6)
    assert residual_lower_bound(10, (4.0, 6.0)) == pytest.approx(0.25)  # middle: 5 h, two halvings
    assert residual_lower_bound(0, (5.0, 5.0)) == 1.0
    assert residual_lower_bound(-1, (5.0, 5.0)) == 0.0  # not taken yet


def test_it_bounds_a_curve_with_any_absorption_from_below() -> None:
    """Past the peak, a Bateman curve (any tmax) keeps at least what instant absorption leaves."""
    for tmax in (0.25, 1.0, 3.0, 8.0):
        curve = Curve.from_values(tmax, 5.0)
        assert curve.relative(9) >= residual_lower_bound(9, (5.0, 5.0))


def test_a_half_life_without_tmax_gives_a_lower_bound_at_wake() -> None:
    # 60 min before 23:00 is 22:00; wake 07:00 is 9 h later; half-life 5 h (middle of 4-6)
    dose = build_plan(routine(("slow", 2)), CAT, settings()).doses[0]
    assert dose.curve is None and dose.peak_at is None and dose.peak_in_window is None
    assert dose.residual_at_wake == pytest.approx(0.5 ** (9 / 5))
    assert dose.residual_is_lower_bound is True
    assert dose.residual_text == "≥29%"
    assert "no sourced kinetics, so no curve" in dose.why


def test_a_compound_with_full_kinetics_is_unchanged() -> None:
    dose = build_plan(routine(("full", 2)), CAT, settings()).doses[0]
    assert dose.curve is not None
    assert dose.residual_at_wake == pytest.approx(dose.curve.relative(9))
    assert dose.residual_is_lower_bound is False
    assert dose.residual_text == f"{dose.residual_at_wake:.0%}"
    assert dose_json(dose)["residual_is_lower_bound"] is False
    [warning] = [
        w
        for w in plan_warnings(build_plan(routine(("full", 2)), CAT, settings()), _context())
        if w.code == "residual_at_wake"
    ]
    assert "of its peak when you wake" in warning.message
    assert "at least" not in warning.message


def test_phenibut_is_catalogued_with_a_half_life_and_no_tmax(catalog: Catalog) -> None:
    phenibut = catalog.get("phenibut")
    assert phenibut.tmax_h is None and phenibut.half_life_h == (5.3, 5.3)
    assert phenibut.sedating


def test_phenibut_at_20_with_a_5_oclock_wake_warns_at_least(catalog: Catalog) -> None:
    plan = build_plan(routine(("phenibut", 500)), catalog, ISSUE_NIGHT)
    [dose] = plan.doses
    assert f"{dose.at:%H:%M}" == "20:00"
    assert dose.residual_at_wake == pytest.approx(PHENIBUT_LEFT)
    residual = [w for w in plan_warnings(plan, _context()) if w.code == "residual_at_wake"]
    assert [w.severity.value for w in residual] == ["caution"]
    assert "Phenibut will have at least 31% left at wake" in residual[0].message
    assert "lower bound" in residual[0].message
    assert dose_json(dose)["residual_is_lower_bound"] is True
    text = plan_text(plan, [], "p")
    assert "≥31% at wake" in text
    assert "(no sourced kinetics)" in text  # still no curve on the timeline


def test_plan_json_carries_the_key(home: Path, tmp_path: Path) -> None:
    profile = tmp_path / "phenibut.toml"
    profile.write_text(
        'name = "p"\nbedtime = "23:00"\nwake = "05:00"\n[[routines]]\nname = "r"\n'
        '[[routines.doses]]\ncompound = "phenibut"\namount_mg = 500\n'
        '[[routines.doses]]\ncompound = "melatonin"\namount_mg = 0.5\n'
    )
    night = ["--night", "2026-11-23", "--tz", "Europe/Berlin"]
    result = run_cli("--home", str(home), "--profile", str(profile), "plan", *night, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    doses = {dose["compound"]: dose for dose in data["doses"]}
    assert doses["phenibut"]["residual_is_lower_bound"] is True
    assert doses["phenibut"]["residual_at_wake"] == pytest.approx(PHENIBUT_LEFT, abs=1e-4)
    assert doses["melatonin"]["residual_is_lower_bound"] is False
    codes = [(w["code"], tuple(w["compounds"])) for w in data["warnings"]]
    assert ("residual_at_wake", ("phenibut",)) in codes


async def test_tonight_shows_the_bound_in_the_at_wake_column(home: Path, tmp_path: Path) -> None:
    profile = tmp_path / "phenibut.toml"
    profile.write_text(
        'name = "p"\nbedtime = "23:00"\nwake = "05:00"\n[[routines]]\nname = "r"\n'
        '[[routines.doses]]\ncompound = "phenibut"\namount_mg = 500\n'
    )
    app = make_app(home, profile=str(profile))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        doses = app.screen.query_one("#doses", OptionList)
        rows = [
            str(doses.get_option_at_index(i).prompt)
            for i in range(doses.option_count)
            if (doses.get_option_at_index(i).id or "").startswith("dose:")
        ]
        assert len(rows) == 1 and "Phenibut" in rows[0]
        assert rows[0].rstrip().endswith("≥31%")
