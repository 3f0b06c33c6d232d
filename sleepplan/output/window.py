"""``sleepplan window``: the sleep window as text and as JSON (the rules are in core)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sleepplan.core.sleep_window import (
    CONTRAINDICATIONS,
    SLEEPINESS_CHECK,
    SLEEPINESS_SOURCE,
    WeekStep,
    summary_line,
)

OPT_IN = (
    "The sleep window is off. To opt in, add to your profile (or use the app's palette: "
    "'Sleep window'):\n"
    "  [sleep_window]\n  enabled = true\n  start = YYYY-MM-DD   # the first night of the window"
)


def window_json(enabled: bool, steps: tuple[WeekStep, ...]) -> dict[str, Any]:
    """The current week's window and every week's step."""
    current = steps[-1] if steps else None
    return {
        "enabled": enabled,
        "se_7d": current.se_pct if current else None,
        "in_bed_min": current.in_bed_min if current else None,
        "bedtime": current.bedtime.strftime("%H:%M") if current else None,
        "wake": current.wake.strftime("%H:%M") if current else None,
        "reason": current.reason if current else None,
        "steps": [
            {
                "week": s.week,
                "first_night": s.first_night.isoformat(),
                "in_bed_min": s.in_bed_min,
                "bedtime": s.bedtime.strftime("%H:%M"),
                "wake": s.wake.strftime("%H:%M"),
                "se_pct": s.se_pct,
                "change_min": s.change_min,
                "decision": s.decision,
                "reason": s.reason,
            }
            for s in steps
        ],
    }


def window_text(enabled: bool, steps: tuple[WeekStep, ...], start: dt.date | None) -> str:
    """The window and this week's reason, every week, who should not use it and why (sourced)."""
    lines: list[str] = []
    if not enabled:
        lines.append(OPT_IN)
    elif not steps:
        lines.append(f"The sleep window starts on the night of {start}.")
    else:
        lines.append(summary_line(steps[-1]))
        lines.append("Week by week:")
        lines.extend(
            f"  week {s.week} from {s.first_night}: {s.bedtime:%H:%M}–{s.wake:%H:%M} "
            f"({s.in_bed_min // 60} h {s.in_bed_min % 60:02d}) — {s.reason}"
            for s in steps
        )
    lines.append("Do not restrict your time in bed without a clinician if you have any of these:")
    for item in CONTRAINDICATIONS:
        lines.append(f"  - {item.who}: {item.why}")
        lines.append(f"    Source: {item.source}")
    lines.append(SLEEPINESS_CHECK)
    lines.append(f"    Source: {SLEEPINESS_SOURCE}")
    lines.append("Not medical advice. docs/sleep-window.md says what each source supports.")
    return "\n".join(lines)
