"""Helpers the in-process benchmarks share: a timing loop and the summary line they print.

Not a benchmark itself; `insights.py`, `keystroke.py` and `save.py` import it (run as
``python benchmarks/NAME.py``, this folder is on ``sys.path``).
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

FIXED_NOW = "2026-11-23T18:00:00+01:00"
"""The clock the benchmarks set through SLEEPPLAN_NOW, as startup.py does."""


def ten_year_home() -> tuple[Path, float]:
    """A fresh temp home with ten years of check-ins (ten_years.py), the clock fixed; seconds."""
    from ten_years import build_home

    os.environ.setdefault("SLEEPPLAN_NOW", FIXED_NOW)
    home = Path(tempfile.mkdtemp()) / "home"
    with contextlib.redirect_stdout(io.StringIO()):  # the import's own report
        seconds = build_home(home)
    return home, seconds


def runs_from_argv(default: int) -> int:
    """``python benchmarks/NAME.py [RUNS]``: the number of timed runs."""
    return int(sys.argv[1]) if len(sys.argv) > 1 else default


def time_calls(call: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    """Seconds taken by each of ``runs`` calls of ``call``, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def time_interleaved(
    calls: dict[str, Callable[[], object]], runs: int, warmup: int = 3
) -> dict[str, list[float]]:
    """Seconds taken by each call, by name: round after round, one call of each per round.

    For figures meant to be compared (a reference beside the thing measured): whatever the
    machine is doing meanwhile falls on all of them alike.
    """
    times: dict[str, list[float]] = {name: [] for name in calls}
    for round_ in range(warmup + runs):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            elapsed = time.perf_counter() - started
            if round_ >= warmup:
                times[name].append(elapsed)
    return times


def summary(name: str, times: list[float], budget_ms: float | None = None) -> str:
    """``name: median 41.2 ms (min 39.0, max 47.1) — 0.41× the 100 ms budget``."""
    median = statistics.median(times) * 1000
    line = (
        f"{name}: median {median:.2f} ms "
        f"(min {min(times) * 1000:.2f}, max {max(times) * 1000:.2f}, {len(times)} runs)"
    )
    if budget_ms is not None:
        line += f" — {median / budget_ms:.2f}× the {budget_ms:g} ms budget"
    return line
