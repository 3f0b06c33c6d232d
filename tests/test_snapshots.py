"""Snapshot tests: one view per area at 80×24 and 120×40 (pytest-textual-snapshot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from sleepplan.tui.app import SleepPlanApp
from tests.tui_helpers import NOW, make_app, settle

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize(
    "key", ["t", "m", "h", "k", "p"], ids=["tonight", "checkin", "history", "catalog", "profiles"]
)
def test_area_snapshot(snap_compare: Any, tmp_path: Path, key: str, size: tuple[int, int]) -> None:
    # A fixed home path keeps any path the app shows identical between runs.
    app = make_app(tmp_path / "home")

    async def open_area(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_area)


DANGER_PROFILE = """\
schema_version = 1
name = "anna"
timezone = "Europe/Berlin"
medications = ["Zoloft"]

[[routines]]
name = "calm"

[[routines.doses]]
compound = "5-htp"
amount_mg = 100
"""


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", ["welcome", "settings", "routines", "danger"])
def test_screen_snapshot(
    snap_compare: Any, tmp_path: Path, screen: str, size: tuple[int, int]
) -> None:
    """The first run, the settings, the routine manager, and Tonight with a danger."""
    home = tmp_path / "home"
    if screen == "welcome":
        app = SleepPlanApp(home=home, now=NOW, zone="Europe/Berlin", welcome=True)
    else:
        if screen == "danger":
            (home / "profiles").mkdir(parents=True, mode=0o700)
            (home / "profiles" / "anna.toml").write_text(DANGER_PROFILE)
        app = make_app(home)
    keys = {"settings": ("comma",), "routines": ("R",)}.get(screen, ())

    async def open_screen(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_screen)
