"""History: mornings over time, what helps, experiments.

The morning score chart, domain sparklines, the nights table, per-compound effects and the
experiments. Everything is read from the journal and analysed in a worker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Label, Sparkline, Static

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.experiment_analysis import analyse
from sleepplan.core.experiments import progress
from sleepplan.core.insights import Effect, Night, compound_effects, morning_trend
from sleepplan.core.visible import visible
from sleepplan.output.report import instruction
from sleepplan.store import paths
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import Journal
from sleepplan.tui.plain import cell, plain
from sleepplan.tui.screens.base import AreaScreen
from sleepplan.tui.widgets.effect_bar import interval_bar
from sleepplan.tui.widgets.key_footer import KeyFooter

HELP = """\
# History

Your mornings over time and what seems to help you.

- **The chart**: each morning's score (0–100) and its 7-night average.
- **Sparklines**: the onset, maintenance and next-morning scores, newest on the right.
- **Nights**: score, sleep, efficiency, sleepiness and what you took (`/` filters by compound).
- **What helps**: for each compound, nights with it minus nights without, on the score its
  stage implies, with the 95% interval drawn as `├──●──┤` against the zero line `│`. "Likely
  helps" or "likely hurts" only when the interval excludes zero; fewer than three nights either
  way says "not enough nights yet". Chronic compounds compare the weeks before and after.
  This compares your nights; it does not prove cause. An experiment can.
- **Experiments**: their progress and what to take tonight; results appear when complete.

