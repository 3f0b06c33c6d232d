"""History's morning score chart: each night's score as a dot, its 7-night average as a line.

Both are drawn at the same resolution (one glyph per cell, one x position per night), so the
average sits among its dots. The y-axis is fitted to the scores with round ticks, the dates are
spaced for the width, and the colours are picked for the theme's background. Plotext loads
with the chart (History), never at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from sleepplan.core.chart_colours import RGB, hex_colour
from sleepplan.core.chart_scale import score_chart
from sleepplan.core.insights import Night
from sleepplan.tui.widgets.plot_chart import PlotChart

DOT = "•"
AVERAGE = "━"
WINDOW = 7
Y_LABELS_WIDTH = 6
"""Columns the plot spends beside its canvas: the tick labels and the frame."""
FRAME_ROWS = 3
"""Rows the plot spends beside its canvas: the frame and the date labels."""


class ScoreChart(PlotChart):
    """A legend line over a Plotext plot of the morning scores."""

    LEGEND_ID = "score-legend"

    DEFAULT_CSS = """
    ScoreChart { height: 14; background: $surface; }
    ScoreChart > #score-legend { height: 1; padding: 0 1; }
    ScoreChart > PlotextPlot { height: 1fr; }
    """

    def __init__(self, *, limit: int = 365, id: str | None = None) -> None:
        """A chart of at most the last ``limit`` scored mornings."""
        super().__init__(id=id)
        self.limit = limit
        self._scored: list[Night] = []

    def show(self, nights: Sequence[Night]) -> None:
        """Chart the morning scores of ``nights``."""
        self._scored = list(nights)
        self.redraw()

    def colours(self) -> tuple[RGB, RGB]:
        """The dots' colour and the average's, readable on the chart's background."""
        dots, average = self.series_colours(2)
        return dots, average

    def redraw(self) -> None:
        """Draw the chart for the nights shown, the size it has and the current theme."""
        if not self.is_mounted:
            return
        from textual_plotext import PlotextPlot

        plot = self.query_one(PlotextPlot)
        scored = sorted(
            (night.night, score)
            for night in self._scored
            if (score := night.scores.get("morning")) is not None
        )
        width = max(20, plot.size.width - Y_LABELS_WIDTH)
        chart = score_chart(
            scored,
            width=width,
            rows=max(4, plot.size.height - FRAME_ROWS),
            window=WINDOW,
            limit=self.limit,
        )
        dots, average = self.colours()
        self._draw_legend(dots, average, bool(chart.xs))
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.xlim(*chart.x_range)
        plt.ylim(chart.y_axis.low, chart.y_axis.high)
        plt.yticks(list(chart.y_axis.ticks), [f"{tick:.0f}" for tick in chart.y_axis.ticks])
        plt.xticks(list(chart.x_ticks.positions), list(chart.x_ticks.labels))
        if chart.xs:
            xs, averages = list(chart.xs), list(chart.averages)
            # Where a dot and the line share a cell only the last drawn shows: the dot while
            # each night has its own column, the line once nights outnumber the columns.
            crowded = chart.x_range[1] + 1 > width
            if not crowded:
                plt.plot(xs, averages, marker=AVERAGE, color=average)
            plt.scatter(xs, list(chart.scores), marker=DOT, color=dots)
            if crowded:
                plt.plot(xs, averages, marker=AVERAGE, color=average)
        plot.refresh()

    def _draw_legend(self, dots: RGB, average: RGB, any_nights: bool) -> None:
        legend = Text("Morning score", style="bold")
        legend.append("   ")
        if any_nights:
            legend.append(f"{DOT} each morning", style=hex_colour(dots))
            legend.append("   ")
            legend.append(f"{AVERAGE * 2} {WINDOW}-night average", style=hex_colour(average))
        else:
            legend.append("no scored mornings yet", style="italic")
        self.query_one("#score-legend", Static).update(legend)
