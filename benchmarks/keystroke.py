"""A keystroke in the morning check-in to an updated score (design §12: ≤ 16 ms).

``python benchmarks/keystroke.py [PRESSES]``: builds a home with ten years of check-ins
(benchmarks/ten_years.py, through the real import path), opens the app headless with Textual's
Pilot at 100×30, switches to the check-in ('m') and presses keys that change the score, PRESSES
in all: quality digits (1–5), sleepiness digits (KSS 1–9), and typing in "minutes to fall
asleep" (the field holding 2, then 25, in turn). Each is timed from the key entering the app
to the first frame the app paints after the score was recomputed — the frame that shows the
new score — and the panel is checked to show it. Keys are pressed one at a time, each once the
app is idle again, as a person types. The app is the one ``sleepplan`` starts, which freezes its
start-up heap a second after the plan is shown; the presses begin after that.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from common import runs_from_argv, summary, ten_year_home
from textual.pilot import Pilot
from textual.widgets import Input

from sleepplan.tui.app import HEAP_SETTLE_DELAY_S, SleepPlanApp
from sleepplan.tui.screens.checkin import CheckinScreen
from sleepplan.tui.widgets.live_text import LiveText

BUDGET_MS = 16
WARMUP = 5
PRESSES = {
    "quality": [(str(q), f"Quality      {100 * (q - 1) / 4:>3.0f}") for q in range(1, 6)],
    "kss": [(str(k), f"Alertness    {100 * (9 - k) / 8:>3.0f}") for k in range(1, 10)],
    "sol_min": [("5", "sol 78"), ("backspace", "sol 100")],  # 25 minutes, then 2
}
"""Per field: the keys pressed in turn, and the line of the score panel each one changes."""


class FrameTimedApp(SleepPlanApp):
    """The app, noting when each frame goes out (headless, Textual renders it all the same)."""

    frames: list[float]

    def _display(self, screen: Any, renderable: Any) -> None:  # Textual's frame output
        super()._display(screen, renderable)
        if renderable is not None:
            self.frames.append(time.perf_counter())


async def settle(pilot: Pilot[None]) -> None:
    """Let the app's workers (profile, journal) finish and their messages be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def time_presses(home: Path, per_field: int) -> dict[str, tuple[list[float], list[float]]]:
    """Per field: seconds from key to the frame with its score, and in the recompute alone."""
    app = FrameTimedApp(home=home, settle_heap=True)
    app.frames = []
    results: dict[str, tuple[list[float], list[float]]] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(HEAP_SETTLE_DELAY_S + 0.2)  # as long as a person takes to look
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        if not isinstance(screen, CheckinScreen):
            raise SystemExit(f"'m' opened {type(screen).__name__}, not the check-in")
        panel = screen.query_one("#checkin-score", LiveText)
        recomputes: list[tuple[float, float]] = []
        original = screen._recompute  # hooked to note when the score was recomputed

        def recompute() -> None:
            started = time.perf_counter()
            original()
            recomputes.append((started, time.perf_counter()))

        screen._recompute = recompute  # type: ignore[method-assign]
        screen.query_one("#sol_min", Input).value = "2"
        for field, presses in PRESSES.items():
            screen.query_one(f"#{field}").focus()
            if field == "sol_min":
                await pilot.press("end")  # focus selects the text; type after it instead
            await settle(pilot)
            totals: list[float] = []
            alone: list[float] = []
            for index in range(WARMUP + per_field):
                key, line = presses[index % len(presses)]  # each press changes the score
                app.frames.clear()
                recomputes.clear()
                pressed = time.perf_counter()
                await pilot.press(key)  # returns once the app is idle again
                if not recomputes:
                    raise SystemExit(f"pressing {key} in {field} did not recompute the score")
                started, done = recomputes[-1]
                frame = next((f for f in app.frames if f >= done), None)
                if frame is None:
                    raise SystemExit(f"no frame showed the score after {key} in {field}")
                shown = "\n".join(panel.render_line(y).text for y in range(panel.size.height))
                if line not in shown:  # what the frame painted, row by row
                    raise SystemExit(f"after {key} in {field} the score panel lacks {line!r}")
                if index >= WARMUP:
                    totals.append(frame - pressed)
                    alone.append(done - started)
            results[field] = (totals, alone)
    return results


def main() -> None:
    presses = runs_from_argv(201)
    home, seconds = ten_year_home()
    print(f"built a home with ten years of check-ins in {seconds:.1f} s")
    results = asyncio.run(time_presses(home, presses // len(PRESSES)))
    every = [t for totals, _ in results.values() for t in totals]
    print(summary("keystroke to updated score", every, BUDGET_MS))
    over = sum(1 for seconds in every if seconds * 1000 > BUDGET_MS)
    print(f"  presses over the {BUDGET_MS} ms budget: {over} of {len(every)}")
    for field, (totals, alone) in results.items():
        print(summary(f"  {field}", totals))
        print(summary("    of which the recompute", alone))


if __name__ == "__main__":
    main()
