"""The command line through a real subprocess: text, JSON and every exit code."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from sleepplan import cli
from tests.conftest import run_cli

NIGHT = ["--night", "2026-11-23", "--tz", "Europe/Berlin"]


def test_plan_text_groups_by_stage_with_times_and_timeline(home: Path) -> None:
    result = run_cli("--home", str(home), "plan", *NIGHT)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Night of Mon 23 Nov 2026" in out
    assert "SLEEP ONSET" in out
    assert "22:00  Melatonin" in out
    assert "TIMELINE" in out and "stages" in out
    assert "not medical advice" in out
    assert out.index("SLEEP ONSET") < out.index("TIMELINE") < out.index("not medical advice")


def test_plan_json_follows_the_contract(home: Path) -> None:
    result = run_cli("--home", str(home), "plan", *NIGHT, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["night"] == "2026-11-23"
    assert data["timezone"] == "Europe/Berlin"
    assert data["bedtime"] == "2026-11-23T23:00:00+01:00"
    assert data["wake"] == "2026-11-24T07:00:00+01:00"
    keys = {
        "compound",
        "amount_mg",
        "at",
        "minutes_from_bedtime",
        "stage",
        "mechanism",
        "secondary_mechanisms",
        "peak_at",
        "residual_at_wake",
    }
    assert data["doses"] and all(keys <= dose.keys() for dose in data["doses"])
    theanine = next(d for d in data["doses"] if d["compound"] == "l-theanine")
    assert "gabaergic" in theanine["secondary_mechanisms"]
    melatonin = next(d for d in data["doses"] if d["compound"] == "melatonin")
    assert melatonin["at"] == "2026-11-23T22:00:00+01:00"
    assert melatonin["minutes_from_bedtime"] == -60
    assert isinstance(data["warnings"], list)


def test_plan_flags_override_the_profile(home: Path) -> None:
    result = run_cli(
        "--home", str(home), "plan", *NIGHT, "--bedtime", "00:30", "--wake", "08:30", "--json"
    )
    data = json.loads(result.stdout)
    assert data["bedtime"] == "2026-11-24T00:30:00+01:00"
    assert data["wake"] == "2026-11-24T08:30:00+01:00"


def test_plan_on_a_dst_night(home: Path) -> None:
    result = run_cli(
        "--home", str(home), "plan", "--night", "2026-10-24", "--tz", "Europe/Berlin", "--json"
    )
    data = json.loads(result.stdout)
    assert data["bedtime"] == "2026-10-24T23:00:00+02:00"
    assert data["wake"] == "2026-10-25T07:00:00+01:00"


def test_plan_uses_the_fixed_now_for_tonight(home: Path) -> None:
    result = run_cli("--home", str(home), "plan", "--tz", "Europe/Berlin", "--json")
    assert json.loads(result.stdout)["night"] == "2026-11-23"


def test_plan_with_another_routine_and_profile_path(home: Path) -> None:
    example = Path(__file__).parents[1] / "profiles" / "rem-wbtb.toml"
    result = run_cli("--home", str(home), "--profile", str(example), "plan", *NIGHT, "--json")
    assert result.returncode == 0, result.stderr
    stages = [dose["stage"] for dose in json.loads(result.stdout)["doses"]]
    assert stages == sorted(stages, key=["sleep_onset", "slow_wave", "rem", "maintenance"].index)
    assert "rem" in stages
    other = run_cli("--home", str(home), "plan", *NIGHT, "--routine", "melatonin-only", "--json")
    assert [d["compound"] for d in json.loads(other.stdout)["doses"]] == ["melatonin"]


def test_catalog_json_lists_cited_compounds(home: Path) -> None:
    result = run_cli("--home", str(home), "catalog", "--json")
    assert result.returncode == 0
    compounds = json.loads(result.stdout)["compounds"]
    assert len(compounds) >= 30
    for compound in compounds:
        assert compound["sources"], compound["id"]
        for key in (
            "id",
            "name",
            "aliases",
            "mechanism",
            "targets",
            "dose_mg",
            "upper_limit_mg",
            "tmax_h",
            "half_life_h",
            "timing",
            "onset",
            "wake_promoting",
            "habit_forming",
            "cycling",
            "evidence",
            "cautions",
        ):
            assert key in compound
    melatonin = next(c for c in compounds if c["id"] == "melatonin")
    assert isinstance(melatonin["tmax_h"], list) and len(melatonin["tmax_h"]) == 2


def test_catalog_filters_and_text(home: Path) -> None:
    result = run_cli("--home", str(home), "catalog", "--stage", "rem")
    assert result.returncode == 0
    assert "galantamine" in result.stdout and "melatonin " not in result.stdout
    gaba = run_cli("--home", str(home), "catalog", "--mechanism", "gabaergic", "--json")
    found = json.loads(gaba.stdout)["compounds"]
    assert all("gabaergic" in [c["mechanism"], *c["secondary_mechanisms"]] for c in found)
    by_id = {c["id"]: c for c in found}
    assert by_id["kava"]["mechanism"] == "gabaergic"
    assert by_id["l-theanine"]["mechanism"] == "other"  # found by a secondary mechanism
    text = run_cli("--home", str(home), "catalog", "--mechanism", "glutamatergic").stdout
    assert "piracetam " in text and "A + after the mechanism" not in text
    text = run_cli("--home", str(home), "catalog", "--mechanism", "gabaergic").stdout
    assert "other+" in text and "A + after the mechanism" in text


def test_profile_validate_new_and_list(home: Path, tmp_path: Path) -> None:
    example = Path(__file__).parents[1] / "profiles" / "example.toml"
    ok = run_cli("--home", str(home), "profile", "validate", str(example))
    assert ok.returncode == 0 and "ok" in ok.stdout
    made = run_cli("--home", str(home), "profile", "new", "lucid", "--from", "rem-wbtb")
    assert made.returncode == 0, made.stderr
    listed = run_cli("--home", str(home), "profile", "list")
    assert "lucid" in listed.stdout and "example" in listed.stdout
    plan = run_cli("--home", str(home), "--profile", "lucid", "plan", *NIGHT, "--json")
    assert json.loads(plan.stdout)["profile"] == "lucid"
    again = run_cli("--home", str(home), "profile", "new", "lucid")
    assert again.returncode == 2 and "exists already" in again.stderr


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("sleepplan ")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(text)
    return path


BAD_PROFILES = {
    "syntax": ('name = "x"\nbedtime = \n', "line 2, column 11"),
    "wrong-type": ('name = "x"\nsleep_need_min = "lots"\n', "sleep_need_min"),
    "unknown-key": ('name = "x"\nbedtiem = "23:00"\n', "bedtiem: unknown key"),
    "unknown-compound": (
        'name = "x"\n[[routines]]\nname = "r"\n[[routines.doses]]\ncompound = "unobtainium"\n'
        "amount_mg = 1\n",
        "routines[0].doses[0].compound",
    ),
    "bad-zone": ('name = "x"\ntimezone = "Mars/Base"\n', "timezone"),
    "impossible-time": ('name = "x"\nwake = "07:75"\n', "wake"),
}


@pytest.mark.parametrize("case", sorted(BAD_PROFILES))
def test_bad_profile_exits_2_naming_file_and_place(home: Path, tmp_path: Path, case: str) -> None:
    text, place = BAD_PROFILES[case]
    path = _write(tmp_path, text)
    for args in (["profile", "validate", str(path)], ["--profile", str(path), "plan"]):
        result = run_cli("--home", str(home), *args)
        assert result.returncode == 2, (case, result.stderr)
        assert str(path) in result.stderr
        assert place in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
    assert path.read_text() == text  # nothing rewritten


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--night", "2026-02-30"], "--night"),
        (["--night", "tomorrow"], "YYYY-MM-DD"),
        (["--bedtime", "25:00"], "--bedtime"),
        (["--wake", "7am"], "--wake"),
        (["--tz", "Mars/Base"], "--tz"),
        (["--routine", "nope"], "no routine 'nope'"),
        (["--night", "9999-12-31"], "--night"),
    ],
)
def test_bad_flags_exit_2(home: Path, flags: list[str], words: str) -> None:
    result = run_cli("--home", str(home), "plan", *flags)
    assert result.returncode == 2, result.stdout
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_is_usage_error() -> None:
    result = run_cli("dance")
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_every_command_is_listed_and_parses_with_only_its_own_parser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert set(cli.COMMANDS) == set(cli.COMMAND_ARGUMENTS)
    with pytest.raises(SystemExit) as done:
        cli.parse_args(["-h"])
    assert done.value.code == 0
    listing = capsys.readouterr().out
    for name, words in cli.COMMANDS.items():
        assert f"  {name} " in listing and words in listing
        assert cli.command_parser(name).get_default("handler") is not None
    args = cli.parse_args(["--home", "h", "--profile", "check", "plan", "--json", "--tz", "UTC"])
    assert (args.home, args.profile, args.command) == ("h", "check", "plan")
    assert args.json and args.tz == "UTC" and args.handler is cli.cmd_plan
    args = cli.parse_args(["check", "melatonin:1mg", "glycine", "--med", "ssri"])
    assert args.items == ["melatonin:1mg", "glycine"] and args.med == ["ssri"]
    assert cli.parse_args([]).command is None  # the app


def test_options_of_the_command_after_it_and_global_ones_before(home: Path) -> None:
    late = run_cli("plan", "--home", str(home))
    assert late.returncode == 2 and "unrecognized arguments: --home" in late.stderr
    missing = run_cli("--home", str(home), "experiment")
    assert missing.returncode == 2 and "sleepplan experiment" in missing.stderr


def test_internal_error_exit_1_with_a_report(home: Path, tmp_path: Path) -> None:
    # A profiles "folder" that is a file makes the home unusable in a way no input check expects.
    home.mkdir(parents=True)
    (home / "profiles").write_text("not a folder")
    result = run_cli("--home", str(home), "plan")
    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr
    if result.returncode == 1:
        assert "Details:" in result.stderr


def test_check_5htp_with_sertraline_is_a_danger_with_its_source(home: Path) -> None:
    result = run_cli("--home", str(home), "check", "5-htp", "--med", "sertraline")
    assert result.returncode == 0, result.stderr
    assert "✖ DANGER" in result.stdout
    assert "source:" in result.stdout
    assert "sertraline" in result.stdout
    as_json = run_cli("--home", str(home), "check", "5-htp", "--med", "sertraline", "--json")
    data = json.loads(as_json.stdout)
    first = data["warnings"][0]
    assert first["severity"] == "danger"
    assert first["code"] == "medication_interaction"
    assert first["sources"]
    assert set(first["compounds"]) == {"5-htp", "med:ssri"}


def test_check_amounts_and_units(home: Path) -> None:
    result = run_cli("--home", str(home), "check", "melatonin:0.5mg", "glycine:3g", "--json")
    data = json.loads(result.stdout)
    assert [item["amount_mg"] for item in data["items"]] == [0.5, 3000]
    over = run_cli("--home", str(home), "check", "melatonin:6000mcg", "--json")
    assert "above_max_dose" in [w["code"] for w in json.loads(over.stdout)["warnings"]]


def test_check_says_when_nothing_is_recorded(home: Path) -> None:
    result = run_cli("--home", str(home), "check", "glycine")
    assert result.returncode == 0
    assert "record no interaction" in result.stdout
    assert "not a finding that the combination is safe" in result.stdout


def test_check_unknown_medication_is_named(home: Path) -> None:
    result = run_cli("--home", str(home), "check", "melatonin", "--med", "unobtainol", "--json")
    data = json.loads(result.stdout)
    assert data["medications"]["unknown"] == ["unobtainol"]
    assert "unknown_medication" in [w["code"] for w in data["warnings"]]


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ("melatonin:5kg", "unknown unit"),
        ("melatonin:lots", "not an amount"),
        ("melatonine", "did you mean 'melatonin'"),
        ("glycine:0g", "plausible"),
    ],
)
def test_check_bad_items_exit_2(home: Path, item: str, words: str) -> None:
    result = run_cli("--home", str(home), "check", item)
    assert result.returncode == 2
    assert words in result.stderr and item in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_uses_the_profiles_medications(home: Path, tmp_path: Path) -> None:
    profile = tmp_path / "meds.toml"
    profile.write_text(
        'name = "meds"\nmedications = ["sertraline"]\n[[routines]]\nname = "r"\n'
        '[[routines.doses]]\ncompound = "5-htp"\namount_mg = 100\n'
    )
    result = run_cli("--home", str(home), "--profile", str(profile), "plan", *NIGHT, "--json")
    warnings = json.loads(result.stdout)["warnings"]
    assert warnings[0]["severity"] == "danger"


CHECKIN = """
night = 2026-11-23
in_bed = "22:50"
tried_sleep = "23:05"
sol_min = 20
awakenings = 1
waso_min = 10
final_wake = "06:55"
out_of_bed = "07:10"
quality = 4
getting_to_sleep = 60
sleep_quality = 55
waking_up = 50
feel_now = 45
kss = 4
"""


def test_checkin_records_and_prints_the_breakdown(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "morning.toml"
    path.write_text(CHECKIN)
    result = run_cli("--home", str(home), "checkin", "--from", str(path))
    assert result.returncode == 0, result.stderr
    assert "Morning score 71 / 100" in result.stdout
    assert "Diary (CSD-style)" in result.stdout and "LSEQ-style" in result.stdout
    again = run_cli("--home", str(home), "checkin", "--from", str(path))
    assert again.returncode == 2 and "exists already" in again.stderr
    replaced = run_cli("--home", str(home), "checkin", "--from", str(path), "--replace", "--json")
    data = json.loads(replaced.stdout)
    assert data["night"] == "2026-11-23"
    assert data["metrics"] == {
        "tib_min": 500,
        "tst_min": 440,
        "sol_min": 20,
        "waso_min": 10,
        "se_pct": 88.0,
    }
    assert set(data["scores"]) >= {
        "morning",
        "diary",
        "leeds",
        "alertness",
        "quality",
        "onset",
        "maintenance",
        "next_morning",
    }
    assert data["scores"]["morning"] == pytest.approx(70.88, abs=0.01)
    assert data["flags"] == []


def test_checkin_taken_defaults_to_the_plan(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "morning.toml"
    path.write_text("night = 2026-11-23\nkss = 3\n")
    run_cli("--home", str(home), "checkin", "--from", str(path))
    history = run_cli("--home", str(home), "history", "--json")
    taken = json.loads(history.stdout)["checkins"][0]["taken"]
    assert {dose["compound"] for dose in taken} == {
        "melatonin",
        "l-theanine",
        "magnesium-glycinate",
    }
    melatonin = next(d for d in taken if d["compound"] == "melatonin")
    assert melatonin["at"] == "2026-11-23T22:00:00+01:00"


def test_history_text_and_last(home: Path, tmp_path: Path) -> None:
    for day in (21, 22, 23):
        path = tmp_path / f"m{day}.toml"
        path.write_text(CHECKIN.replace("2026-11-23", f"2026-11-{day}"))
        assert run_cli("--home", str(home), "checkin", "--from", str(path)).returncode == 0
    text = run_cli("--home", str(home), "history", "--last", "2")
    assert text.returncode == 0
    assert "2026-11-23" in text.stdout and "2026-11-22" in text.stdout
    assert "2026-11-21" not in text.stdout
    empty = run_cli("--home", str(tmp_path / "other"), "history")
    assert "No check-ins yet" in empty.stdout


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("night = 2026-11-23\nkss = 12\n", "kss"),
        ('night = 2026-11-23\ntried_sleep = "23:00"\nfinal_wake = "22:00"\n', "final_wake"),
        ("night = 2026-11-23\nkss = \n", "line 2"),
        (
            'night = 2026-11-23\ntaken = [{ compound = "unobtainium", amount_mg = 1 }]\n',
            "taken[0].compound",
        ),
        ("kss = 3\n", "night"),
    ],
)
def test_bad_checkin_files_exit_2_naming_the_place(
    home: Path, tmp_path: Path, content: str, words: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content)
    result = run_cli("--home", str(home), "checkin", "--from", str(path))
    assert result.returncode == 2, result.stdout
    assert str(path) in result.stderr and words in result.stderr
    assert "Traceback" not in result.stderr
    history = run_cli("--home", str(home), "history", "--json")
    assert json.loads(history.stdout)["checkins"] == []


def test_sleepplan_starts_with_the_collector_paused_and_turns_it_back_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc
    from importlib.metadata import entry_points

    from sleepplan import start

    (script,) = entry_points(group="console_scripts", name="sleepplan")
    assert script.value == "sleepplan.start:run"  # the command goes through start.run
    seen: list[bool] = []

    def command() -> int:
        seen.append(gc.isenabled())
        raise KeyboardInterrupt  # however the command ends

    monkeypatch.setattr("sleepplan.cli.main", command)
    assert gc.isenabled()
    with pytest.raises(KeyboardInterrupt):
        start.run()
    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.parametrize(("app_code", "exit_code"), [(0, 0), (None, 0), (1, 1)])
def test_the_app_exits_with_its_own_return_code(
    home: Path, monkeypatch: pytest.MonkeyPatch, app_code: int | None, exit_code: int
) -> None:
    from sleepplan.tui.app import SleepPlanApp

    def run(app: SleepPlanApp) -> None:
        app._return_code = app_code  # as Textual sets it: 1 when the app stopped on an error

    monkeypatch.setattr(SleepPlanApp, "run", run)
    try:
        assert cli.main(["--home", str(home)]) == exit_code
    finally:
        gc.unfreeze()  # the command line's app froze the heap it was built on (start.py)
