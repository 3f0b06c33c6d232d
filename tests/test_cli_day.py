"""The day before the night on the command line (design §16): `plan` and `sleepplan day`.

A profile's own compound stands in for coffee, so the numbers here are the test's, not the
catalog's: a level at bedtime is checked against ``kinetics.Curve`` by hand, a cutoff by the
curve on either side of it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sleepplan import cli
from sleepplan.core.catalog import Catalog
from sleepplan.core.kinetics import Curve

TMAX_H = (0.5, 1.5)
HALF_LIFE_H = (4.0, 6.0)
COFFEE = Curve.from_ranges(TMAX_H, HALF_LIFE_H)
NOW = "2026-11-23T18:30:00+01:00"
PROFILE = """\
schema_version = 1
name = "daytest"
timezone = "Europe/Berlin"
bedtime = "{bedtime}"
wake = "{wake}"
dinner = "19:00"
default_routine = "r"
{top}

[[routines]]
name = "r"

[[routines.doses]]
compound = "melatonin"
amount_mg = 0.5
{day}
[[custom_compounds]]
id = "test-coffee"
name = "Test coffee"
aliases = ["testcup"]
mechanism = "adenosinergic"
wake_promoting = true
evidence = "insufficient"
timing = {{ anchor = "wake", minutes = 60 }}
tmax_h = [{tmax[0]}, {tmax[1]}]
half_life_h = [{half_life[0]}, {half_life[1]}]
units = {{ cup = 95 }}
half_life_when = [
  {{ condition = "smoker", half_life_h = [2.0, 3.0] }},
  {{ condition = "cyp1a2_inhibitor", half_life_h = [20.0, 30.0] }},
]
sources = [{{ title = "Test data", url = "https://example.org", supports = [
  "tmax_h", "half_life_h", "half_life_when", "units", "wake_promoting", "evidence", "mechanism"
] }}]
"""
A_COFFEE_AT_FOUR = """
[[day]]
compound = "test-coffee"
amount = 2
unit = "cup"
at = "16:00"
"""


def write_profile(
    folder: Path,
    day: str = A_COFFEE_AT_FOUR,
    top: str = "",
    bedtime: str = "23:00",
    wake: str = "07:00",
) -> Path:
    path = folder / "daytest.toml"
    text = PROFILE.format(
        bedtime=bedtime, wake=wake, top=top, day=day, tmax=TMAX_H, half_life=HALF_LIFE_H
    )
    path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.err
        return json.loads(self.out)


def run(profile: Path, *argv: str, now: str = NOW) -> Outcome:
    """sleepplan in-process, with the test's home and the clock at ``now``."""
    out, err = io.StringIO(), io.StringIO()
    environ = dict(os.environ, SLEEPPLAN_NOW=now)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(["--profile", str(profile), *argv], environ)
        except SystemExit as exit_:  # argparse refuses a value this way
            code = exit_.code if isinstance(exit_.code, int) else 2
    return Outcome(code, out.getvalue(), err.getvalue())


def hours_between(start: str, end: str) -> float:
    """Real hours between two ISO 8601 instants with offsets."""
    return (
        dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)
    ).total_seconds() / 3600


def assert_cutoff_on_the_line(cutoff: dict[str, Any], bedtime: str, curve: Curve) -> None:
    """At ``latest`` a dose is at most the threshold by bedtime; a minute later, above it."""
    hours = hours_between(cutoff["latest"], bedtime)
    assert curve.relative(hours) <= cutoff["threshold"]
    assert curve.relative(hours - 1 / 60) > cutoff["threshold"]


# -- plan --json and the text plan ------------------------------------------------------------


def test_plan_json_has_the_days_doses_with_their_level_at_bedtime(tmp_path: Path) -> None:
    data = run(write_profile(tmp_path), "plan", "--night", "2026-11-23", "--json").json()
    assert data["bedtime"] == "2026-11-23T23:00:00+01:00"
    [coffee] = data["day"]
    assert coffee["compound"] == "test-coffee"
    assert coffee["amount_mg"] == 190
    assert coffee["amount_text"] == "2 cups = 190 mg"
    assert coffee["at"] == "2026-11-23T16:00:00+01:00"
    assert coffee["logged"] is False
    # by hand: 16:00 to 23:00 is 7 hours on the curve of the compound's sourced ranges
    assert coffee["level_at_bedtime"] == pytest.approx(COFFEE.relative(7.0), abs=1e-4)
    assert 0.3 < coffee["level_at_bedtime"] < 0.6  # the curve is past its peak, not gone
    assert coffee["level_is_lower_bound"] is False
    assert coffee["half_life_h"] == list(HALF_LIFE_H)
    assert coffee["because"] is None
    codes = [warning["code"] for warning in data["warnings"]]
    assert "wake_promoting_at_bedtime" in codes


