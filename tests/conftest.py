"""Shared fixtures: a temp home, the bundled catalog, a fixed clock; nothing reads the real home."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sleepplan.core.catalog import Catalog
from sleepplan.store.bundled import bundled_catalog

FIXED_NOW = "2026-11-23T18:30:00+01:00"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point every test at a temp home and a fixed clock, never the user's."""
    monkeypatch.setenv("SLEEPPLAN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SLEEPPLAN_NOW", FIXED_NOW)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("TZ", "Europe/Berlin")  # the "system zone" of subprocesses
    yield


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return bundled_catalog()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sleepplan`` in a subprocess with the test environment."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sleepplan", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
    )