| key | does |
|---|---|
| `/` | filter the nights by compound |
| `x` | leave out (or put back) nights with confounders such as alcohol or illness |
| `r` | reload from the journal |
"""

SHORT_VERDICTS = {
    "not_enough_nights": "too few nights",
    "no_clear_effect": "no clear effect",
    "likely_helps": "likely helps",
    "likely_hurts": "likely hurts",
}
CHART_NIGHTS = 365
TABLE_NIGHTS = 120


@dataclass(frozen=True, slots=True)
class HistoryData:
    """Everything the area shows, computed off the UI thread."""

    nights: list[Night]
    records: list[dict[str, Any]]
    effects: list[Effect]
    experiments: list[Text]


class HistoryScreen(AreaScreen):
    """The history area."""

    CSS_PATH = "history.tcss"
    """This area's rules, read when it is first opened (app.tcss has Tonight's)."""

    HELP = HELP
    AUTO_FOCUS = "#nights"
    BINDINGS = [
        Binding(
            "slash",
            "filter",
            "Filter",
            id="history.filter",
            key_display="/",
            tooltip="Filter the nights by compound",
        ),
        Binding(
            "x",
            "toggle_confounded",
            "Confounders",
            id="history.confounders",
            tooltip="Leave out or put back nights with confounders",
        ),
        Binding("r", "reload", "Reload", id="history.reload", tooltip="Reload from the journal"),
    ]

    class Loaded(Message):
        """The journal was read and analysed."""

        def __init__(self, data: HistoryData) -> None:
            super().__init__()
            self.data = data

    class Unreadable(Message):
        """The journal could not be read (damaged, or a fault of the machine)."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self) -> None:
        super().__init__()
        self.exclude_confounded = False
        self.data: HistoryData | None = None
        self._loaded_for: str | None = None

    def compose(self) -> ComposeResult:
        """Chart, sparklines, nights, effects, experiments."""
        yield Header()
        with VerticalScroll(id="history"):
            yield Static("Loading your journal…", id="history-summary")
            from textual_plotext import PlotextPlot  # charts load with the area, not at start

            yield PlotextPlot(id="score-chart")
            with Horizontal(classes="sparkline-row"):
                for name in ("onset", "maintenance", "next_morning"):
                    yield Label(name.replace("_", " ").capitalize(), classes="spark-label")
                    yield Sparkline([], id=f"spark-{name}", classes="spark")
            yield Label(
                "What helps you (nights with minus without, 95% interval)", classes="section"
            )
            yield Static(
                "On your onset score for sleep-onset compounds, maintenance for the rest; "
                "* = weeks before vs after (chronic compounds). Not proof of cause.",
                classes="hint",
            )
            yield DataTable(id="effects", cursor_type="row")
            yield Label("Experiments", classes="section")
            yield Static("", id="experiments")
            yield Label("Nights", classes="section")
            yield Input(placeholder="filter by compound…", id="night-filter", compact=True)
            yield DataTable(id="nights", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Columns; then follow the app's state."""
        effects = self.query_one("#effects", DataTable)
        for label, width in (
            ("Compound", 18),
            ("Diff", 6),
            ("−40     0     +40", 17),
            ("Verdict", 15),
            ("With/w.o.", 12),
        ):
            effects.add_column(label, width=width)
        nights = self.query_one("#nights", DataTable)
        for label, width in (
            ("Night", 10),
            ("Score", 5),
            ("Asleep", 7),
            ("SE %", 5),
            ("KSS", 3),
            ("Taken", 40),
        ):
            nights.add_column(label, width=width)
        super().on_mount()

    def on_screen_resume(self) -> None:
        """Reload whenever the area is shown (a check-in may have been saved); show the top."""
        self.load()
        view = self.query_one("#history", VerticalScroll)
        self.call_after_refresh(view.scroll_home, animate=False)

    def refresh_view(self) -> None:
        """Reload when another profile is opened while the area is showing."""
        profile = self.workspace.profile
        name = profile.name if profile else None
        if self.is_current and self._loaded_for not in (None, name):
            self.load()

    def action_reload(self) -> None:
        """Reload from the journal."""
        self.load()

    def action_toggle_confounded(self) -> None:
        """Leave out, or put back, nights with confounders."""
        self.exclude_confounded = not self.exclude_confounded
        state = "left out" if self.exclude_confounded else "included"
        self.notify(f"Nights with confounders are {state}")
        self.load()

    def action_filter(self) -> None:
        """Jump to the nights filter."""
        self.query_one("#night-filter", Input).focus()

    @work(thread=True, exclusive=True, group="history")
    def load(self) -> None:
        """Read the journal and compute the insights off the UI thread."""
        workspace = self.workspace
        profile = workspace.profile
        if profile is None:
            return
        self._loaded_for = profile.name
        try:
            with Journal(paths.journal_path(workspace.home)) as journal:
                records = journal.records(profile.name)
        except (InputError, MachineFault) as error:
            self.post_message(self.Unreadable(error.render()))
            return
        nights = [Night.from_record(record) for record in records]
        effects = compound_effects(nights, workspace.catalog, self.exclude_confounded)
        by_night = {dt.date.fromisoformat(r["night"]): r for r in records}
        today = timing.in_zone(workspace.now, workspace.zone).date()
        experiments = []
        for plan in profile.experiments:
            name = workspace.catalog.get(plan.compound).name
            state = progress(plan, by_night, today)
            line = Text()
            line.append(visible(plan.id), style="bold")
            line.append(f"  {state.nights_recorded}/{state.nights_total} nights recorded · ")
            line.append("hash intact" if plan.intact else "HASH DOES NOT MATCH", style="bold")
            if state.complete:
                result = analyse(plan, by_night)
                if result.mean_diff is not None and result.t_ci95 is not None:
                    line.append(
                        f"\n  complete: B − A {result.mean_diff:+.1f} points "
                        f"[{result.t_ci95[0]:+.1f}, {result.t_ci95[1]:+.1f}]"
                    )
            else:
                line.append(
                    f"\n  {visible(instruction(plan, workspace.night, name))} Results stay "
                    "hidden until the plan completes."
                )
            experiments.append(line)
        self.post_message(self.Loaded(HistoryData(nights, records, effects, experiments)))

    @on(Unreadable)
    def _unreadable(self, message: Unreadable) -> None:
        # never shown as "no check-ins yet": the nights are there, only not readable now
        self.query_one("#history-summary", Static).update(
            Text(f"Your journal could not be read. {message.reason}")
        )
        self.notify(message.reason, title="Journal not read", severity="error", timeout=15)

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.data = message.data
        data = message.data
        summary = self.query_one("#history-summary", Static)
        if not data.records:
            summary.update("No check-ins yet. Each morning's check-in (m) adds a night here.")
        else:
            # the journal's nights are as untrusted as an import: shown literally
            first, last = data.records[0]["night"], data.records[-1]["night"]
            excluded = " · confounded nights left out (x)" if self.exclude_confounded else ""
            summary.update(plain(f"{len(data.records)} nights, {first} to {last}{excluded}"))
        self._draw_chart(data.nights)
        for name in ("onset", "maintenance", "next_morning"):
            values = [s for n in data.nights[-60:] if (s := n.scores.get(name)) is not None]
            self.query_one(f"#spark-{name}", Sparkline).data = values
        self._fill_effects(data.effects)
        experiments = self.query_one("#experiments", Static)
        experiments.update(
            Text("\n").join(data.experiments)
            if data.experiments
            else Text("None yet: `sleepplan experiment new` registers one.", style="dim")
        )
        self._fill_nights()

    def _draw_chart(self, nights: list[Night]) -> None:
        from textual_plotext import PlotextPlot

        chart = self.query_one("#score-chart", PlotextPlot)
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        trend = morning_trend(nights)[-CHART_NIGHTS:]
        plt.title("Morning score")
        plt.ylim(0, 100)
        if trend:
            xs = [float(index) for index in range(len(trend))]
            plt.plot(xs, [score for _, score, _ in trend], marker="dot", label="morning")
            plt.plot(
                xs, [average for *_, average in trend], marker="braille", label="7-night average"
            )
            step = max(1, len(trend) // 6)
            plt.xticks(xs[::step], [f"{night:%d %b}" for night, *_ in trend][::step])
        chart.refresh()

    def _fill_effects(self, effects: list[Effect]) -> None:
        table = self.query_one("#effects", DataTable)
        table.clear()
        names = {compound.id: compound.name for compound in self.workspace.catalog}
        for effect in effects:
            verdict = SHORT_VERDICTS[effect.verdict]
            style = {"likely_helps": "bold", "likely_hurts": "bold reverse"}.get(effect.verdict)
            # a table reads a str cell as markup: a name of the user's own goes in as Text
            table.add_row(
                cell(
                    names.get(effect.compound, effect.compound)
                    + ("*" if effect.method == "before_after" else "")
                ),
                "–" if effect.mean_diff is None else f"{effect.mean_diff:+.1f}",
                interval_bar(effect.mean_diff, effect.ci95),
                Text(verdict, style=style or ""),
                f"{effect.nights_with}/{effect.nights_without}",
                key=effect.compound,
            )

    @on(Input.Changed, "#night-filter")
    def _filter_changed(self) -> None:
        self._fill_nights()

    def _fill_nights(self) -> None:
        if self.data is None:
            return
        wanted = self.query_one("#night-filter", Input).value.strip().casefold()
        table = self.query_one("#nights", DataTable)
        table.clear()
        shown = 0
        for record in reversed(self.data.records):
            taken = ", ".join(dose["compound"] for dose in record.get("taken") or [])
            if wanted and wanted not in taken.casefold():
                continue
            if self.exclude_confounded and record.get("confounders"):
                continue
            metrics, scores = record["metrics"], record["scores"]
            tst = metrics.get("tst_min")
            table.add_row(
                cell(str(record["night"])),
                "–" if scores.get("morning") is None else f"{scores['morning']:.0f}",
                "–" if tst is None else f"{tst // 60}h{tst % 60:02d}",
                "–" if metrics.get("se_pct") is None else f"{metrics['se_pct']:.0f}",
                cell(str(record.get("kss") if record.get("kss") is not None else "–")),
                cell(taken or "–"),
            )
            shown += 1
            if shown >= TABLE_NIGHTS:
                break
