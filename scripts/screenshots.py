"""Write the README's screenshots: ``python scripts/screenshots.py [OUT [WIDTH HEIGHT]]``.

Tonight and the Catalog for the example profile, as ``OUT/tonight.svg`` and ``OUT/catalog.svg``
(default ``docs``, 100×30), the clock fixed so the pictures only change when the app does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
from pathlib import Path

from sleepplan.tui.app import SleepPlanApp

NOW = dt.datetime.fromisoformat("2026-11-23T18:30:00+01:00")


async def shoot(out: Path, width: int, height: int) -> None:
    """Save Tonight and the Catalog for the example profile at one size."""
    with tempfile.TemporaryDirectory() as home:
        app = SleepPlanApp(home=home, now=NOW, zone="Europe/Berlin")  # type: ignore[arg-type]
        async with app.run_test(size=(width, height)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            for key, name in (("t", "tonight"), ("k", "catalog")):
                await pilot.press(key)
                await app.workers.wait_for_complete()
                await pilot.pause()
                app.save_screenshot(path=str(out), filename=f"{name}.svg")


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
