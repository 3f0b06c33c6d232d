"""Snapshot tests: one view per area at 80×24 and 120×40 (pytest-textual-snapshot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui_helpers import make_app, settle

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
