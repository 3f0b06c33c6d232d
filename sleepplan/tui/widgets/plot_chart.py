"""What History's charts share: a legend line over a Plotext plot, redrawn for its room and theme.

Plotext loads with the chart (History), never at start-up.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.widgets import Static

from sleepplan.core.chart_colours import RGB, series_colours


class PlotChart(Vertical):
    """A legend (``#{LEGEND_ID}``) over a ``PlotextPlot``; subclasses draw in ``redraw``."""

    LEGEND_ID = "chart-legend"

    def compose(self) -> ComposeResult:
        """The legend, then the plot."""
        from textual_plotext import PlotextPlot  # loads with History, not at start-up

        yield Static(id=self.LEGEND_ID)
        yield PlotextPlot()

    def on_mount(self) -> None:
        """Redraw in the new colours when the theme changes."""
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.redraw())
        self.redraw()

    def on_resize(self) -> None:
        """The ticks and labels depend on the room: redraw."""
        self.redraw()

    def series_colours(self, count: int) -> list[RGB]:
        """``count`` colours readable on the chart's background, in the current theme."""
        background = Color.parse(self.app.theme_variables["surface"]).rgb
        return list(series_colours(background, count))

    def redraw(self) -> None:
        """Draw the chart for its data, the size it has and the current theme."""
        raise NotImplementedError
