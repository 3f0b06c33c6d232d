"""The night on a time axis: stage band, each dose's concentration curve, wake marked.

Each compound's curve has its own colour, picked to read on the theme's background; the label
in front of it is its legend (a swatch and the name) and what is left at wake follows it, all
in that colour.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from sleepplan.core.chart_colours import hex_colour, series_colours
from sleepplan.core.planner import Plan
from sleepplan.core.timeline import build_timeline
from sleepplan.core.visible import visible
from sleepplan.core.vocabulary import Stage
from sleepplan.output.textview import BAND_LEGEND, axis_line, band_line, curve_rows
from sleepplan.tui.widgets.hypnogram import STAGE_GLYPHS, source_name, stage_slices

if TYPE_CHECKING:
    from sleepplan.core.objective import ObjectiveNight

LABEL_WIDTH = 16
SWATCH = "■"
"""In front of each curve's name, in the curve's colour: the legend of the colours."""
RESIDUAL_WIDTH = 10
BAND_CLASSES: dict[Stage | None, str] = {
    None: "timeline--awake",
    Stage.SLEEP_ONSET: "timeline--onset",
    Stage.SLOW_WAVE: "timeline--deep",
    Stage.MAINTENANCE: "timeline--mid",
    Stage.REM: "timeline--rem",
}
RECORDED_CLASSES = {
    "deep": "timeline--deep",
    "light": "timeline--mid",
    "rem": "timeline--rem",
    "asleep": "timeline--mid",
    "awake": "timeline--awake",
    "unknown": "timeline--axis",
}
"""Last night's recorded stages in the colours of the predicted stages they match."""
RECORDED_LEGEND = "W awake  L light  D deep  R REM"


class TimelineView(Widget):
    """Draws a plan's night in terminal cells, as wide as it is given."""

    COMPONENT_CLASSES = {
        "timeline--axis",
        "timeline--label",
        *BAND_CLASSES.values(),
    }
    DEFAULT_CSS = """
    TimelineView { height: auto; }
    TimelineView > .timeline--axis { color: $text-muted; }
    TimelineView > .timeline--label { color: $text; }
    TimelineView > .timeline--awake { color: $text-muted; }
    TimelineView > .timeline--onset { color: $text-secondary; }
    TimelineView > .timeline--deep { color: $text-primary; text-style: bold; }
    TimelineView > .timeline--mid { color: $foreground-muted; }
    TimelineView > .timeline--rem { color: $text-success; text-style: bold; }
    """

    plan: reactive[Plan | None] = reactive(None, layout=True)
    """The plan to draw."""
    recorded: reactive[ObjectiveNight | None] = reactive(None, layout=True)
    """Last night as the tracker recorded it: drawn under the predicted stages, by clock time."""

    @property
    def curve_height(self) -> int:
        """Rows per curve: taller curves when the terminal has the room."""
        height = self.app.size.height
        return 3 if height >= 44 else 2 if height >= 36 else 1

    _drawn: tuple[Plan, tuple[object, ...], Text] | None = None
    """The last drawing and what it was drawn from: layout asks for it several times."""

    def render(self) -> Text:
        """The timeline as styled text, sized to the widget."""
        plan = self.plan
        if plan is None or not plan.doses:
            return Text("Add a compound to see its curve across the night.", style="italic")
        columns = max(20, self.size.width - LABEL_WIDTH - RESIDUAL_WIDTH)
        size = (columns, self.curve_height, self.app.theme, self.recorded)
        drawn = self._drawn
        if drawn is None or drawn[0] is not plan or drawn[1] != size:
            drawn = self._drawn = (plan, size, self._draw(plan, columns))
        return drawn[2]

    def _draw(self, plan: Plan, columns: int) -> Text:
        line = build_timeline(plan, columns)
        style = self.get_component_rich_style
        text = Text(no_wrap=True, overflow="crop")
        # a label, not blank padding: leading spaces of a first line are not kept
        text.append(f"{'time':<{LABEL_WIDTH}}{axis_line(line).rstrip()}\n", style("timeline--axis"))
        text.append(f"{'stages':<{LABEL_WIDTH}}", style("timeline--label"))
        band = band_line(line)
        for stage, glyph in zip(line.band, band, strict=True):
            text.append(glyph, style(BAND_CLASSES[stage]))
        text.append(" ◀ wake\n", style("timeline--axis"))
        recorded = self.recorded
        if recorded is not None:
            self._draw_recorded(text, line.start, line.end, columns, recorded)
        colours = self.curve_colours(plan)
        for row in line.rows:
            if row.levels is None:
                label = visible(row.dose.compound.name)[: LABEL_WIDTH - 1]
                text.append(f"{label:<{LABEL_WIDTH}}", style("timeline--label"))
                text.append("(no sourced kinetics: no curve)\n", style("timeline--axis"))
                continue
            colour = colours[row.dose.compound.id]
            label = f"{SWATCH} {visible(row.dose.compound.name)}"[: LABEL_WIDTH - 1]
            text.append(f"{label:<{LABEL_WIDTH}}", colour)
            rows = curve_rows(row.levels, self.curve_height)
            for number, cells in enumerate(rows):
                if number:
                    text.append(" " * LABEL_WIDTH)
                text.append(cells, colour)
                if number == len(rows) - 1:
                    residual = row.dose.residual_at_wake or 0.0
                    text.append(f" {residual:>4.0%} left", colour)
                text.append("\n")
        text.append(f"{'':<{LABEL_WIDTH}}{BAND_LEGEND}", style("timeline--axis"))
        if recorded is not None:
            source = visible(source_name(recorded.source))  # a journal another tool wrote
            key = f"last night ({source}): {RECORDED_LEGEND}"
            text.append(f"\n{'':<{LABEL_WIDTH}}{key}", style("timeline--axis"))
        return text

    def _draw_recorded(
        self,
        text: Text,
        start: dt.datetime,
        end: dt.datetime,
        columns: int,
        recorded: ObjectiveNight,
    ) -> None:
        """Last night's stages at the same clock times a day earlier, a letter per column."""
        style = self.get_component_rich_style
        day = dt.timedelta(days=1)  # an aware time minus a day keeps its wall-clock time
        stages = stage_slices(recorded.epochs, start - day, end - day, columns)
        text.append(f"{'last night':<{LABEL_WIDTH}}", style("timeline--label"))
        for stage in stages:
            if stage is None:
                text.append(" ")
            else:
                text.append(STAGE_GLYPHS[stage], style(RECORDED_CLASSES[stage]))
        text.append("\n")

    def curve_colours(self, plan: Plan) -> dict[str, Style]:
        """A colour per compound with a curve (in the plan's order), readable on this widget."""
        compounds = [dose.compound.id for dose in plan.doses if dose.curve is not None]
        compounds = list(dict.fromkeys(compounds))
        background = self.background_colors[1].rgb
        colours = series_colours(background, len(compounds))
        return {
            compound: Style(color=hex_colour(colour))
            for compound, colour in zip(compounds, colours, strict=True)
        }
