"""Write the README's screenshots: ``python scripts/screenshots.py [OUT [WIDTH HEIGHT]]``.

For the example profile (default ``OUT`` is ``docs``, 100×30), the clock fixed so the pictures
only change when the app does: the first-run setup (``welcome.svg``), Tonight, the Catalog, the
profile's settings, the routine manager; and Tonight for a profile whose medications include
Zoloft beside a 5-HTP dose (``danger.svg``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
from pathlib import Path

from textual.pilot import Pilot

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
