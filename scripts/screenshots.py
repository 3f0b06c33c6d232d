"""Write the README's screenshots: ``python scripts/screenshots.py [OUT [WIDTH HEIGHT]]``.

For the example profile (default ``OUT`` is ``docs``, 100×30), the clock fixed so the pictures
only change when the app does: the first-run setup (``welcome.svg``), Tonight, the Catalog, the
profile's settings, the routine manager; Tonight for a profile whose medications include
Zoloft beside a 5-HTP dose (``danger.svg``); and, for six weeks of made-up check-ins, History,
the month calendar, one night opened, the experiment wizard, and Tonight on a night of a
blinded melatonin experiment (``experiment.svg``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from textual.pilot import Pilot

from sleepplan.core.checkin import CheckinAnswers, TakenDose, checkin_record, evaluate
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home
from sleepplan.tui.app import SleepPlanApp

NOW = dt.datetime.fromisoformat("2026-11-23T18:30:00+01:00")
DANGER_PROFILE = """\
schema_version = 1
name = "anna"
timezone = "Europe/Berlin"
bedtime = "23:00"
wake = "07:00"
medications = ["Zoloft"]
default_routine = "calm"

[[routines]]
name = "calm"

[[routines.doses]]
compound = "magnesium-glycinate"
amount_mg = 200

[[routines.doses]]
compound = "5-htp"
amount_mg = 100
"""


def seed_nights(home: Path, nights: int = 42) -> None:
    """Six weeks of varied, made-up check-ins (melatonin on most nights, a few missed)."""
    ensure_home(home)
    draw = random.Random(20261123)
    last = NOW.date() - dt.timedelta(days=1)
    with Journal(home / "journal.sqlite3") as journal:
        for back in range(nights, 0, -1):
            night = last - dt.timedelta(days=back - 1)
            if draw.random() < 0.08:
                continue  # a missed morning
            melatonin = draw.random() < 0.6
            taken = (
                (TakenDose(compound="melatonin", amount_mg=0.5, at="22:00"),) if melatonin else ()
            )
            answers = CheckinAnswers(
                night=night,
                in_bed="23:00",
                tried_sleep="23:05",
                sol_min=draw.randint(8, 25) if melatonin else draw.randint(15, 45),
                awakenings=(awakenings := draw.randint(0, 3)),
                waso_min=draw.randint(5, 40) if awakenings else 0,
                final_wake="07:00",
                out_of_bed="07:15",
                quality=draw.randint(2, 5),
                kss=draw.randint(2, 6),
                getting_to_sleep=draw.choice((40, 50, 60, 70)),
                confounders=("alcohol",) if draw.random() < 0.1 else (),
                taken=taken,
            )
            record = checkin_record(evaluate(answers, "Europe/Berlin"))
            journal.save("example", record, f"{night + dt.timedelta(days=1)}T07:30:00+01:00")


def register_experiment(home: Path) -> None:
    """A blinded melatonin experiment whose first block starts tonight (as the CLI registers it)."""
    subprocess.run(
        [sys.executable, "-m", "sleepplan", "--home", str(home), "experiment", "new"]
        + ["--compound", "melatonin", "--dose-b", "0.5mg", "--primary", "onset", "--mid", "5"]
        + ["--baseline", "0", "--blocks", "4", "--block-nights", "2", "--blind", "--seed", "11"]
        + ["--key-file", str(home.parent / "key.txt")],  # an export never goes into the home
        check=True,
        capture_output=True,
        env={**os.environ, "SLEEPPLAN_NOW": NOW.isoformat()},
    )


async def settled(app: SleepPlanApp, pilot: Pilot[None]) -> None:
    """Wait until every worker is done and the screen is drawn."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def shoot(out: Path, width: int, height: int) -> None:
    """Save every screenshot at one size."""
    size = (width, height)
    with tempfile.TemporaryDirectory() as home:
        app = SleepPlanApp(home=Path(home), now=NOW, zone="Europe/Berlin", welcome=True)
        async with app.run_test(size=size) as pilot:
            await settled(app, pilot)
            app.save_screenshot(path=str(out), filename="welcome.svg")
            await pilot.press("escape")
            await settled(app, pilot)
            for keys, name, back in (
                (("t",), "tonight", ()),
                (("k",), "catalog", ("t",)),
                (("comma",), "settings", ("escape",)),
                (("R",), "routines", ("escape",)),
            ):
                await pilot.press(*keys)
                await settled(app, pilot)
                app.save_screenshot(path=str(out), filename=f"{name}.svg")
                await pilot.press(*back)
                await settled(app, pilot)
    with tempfile.TemporaryDirectory() as home:
        folder = Path(home) / "profiles"
        folder.mkdir(mode=0o700)
        (folder / "anna.toml").write_text(DANGER_PROFILE)
        (folder / "anna.toml").chmod(0o600)
        app = SleepPlanApp(home=Path(home), now=NOW, zone="Europe/Berlin")
        async with app.run_test(size=size) as pilot:
            await settled(app, pilot)
            app.save_screenshot(path=str(out), filename="danger.svg")
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        seed_nights(home)
        app = SleepPlanApp(home=home, now=NOW, zone="Europe/Berlin")
        async with app.run_test(size=size) as pilot:
            await settled(app, pilot)
            await pilot.press("h")
            await settled(app, pilot)
            app.save_screenshot(path=str(out), filename="history.svg")
            for keys, name in ((("c",), "calendar"), (("enter",), "night")):
                await pilot.press(*keys)
                await settled(app, pilot)
                app.save_screenshot(path=str(out), filename=f"{name}.svg")
            await pilot.press("escape", "escape")
            await settled(app, pilot)
            await pilot.press("e")
            await settled(app, pilot)
            app.save_screenshot(path=str(out), filename="wizard.svg")
        register_experiment(home)
        app = SleepPlanApp(home=home, now=NOW, zone="Europe/Berlin")
        async with app.run_test(size=size) as pilot:
            await settled(app, pilot)
            app.save_screenshot(path=str(out), filename="experiment.svg")


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    target.mkdir(parents=True, exist_ok=True)
    asyncio.run(
        shoot(
            target,
            int(sys.argv[2]) if len(sys.argv) > 2 else 100,
            int(sys.argv[3]) if len(sys.argv) > 3 else 30,
        )
    )