def test_plan_json_has_a_cutoff_on_the_line(tmp_path: Path) -> None:
    data = run(write_profile(tmp_path), "plan", "--night", "2026-11-23", "--json").json()
    [cutoff] = data["cutoffs"]
    assert cutoff["compound"] == "test-coffee"
    assert cutoff["threshold"] == 0.25
    assert cutoff["none_today"] is False
    assert cutoff["latest"].startswith("2026-11-23T") and cutoff["latest"].endswith("+01:00")
    assert_cutoff_on_the_line(cutoff, data["bedtime"], COFFEE)
    latest = dt.datetime.fromisoformat(cutoff["latest"])
    assert cutoff["text"] == f"Test coffee: last cup by {latest:%H:%M} for a 23:00 bedtime"


def test_a_coffee_early_enough_gives_no_warning(tmp_path: Path) -> None:
    early = A_COFFEE_AT_FOUR.replace('"16:00"', '"08:00"')
    data = run(write_profile(tmp_path, early), "plan", "--night", "2026-11-23", "--json").json()
    [coffee] = data["day"]
    assert coffee["level_at_bedtime"] == pytest.approx(COFFEE.relative(15.0), abs=1e-4)
    assert coffee["level_at_bedtime"] < 0.25
    assert "wake_promoting_at_bedtime" not in [w["code"] for w in data["warnings"]]


@pytest.mark.parametrize(
    ("top", "half_life", "because"),
    [
        ('medications = ["fluvoxamine"]', (20.0, 30.0), "a CYP1A2-inhibiting medication"),
        ("smoker = true", (2.0, 3.0), "smoking"),
    ],
)
def test_the_person_changes_the_half_life(
    tmp_path: Path, top: str, half_life: tuple[float, float], because: str
) -> None:
    profile = write_profile(tmp_path, top=top)
    data = run(profile, "plan", "--night", "2026-11-23", "--json").json()
    [coffee] = data["day"]
    [cutoff] = data["cutoffs"]
    curve = Curve.from_ranges(TMAX_H, half_life)
    assert coffee["half_life_h"] == cutoff["half_life_h"] == list(half_life)
    assert coffee["because"] == cutoff["because"] == because
    assert coffee["level_at_bedtime"] == pytest.approx(curve.relative(7.0), abs=1e-4)
    assert_cutoff_on_the_line(cutoff, data["bedtime"], curve)


def test_plan_text_shows_from_today(tmp_path: Path) -> None:
    profile = write_profile(tmp_path)
    data = run(profile, "plan", "--night", "2026-11-23", "--json").json()
    result = run(profile, "plan", "--night", "2026-11-23")
    assert result.code == 0, result.err
    level = f"{data['day'][0]['level_at_bedtime']:.0%}"
    block = result.out[result.out.index("FROM TODAY") : result.out.index("SLEEP ONSET")]
    assert "16:00  Test coffee" in block
    assert "2 cups = 190 mg" in block and level in block and "every day" in block
    assert data["cutoffs"][0]["text"] in block


def test_a_day_item_after_bedtime_is_refused_by_its_place(tmp_path: Path) -> None:
    late = A_COFFEE_AT_FOUR.replace('"16:00"', '"23:30"')
    result = run(write_profile(tmp_path, late), "plan", "--json")
    assert result.code == 2
    assert "day[0].at" in result.err and "after bedtime" in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_a_bedtime_flag_before_a_day_item_is_refused_by_its_place(tmp_path: Path) -> None:
    result = run(write_profile(tmp_path), "plan", "--bedtime", "15:30", "--json")
    assert result.code == 2
    assert "daytest.toml: day[0].at: 16:00 is after bedtime" in result.err


def test_a_dst_night_counts_real_hours(tmp_path: Path) -> None:
    # Berlin springs forward at 02:00 on 29 March 2026: from 16:00 to a 03:30 bedtime is 10.5
    # real hours, not the 11.5 the wall clock shows.
    profile = write_profile(tmp_path, bedtime="03:30", wake="11:00")
    data = run(profile, "plan", "--night", "2026-03-28", "--json").json()
    assert data["bedtime"] == "2026-03-29T03:30:00+02:00"
    [coffee] = data["day"]
    assert coffee["at"] == "2026-03-28T16:00:00+01:00"
    assert coffee["level_at_bedtime"] == pytest.approx(COFFEE.relative(10.5), abs=1e-4)
    assert coffee["level_at_bedtime"] != pytest.approx(COFFEE.relative(11.5), abs=1e-3)
    [cutoff] = data["cutoffs"]
    assert cutoff["latest"].endswith("+01:00")  # before the change
    assert_cutoff_on_the_line(cutoff, data["bedtime"], COFFEE)


