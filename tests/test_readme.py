"""The README's two set-up commands stay true: CI runs the test one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", setup)


def test_readme_has_exactly_two_setup_commands() -> None:
    run_app, run_tests = _commands()
    assert run_app.endswith("sleepplan")
    assert "[test]" in run_tests and "pytest" in run_tests


def test_ci_runs_the_readmes_test_command() -> None:
    _, run_tests = _commands()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert run_tests in ci


def test_readme_says_not_medical_advice() -> None:
    assert "not medical advice" in (ROOT / "README.md").read_text()
