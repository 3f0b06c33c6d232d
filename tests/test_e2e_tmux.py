"""End to end in a real terminal: tmux runs `sleepplan`, keys go in, the screen is read back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sleepplan.store.profiles import load_profile
from tests.conftest import FIXED_NOW, ROOT


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[list[str]]:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required in CI (.ci/run installs it)")
        pytest.skip("tmux is not installed")
    command = ["tmux", "-L", f"sleepplan-test-{os.getpid()}-{tmp_path.name}"]
    yield command
    subprocess.run([*command, "kill-server"], capture_output=True)


def _start(tmux: list[str], home: Path) -> None:
    app = (
        f"cd {ROOT} && env SLEEPPLAN_NOW={FIXED_NOW} TERM=xterm-256color "
        f"{sys.executable} -m tests.offline --home {home}"
    )
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "app", "-x", "100", "-y", "30", app], check=True
    )


def _screen(tmux: list[str]) -> str:
    result = subprocess.run(
        [*tmux, "capture-pane", "-p", "-t", "app"], capture_output=True, text=True
    )
    return result.stdout


def _wait_until(tmux: list[str], done: Callable[[str], bool], timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(tmux)
        if done(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"the screen never got there; it was:\n{screen}")


def _wait_for(tmux: list[str], text: str, timeout: float = 30) -> str:
    return _wait_until(tmux, lambda screen: text in screen, timeout)


def _keys(tmux: list[str], *keys: str) -> None:
    for key in keys:
        subprocess.run([*tmux, "send-keys", "-t", "app", key], check=True)
        time.sleep(0.15)


def _wait_exit(tmux: list[str], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = subprocess.run([*tmux, "has-session", "-t", "app"], capture_output=True)
        if alive.returncode != 0:
            return
        time.sleep(0.2)
    raise AssertionError("sleepplan did not quit:\n" + _screen(tmux))


WELCOME = "Welcome to sleepplan"


def _skip_welcome(tmux: list[str]) -> None:
    """On a new home the app opens on the first-run setup: Escape skips it (the example)."""
    _wait_for(tmux, WELCOME)
    _keys(tmux, "Escape")


def test_add_change_bedtime_save_quit_and_reopen(tmux: list[str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    _start(tmux, home)
    _skip_welcome(tmux)
    screen = _wait_for(tmux, "Melatonin")
    assert "SLEEP ONSET" in screen and "Bedtime" in screen
    assert "22:00" in screen  # melatonin, an hour before a 23:00 bedtime

    _keys(tmux, "k")
    _wait_for(tmux, "Any stage")
    _keys(tmux, "/")
    _wait_for(tmux, "Search")
    _keys(tmux, "glycine")
    _wait_until(tmux, lambda screen: "glycine" in screen and "Melatonin" not in screen)
    _keys(tmux, "Enter", "Enter")
    _wait_for(tmux, "Added Glycine")
    _keys(tmux, "t")
    screen = _wait_for(tmux, "unsaved")
    assert "Glycine" in screen

    _keys(tmux, "b")
    _wait_for(tmux, "(HH:MM)")  # the bedtime prompt
    _keys(tmux, "End", "C-u", "23:30", "Enter")
    _wait_for(tmux, "bed 23:30")
    screen = _wait_for(tmux, "22:30")  # melatonin moved with bedtime

    _keys(tmux, "C-s")
    _wait_for(tmux, "Saved")
    _keys(tmux, "C-q")
    _wait_exit(tmux)

    saved = load_profile(home / "profiles" / "example.toml").profile
    assert saved.bedtime.strftime("%H:%M") == "23:30"
    assert "glycine" in [dose.compound for dose in saved.routine().doses]

    _start(tmux, home)
    screen = _wait_for(tmux, "Glycine")
    assert "bed 23:30" in screen
    _keys(tmux, "q")
    _wait_exit(tmux)


def test_first_run_sets_up_a_profile_and_opens_tonight_on_it(
    tmux: list[str], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    _start(tmux, home)
    screen = _wait_for(tmux, WELCOME)
    assert "Europe/Berlin" in screen  # the zone detected (the tests' TZ)
    _keys(tmux, "End", "C-u", "anna", "Enter")  # name
    _keys(tmux, "Enter")  # the zone as detected
    _keys(tmux, "End", "C-u", "22:30", "Enter", "End", "C-u", "06:30", "Enter", "Enter")
    _keys(tmux, "zolo")
    _wait_for(tmux, "sertraline")  # Zoloft offered, with its generic
    _keys(tmux, "Down", "Enter")
    _wait_for(tmux, "checked as SSRI")
    _keys(tmux, "Enter", "Down", "Enter")  # on to the goals: "Deeper sleep"
    screen = _wait_for(tmux, "Glycine")
    assert "anna" in screen and "bed 22:30" in screen and WELCOME not in screen
    _keys(tmux, "q")
    _wait_exit(tmux)

    saved = load_profile(home / "profiles" / "anna.toml").profile
    assert saved.medications == ("Zoloft",)
    assert [dose.compound for dose in saved.routine().doses] == ["glycine", "magnesium-l-threonate"]

    _start(tmux, home)  # their own profile now: no welcome, Tonight on it
    screen = _wait_for(tmux, "Glycine")
    assert "anna" in screen and WELCOME not in screen
    _keys(tmux, "q")
    _wait_exit(tmux)
