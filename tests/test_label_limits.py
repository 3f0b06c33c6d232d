"""Label maximums in the catalog and severities that follow a label's own wording (issue 22)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sleepplan.core.catalog import Catalog
from sleepplan.core.interactions import Severity
from sleepplan.store.bundled import bundled_interactions
from tests.conftest import run_cli


def test_galantamine_upper_limit_is_the_label_maximum(catalog: Catalog) -> None:
    galantamine = catalog.get("galantamine")
    assert galantamine.upper_limit_mg == 24
    backing = [s for s in galantamine.sources if "upper_limit_mg" in s.supports]
    assert any("24 mg/day" in s.title for s in backing)


def test_galantamine_cautions_give_the_impairment_limit(catalog: Catalog) -> None:
    cautions = " ".join(catalog.get("galantamine").cautions)
    assert "16 mg a day with moderate liver or kidney impairment" in cautions


LABEL_DANGERS = [
    "galantamine-with-huperzine-a",
    "huperzine-a-with-cholinesterase-inhibitor",
    "galantamine-with-cholinesterase-inhibitor",
]


@pytest.mark.parametrize("rule_id", LABEL_DANGERS)
def test_should_not_be_given_together_is_a_danger_rule(rule_id: str) -> None:
    rules = {rule.id: rule for rule in bundled_interactions().rules}
    assert rules[rule_id].severity is Severity.DANGER


def _warnings(home: Path, *args: str) -> list[tuple[str, tuple[str, ...]]]:
    result = run_cli("--home", str(home), "check", *args, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return [(w["severity"], tuple(w["compounds"])) for w in data["warnings"]]


@pytest.mark.parametrize(
    ("args", "pair"),
    [
        (("galantamine", "huperzine-a"), ("galantamine", "huperzine-a")),
        (("huperzine-a", "--med", "donepezil"), ("huperzine-a", "med:cholinesterase_inhibitor")),
        (("galantamine", "--med", "Aricept"), ("galantamine", "med:cholinesterase_inhibitor")),
    ],
)
def test_check_reports_the_label_combination_as_danger(
    home: Path, args: tuple[str, ...], pair: tuple[str, str]
) -> None:
    assert ("danger", pair) in _warnings(home, *args)


def test_melatonin_with_fluvoxamine_is_a_danger_and_other_inhibitors_a_caution() -> None:
    """The maker of prescription melatonin says the fluvoxamine combination must be avoided."""
    import json

    from tests.conftest import run_cli

    def severities(med: str) -> set[str]:
        result = run_cli("check", "melatonin", "--med", med, "--json")
        return {w["severity"] for w in json.loads(result.stdout)["warnings"]}

    assert "danger" in severities("fluvoxamine")
    assert severities("cimetidine") == {"caution"}
