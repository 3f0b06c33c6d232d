"""Cold start of the app to Tonight with its plan, and `sleepplan plan --json`, against a
minimal Textual app (Header, Static, Footer) timed in the same run.

``python benchmarks/startup.py [RUNS]``: builds a home with ten years of check-ins (through the
real import path, benchmarks/ten_years.py), then runs five programs interleaved, RUNS times
each — the minimal app, Textual alone drawing Tonight's widgets with the app's stylesheet, the
app started as ``sleepplan`` starts it, ``plan --json``, and the minimal app run whole — and
prints medians, min–max, peak memory and the ratios with the design's budgets.

An app is timed from starting its process to the first frame from which the terminal shows the
screen the app settles on: every frame Textual sends out is kept, and once the screen is
complete (Tonight with its plan; the minimal app with its footer's keys, which Textual's footer
adds a refresh or more after the screen first appears) and no frame has gone out for 0.3 s,
they are replayed onto a blank 80×24 terminal. That is the start a user waits for, the same
strict measure for every app, and the budget's measure; peak memory is taken at that point.
``plan --json`` is a command, timed to its exit, against the minimal app's wall time: started,
shown and quit. The first, untimed run of each fills the home's cache of validated files, as
any earlier day's use would have.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

SHOWN = """
import resource, sys, time

NOTE = sys.argv[-1]
QUIET_S = 0.3
GIVE_UP_S = 10.0

def time_the_final_screen(is_complete):
    \"\"\"Note when the screen the app settles on first went out whole, and quit.

    Every frame Textual sends out (``App._display``, as benchmarks/keystroke.py hooks it) is
    kept as it is. Once the screen is complete (``is_complete(app)``) and no frame has gone out
    for QUIET_S, the frames are replayed onto a blank terminal, and the time of the first frame
    from which the terminal shows the final screen is noted, with the peak memory up to then.
    Textual is imported here, so that a program can set itself up first.
    \"\"\"
    from textual.app import App

    display = App._display
    started = time.time()
    frames = []

    def displayed(app, screen, renderable):
        display(app, screen, renderable)
        if renderable is None or app._batch_count:
            return  # nothing goes out
        if not frames:
            app.set_interval(QUIET_S / 6, lambda: check(app))
        frames.append((time.time(), renderable))

    def check(app):
        now = time.time()
        if now - started > GIVE_UP_S:
            app.exit()  # no note: the benchmark reports the program as failed
        elif now - frames[-1][0] >= QUIET_S and is_complete(app):
            memory_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            with open(NOTE, "w") as note:
                note.write(f"{final_screen_from(app, frames)!r} {memory_kib}")
            app.exit()

    App._display = displayed

