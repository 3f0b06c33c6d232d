"""Start the app against a temp home with a fixed clock, and wait for its workers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from sleepplan.core import timing
from sleepplan.tui.app import SleepPlanApp

NOW = dt.datetime(2026, 11, 23, 18, 30, tzinfo=timing.zone("Europe/Berlin"))


def make_app(home: Path, profile: str | None = None) -> SleepPlanApp:
    return SleepPlanApp(home=home, profile=profile, now=NOW, zone="Europe/Berlin")


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and messages be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def answer(pilot: Pilot[None], text: str) -> None:
    """Replace the open prompt's text with ``text`` and submit it."""
    await pilot.pause()
    pilot.app.screen.query_one("#answer", Input).value = ""
    await pilot.press(*text, "enter")
    await settle(pilot)
