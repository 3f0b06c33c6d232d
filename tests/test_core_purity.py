"""The domain never imports Textual (design §1), proven in a fresh interpreter per module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import sleepplan.core
from sleepplan.tui.areas import AREAS

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


def _loaded(setup: str, modules: tuple[str, ...], *args: str) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded once it has run ``setup``."""
    code = f"import sys\n{setup}\nprint(','.join(m for m in {modules!r} if m in sys.modules))\n"
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [name for name in result.stdout.strip().split(",") if name]


APP = "import sleepplan.tui.app"
TONIGHT = "import sleepplan.tui.app, sleepplan.tui.screens.tonight"
PLAN = (
    "import contextlib, io\n"
    "from sleepplan import cli\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    cli.main(['--home', sys.argv[1], 'plan', '--json'])"
)


@pytest.mark.parametrize(
    ("setup", "unused"),
    [
        (APP, ("plotext", "textual_plotext", "icalendar", "markdown_it")),
        # every area, Tonight too: it loads when the app mounts it
        (APP, tuple(target.partition(":")[0] for target in AREAS.values())),
        (TONIGHT, ("textual.widgets._data_table", "sleepplan.core.insights", "tomllib")),
        (TONIGHT, ("tomli_w", "pydantic", "sleepplan.core.experiment_analysis")),
        # a dialog, an experiment's instruction, a sleep window: loaded when there is one
        (TONIGHT, ("sleepplan.tui.dialogs.confirm", "sleepplan.tui.dialogs.help")),
        (TONIGHT, ("sleepplan.output.report", "sleepplan.core.sleep_window")),
        (PLAN, ("sleepplan.core.checkin", "sleepplan.core.insights", "sleepplan.output.report")),
        (PLAN, ("sleepplan.store.exports", "icalendar", "sleepplan.output.textview", "sqlite3")),
    ],
    ids=[
        "app: charts, exports, markdown",
        "app: the areas",
        "tonight: tables, statistics, TOML",
        "tonight: saving, validation, analysis",
        "tonight: dialogs",
        "tonight: experiments, sleep window",
        "plan: check-ins, insights, reports",
        "plan: exports, text view, the journal without a budget",
    ],
)
def test_a_start_loads_nothing_it_does_not_use(
    setup: str, unused: tuple[str, ...], tmp_path: Path
) -> None:
    assert _loaded(setup, unused, str(tmp_path / "home")) == []


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
    setup = f"{PLAN}\nimport sleepplan.tui.app\nsleepplan.tui.app.SleepPlanApp(home=sys.argv[1])"
    assert _loaded(setup, ("pendulum",), str(tmp_path / "home")) == []