def final_screen_from(app, frames):
    \"\"\"When the first frame went out from which the terminal shows the final screen.\"\"\"
    from rich.segment import ControlType

    console, options = app.console, app.console.options.update(width=app.size.width)
    cells, screens = {}, []
    for when, update in frames:
        x = y = 0
        for segment in console.render(update, options):
            if segment.control:
                for control in segment.control:
                    if control[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = control[1], control[2]
                continue
            for character in segment.text.replace("\\n", ""):
                cells[x, y] = (character, segment.style)
                x += 1
        screens.append((when, dict(cells)))
    first = len(screens) - 1
    while first and screens[first - 1][1] == screens[-1][1]:
        first -= 1
    return screens[first][0]

def footer_keys_shown(app):
    \"\"\"Textual's footer adds its keys (a widget each) a refresh or more after the screen.\"\"\"
    return bool(app.screen.query("FooterKey"))
"""
"""Every program's first lines: how it notes when its final screen first went out whole."""

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()
"""
"""The reference: a minimal Textual app."""

MINIMAL = (
    SHOWN
    + "time_the_final_screen(footer_keys_shown)"
    + MINIMAL_APP
    + "\nMinimal().run(headless=True)\n"
)

MINIMAL_WHOLE = (
    MINIMAL_APP
    + """
    def on_mount(self):
        self.call_after_refresh(self.quit_once_its_keys_are_shown)

    def quit_once_its_keys_are_shown(self):
        if self.query("FooterKey"):  # Textual's footer adds them a refresh or more after
            self.call_after_refresh(self.exit)
        else:
            self.call_after_refresh(self.quit_once_its_keys_are_shown)

Minimal().run(headless=True)
"""
)
"""The minimal app run whole (started, shown, quit): ``plan --json``'s reference, wall time."""

TONIGHT_WIDGETS = (
    SHOWN
    + """
time_the_final_screen(footer_keys_shown)
from textual.app import App
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static

ROW = "22:00  Melatonin                   0.5 mg   -60 min  22:42 ✓  0%"

class TonightWidgets(App):
    CSS_PATH = sys.argv[1]
    BINDINGS = [Binding(key, f"notify({key!r})", key) for key in "tmhkparq"]  # a key each

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

TonightWidgets().run(headless=True)
"""
)
"""Textual alone drawing the widgets Tonight is made of, with the app's stylesheet: the floor."""

SLEEPPLAN = (
    SHOWN
    + """
import gc
gc.disable()  # as `sleepplan` starts (sleepplan.start.run), before anything else is imported

def tonight_with_its_plan(app):
    \"\"\"Tonight lists its doses (the plan: times, timeline and warnings come with them).\"\"\"
    doses = app.screen.query("#doses")
    return bool(doses) and doses.first().option_count > 0

time_the_final_screen(tonight_with_its_plan)
from sleepplan.tui.app import SleepPlanApp  # what the command's `cmd_tui` imports

first_run = SleepPlanApp.run
SleepPlanApp.run = lambda self, **options: first_run(self, headless=True, **options)

from sleepplan.start import run  # the `sleepplan` command itself: arguments, home, app
sys.argv = ["sleepplan", "--home", sys.argv[1]]
run()
"""
)


NAMES = [
    "minimal Textual app",
    "Textual, Tonight's widgets",
    "sleepplan to Tonight",
    "sleepplan plan --json",
    "minimal app, run whole",
]


class Run(NamedTuple):
    """One run of a program."""

    shown: float
    """Seconds from starting the process to its final screen first shown whole (a command: its
    exit, when its output is whole)."""
    memory: float
    """Peak resident MiB (an app: up to its final screen)."""


def run_once(command: list[str], env: dict[str, str], note: Path | None) -> Run:
    """Run ``command``; an app writes to ``note`` when its final screen went out, and its memory."""
    note_args = [str(note)] if note else []
    if note:
        note.unlink(missing_ok=True)
    started = time.time()
    process = subprocess.Popen(
        [*command, *note_args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    whole = time.time() - started
    if status != 0 or (note and not note.exists()):
        detail = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"{command} failed: {detail}")
    if note is None:
        return Run(whole, usage.ru_maxrss / 1024)
    shown, memory_kib = note.read_text().split()
    return Run(float(shown) - started, int(memory_kib) / 1024)


def milliseconds(values: list[float]) -> str:
    return (
        f"{statistics.median(values) * 1000:6.1f} ms "
        f"({min(values) * 1000:5.1f}–{max(values) * 1000:5.1f})"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    folder = Path(tempfile.mkdtemp())
    home = folder / "home"
    note = folder / "shown"
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
    # the size Textual's headless driver assumes (80×24), so Rich's console agrees with it
    env = dict(os.environ, COLUMNS="80", LINES="24")
    # An installed sleepplan has bytecode (pip compiles it); a checkout may not have any yet.
    package = Path(__file__).parents[1] / "sleepplan"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    stylesheet = str(package / "tui" / "app.tcss")
    plan_json = [sys.executable, "-m", "sleepplan", "--home", str(home), "plan", "--json"]
    programs: dict[str, tuple[list[str], Path | None]] = {
        NAMES[0]: ([sys.executable, "-c", MINIMAL], note),
        NAMES[1]: ([sys.executable, "-c", TONIGHT_WIDGETS, stylesheet], note),
        NAMES[2]: ([sys.executable, "-c", SLEEPPLAN, str(home)], note),
        NAMES[3]: (plan_json, None),  # a command: its output is whole when it exits
        NAMES[4]: ([sys.executable, "-c", MINIMAL_WHOLE], None),
    }
    results: dict[str, list[Run]] = {name: [] for name in programs}
    for command, where in programs.values():  # warm the file cache (and sleepplan's own) once
        run_once(command, env, where)
    for _ in range(runs):  # interleaved, so the machine's drift affects all alike
        for name, (command, where) in programs.items():
            results[name].append(run_once(command, env, where))
    print(f"{'':28} {'to its final screen':>27}   peak memory")
    for name, done in results.items():
        print(
            f"{name:<28} {milliseconds([r.shown for r in done])}   "
            f"{statistics.median(r.memory for r in done):5.1f} MiB"
        )

    def ratio(
        name: str, field: str, pick: Callable[[list[float]], float], reference: str = NAMES[0]
    ) -> float:
        mine = pick([getattr(r, field) for r in results[name]])
        return mine / pick([getattr(r, field) for r in results[reference]])

    median = statistics.median
    print(
        f"Textual's own floor for Tonight's widgets: {ratio(NAMES[1], 'shown', median):.2f}× "
        f"time, {ratio(NAMES[1], 'memory', median):.2f}× memory"
    )
    print(
        f"cold start to Tonight   {ratio(NAMES[2], 'shown', median):.2f}× (budget ≤ 1.25×); "
        f"fastest runs {ratio(NAMES[2], 'shown', min):.2f}×"
    )
    print(f"peak memory             {ratio(NAMES[2], 'memory', median):.2f}× (budget ≤ 1.30×)")
    print(
        f"plan --json             {ratio(NAMES[3], 'shown', median, NAMES[4]):.2f}× "
        f"of the minimal app run whole (budget ≤ 0.35×); "
        f"fastest runs {ratio(NAMES[3], 'shown', min, NAMES[4]):.2f}×"
    )


if __name__ == "__main__":
    main()