# -- sleepplan day ----------------------------------------------------------------------------


def test_day_add_list_remove_round_trip(tmp_path: Path) -> None:
    profile = write_profile(tmp_path)
    added = run(profile, "day", "add", "testcup", "1", "cup", "--at", "15:00")
    assert added.code == 0, added.err
    assert "Logged #" in added.out and "1 cup = 95 mg at 15:00" in added.out
    listed = run(profile, "day", "list", "--json").json()
    assert listed["night"] == "2026-11-23"
    assert listed["morning"] == "2026-11-23T07:00:00+01:00"
    assert listed["bedtime"] == "2026-11-23T23:00:00+01:00"
    first, second = listed["day"]
    assert (first["at"], first["logged"], first["amount_mg"]) == (
        "2026-11-23T15:00:00+01:00",
        True,
        95,
    )
    assert isinstance(first["id"], int)
    assert first["level_at_bedtime"] == pytest.approx(COFFEE.relative(8.0), abs=1e-4)
    assert (second["id"], second["logged"], second["at"]) == (
        None,
        False,
        "2026-11-23T16:00:00+01:00",
    )
    assert [cutoff["compound"] for cutoff in listed["cutoffs"]] == ["test-coffee"]
    # the plan counts the logged entry too
    planned = run(profile, "plan", "--json").json()
    assert [(d["at"], d["logged"]) for d in planned["day"]] == [
        ("2026-11-23T15:00:00+01:00", True),
        ("2026-11-23T16:00:00+01:00", False),
    ]
    text = run(profile, "day")
    assert f"#{first['id']}" in text.out and "every day" in text.out
    removed = run(profile, "day", "remove", str(first["id"]))
    assert removed.code == 0, removed.err
    assert "Removed #" in removed.out and "1 cup = 95 mg at 15:00" in removed.out
    assert [d["logged"] for d in run(profile, "day", "--json").json()["day"]] == [False]
    again = run(profile, "day", "remove", str(first["id"]))
    assert again.code == 2 and again.err.startswith("ID: no logged entry")


def test_day_add_defaults_to_now_and_tonight(tmp_path: Path) -> None:
    profile = write_profile(tmp_path, day="")
    assert run(profile, "day", "add", "test-coffee", "95mg").code == 0
    [entry] = run(profile, "day", "--json").json()["day"]
    assert entry["at"] == NOW
    assert entry["amount_text"] == "95 mg"


def test_day_add_for_another_night(tmp_path: Path) -> None:
    profile = write_profile(tmp_path, day="")
    result = run(
        profile, "day", "add", "test-coffee", "1 cup", "--at", "09:30", "--night", "2026-11-25"
    )
    assert result.code == 0, result.err
    assert run(profile, "day", "--json").json()["day"] == []
    [entry] = run(profile, "day", "--night", "2026-11-25", "--json").json()["day"]
    assert entry["at"] == "2026-11-25T09:30:00+01:00"


def test_day_add_on_a_dst_day(tmp_path: Path) -> None:
    profile = write_profile(tmp_path, day="", bedtime="03:30", wake="11:00")
    argv = ["day", "add", "test-coffee", "2 cups", "--at", "16:00", "--night", "2026-03-28"]
    assert run(profile, *argv).code == 0
    data = run(profile, "day", "--night", "2026-03-28", "--json").json()
    [entry] = data["day"]
    assert entry["at"] == "2026-03-28T16:00:00+01:00"
    assert entry["level_at_bedtime"] == pytest.approx(COFFEE.relative(10.5), abs=1e-4)


