"""History: mornings over time, what helps, experiments.

The morning score chart, domain sparklines, the nights table, per-compound effects and the
experiments. Everything is read from the journal and analysed in a worker.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Label, Static

from sleepplan.core.errors import InputError
from sleepplan.core.stage_effects import TRACKER_CAVEAT
from sleepplan.store import paths
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import Journal
from sleepplan.tui.plain import plain
from sleepplan.tui.screens.base import AreaScreen
from sleepplan.tui.screens.history_charts import charts, show_charts, show_tracked_sparklines
from sleepplan.tui.screens.history_data import HistoryData, analyse_history
from sleepplan.tui.screens.history_nights import NIGHT_COLUMNS, fill_nights, nights_summary
from sleepplan.tui.widgets.effects_table import (
    EFFECT_COLUMNS,
    STAGE_EFFECT_COLUMNS,
    add_columns,
    fill_effects,
    fill_stage_effects,
)
from sleepplan.tui.widgets.key_footer import KeyFooter

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
            yield from charts()
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
        add_columns(self.query_one("#effects", DataTable), EFFECT_COLUMNS)
        add_columns(self.query_one("#stage-effects", DataTable), STAGE_EFFECT_COLUMNS)
        add_columns(self.query_one("#nights", DataTable), NIGHT_COLUMNS)
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
        data = analyse_history(workspace, profile, records, recorded, self.exclude_confounded)
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
            summary.update(plain(nights_summary(data.records, self.exclude_confounded)))
        show_charts(self, data)
        names = {compound.id: compound.name for compound in self.workspace.catalog}
        fill_effects(
            self.query_one("#effects", DataTable),
            self.query_one("#effect-hints", Static),
            data.effects,
            names,
        )
        show_tracked_sparklines(self, data)
        for widget in self.query(".tracked"):
            widget.display = bool(data.stage_effects)
        fill_stage_effects(
            self.query_one("#stage-effects", DataTable),
            self.query_one("#stage-effect-hints", Static),
            data.stage_effects,
            names,
        )
        experiments = self.query_one("#experiments", Static)
        experiments.update(
            Text("\n").join(data.experiments)
            if data.experiments
            else Text("None yet: e (or `sleepplan experiment new`) registers one.", style="dim")
        )
        self._fill_nights()

    @on(Input.Changed, "#night-filter")
    def _filter_changed(self) -> None:
        self._fill_nights()

    def _fill_nights(self) -> None:
        if self.data is None:
            return
        wanted = self.query_one("#night-filter", Input).value.strip().casefold()
        table = self.query_one("#nights", DataTable)
        fill_nights(table, self.data.records, wanted, self.exclude_confounded)
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
