"""The night's timeline as text lines: hour ticks, the stage band, one level curve per dose.

Drawn for ``sleepplan plan`` and by the app's timeline widget alike, so both read the same.
"""

from __future__ import annotations

from sleepplan.core import timing
from sleepplan.core.timeline import Timeline
from sleepplan.core.visible import visible
from sleepplan.core.vocabulary import Stage

LEVEL_GLYPHS = " ▁▂▃▄▅▆▇█"
BAND_GLYPHS: dict[Stage | None, str] = {
    None: "·",
    Stage.SLEEP_ONSET: "o",
    Stage.SLOW_WAVE: "D",
    Stage.MAINTENANCE: "m",
    Stage.REM: "R",
}


BAND_LEGEND = "· awake  o falling asleep  D deep (slow-wave)  m mid-night  R REM-rich"


def _pct(value: float | None) -> str:
    return "  –" if value is None else f"{value:4.0%}".strip().rjust(4)


def axis_line(timeline: Timeline) -> str:
    """Hour ticks (``|23``) at their columns, where they fit."""
    axis = [" "] * timeline.columns
    hour = timing.shift(timeline.start.replace(minute=0, second=0, microsecond=0), hours=1)
    while timing.utc(hour) < timing.utc(timeline.end):
        column = timeline.column_of(hour)
        text = f"|{hour:%H}"
        if all(cell == " " for cell in axis[column : column + len(text) + 1]):
            for offset, char in enumerate(text):
                if column + offset < timeline.columns:
                    axis[column + offset] = char
        hour = timing.shift(hour, hours=1)
    return "".join(axis)


def band_line(timeline: Timeline) -> str:
    """One letter per column for the stage the night is in (meaning never by colour alone)."""
    return "".join(BAND_GLYPHS[stage] for stage in timeline.band)


def curve_line(levels: tuple[float, ...]) -> str:
    """Block glyphs for relative concentrations."""
    return curve_rows(levels, 1)[0]


def curve_rows(levels: tuple[float, ...], height: int) -> list[str]:
    """A curve ``height`` rows tall, top row first, in eighths of a cell."""
    rows = []
    for row in range(height):
        floor = (height - 1 - row) * 8
        rows.append(
            "".join(
                LEVEL_GLYPHS[max(0, min(8, round(level * height * 8) - floor))] for level in levels
            )
        )
    return rows


def timeline_text(timeline: Timeline) -> list[str]:
    """The night on a time axis: hour ticks, the stage band, one curve per dose."""
    label_width = 18
    pad = " " * label_width
    lines = [
        f"TIMELINE {timeline.start:%H:%M} → wake {timeline.end:%H:%M}",
        pad + axis_line(timeline).rstrip(),
        f"{'stages':<{label_width}}{band_line(timeline)}",
    ]
    for row in timeline.rows:
        label = visible(row.dose.compound.name)[: label_width - 2]
        if row.levels is None:
            lines.append(f"{label:<{label_width}}(no sourced kinetics)")
            continue
        lines.append(
            f"{label:<{label_width}}{curve_line(row.levels)} {_pct(row.dose.residual_at_wake)}"
        )
    lines.append(f"{pad}{BAND_LEGEND}")
    lines.append(f"{pad}▁…█ each dose's level against its own peak · % = left at wake")
    return lines