@pytest.mark.parametrize(
    ("argv", "now", "place", "words"),
    [
        (["nothing-like-it", "1 cup"], NOW, "COMPOUND", "unknown compound"),
        (["test-coffee", "2 mugs"], NOW, "AMOUNT", "no unit 'mugs'"),
        (["test-coffee", "-1 cup"], NOW, "AMOUNT", "not an amount"),
        (["test-coffee", "0", "cup"], NOW, "AMOUNT", "not an amount"),
        (["test-coffee", "nan cup"], NOW, "AMOUNT", "not an amount"),
        (["test-coffee", "20000 cups"], NOW, "AMOUNT", "not a plausible amount"),
        (["test-coffee", "1 cup", "--at", "23:30"], NOW, "--at", "after bedtime"),
        (["test-coffee", "1 cup", "--at", "7pm"], NOW, "--at", "time"),
        (["test-coffee", "1 cup"], "2026-11-23T23:30:00+01:00", "--at", "after bedtime"),
        (["test-coffee", "1 cup", "--night", "2026-11-30"], NOW, "--at", "before the day"),
        (["test-coffee", "1 cup", "--night", "23 Nov"], NOW, "--night", "YYYY-MM-DD"),
    ],
)
def test_day_add_refuses_bad_input_by_its_place(
    tmp_path: Path, argv: list[str], now: str, place: str, words: str
) -> None:
    profile = write_profile(tmp_path, day="")
    result = run(profile, "day", "add", *argv, now=now)
    assert result.code == 2
    assert result.err.startswith(f"{place}: ") and words in result.err, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert run(profile, "day", "--json").json()["day"] == []  # nothing was logged


def test_day_remove_needs_a_number(tmp_path: Path) -> None:
    result = run(write_profile(tmp_path), "day", "remove", "first")
    assert result.code == 2 and "ID" in result.err


def test_day_list_without_anything(tmp_path: Path) -> None:
    profile = write_profile(tmp_path, day="")
    result = run(profile, "day")
    assert result.code == 0, result.err
    assert "Nothing taken during the day yet." in result.out
    data = run(profile, "day", "--json").json()
    assert data["day"] == [] and data["cutoffs"] == [] and data["warnings"] == []


# -- what the commands load --------------------------------------------------------------------


def _modules_after(argv: list[str], home: Path) -> set[str]:
    code = (
        "import sys, contextlib, io\n"
        "from sleepplan import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = cli.main(['--home', sys.argv[1], *sys.argv[2:]])\n"
        "assert code == 0, code\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(home), *argv], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_plan_without_a_journal_does_not_load_sqlite(home: Path) -> None:
    _modules_after(["plan", "--json"], home)  # a first run validates the files into the cache
    loaded = _modules_after(["plan", "--json"], home)
    assert "sleepplan.cli" in loaded
    assert not {"sqlite3", "sleepplan.store.journal", "shutil", "textual"} & loaded


def test_day_does_not_import_textual(home: Path) -> None:
    loaded = _modules_after(["day", "--json"], home)
    assert "sleepplan.cli" in loaded and "textual" not in loaded


# -- docs/day.md quotes the catalog ------------------------------------------------------------

DOC = Path(__file__).parents[1] / "docs" / "day.md"
UNIT_ROW = re.compile(r"^\| (\w+) \| `(\w+)` \| ([\d.]+) \|", re.MULTILINE)
HALF_LIFE_ROW = re.compile(
    r"^\| (usual|`\w+ = true`|fluvoxamine[^|]*) \| ([\d.]+)(?:–([\d.]+))? \|", re.MULTILINE
)
CONDITIONS = {
    "`smoker = true`": "smoker",
    "`oral_contraceptives = true`": "oral_contraceptives",
    "`pregnant = true`": "pregnant",
}


def test_the_docs_units_are_the_catalogs(catalog: Catalog) -> None:
    rows = UNIT_ROW.findall(DOC.read_text(encoding="utf-8"))
    assert len(rows) >= 10
    quoted = [(compound, unit, float(mg)) for compound, unit, mg in rows if compound in catalog]
    if not quoted:
        pytest.skip("caffeine, alcohol and nicotine are not in the catalog yet")
    for compound, unit, mg in quoted:
        assert catalog.get(compound).units.get(unit) == mg, (compound, unit)


def test_the_docs_caffeine_half_lives_are_the_catalogs(catalog: Catalog) -> None:
    rows = HALF_LIFE_ROW.findall(DOC.read_text(encoding="utf-8"))
    assert len(rows) == 5
    if "caffeine" not in catalog:
        pytest.skip("caffeine is not in the catalog yet")
    caffeine = catalog.get("caffeine")
    when: dict[str, tuple[float, float]] = {
        item.condition: item.half_life_h for item in caffeine.half_life_when
    }
    for who, low, high in rows:
        quoted = (float(low), float(high or low))
        if who == "usual":
            assert caffeine.half_life_h == quoted
        else:
            assert when[CONDITIONS.get(who, "cyp1a2_inhibitor")] == quoted, who
