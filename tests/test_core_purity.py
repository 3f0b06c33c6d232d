"""The domain never imports Textual (design §1), proven in a fresh interpreter per module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import sleepplan.core

CORE_MODULES = sorted(
    f"sleepplan.core.{info.name}" for info in pkgutil.iter_modules(sleepplan.core.__path__)
)


def test_core_has_the_expected_modules() -> None:
    for name in ("vocabulary", "catalog", "timing", "kinetics", "architecture", "planner"):
        assert f"sleepplan.core.{name}" in CORE_MODULES


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_headless_cli_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from sleepplan import cli\n"
        "cli.main(['--home', sys.argv[1], 'plan', '--json'])\n"
        "print('TEXTUAL' if 'textual' in sys.modules else 'PURE', file=sys.stderr)\n"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [sys.executable, "-c", code, folder], capture_output=True, text=True
        )
    assert result.stderr.strip().endswith("PURE"), result.stderr


def test_starting_the_app_loads_no_charts_exports_or_markdown() -> None:
    code = (
        "import sys, sleepplan.tui.app\n"
        "heavy = ('plotext', 'textual_plotext', 'icalendar', 'markdown_it')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_starting_the_app_loads_only_the_tonight_area() -> None:
    code = (
        "import sys, sleepplan.tui.app\n"
        "from sleepplan.tui.areas import AREAS\n"
        "modules = [target.partition(':')[0] for target in AREAS.values()]\n"
        "print(','.join(m for m in modules if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""  # Tonight itself loads when the app mounts it


def test_tonight_loads_nothing_only_other_areas_or_saving_need() -> None:
    code = (
        "import sys, sleepplan.tui.app, sleepplan.tui.screens.tonight\n"
        "others = ('textual.widgets._data_table', 'sleepplan.core.insights', 'tomllib',\n"
        "          'tomli_w', 'pydantic')\n"
        "print(','.join(m for m in others if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_plan_loads_nothing_only_other_commands_need(tmp_path: Path) -> None:
    code = (
        "import sys, contextlib, io\n"
        "from sleepplan import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['--home', sys.argv[1], 'plan', '--json'])\n"
        "others = ('sleepplan.core.checkin', 'sleepplan.core.insights',\n"
        "          'sleepplan.store.exports', 'sleepplan.output.report', 'icalendar')\n"
        "print(','.join(m for m in others if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    "args",
    [
        ["catalog", "--json"],
        ["check", "melatonin"],
        ["history"],
        ["insights"],
        ["export", "--format", "json"],
    ],
)
def test_cli_commands_do_not_import_textual(args: list[str]) -> None:
    import tempfile

    code = (
        "import sys, contextlib, io\n"
        "from sleepplan import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['--home', sys.argv[1], *sys.argv[2:]])\n"
        "print('TEXTUAL' if 'textual' in sys.modules else 'PURE')\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [sys.executable, "-c", code, folder, *args], capture_output=True, text=True
        )
    assert result.stdout.strip().endswith("PURE"), result.stderr


def test_plan_and_the_app_do_not_import_pendulum(tmp_path: Path) -> None:
    # pendulum costs 20-45 ms at start-up; it is only the last resort for finding the system's
    # zone, and here TZ names it (conftest sets it, as a normal system's /etc/localtime would).
    code = (
        "import sys, contextlib, io\n"
        "from sleepplan import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['--home', sys.argv[1], 'plan', '--json'])\n"
        "import sleepplan.tui.app\n"
        "sleepplan.tui.app.SleepPlanApp(home=sys.argv[1])\n"
        "print('PENDULUM' if 'pendulum' in sys.modules else 'FREE')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "home")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "FREE"
