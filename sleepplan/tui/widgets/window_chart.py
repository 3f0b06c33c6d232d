"""History's sleep-window chart: time in bed week by week as steps, each week's SE over it.

The numbers come from ``core.chart_scale.window_chart``; the colour is picked for the theme's
background as the score chart's are. Plotext loads with History, never at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from sleepplan.core.chart_colours import RGB, hex_colour
from sleepplan.core.chart_scale import in_bed_label, window_chart
from sleepplan.core.sleep_window import WeekStep
from sleepplan.tui.widgets.plot_chart import PlotChart

STEP = "━"
Y_LABELS_WIDTH = 7
"""Columns the plot spends beside its canvas: the tick labels ("10h30") and the frame."""
FRAME_ROWS = 3


def measured_weeks(steps: Sequence[WeekStep]) -> list[tuple[WeekStep, float | None]]:
    """Each week with the SE its own nights measured (the one that decided the next week)."""
    return [
        (step, steps[index + 1].se_pct if index + 1 < len(steps) else None)
        for index, step in enumerate(steps)
    ]


class WindowChart(PlotChart):
    """A legend line over a Plotext step chart of the sleep window."""

    LEGEND_ID = "window-legend"

    DEFAULT_CSS = """
    WindowChart { height: 12; background: $surface; }
    WindowChart > #window-legend { height: 1; padding: 0 1; }
    WindowChart > PlotextPlot { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._steps: tuple[WeekStep, ...] = ()

    def show(self, steps: tuple[WeekStep, ...]) -> None:
        """Chart these weeks of the window."""
        self._steps = steps
        self.redraw()

    def colour(self) -> RGB:
        """The steps' colour, readable on the chart's background."""
        return self.series_colours(1)[0]

    def redraw(self) -> None:
        """Draw the chart for the weeks shown, the size it has and the current theme."""
        if not self.is_mounted:
            return
        from textual_plotext import PlotextPlot

        plot = self.query_one(PlotextPlot)
        weeks = [(s.first_night, s.in_bed_min, se) for s, se in measured_weeks(self._steps)]
        width = max(20, plot.size.width - Y_LABELS_WIDTH)
        chart = window_chart(weeks, width=width, rows=max(4, plot.size.height - FRAME_ROWS))
        colour = self.colour()
        self._draw_legend(colour)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.xlim(*chart.x_range)
        plt.ylim(chart.y_axis.low, chart.y_axis.high)
        plt.yticks(list(chart.y_axis.ticks), [in_bed_label(t) for t in chart.y_axis.ticks])
        plt.xticks(list(chart.x_ticks.positions), list(chart.x_ticks.labels))
        if chart.xs:
            plt.plot(list(chart.xs), list(chart.hours), marker=STEP, color=colour)
            for x, y, label in chart.labels:
                plt.text(label, x, y, alignment="center")
        plot.refresh()

    def _draw_legend(self, colour: RGB) -> None:
        legend = Text("Sleep window", style="bold")
        legend.append("   ")
        legend.append(f"{STEP * 2} time in bed each week", style=hex_colour(colour))
        legend.append("   87% = that week's SE")
        self.query_one("#window-legend", Static).update(legend)
