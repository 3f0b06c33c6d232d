"""History's charts: the morning score chart, the score and tracker sparklines, the window."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.widgets import Label, Sparkline, Static

from sleepplan.core.chart_scale import last_and_range
from sleepplan.tui.screens.history_data import HistoryData
from sleepplan.tui.widgets.score_chart import ScoreChart
from sleepplan.tui.widgets.window_chart import WindowChart

CHART_NIGHTS = 365
SCORE_SPARKLINES = ("onset", "maintenance", "next_morning")
TRACKED_SPARKLINES = {"rem_min": "REM min", "deep_min": "Deep min"}
"""The tracker's stage minutes under the score sparklines, shown once a night has them."""
SPARKLINE_NIGHTS = 60


def charts() -> ComposeResult:
    """The score chart, a sparkline per score and tracker measure, then the window's steps."""
    yield ScoreChart(limit=CHART_NIGHTS, id="score-chart")
    for name in SCORE_SPARKLINES:
        with Horizontal(classes="sparkline-row"):
            yield Label(name.replace("_", " ").capitalize(), classes="spark-label")
            yield Sparkline([], id=f"spark-{name}", classes="spark")
            yield Static("", id=f"spark-{name}-values", classes="spark-values")
    for measure, label in TRACKED_SPARKLINES.items():
        with Horizontal(classes="sparkline-row tracked-row", id=f"row-{measure}"):
            yield Label(label, classes="spark-label")
            yield Sparkline([], id=f"spark-{measure}", classes="spark")
            yield Static("", id=f"spark-{measure}-values", classes="spark-values")
    yield WindowChart(id="window-chart")


def show_charts(view: DOMNode, data: HistoryData) -> None:
    """The score chart, the window (while it is on) and the score sparklines."""
    view.query_one("#score-chart", ScoreChart).show(data.nights)
    chart = view.query_one("#window-chart", WindowChart)
    chart.display = bool(data.window)
    chart.show(data.window)
    for name in SCORE_SPARKLINES:
        nights = data.nights[-SPARKLINE_NIGHTS:]
        values = [s for n in nights if (s := n.scores.get(name)) is not None]
        _show_sparkline(view, name, values)


def show_tracked_sparklines(view: DOMNode, data: HistoryData) -> None:
    """The tracker's stage minutes, each row hidden while no night has them."""
    recent = list(data.tracked.values())[-SPARKLINE_NIGHTS:]
    for measure in TRACKED_SPARKLINES:
        values = [v for night in recent if (v := getattr(night, measure)) is not None]
        _show_sparkline(view, measure, values)
        view.query_one(f"#row-{measure}").display = bool(values)


def _show_sparkline(view: DOMNode, name: str, values: list[float]) -> None:
    view.query_one(f"#spark-{name}", Sparkline).data = values
    view.query_one(f"#spark-{name}-values", Static).update(last_and_range(values))
