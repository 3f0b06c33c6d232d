"""History: mornings over time, what helps, experiments.

The morning score chart, domain sparklines, the nights table, per-compound effects and the
experiments. Everything is read from the journal and analysed in a worker.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Label, Sparkline, Static

from sleepplan.core import timing
from sleepplan.core.chart_scale import last_and_range
from sleepplan.core.errors import InputError
from sleepplan.core.experiment_analysis import analyse
from sleepplan.core.experiments import OBJECTIVE_PRIMARIES, ExperimentPlan, progress
from sleepplan.core.insights import (
    VERDICT_WORDS,
    Effect,
    Night,
    compound_effects,
    effect_titles,
    verdict_words,
)
from sleepplan.core.objective import ObjectiveNight, chosen_nights
from sleepplan.core.sleep_window import WeekStep, profile_window
from sleepplan.core.stage_effects import TRACKER_CAVEAT, StageEffect, stage_effects
from sleepplan.core.visible import visible
from sleepplan.output.report import instruction
from sleepplan.store import paths
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import Journal
from sleepplan.tui.plain import cell, plain
from sleepplan.tui.screens.base import AreaScreen
from sleepplan.tui.widgets.effect_bar import interval_bar
from sleepplan.tui.widgets.key_footer import KeyFooter
from sleepplan.tui.widgets.score_chart import ScoreChart
from sleepplan.tui.widgets.window_chart import WindowChart

HELP = """\
# History

Your mornings over time and what seems to help you.

- **The chart**: each morning's score (0–100) as a dot and the average of the last 7 scored
  mornings as a line, on an axis fitted to your scores.
- **Sparklines**: the onset, maintenance and next-morning scores, newest on the right; beside
  each, its last value and its range (lowest–highest).
- **Nights**: score, sleep, efficiency, sleepiness and what you took (`/` filters by compound).
- **What helps**: for each compound, nights with it minus nights without, on the score its
  stage implies (a row per score for one that targets several), with the 95% interval drawn
  as `├──●──┤` against the zero line `│`. "Likely helps" or "likely hurts" only when the
  interval excludes zero; fewer than three nights either way says "too few nights", and the
  lines under the table say what would answer it. Chronic compounds (`*`) compare weeks
  without them (before starting, or a pause of a week or more) with weeks on them; one taken
  since your first night "needs comparison": a pause or an experiment.
  This compares your nights; it does not prove cause. An experiment can.
- **Your tracker** (once you import its export: `w` in Profiles, or the palette): REM and deep
  minutes as sparklines, and each compound judged on the stage it targets, in minutes, nights
  with minus without, with the same interval and verdicts. A verdict on stage minutes is about
  the tracker's estimate of them. `enter` on a night shows the tracker's night as a bar.
- **Sleep window** (once you turn it on: palette, "Sleep window"): time in bed week by week
  as steps, each finished week's sleep efficiency over its step.
- **Experiments**: their progress and what to take tonight; results appear when complete.

| key | does |
|---|---|
| `/` | filter the nights by compound |
| `x` | leave out (or put back) nights with confounders such as alcohol or illness |
| `r` | reload from the journal |
| `enter` | open the night under the cursor: every answer; `c` corrects it, `d` deletes it |
| `u` | undo: restore the night deleted last |
| `f` | fill in a missed night |
| `c` | the calendar: a month at a glance, with weekly and monthly summaries |
"""

CHART_NIGHTS = 365
NAME_WIDTH = 21
"""The effects table's compound column: "Glycine · maintenance" fits."""
TABLE_NIGHTS = 120


@dataclass(frozen=True, slots=True)
class HistoryData:
    """Everything the area shows, computed off the UI thread."""

    nights: list[Night]
    records: list[dict[str, Any]]
    effects: list[Effect]
    experiments: list[Text]
    tracked: dict[dt.date, ObjectiveNight] = field(default_factory=dict)
    """The tracker's main sleep of each night (the profile's source priority)."""
    stage_effects: list[StageEffect] = field(default_factory=list)
    window: tuple[WeekStep, ...] = ()
    """The sleep window week by week; empty while it is off."""


