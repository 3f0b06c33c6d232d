"""Blinding that holds: the schedule sealed outside the profile, tonight following the plan,
the arm on no screen and in no file the user opens before the experiment completes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList

from sleepplan.core import timing
from sleepplan.core.experiments import ExperimentPlan, make_plan
from sleepplan.store import sealed
from sleepplan.store.bundled import bundled_catalog
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home, load_profile, save_profile
from sleepplan.tui.app import SleepPlanApp
from sleepplan.tui.widgets.scale import Scale
from tests.conftest import run_cli
from tests.tui_helpers import settle

START = dt.date(2026, 11, 23)
"""Tonight under the tests' fixed clock."""
SIZE = (80, 24)


def register(home: Path, *flags: str) -> str:
    """Register a blinded melatonin experiment (1 baseline night, 2 blocks of 1 night)."""
    result = run_cli(
        *("--home", str(home), "experiment", "new", "--compound", "melatonin"),
        *("--dose-b", "1mg", "--primary", "onset", "--mid", "5", "--blocks", "2"),
        *("--block-nights", "1", "--baseline", "1", "--seed", "7", *flags),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def profile_file(home: Path) -> Path:
    return home / "profiles" / "example.toml"


def full_plan(home: Path) -> ExperimentPlan:
    registration = load_profile(profile_file(home)).profile.experiments[-1]
    return sealed.unseal(home, registration)


def nights_of(plan: ExperimentPlan, arm: str) -> list[dt.date]:
    return [item.night for item in plan.schedule if item.arm == arm]


def test_the_profile_keeps_the_registration_and_the_seal_keeps_the_schedule(home: Path) -> None:
    register(home, "--blind")
    text = profile_file(home).read_text()
    experiment = text[text.index("[[experiments]]") :]
    for revealing in ("schedule", "seed", "envelope", "arm", 'baseline"', '"A"', '"B"'):
        assert revealing not in experiment, revealing
    assert "start = " in experiment and "sha256 = " in experiment
    plan = full_plan(home)
    assert plan.intact and len(plan.schedule) == 5
    path = sealed.sealed_path(home, plan.sha256)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    glance = path.read_bytes()
    for word in (b"schedule", b"arm", b"envelope", b"baseline", b"melatonin"):
        assert word not in glance
    status = run_cli("--home", str(home), "experiment", "status")
    assert status.returncode == 0, status.stderr
    assert "intact" in status.stdout and "baseline night, take no Melatonin" in status.stdout


def test_a_missing_or_damaged_sealed_plan_is_a_clear_message(home: Path) -> None:
    register(home, "--blind")
    plan = full_plan(home)
    path = sealed.sealed_path(home, plan.sha256)
    data = path.read_bytes()
    path.unlink()
    missing = run_cli("--home", str(home), "experiment", "status")
    assert missing.returncode == 2
    assert "cannot be followed or analysed" in missing.stderr
    assert "not in this sleepplan home" in missing.stderr and "Traceback" not in missing.stderr
    planned = run_cli("--home", str(home), "plan", "--night", str(START + dt.timedelta(days=1)))
    assert planned.returncode == 0 and "cannot be followed" in planned.stderr
    path.write_bytes(data[:-20] + b"AAAAAAAAAAAAAAAAAAA\n")
    damaged = run_cli("--home", str(home), "experiment", "report")
    assert damaged.returncode == 2 and "damaged" in damaged.stderr
    assert "Traceback" not in damaged.stderr
    other = dataclasses.replace(plan, seed=8)
    path.write_bytes(sealed.wrap(dataclasses.replace(other, sha256=other.digest())))
    mismatch = run_cli("--home", str(home), "experiment", "status")
    assert mismatch.returncode == 2 and "does not match the hash" in mismatch.stderr


def test_an_older_profile_with_its_schedule_still_works_and_moves_out(home: Path) -> None:
    ensure_home(home)
    loaded = load_profile(profile_file(home))
    legacy = make_plan(
        catalog=bundled_catalog(),
        compound="l-theanine",
        dose_a_mg=0,
        dose_b_mg=200,
        primary="onset",
        mid=5,
        start=START,
        created_at=dt.datetime(2026, 11, 20),
        seed=3,
        baseline_nights=0,
        blocks=2,
        block_nights=1,
    )
    legacy = dataclasses.replace(legacy, start=None)  # as written before the start was kept
    legacy = dataclasses.replace(legacy, sha256=legacy.digest())
    updated = dataclasses.replace(loaded.profile, experiments=(legacy,))
    save_profile(profile_file(home), updated, loaded.fingerprint)
    assert "schedule" in profile_file(home).read_text()
    status = run_cli("--home", str(home), "experiment", "status")
    assert status.returncode == 0 and "intact" in status.stdout
    register(home, "--blind", "--start", str(START + dt.timedelta(days=1)))
    assert "schedule" not in profile_file(home).read_text()
    moved = run_cli("--home", str(home), "experiment", "status", "--id", legacy.id)
    assert moved.returncode == 0 and "intact" in moved.stdout, moved.stderr
    assert sealed.sealed_path(home, legacy.sha256).exists()


@pytest.mark.parametrize(
    ("flags", "place", "words"),
    [
        (("--start", "2026-11-01"), "--start", "is in the past"),
        (("--mid", "0"), "--mid", "above 0 and at most 50"),
        (("--mid", "51"), "--mid", "above 0 and at most 50"),
        (("--start", "2026-11-25"), "--start", "overlap experiment melatonin-2026-11-23"),
    ],
)
def test_a_bad_registration_is_refused_with_nothing_written(
    home: Path, flags: tuple[str, ...], place: str, words: str
) -> None:
    register(home)
    before = profile_file(home).read_bytes()
    seals = sorted(sealed.sealed_dir(home).iterdir())
    result = run_cli(
        *("--home", str(home), "experiment", "new", "--compound", "melatonin"),
        *("--dose-b", "2mg", "--primary", "onset", "--mid", "5", *flags),
    )
    assert result.returncode == 2
    assert f"{place}: " in result.stderr and words in result.stderr, result.stderr
    assert profile_file(home).read_bytes() == before
    assert sorted(sealed.sealed_dir(home).iterdir()) == seals


def _plan_json(home: Path, night: dt.date) -> dict[str, object]:
    result = run_cli("--home", str(home), "plan", "--night", str(night), "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _melatonin(data: dict[str, object]) -> dict[str, object]:
    doses = data["doses"]
    assert isinstance(doses, list)
    found: dict[str, object] = next(d for d in doses if d["compound"] == "melatonin")
    return found


def _numbers_hidden(text: str) -> str:
    """Dates, times and envelope numbers change from night to night; the rest must not."""
    return re.sub(r"\d+|\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b", "#", text)


def test_plan_follows_the_experiment_without_revealing_the_arm(home: Path) -> None:
    register(home, "--blind", "--dose-b", "30mg")  # above melatonin's highest amount
    plan = full_plan(home)
    baseline = _plan_json(home, START)
    assert baseline["experiment"] == {
        "id": plan.id,
        "instruction": "none tonight — baseline",
    }
    assert _melatonin(baseline)["amount_mg"] == 0
    assert all("melatonin" not in w["compounds"] for w in baseline["warnings"])  # type: ignore[attr-defined]
    shown = {}
    for arm in ("A", "B"):
        night = nights_of(plan, arm)[0]
        data = _plan_json(home, night)
        dose = _melatonin(data)
        envelope = plan.tonight(night).envelope  # type: ignore[union-attr]
        assert dose["amount_mg"] is None and dose["instruction"] == f"envelope {envelope}"
        warned = [w for w in data["warnings"] if "melatonin" in w["compounds"]]  # type: ignore[attr-defined]
        assert warned and all("If tonight's envelope" in w["message"] for w in warned)
        text = run_cli("--home", str(home), "plan", "--night", str(night)).stdout
        assert f"env. {envelope}" in text
        shown[arm] = _numbers_hidden(json.dumps(data) + text)
    assert shown["A"] == shown["B"]


def test_an_open_experiment_says_the_arm_and_its_amount(home: Path) -> None:
    register(home)
    plan = full_plan(home)
    night = nights_of(plan, "B")[0]
    data = _plan_json(home, night)
    assert data["experiment"] == {"id": plan.id, "instruction": "1 mg — arm B"}
    assert _melatonin(data)["amount_mg"] == 1
    none = _plan_json(home, nights_of(plan, "A")[0])
    assert _melatonin(none)["instruction"] == "none tonight — arm A"


def test_the_ics_of_an_experiment_night_carries_its_instruction(home: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    register(home, "--blind")
    plan = full_plan(home)
    night = nights_of(plan, "B")[0]
    out = tmp_path / "night.ics"
    result = run_cli(
        *("--home", str(home), "export", "--format", "ics", "--night", str(night)),
        *("--out", str(out)),
    )
    assert result.returncode == 0, result.stderr
    summaries = [str(e["summary"]) for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")]
    envelope = plan.tonight(night).envelope  # type: ignore[union-attr]
    assert f"Melatonin: envelope {envelope}" in summaries
    assert not any("Melatonin" in s and "mg" in s for s in summaries)


def test_the_key_is_shown_once_or_written_to_a_file_and_again_in_the_report(
    home: Path, tmp_path: Path
) -> None:
    key_file = tmp_path / "key.txt"
    out = register(home, "--blind", "--key-file", str(key_file))
    assert "envelope   1:" not in out and "hand it to the person" in out
    assert "envelope   1: arm" in key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    status = run_cli("--home", str(home), "experiment", "status").stdout
    assert "arm" not in status
    done = {"SLEEPPLAN_NOW": "2026-12-05T09:00:00+01:00"}
    report = run_cli("--home", str(home), "experiment", "report", env=done)
    assert report.returncode == 0, report.stderr
    assert "## Envelope key" in report.stdout and "envelope   1: arm" in report.stdout


# -- the app -----------------------------------------------------------------------------------


def screen_text(app: SleepPlanApp) -> str:
    """Everything the current screen shows as text: every widget's rendering and list rows."""
    parts = []
    for widget in app.screen.walk_children(Widget):
        if not widget.display:
            continue
        if isinstance(widget, OptionList):
            parts += [str(option.prompt) for option in widget.options]
            continue
        try:
            shown = widget.render()
        except Exception:  # containers and scroll views draw line by line
            continue
        if isinstance(shown, str | Text | Content):
            parts.append(str(shown))
    return "\n".join(parts)


def at(night: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(night, dt.time(hour, 30), tzinfo=timing.zone("Europe/Berlin"))


async def _screens(home: Path, night: dt.date) -> tuple[str, str, str, bool]:
    """Tonight on ``night``; the check-in and History the morning after; the guess shown?"""
    evening = SleepPlanApp(home=home, now=at(night, 18), zone="Europe/Berlin")
    async with evening.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tonight = screen_text(evening)
    morning = SleepPlanApp(home=home, now=at(night + dt.timedelta(days=1), 8), zone="Europe/Berlin")
    async with morning.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        checkin = screen_text(morning)
        guess = morning.screen.query_one("#guess", Scale).display
        await pilot.press("h")
        await settle(pilot)
        history = screen_text(morning)
    return tonight, checkin, history, guess


async def test_blinded_nights_look_the_same_on_every_screen(home: Path) -> None:
    register(home, "--blind")
    plan = full_plan(home)
    assert not re.search(r"\barm\b|schedule|envelope", profile_file(home).read_text())
    shown = {}
    for arm in ("A", "B"):
        night = nights_of(plan, arm)[0]
        tonight, checkin, history, guess = await _screens(home, night)
        envelope = plan.tonight(night).envelope  # type: ignore[union-attr]
        assert f"take envelope {envelope}." in tonight and f"env. {envelope}" in tonight
        assert "Which do you think you took last night?" in checkin and guess
        for text in (tonight, checkin, history):
            assert "arm A" not in text and "arm B" not in text
        shown[arm] = [_numbers_hidden(text) for text in (tonight, checkin, history)]
    assert shown["A"] == shown["B"]
    tonight, _, _, guess = await _screens(home, nights_of(plan, "baseline")[0])
    assert "take no Melatonin" in tonight and not guess


async def test_digits_in_the_usual_order_never_answer_the_guess(home: Path) -> None:
    register(home, "--blind")
    night = nights_of(full_plan(home), "A")[0]
    app = SleepPlanApp(home=home, now=at(night + dt.timedelta(days=1), 8), zone="Europe/Berlin")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "1", "tab", "2", "tab", "3")
        await settle(pilot)
        screen = app.screen
        guess = screen.query_one("#guess", Scale)
        assert guess.display and guess.value is None
        chain = screen.focus_chain
        assert chain.index(guess) > chain.index(screen.query_one("#notes"))
        guess.focus()
        await pilot.press("3", "ctrl+s")  # "don't know" is no guess
        await settle(pilot)
    with Journal(home / "journal.sqlite3") as journal:
        stored = journal.get("example", str(night))
    assert stored is not None and stored.record["guess"] is None
    assert stored.record["quality"] == 1


def test_the_daily_ics_replaces_experiment_nights(home: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    register(home, "--blind")
    plan = full_plan(home)
    out = tmp_path / "daily.ics"
    result = run_cli(
        *("--home", str(home), "export", "--format", "ics", "--daily", "--out", str(out))
    )
    assert result.returncode == 0, result.stderr
    events = list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    daily = next(e for e in events if str(e["summary"]) == "Take Melatonin 0.5 mg")
    exdate: Any = daily["exdate"]  # one EXDATE line: a list of its dates
    skipped = {d.dt.date() for d in exdate.dts}
    assert skipped == {item.night for item in plan.schedule}
    one_off = sorted(
        str(e["summary"]) for e in events if str(e["summary"]).startswith("Melatonin:")
    )
    assert one_off == sorted(
        ["Melatonin: none tonight — baseline"] + [f"Melatonin: envelope {n}" for n in range(1, 5)]
    )


async def test_the_app_exports_follow_the_experiment_too(home: Path) -> None:
    """Tonight's .ics and the daily reminders from the app carry the night's instruction."""
    from icalendar import Calendar

    from sleepplan.tui.dialogs.data_files import export_data

    register(home, "--blind")
    plan = full_plan(home)
    night = nights_of(plan, "B")[0]
    app = SleepPlanApp(home=home, now=at(night, 18), zone="Europe/Berlin")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tonight, _ = export_data(app.workspace, "ics")
        daily, _ = export_data(app.workspace, "ics-daily")
    envelope = plan.tonight(night).envelope  # type: ignore[union-attr]
    summaries = [str(e["summary"]) for e in Calendar.from_ical(tonight).walk("VEVENT")]
    assert f"Melatonin: envelope {envelope}" in summaries
    assert not any("Melatonin" in s and "mg" in s for s in summaries)
    events = list(Calendar.from_ical(daily).walk("VEVENT"))
    repeating = next(e for e in events if str(e["summary"]) == "Take Melatonin 0.5 mg")
    exdate: Any = repeating["exdate"]
    assert {d.dt.date() for d in exdate.dts} == {i.night for i in plan.schedule if i.night >= night}
    assert f"Melatonin: envelope {envelope}" in [str(e["summary"]) for e in events]


async def _report_from_palette(home: Path, now: dt.datetime) -> tuple[str, list[str], str]:
    """Ask the palette for the experiment's report: what it shows, the toasts, then History's
    line about the experiment."""
    from sleepplan.tui.screens.experiment_wizard import ExperimentReportScreen

    app = SleepPlanApp(home=home, now=now, zone="Europe/Berlin")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Experiment report", "enter")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        shown = screen_text(app) if isinstance(app.screen, ExperimentReportScreen) else ""
        toasts = [str(n.message) for n in app._notifications]
        await pilot.press("escape", "h")
        await settle(pilot)
        history = str(app.screen.query_one("#experiments").render())
    return shown, toasts, history


async def test_the_report_opens_in_the_app_only_once_the_experiment_is_complete(
    home: Path,
) -> None:
    register(home, "--blind")
    plan = full_plan(home)
    shown, toasts, history = await _report_from_palette(home, at(plan.first_night, 18))
    assert shown == "" and any("Results stay hidden" in toast for toast in toasts)
    assert "Experiment report" not in history
    done = at(plan.last_night + dt.timedelta(days=1), 9)
    shown, _, history = await _report_from_palette(home, done)
    assert f"'Experiment report: {plan.id}' shows it whole" in history
    assert "## Envelope key" in shown and "envelope   1: arm" in shown
    assert "# Self-experiment: Melatonin" in shown and plan.sha256 in shown
