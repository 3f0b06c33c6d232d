"""Start the app against a temp home with a fixed clock, and wait for its workers."""

from __future__ import annotations

from pathlib import Path

import pendulum
from textual.pilot import Pilot

from sleepplan.tui.app import SleepPlanApp

NOW = pendulum.datetime(2026, 11, 23, 18, 30, tz="Europe/Berlin")


def make_app(home: Path, profile: str | None = None) -> SleepPlanApp:
    return SleepPlanApp(home=home, profile=profile, now=NOW, zone="Europe/Berlin")


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and messages be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