TRACKED_SPARKLINES = {"rem_min": "REM min", "deep_min": "Deep min"}
"""The tracker's stage minutes under the score sparklines, shown once a night has them."""
MEASURE_SHORT = {"rem_min": "REM", "deep_min": "deep", "latency_min": "latency", "waso_min": "WASO"}


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
        Binding(
            "c",
            "calendar",
            "Calendar",
            id="history.calendar",
            tooltip="Calendar: a month at a glance",
        ),
        Binding(
            "f",
            "fill_in",
            "Fill in",
            id="history.fill",
            tooltip="Fill in a missed night (a past night with no check-in)",
        ),
        Binding(
            "e",
            "new_experiment",
            "Experiment",
            id="history.experiment",
            tooltip="New experiment: register a randomised, optionally blinded trial",
        ),
        Binding(
            "u",
            "undo_delete_night",
            "Undo delete",
            show=False,
            id="history.undo_night",
            tooltip="Undo delete night: restore the check-in deleted last",
        ),
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
        self._opened_night: str | None = None
        """The night opened from the list: coming back, the list shows it again."""

    def compose(self) -> ComposeResult:
        """Chart, sparklines, nights, effects, experiments."""
        yield Header()
        with VerticalScroll(id="history"):
            yield Static("Loading your journal…", id="history-summary")
            yield ScoreChart(limit=CHART_NIGHTS, id="score-chart")
            for name in ("onset", "maintenance", "next_morning"):
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
            yield Label(
                "What helps you (nights with minus without, 95% interval)", classes="section"
            )
            yield Static(
                "On your onset score for sleep-onset compounds, maintenance for the rest; "
                "* = weeks without vs on (chronic compounds). Nights: with/without. "
                "Not proof of cause.",
                classes="hint",
            )
            yield DataTable(id="effects", cursor_type="row")
            yield Static("", id="effect-hints", classes="hint")
            yield Label(
                "What your tracker measured (minutes with minus without, 95% interval)",
                classes="section tracked",
            )
            yield Static(
                "Each compound on the stage it targets: deep or REM minutes, time to fall "
                f"asleep, time awake in the night (fewer is better). {TRACKER_CAVEAT}",
                classes="hint tracked",
            )
            yield DataTable(id="stage-effects", cursor_type="row", classes="tracked")
            yield Static("", id="stage-effect-hints", classes="hint tracked")
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
            ("Compound", NAME_WIDTH),
            ("Diff", 6),
            ("−40     0     +40", 17),
            ("Verdict", 16),
            ("Nights", 6),
        ):
            effects.add_column(label, width=width)
        tracked = self.query_one("#stage-effects", DataTable)
        for label, width in (
            ("Compound", NAME_WIDTH),
            ("Δ min", 6),
            ("−40     0     +40", 17),
            ("Verdict", 16),
            ("Nights", 6),
        ):
            tracked.add_column(label, width=width)
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
        if self._opened_night is None:  # back from a night: stay at the list (_fill_nights)
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

    def action_new_experiment(self) -> None:
        """Open the experiment wizard; History reloads once it closes."""
        from sleepplan.tui.screens.experiment_wizard import ExperimentWizard  # only when asked

        self.app.push_screen(ExperimentWizard(), self._experiment_closed)

    def _experiment_closed(self, _: None) -> None:
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
                recorded = journal.objective_nights(profile.name)
        except (InputError, MachineFault) as error:
            self.post_message(self.Unreadable(error.render()))
            return
        nights = [Night.from_record(record) for record in records]
        effects = compound_effects(nights, workspace.catalog, self.exclude_confounded)
        tracked = chosen_nights(recorded, profile.tracker_priority)
        measured = stage_effects(nights, tracked, workspace.catalog, self.exclude_confounded)
        by_night = {dt.date.fromisoformat(r["night"]): r for r in records}
        today = timing.in_zone(workspace.now, workspace.zone).date()
        experiments = []
        for registration in profile.experiments:
            plan = workspace.full_plan(registration)
            if not isinstance(plan, ExperimentPlan):  # its sealed plan cannot be read
                line = Text(visible(registration.id), style="bold")
                line.append(f"\n  {visible(plan.render())}", style="italic")
                experiments.append(line)
                continue
            name = workspace.catalog.get(plan.compound).name
            state = progress(plan, by_night, today)
            line = Text()
            line.append(visible(plan.id), style="bold")
            line.append(f"  {state.nights_recorded}/{state.nights_total} nights recorded · ")
            line.append("hash intact" if plan.intact else "HASH DOES NOT MATCH", style="bold")
            if state.complete:
                result = analyse(plan, by_night, tracked)  # a tracker measure reads from it
                unit = "min" if plan.primary in OBJECTIVE_PRIMARIES else "points"
                if result.mean_diff is not None and result.t_ci95 is not None:
                    line.append(
                        f"\n  complete: B − A {result.mean_diff:+.1f} {unit} "
                        f"[{result.t_ci95[0]:+.1f}, {result.t_ci95[1]:+.1f}]"
                    )
                line.append(f"\n  the palette's 'Experiment report: {plan.id}' shows it whole")
            else:
                line.append(
                    f"\n  {visible(instruction(plan, workspace.night, name))} Results stay "
                    "hidden until the plan completes."
                )
            experiments.append(line)
        window = profile_window(
            profile.sleep_window, records, profile.bedtime, profile.wake, workspace.night
        )
        data = HistoryData(nights, records, effects, experiments, tracked, measured, window)
        self.post_message(self.Loaded(data))

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
            summary.update(plain(self._summary(data.records)))
        self._draw_chart(data.nights)
        chart = self.query_one("#window-chart", WindowChart)
        chart.display = bool(data.window)
        chart.show(data.window)
        for name in ("onset", "maintenance", "next_morning"):
            values = [s for n in data.nights[-60:] if (s := n.scores.get(name)) is not None]
            self.query_one(f"#spark-{name}", Sparkline).data = values
            self.query_one(f"#spark-{name}-values", Static).update(last_and_range(values))
        self._fill_effects(data.effects)
        self._show_tracked(data)
        experiments = self.query_one("#experiments", Static)
        experiments.update(
            Text("\n").join(data.experiments)
            if data.experiments
            else Text("None yet: e (or `sleepplan experiment new`) registers one.", style="dim")
        )
        self._fill_nights()

    def _draw_chart(self, nights: list[Night]) -> None:
        self.query_one("#score-chart", ScoreChart).show(nights)

    def _summary(self, records: list[dict[str, Any]]) -> str:
        """How many nights, from when to when: with `x`, only the nights left in."""
        if not self.exclude_confounded:
            return f"{len(records)} nights, {records[0]['night']} to {records[-1]['night']}"
        kept = [record for record in records if not record.get("confounders")]
        left_out = f"{len(records) - len(kept)} with confounders left out (x)"
        if not kept:
            return f"No nights without confounders · {left_out}"
        return f"{len(kept)} nights, {kept[0]['night']} to {kept[-1]['night']} · {left_out}"

    def _fill_effects(self, effects: list[Effect]) -> None:
        table = self.query_one("#effects", DataTable)
        table.clear()
        names = {compound.id: compound.name for compound in self.workspace.catalog}
        rows = Counter(effect.compound for effect in effects)
        keyed: set[str] = set()
        for effect in effects:
            style = {"likely_helps": "bold", "likely_hurts": "bold reverse"}.get(effect.verdict)
            domain = f" · {effect.domain}" if rows[effect.compound] > 1 else ""
            suffix = domain + ("*" if effect.method == "before_after" else "")
            # a table reads a str cell as markup: a name of the user's own goes in as Text,
            # cropped when a domain follows it, so the domain stays in sight
            name = cell(names.get(effect.compound, effect.compound))
            if domain:
                name.truncate(NAME_WIDTH - len(suffix), overflow="ellipsis")
            name.append(suffix)
            # the first (primary) domain's row keeps the compound's own key
            key = (
                effect.compound
                if effect.compound not in keyed
                else f"{effect.compound} · {effect.domain}"
            )
            keyed.add(effect.compound)
            table.add_row(
                name,
                "–" if effect.mean_diff is None else f"{effect.mean_diff:+.1f}",
                interval_bar(effect.mean_diff, effect.ci95),
                Text(VERDICT_WORDS[effect.verdict], style=style or ""),
                f"{effect.nights_with}/{effect.nights_without}",
                key=key,
            )
        # what would answer each open verdict, in the words of `sleepplan insights`
        still_open = [
            f"{title} — {verdict_words(effect)}"
            for title, effect in zip(effect_titles(effects, names), effects, strict=True)
            if effect.hint
        ]
        self.query_one("#effect-hints", Static).update(
            Content("\n").join(plain(line) for line in still_open)
        )

    def _show_tracked(self, data: HistoryData) -> None:
        """The tracker's sparklines and stage effects; hidden while no night has tracker data."""
        recent = list(data.tracked.values())[-60:]
        for measure in TRACKED_SPARKLINES:
            values = [v for night in recent if (v := getattr(night, measure)) is not None]
            self.query_one(f"#spark-{measure}", Sparkline).data = values
            self.query_one(f"#spark-{measure}-values", Static).update(last_and_range(values))
            self.query_one(f"#row-{measure}").display = bool(values)
        for widget in self.query(".tracked"):
            widget.display = bool(data.stage_effects)
        table = self.query_one("#stage-effects", DataTable)
        table.clear()
        names = {compound.id: compound.name for compound in self.workspace.catalog}
        hints = []
        for effect in data.stage_effects:
            style = {"likely_helps": "bold", "likely_hurts": "bold reverse"}.get(effect.verdict)
            suffix = f" · {MEASURE_SHORT[effect.measure]}" + (
                "*" if effect.method == "before_after" else ""
            )
            name = cell(names.get(effect.compound, effect.compound))
            name.truncate(NAME_WIDTH - len(suffix), overflow="ellipsis")
            name.append(suffix)
            table.add_row(
                name,
                "–" if effect.diff_min is None else f"{effect.diff_min:+.0f}",
                interval_bar(effect.diff_min, effect.ci95),
                Text(VERDICT_WORDS[effect.verdict], style=style or ""),
                f"{effect.nights_with}/{effect.nights_without}",
                key=f"{effect.compound} · {effect.measure}",
            )
            if effect.hint:
                what = names.get(effect.compound, effect.compound)
                hints.append(f"{what} · {MEASURE_SHORT[effect.measure]} — {effect.hint}")
        self.query_one("#stage-effect-hints", Static).update(
            Content("\n").join(plain(line) for line in hints)
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
                key=str(record["night"]),
            )
            shown += 1
            if shown >= TABLE_NIGHTS:
                break
        if self._opened_night is not None:
            opened, self._opened_night = self._opened_night, None
            if opened in table.rows:
                table.move_cursor(row=table.get_row_index(opened))
            self.call_after_refresh(table.scroll_visible, animate=False)

    @on(DataTable.RowSelected, "#nights")
    def _night_chosen(self, event: DataTable.RowSelected) -> None:
        """Open the night (enter or a click on its row)."""
        from sleepplan.tui.screens.night import open_night  # loads when a night is opened

        try:
            night = dt.date.fromisoformat(str(event.row_key.value))
        except ValueError:
            return  # not a date (an import of the journal's own making): nothing to open
        self._opened_night = night.isoformat()
        open_night(self.sleep_app, night)

    def action_calendar(self) -> None:
        """A month at a glance."""
        from sleepplan.tui.screens.calendar import CalendarScreen

        self.app.push_screen(CalendarScreen())

    def action_fill_in(self) -> None:
        """Ask which missed night to fill in, then open the morning form on it."""
        from sleepplan.tui.dialogs.prompt import TextPrompt
        from sleepplan.tui.screens.night import fill_in_night, last_night_over, missed_night_problem

        latest = last_night_over(self.sleep_app)
        logged = {str(record["night"]) for record in self.data.records} if self.data else set()

        def answered(text: str | None) -> None:
            if text:
                fill_in_night(self.sleep_app, dt.date.fromisoformat(text))

        self.app.push_screen(
            TextPrompt(
                "Which night? (YYYY-MM-DD, the evening it began)",
                latest.isoformat(),
                check=lambda text: missed_night_problem(text, latest, logged),
            ),
            answered,
        )

    def action_undo_delete_night(self) -> None:
        """Restore the check-in deleted last."""
        from sleepplan.tui.screens.night import undo_delete_night

        undo_delete_night(self.sleep_app)
