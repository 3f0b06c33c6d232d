"""Charts that read right: the score chart's scale, the sparklines' captions, theme colours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from statistics import fmean

import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.color import Color
from textual.widgets import Static

from sleepplan.core.chart_colours import (
    FOR_DARK,
    FOR_LIGHT,
    RGB,
    contrast,
    readable,
    series_colours,
)
from sleepplan.core.chart_scale import (
    date_ticks,
    last_and_range,
    rolling_mean,
    score_axis,
    score_chart,
)
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home
from sleepplan.tui.widgets.score_chart import AVERAGE, DOT, ScoreChart
from sleepplan.tui.widgets.timeline import SWATCH, TimelineView
from tests.tui_helpers import make_app, settle

SIZE = (80, 24)
THEMES = ["textual-dark", "textual-light"]
FIRST = dt.date(2026, 9, 1)
SCORES = [55.0, 72.0, 61.0, 80.0, 58.0, 66.0, 74.0, 63.0, 69.0, 77.0, 60.0, 71.0]


def _nights(scores: list[float], first: dt.date = FIRST) -> list[tuple[dt.date, float]]:
    return [(first + dt.timedelta(days=index), score) for index, score in enumerate(scores)]


# --- the rolling average: the mean of the dots in its window, one point per dot ---


def test_each_average_point_is_the_mean_of_its_window() -> None:
    averages = rolling_mean(SCORES, 7)
    assert len(averages) == len(SCORES)
    for index, average in enumerate(averages):
        assert average == pytest.approx(fmean(SCORES[max(0, index - 6) : index + 1]))


def test_the_chart_draws_dots_and_average_at_the_same_positions() -> None:
    nights = _nights(SCORES)
    del nights[4]  # a missed night leaves a gap on the x-axis, for dots and line alike
    chart = score_chart(nights, width=70, rows=10)
    assert chart.xs == tuple(float((night - FIRST).days) for night, _ in nights)
    assert len(chart.averages) == len(chart.scores) == len(chart.xs)
    scores = [score for _, score in nights]
    for index, average in enumerate(chart.averages):
        window = scores[max(0, index - 6) : index + 1]
        assert average == pytest.approx(fmean(window))
        assert min(window) <= average <= max(window)  # among its dots, never above them all


def test_a_limited_chart_still_averages_the_nights_before_it() -> None:
    chart = score_chart(_nights(SCORES), width=70, rows=10, limit=3)
    assert chart.scores == tuple(SCORES[-3:])
    assert chart.averages[0] == pytest.approx(fmean(SCORES[3:10]))
    assert chart.xs == (0.0, 1.0, 2.0)


# --- the y-axis: fitted to the data, round ticks that fall on rows ---


@pytest.mark.parametrize(
    "values",
    [[55, 85], [71, 73], [0, 12], [91, 100], [40, 79.5], [30, 95], [3, 98], [50], []],
    ids=["middle", "flat", "bottom", "top", "wide", "wider", "everything", "one", "none"],
)
@pytest.mark.parametrize("rows", [10, 7, 20])
def test_the_score_axis_fits_the_data_with_round_ticks(values: list[float], rows: int) -> None:
    axis = score_axis(values, rows)
    assert 0 <= axis.low < axis.high <= 100
    assert all(axis.low <= value <= axis.high for value in values)
    assert len(axis.ticks) >= 2
    assert all(tick % 5 == 0 and axis.low <= tick <= axis.high for tick in axis.ticks)
    steps = {later - earlier for earlier, later in zip(axis.ticks, axis.ticks[1:], strict=False)}
    assert len(steps) == 1  # evenly spaced
    if (axis.low, axis.high) != (0, 100):
        per_row = (axis.high - axis.low) / (rows - 1)
        positions = [(tick - axis.low) / per_row for tick in axis.ticks]
        assert all(position == pytest.approx(round(position)) for position in positions)
        assert steps.pop() / per_row >= 2  # a tick every other row at most


def test_clustered_scores_do_not_get_the_whole_zero_to_hundred() -> None:
    axis = score_axis([55, 62, 85, 70], rows=10)
    assert axis.high - axis.low <= 45
    assert axis.ticks == (50.0, 60.0, 70.0, 80.0, 90.0)
    assert score_axis([3, 98], rows=10).ticks == (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)


# --- the dates: round steps, as many as the width holds ---


def test_a_few_weeks_get_fortnightly_dates_that_fit_80_columns() -> None:
    ticks = date_ticks(FIRST, FIRST + dt.timedelta(days=59), max_labels=7)
    assert ticks.positions == (0.0, 14.0, 28.0, 42.0, 56.0)
    assert ticks.labels == ("1 Sep", "15 Sep", "29 Sep", "13 Oct", "27 Oct")


def test_a_year_gets_the_first_of_every_other_month_with_its_year() -> None:
    ticks = date_ticks(dt.date(2025, 11, 20), dt.date(2026, 11, 19), max_labels=7)
    assert ticks.labels[:2] == ("Jan 2026", "Mar 2026")
    assert len(ticks.labels) <= 7
    assert ticks.positions[0] == (dt.date(2026, 1, 1) - dt.date(2025, 11, 20)).days


def test_date_labels_never_outnumber_the_room() -> None:
    for days in (0, 1, 5, 13, 30, 90, 200, 365, 1500):
        for room in (1, 3, 7):
            ticks = date_ticks(FIRST, FIRST + dt.timedelta(days=days), max_labels=room)
            assert 1 <= len(ticks.labels) <= room or days == 0


# --- sparkline captions ---


def test_a_sparkline_caption_gives_the_last_value_and_the_range() -> None:
    assert last_and_range([61.2, 48.0, 83.6, 70.4]) == "last 70 · 48–84"
    assert last_and_range([]) == "no nights yet"


# --- colours: readable on the background, distinct from each other ---


@pytest.mark.parametrize(
    "background",
    [(18, 18, 18), (30, 30, 30), (224, 224, 224), (216, 216, 216), (255, 255, 255), (0, 0, 0)],
)
def test_series_colours_read_on_the_background_and_stay_apart(background: RGB) -> None:
    colours = series_colours(background, 6)
    assert all(contrast(colour, background) >= 3 for colour in colours)
    assert len(set(colours)) == 6


def test_a_faint_colour_is_moved_until_it_reads() -> None:
    yellow = FOR_DARK[4]
    assert contrast(yellow, (224, 224, 224)) < 3  # the yellow that vanishes on a light theme
    assert contrast(readable(yellow, (224, 224, 224)), (224, 224, 224)) >= 3
    assert readable(FOR_LIGHT[0], (224, 224, 224)) == FOR_LIGHT[0]  # already fine: unchanged


# --- in the app, at 80x24, in both themes ---


def _seed(home: Path, scores: list[float]) -> None:
    ensure_home(home)
    with Journal(home / "journal.sqlite3") as journal:
        for index, score in enumerate(scores):
            journal.save(
                "example",
                {
                    "night": (dt.date(2026, 11, 1) + dt.timedelta(days=index)).isoformat(),
                    "kss": 3,
                    "taken": [],
                    "confounders": [],
                    "metrics": {"tst_min": 420, "se_pct": 90.0},
                    "scores": {
                        "morning": score,
                        "onset": score + 3,
                        "maintenance": score - 4,
                        "next_morning": 50.0 + index,
                    },
                    "flags": [],
                },
                "t",
            )


def _surface(app: App[None]) -> RGB:
    return Color.parse(app.theme_variables["surface"]).rgb


def _style_at(text: Text, offset: int) -> Style:
    style = Style.parse(text.style) if isinstance(text.style, str) else text.style
    for span in text.spans:
        if span.start <= offset < span.end:
            style += Style.parse(span.style) if isinstance(span.style, str) else span.style
    return style


def _rgb(style: Style) -> RGB:
    assert style.color is not None and style.color.triplet is not None
    red, green, blue = style.color.triplet
    return red, green, blue


def _colour_of(text: Text, glyph: str) -> RGB:
    """The colour the first ``glyph`` in ``text`` is drawn in."""
    return _rgb(_style_at(text, text.plain.index(glyph)))


@pytest.mark.parametrize("theme", THEMES)
async def test_history_draws_the_chart_and_sparkline_captions(home: Path, theme: str) -> None:
    _seed(home, SCORES)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        chart = app.screen.query_one("#score-chart", ScoreChart)
        from textual_plotext import PlotextPlot

        drawn = chart.query_one(PlotextPlot).render()
        assert isinstance(drawn, Text)
        assert DOT in drawn.plain and AVERAGE in drawn.plain
        assert "100" not in drawn.plain and "50┤" in drawn.plain  # fitted: 55–80, not 0–100
        assert "1 Nov" in drawn.plain  # the dates
        for glyph in (DOT, AVERAGE):
            assert contrast(_colour_of(drawn, glyph), _surface(app)) >= 3
        legend = chart.query_one("#score-legend", Static).content
        assert isinstance(legend, Text)
        assert "each morning" in legend.plain and "7-night average" in legend.plain
        # the legend's colours are the plot's
        assert _colour_of(legend, DOT) == _colour_of(drawn, DOT)
        assert _colour_of(legend, AVERAGE) == _colour_of(drawn, AVERAGE)
        onset = app.screen.query_one("#spark-onset-values", Static).content
        assert str(onset) == "last 74 · 58–83"
        next_morning = app.screen.query_one("#spark-next_morning-values", Static).content
        assert str(next_morning) == "last 61 · 50–61"


async def test_the_score_chart_follows_a_change_of_theme(home: Path) -> None:
    _seed(home, SCORES)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        legend = app.screen.query_one("#score-legend", Static)
        assert isinstance(legend.content, Text)
        dark = _colour_of(legend.content, DOT)
        app.theme = "textual-light"
        await settle(pilot)
        assert isinstance(legend.content, Text)
        light = _colour_of(legend.content, DOT)
        assert dark != light
        assert contrast(light, _surface(app)) >= 3


@pytest.mark.parametrize("theme", THEMES)
async def test_each_curve_on_tonight_has_its_colour_and_a_matching_legend(
    home: Path, theme: str
) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        await settle(pilot)
        timeline = app.screen.query_one("#timeline", TimelineView)
        assert timeline.plan is not None
        drawn = timeline.render()
        background = timeline.background_colors[1].rgb
        lines = drawn.split("\n")
        colours: dict[str, RGB] = {}
        for dose in timeline.plan.doses:
            if dose.curve is None:
                continue
            # the legend: a swatch and the compound's name, in the colour of its curve
            legend = f"{SWATCH} {dose.compound.name}"[:15]
            line = next(line for line in lines if line.plain.startswith(legend))
            colour = _rgb(_style_at(line, 0))
            assert _rgb(_style_at(line, 16)) == colour  # the curve's first cell
            colours[dose.compound.id] = colour
        assert len(colours) >= 2
        assert len(set(colours.values())) == len(colours)  # a colour of its own each
        for colour in colours.values():
            assert contrast(colour, background) >= 3
