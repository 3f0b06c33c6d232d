"""Cold start of the app to Tonight with its plan, and `sleepplan plan --json`, against a
minimal Textual app (Header, Static, Footer) timed in the same run.

``python benchmarks/startup.py [RUNS]``: builds a home with ten years of check-ins (through the
real import path, benchmarks/ten_years.py), then runs four programs interleaved, RUNS times
each — the minimal app, Textual alone drawing Tonight's widgets with the app's stylesheet (the
floor no sleepplan code can go under), the app, and ``plan --json`` — and prints medians,
min–max, peak memory (from wait4) and the ratios to the minimal app with the design's budgets.
The first, untimed run of each fills the home's cache of validated files, as any earlier day's
use would have.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.exit)

Minimal().run(headless=True)
"""

TONIGHT_WIDGETS = """
import sys
from textual.app import App
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static

ROW = "22:00  Melatonin                   0.5 mg   -60 min  22:42 ✓  0%"

class TonightWidgets(App):
    CSS_PATH = sys.argv[1]
    BINDINGS = [Binding(key, "bell", key) for key in "tmhkparq"]

    def compose(self):
        yield Header()
        with VerticalScroll():
            yield Static("Bedtime 23:00 (b)   Wake 07:00 (w)   Routine weeknight (r, 1 of 2)")
            yield Static("bed 23:00 · asleep ~23:15 · wake 07:00 · 8 h 00 in bed")
            yield Static("Time   Compound   Amount   vs bed   Peak   At wake")
            yield OptionList("SLEEP ONSET · 22:30–23:45", ROW, ROW, ROW)
            yield Static("Why: 1 h before bedtime")
            yield Static("\\n".join(["time  |23  |00  |01"] + ["stages ooDDDDmmmmRRRR"] * 5))
            yield Static("Warnings (1)")
            yield OptionList("▲ CAUTION one")
            yield Static("scope")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.exit)

TonightWidgets().run(headless=True)
"""
"""Textual alone drawing the widgets Tonight is made of, with the app's stylesheet: the floor."""

SLEEPPLAN = """
import sys
from sleepplan.tui.app import SleepPlanApp

class UntilPlan(SleepPlanApp):
    def bump(self):
        super().bump()
        if self.workspace.profile is not None:  # Tonight has its plan: first paint, then exit
            self.call_after_refresh(self.exit)

UntilPlan(home=sys.argv[1]).run(headless=True)
"""


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one run of ``command``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        detail = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"{command} failed: {detail}")
    return elapsed, usage.ru_maxrss / 1024


def summary(name: str, times: list[float], memory: list[float]) -> str:
    return (
        f"{name:<28} median {statistics.median(times) * 1000:7.1f} ms "
        f"(min {min(times) * 1000:6.1f}, max {max(times) * 1000:6.1f})  "
        f"peak {statistics.median(memory):5.1f} MiB"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    folder = Path(tempfile.mkdtemp())
    home = folder / "home"
    os.environ.setdefault("SLEEPPLAN_NOW", "2026-11-23T18:00:00+01:00")
    # Built in its own process: a child forked from a big parent would report the parent's
    # peak memory as its own (Linux counts ru_maxrss from the fork).
    builder = Path(__file__).with_name("ten_years.py")
    code = (
        f"import sys, pathlib; sys.path.insert(0, {str(builder.parent)!r}); "
        "from ten_years import build_home; "
        f"print(round(build_home(pathlib.Path({str(home)!r})), 1))"
    )
    built = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    print(f"built a home with ten years of check-ins in {built.stdout.split()[-1]} s")
    env = dict(os.environ)
    # An installed sleepplan has bytecode (pip compiles it); a checkout may not have any yet.
    package = Path(__file__).parents[1] / "sleepplan"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    stylesheet = str(package / "tui" / "app.tcss")
    programs = {
        "minimal Textual app": [sys.executable, "-c", MINIMAL],
        "Textual, Tonight's widgets": [sys.executable, "-c", TONIGHT_WIDGETS, stylesheet],
        "sleepplan to Tonight": [sys.executable, "-c", SLEEPPLAN, str(home)],
        "sleepplan plan --json": [
            sys.executable,
            "-m",
            "sleepplan",
            "--home",
            str(home),
            "plan",
            "--json",
        ],
    }
    results: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in programs}
    for command in programs.values():  # warm the file cache (and sleepplan's own) once
        run_once(command, env)
    for _ in range(runs):  # interleaved, so drift affects all three alike
        for name, command in programs.items():
            elapsed, memory = run_once(command, env)
            results[name][0].append(elapsed)
            results[name][1].append(memory)
    for name, (times, memory) in results.items():
        print(summary(name, times, memory))
    base_time = statistics.median(results["minimal Textual app"][0])
    base_memory = statistics.median(results["minimal Textual app"][1])
    app_time = statistics.median(results["sleepplan to Tonight"][0])
    app_memory = statistics.median(results["sleepplan to Tonight"][1])
    cli_time = statistics.median(results["sleepplan plan --json"][0])
    floor_time = statistics.median(results["Textual, Tonight's widgets"][0])
    floor_memory = statistics.median(results["Textual, Tonight's widgets"][1])
    print(
        f"Textual's own floor for Tonight's widgets: {floor_time / base_time:.2f}× time, "
        f"{floor_memory / base_memory:.2f}× memory"
    )
    print(f"cold start ratio   {app_time / base_time:.2f}× (budget ≤ 1.25×)")
    print(f"peak memory ratio  {app_memory / base_memory:.2f}× (budget ≤ 1.30×)")
    print(f"plan --json ratio  {cli_time / base_time:.2f}× (budget ≤ 0.35×)")
    # a busy or throttled machine only ever adds time, so the fastest runs agree best
    fastest = {name: min(times) for name, (times, _) in results.items()}
    print(
        "fastest runs: cold start "
        f"{fastest['sleepplan to Tonight'] / fastest['minimal Textual app']:.2f}×, plan --json "
        f"{fastest['sleepplan plan --json'] / fastest['minimal Textual app']:.2f}×"
    )


if __name__ == "__main__":
    main()
