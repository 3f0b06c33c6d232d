"""Shared fixtures: a temp home, the bundled catalog, a fixed clock; nothing reads the real home."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sleepplan.core.catalog import Catalog
from sleepplan.store.bundled import bundled_catalog
from tests.offline import block_network

FIXED_NOW = "2026-11-23T18:30:00+01:00"
ROOT = Path(__file__).parents[1]


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


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    """The whole suite runs with internet sockets disabled (subprocesses: tests.offline)."""
    saved = (socket.socket, socket.create_connection, socket.getaddrinfo)
    block_network()
    yield
    socket.socket, socket.create_connection, socket.getaddrinfo = saved  # type: ignore[misc]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run sleepplan's command line in a subprocess, offline, with the test environment."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tests.offline", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
    )
