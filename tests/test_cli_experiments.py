"""Insights and experiments through the command line, a blinded experiment end to end."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

from tests.conftest import run_cli

START = dt.date(2026, 11, 23)


def checkin(
    home: Path,
    tmp_path: Path,
    night: dt.date,
    onset_minutes: int,
    taken: str,
    guess: str | None = None,
    now: str | None = None,
) -> None:
    path = tmp_path / f"{night}.toml"
    lines = [
        f"night = {night}",
        'tried_sleep = "23:00"',
        'final_wake = "07:00"',
        f"sol_min = {onset_minutes}",
        "waso_min = 0",
        "awakenings = 0",
        "kss = 3",
        f"getting_to_sleep = {100 - onset_minutes}",
        f"taken = [{taken}]",
    ]
    if guess:
        lines.append(f'guess = "{guess}"')
    path.write_text("\n".join(lines) + "\n")
    env = {"SLEEPPLAN_NOW": now} if now else None
    result = run_cli("--home", str(home), "checkin", "--from", str(path), env=env)
    assert result.returncode == 0, result.stderr


def test_insights_find_what_helps(home: Path, tmp_path: Path) -> None:
    for index in range(12):
        night = START - dt.timedelta(days=12 - index)
        with_melatonin = index % 2 == 0
        taken = '{ compound = "melatonin", amount_mg = 0.5 }' if with_melatonin else ""
        checkin(home, tmp_path, night, 10 + index % 3 if with_melatonin else 40 + index % 3, taken)
    data = json.loads(run_cli("--home", str(home), "insights", "--json").stdout)
    melatonin = next(c for c in data["compounds"] if c["compound"] == "melatonin")
    assert melatonin["verdict"] == "likely_helps"
    assert melatonin["domain"] == "onset"
    assert (melatonin["nights_with"], melatonin["nights_without"]) == (6, 6)
    assert melatonin["ci95"][0] > 0
    text = run_cli("--home", str(home), "insights").stdout
    assert "likely helps" in text and "Melatonin" in text


def test_blinded_experiment_end_to_end(home: Path, tmp_path: Path) -> None:
    new = run_cli(
        "--home",
        str(home),
        "experiment",
        "new",
        "--compound",
        "melatonin",
        "--dose-b",
        "0.5mg",
        "--primary",
        "onset",
        "--mid",
        "5",
        "--blocks",
        "3",
        "--block-nights",
        "1",
        "--baseline",
        "1",
        "--blind",
        "--seed",
        "11",
        "--hypothesis",
        "it helps me fall asleep",
    )
    assert new.returncode == 0, new.stderr
    assert "ENVELOPE KEY" in new.stdout and "envelope   6" in new.stdout
    key = {}
    for line in new.stdout.splitlines():
        if line.strip().startswith("envelope"):
            number = int(line.split()[1].rstrip(":"))
            key[number] = line.split("arm ")[1][0]
    hidden = run_cli("--home", str(home), "experiment", "report")
    assert hidden.returncode == 2 and "hidden until the plan completes" in hidden.stderr
    nights = [START + dt.timedelta(days=i) for i in range(7)]  # 1 baseline + 6 active
    for index, night in enumerate(nights):
        arm = None if index == 0 else key[index]
        dose = '{ compound = "melatonin", amount_mg = 0.5 }' if arm == "B" else ""
        onset = 15 if arm == "B" else 30
        checkin(home, tmp_path, night, onset, dose, guess=arm)
    status = run_cli("--home", str(home), "experiment", "status")
    assert "Nights recorded 7 of 7" in status.stdout and "intact" in status.stdout
    done = "2026-12-01T09:00:00+01:00"
    report = run_cli("--home", str(home), "experiment", "report", env={"SLEEPPLAN_NOW": done})
    assert report.returncode == 0, report.stderr
    text = report.stdout
    assert "# Self-experiment: Melatonin" in text
    assert "Mean difference: **+" in text
    assert "Blinding check: you guessed right on 6 of 6 nights" in text
    assert "(intact)" in text

    def report_to(out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
        return run_cli(
            "--home",
            str(home),
            *("experiment", "report", "--out", str(out), *flags),
            env={"SLEEPPLAN_NOW": done},
        )

    journal = home / "journal.sqlite3"
    before = journal.read_bytes()
    onto = report_to(journal)
    assert onto.returncode == 2 and "inside (or links into) sleepplan's home" in onto.stderr
    assert journal.read_bytes() == before
    elsewhere = tmp_path / "report.md"
    elsewhere.write_text("mine")
    assert report_to(elsewhere).returncode == 2 and elsewhere.read_text() == "mine"
    assert report_to(elsewhere, "--force").returncode == 0
    assert elsewhere.read_text() == text.rstrip("\n") + "\n"


def test_cycling_budget_reads_past_nights_from_the_journal(home: Path, tmp_path: Path) -> None:
    dose = '{ compound = "phenibut", amount_mg = 250 }'
    for days_ago in (1, 3):
        checkin(home, tmp_path, START - dt.timedelta(days=days_ago), 20, dose)
    profile = tmp_path / "phenibut.toml"
    profile.write_text(
        'name = "example"\n[[routines]]\nname = "r"\n[[routines.doses]]\n'
        'compound = "phenibut"\namount_mg = 250\n'
    )
    plan = run_cli(
        "--home", str(home), "--profile", str(profile), "plan", "--night", str(START), "--json"
    )
    codes = {w["code"]: w for w in json.loads(plan.stdout)["warnings"]}
    assert "cycling_budget" in codes
    assert "3 nights in 7 days" in codes["cycling_budget"]["message"]
    assert codes["cycling_budget"]["sources"]
    check = run_cli("--home", str(home), "check", "phenibut", "--json")
    assert "cycling_budget" in {w["code"] for w in json.loads(check.stdout)["warnings"]}
    fresh = run_cli("--home", str(tmp_path / "empty"), "check", "phenibut", "--json")
    assert "cycling_budget" not in {w["code"] for w in json.loads(fresh.stdout)["warnings"]}
