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


def _seed_nights(home: Path) -> None:
    """Two weeks of check-ins with varied answers, one night missed (the 19th)."""
    from sleepplan.store.journal import Journal
    from sleepplan.store.profiles import ensure_home
    from tests.test_past_nights import MISSED, checkin

    ensure_home(home)
    with Journal(home / "journal.sqlite3") as journal:
        for day in range(8, 23):
            night = f"2026-11-{day:02d}"
            if night != MISSED:
                record = checkin(night, quality=1 + day % 5, sol_min=10 + 7 * (day % 4))
                journal.save("example", record, "2026-11-24T07:00:00+01:00")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("view", ["history", "calendar", "night", "wizard"])
def test_nights_snapshot(
    snap_compare: Any, tmp_path: Path, view: str, size: tuple[int, int]
) -> None:
    """History with two weeks of nights, the month calendar, one night opened, the wizard."""
    home = tmp_path / "home"
    _seed_nights(home)
    app = make_app(home)

    async def open_view(pilot: Pilot[None]) -> None:
        from textual.widgets import DataTable

        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        if view == "night":
            table = pilot.app.screen.query_one("#nights", DataTable)
            table.focus()
            table.move_cursor(row=table.get_row_index("2026-11-17"))
            await pilot.press("enter")
        elif view != "history":
            await pilot.press({"calendar": "c", "wizard": "e"}[view])
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_view)
