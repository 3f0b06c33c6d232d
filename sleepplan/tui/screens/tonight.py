"""Tonight: bedtime and wake, the routine grouped by stage, the timeline, the warnings."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, OptionList, Static

from sleepplan.core import editing
from sleepplan.core.objective import ObjectiveNight
from sleepplan.core.safety import SafetyWarning
from sleepplan.core.visible import visible
from sleepplan.store import paths
from sleepplan.tui.dialogs.warnings import WarningDialog
from sleepplan.tui.screens.base import AreaScreen
from sleepplan.tui.widgets.dose_list import DoseList, heading, worst_by_compound
from sleepplan.tui.widgets.from_today import FromToday
from sleepplan.tui.widgets.key_footer import KeyFooter
from sleepplan.tui.widgets.timeline import TimelineView
from sleepplan.tui.widgets.tonight_lines import (
    checked_against,
    experiments_tonight,
    night_controls,
    night_summary,
    scope,
    warnings_line,
)
from sleepplan.tui.widgets.warning_list import WarningList
from sleepplan.tui.widgets.window_line import SleepWindowLine

HELP = """\
# Tonight

Your routine for tonight, grouped by the stage of the night each compound targets, each dose at
its clock time. Every change replans at once.

| key | does |
|---|---|
| `b` / `w` | edit the usual bedtime / wake, saved in the profile (type `HH:MM`, Enter) |
| `r` | next routine (or click the routine's name to pick one) |
| `R` | manage routines: new (empty, from a goal, a copy), rename, copy, delete, default |
| `j` | just tonight: bedtime, wake or routine for tonight only (the profile is not changed) |
| `ctrl+z` | restore the routine deleted last (also after a restart) |
| `a` | add a compound from the catalog |
| `l` | log a daytime dose (a coffee at 15:00), for tonight or every day; see or remove today's |
| `e` | change the amount of the selected dose |
| `[` / `]` | move the selected dose 15 minutes earlier / later |
| `delete` | remove the selected dose |
| `ctrl+s` | save the profile |
| `!` | go to the warnings (or click the line that counts them); `enter` on one shows its sources |
| `tab` | move to the warnings |

With the sleep window on (palette: "Sleep window"), the line under the times gives this week's
window and what last week's sleep efficiency did to it.

Warnings show their severity by symbol, word and colour: ✖ DANGER, ▲ CAUTION, ℹ INFO. The
line under the times counts them, the header says how many dangers tonight's routine has, and
each dose a danger or caution is about carries its mark on its row. The line below says which
of your medications they were checked against; a name sleepplan does not know is "not
checked". Saving a routine with a danger asks you to acknowledge it first; the acknowledgement
(code, compounds, and the moment, with its UTC offset) is recorded in the profile, and the
danger keeps showing. sleepplan never calls a combination safe: one its sources say nothing
about is reported as exactly that.

The timeline shows the night from the first dose to wake: the stage band
(`o` falling asleep, `D` deep, `m` mid-night, `R` REM-rich) and each dose's level against its
own peak, with what is left at wake. Compounds without sourced kinetics have no curve.

"From today" (shown once you log a daytime dose) says what is left of each at bedtime, as a
share of its peak, and by when a wake-promoting compound (caffeine) should be taken to be under
a quarter of its peak at bedtime. Smoking, oral contraceptives and pregnancy change caffeine's
half-life: set them in the settings (`,`).

sleepplan is not medical advice.
"""


class TonightScreen(AreaScreen):
    """The evening area."""

    HELP = HELP
    AUTO_FOCUS = "#doses"
    BINDINGS = [
        Binding("a", "add", "Add", id="tonight.add", tooltip="Add a compound from the catalog"),
        Binding(
            "e",
            "amount",
            "Amount",
            show=False,
            id="tonight.amount",
            tooltip="Change the selected dose's amount",
        ),
        Binding(
            "left_square_bracket",
            "move(-15)",
            "Earlier",
            show=False,
            id="tonight.earlier",
            tooltip="Move the selected dose 15 minutes earlier",
            key_display="[",
        ),
        Binding(
            "right_square_bracket",
            "move(15)",
            "Later",
            show=False,
            id="tonight.later",
            tooltip="Move the selected dose 15 minutes later",
            key_display="]",
        ),
        Binding(
            "delete,d", "remove", "Remove", id="tonight.remove", tooltip="Remove the selected dose"
        ),
        Binding(
            "r",
            "next_routine",
            "Routine",
            id="tonight.routine",
            tooltip="Switch to the next routine",
        ),
        Binding(
            "R",
            "manage_routines",
            "Routines",
            show=False,
            id="tonight.routines",
            tooltip="Manage routines: new, rename, copy, delete, default",
        ),
        Binding(
            "j",
            "just_tonight",
            "Just tonight",
            show=False,
            id="tonight.just",
            tooltip="Just tonight: bedtime, wake or routine (the profile is not changed)",
        ),
        Binding(
            "b",
            "edit_time('bedtime')",
            "Bedtime",
            show=False,
            id="tonight.bedtime",
            tooltip="Edit bedtime",
        ),
        Binding(
            "w",
            "edit_time('wake')",
            "Wake",
            show=False,
            id="tonight.wake",
            tooltip="Edit wake time",
        ),
        Binding(
            "l",
            "log_day",
            "Log dose",
            show=False,
            id="tonight.log_day",
            tooltip="Log a daytime dose (a coffee at 15:00)",
        ),
        Binding(
            "exclamation_mark",
            "show_warnings",
            "Warnings",
            show=False,
            id="tonight.warnings",
            tooltip="Go to tonight's warnings",
            key_display="!",
        ),
    ]

    def compose(self) -> ComposeResult:
        """Times and routine on top, then doses, timeline and warnings.

        Plain lines and two option lists: the screen the app opens on is drawn from the
        lightest widgets that do the job (design §12); times are edited in a prompt.
        """
        yield Header()
        with VerticalScroll(id="plan"):
            yield Static("", id="night-controls")
            yield Static("", id="night-summary")
            yield SleepWindowLine(id="sleep-window")
            yield Static("", id="warnings-line")
            yield Static("", id="checked-against")
            yield FromToday(id="from-today")
            yield Static("", id="experiment-tonight")
            yield Static(heading(), id="doses-head")
            yield DoseList(id="doses")
            yield Static("", id="dose-why")
            yield TimelineView(id="timeline")
            yield Static("", id="warnings-title")
            yield WarningList(id="warnings")
            yield Static("", id="scope")
        yield KeyFooter()

    def __init__(self) -> None:
        super().__init__()
        self._recorded_for: tuple[str, dt.date] | None = None
        """The profile and night whose tracker stages the timeline was last given."""

    # -- showing the state ------------------------------------------------------------------

    def refresh_view(self) -> None:
        """Show the workspace: times, routine, doses, timeline, warnings."""
        workspace = self.workspace
        profile = workspace.profile
        summary = self.query_one("#night-summary", Static)
        if profile is None:
            message = workspace.error.render() if workspace.error else "Loading your profile…"
            summary.update(Text(message))
            return
        self.query_one("#night-controls", Static).update(night_controls(workspace))
        plan = workspace.plan()
        summary.update(night_summary(plan))
        self.query_one(SleepWindowLine).follow(workspace)
        experiments = experiments_tonight(workspace)
        line = self.query_one("#experiment-tonight", Static)
        line.update(experiments)
        line.display = bool(experiments.plain)
        warnings = workspace.warnings(plan)
        self.query_one(DoseList).show(plan, worst_by_compound(warnings))
        self._show_why()
        self.query_one("#timeline", TimelineView).plan = plan
        self._show_warnings(warnings, has_doses=plan is not None and bool(plan.doses))
        medications = workspace.safety().medications
        self.query_one("#checked-against", Static).update(checked_against(medications))
        problem = workspace.day_log_error.render() if workspace.day_log_error else ""
        self.query_one(FromToday).show(plan, problem)
        if self._recorded_for != (profile.name, workspace.night):
            self.load_recorded()

    def on_screen_resume(self) -> None:
        """Read last night's tracker stages again: an import may have added them."""
        if self.workspace.profile is not None:
            self.load_recorded()
            self.query_one(SleepWindowLine).follow(self.workspace, reread=True)

    @work(thread=True, exclusive=True, group="tonight-recorded")
    def load_recorded(self) -> None:
        """Last night as the tracker recorded it, for the timeline (a quick read, in a worker)."""
        from sleepplan.store.journal import recorded_night

        workspace = self.workspace
        if workspace.profile is None:
            return
        key = (workspace.profile.name, workspace.night)
        self._recorded_for = key
        path = paths.journal_path(workspace.home)
        last_night = key[1] - dt.timedelta(days=1)
        night = recorded_night(path, key[0], last_night, workspace.profile.tracker_priority)
        self.app.call_from_thread(self._show_recorded, key, night)

    def _show_recorded(self, key: tuple[str, dt.date], night: ObjectiveNight | None) -> None:
        if self._recorded_for == key:
            self.query_one("#timeline", TimelineView).recorded = night

    def _show_why(self) -> None:
        why = self.query_one(DoseList).selected_why()
        shown = f"Why: {visible(why)}" if why else ""
        self.query_one("#dose-why", Static).update(Text(shown, "dim"))

    @on(OptionList.OptionHighlighted, "#doses")
    def _dose_highlighted(self) -> None:
        self._show_why()

    def _show_warnings(self, warnings: list[SafetyWarning], has_doses: bool) -> None:
        summary = self.query_one("#warnings-line", Static)
        summary.update(warnings_line(warnings))
        summary.display = bool(warnings)
        title = self.query_one("#warnings-title", Static)
        title.update(Text(f"Warnings ({len(warnings)}) · enter on one shows its sources", "bold"))
        title.display = bool(warnings)
        routine = self.workspace.routine_name or ""
        self.query_one(WarningList).show(
            warnings, lambda warning: self.workspace.is_acknowledged(routine, warning)
        )
        self.query_one("#scope", Static).update(scope(warnings, has_doses))

    def action_show_warnings(self) -> None:
        """Go to the warnings: the list scrolled into view, its first warning highlighted."""
        panel = self.query_one("#warnings", OptionList)
        if not panel.option_count:
            self.notify("No warnings for tonight's routine.")
            return
        panel.focus(scroll_visible=False)
        if panel.highlighted is None:
            panel.highlighted = 0
        title = self.query_one("#warnings-title", Static)
        self.query_one("#plan", VerticalScroll).scroll_to_widget(title, top=True, animate=False)

    @on(OptionList.OptionSelected, "#warnings")
    def _open_warning(self, event: OptionList.OptionSelected) -> None:
        self.app.push_screen(WarningDialog(self.query_one(WarningList).warning_at(event.option)))

    # -- acting on the state ----------------------------------------------------------------

    def _selected_index(self) -> int | None:
        return self.query_one(DoseList).selected_index()

    def action_log_day(self) -> None:
        """Log a daytime dose: the quick entry."""
        from sleepplan.tui.dialogs.day_entry import ask_day_entry  # loads only when asked

        ask_day_entry(self.sleep_app)

    @on(FromToday.Pressed)
    def _from_today_pressed(self) -> None:
        self.action_log_day()

    def action_add(self) -> None:
        """Go to the catalog to pick a compound."""
        self.app.switch_mode("catalog")

    def action_remove(self) -> None:
        """Remove the selected dose."""
        index = self._selected_index()
        if index is None:
            self.notify("Select a dose first (arrow keys).", severity="warning")
            return
        self.sleep_app.change(lambda p, r: editing.remove_dose(p, r, index))

    def action_move(self, minutes: int) -> None:
        """Move the selected dose earlier or later."""
        index = self._selected_index()
        if index is None:
            self.notify("Select a dose first (arrow keys).", severity="warning")
            return
        catalog = self.workspace.catalog
        self.sleep_app.change(lambda p, r: editing.move_dose(p, r, index, catalog, minutes))

    def action_amount(self) -> None:
        """Ask for a new amount for the selected dose."""
        index = self._selected_index()
        if index is None or self.workspace.profile is None:
            self.notify("Select a dose first (arrow keys).", severity="warning")
            return
        from sleepplan.tui.dialogs.tonight_prompts import ask_amount  # loads only when asked

        ask_amount(self.sleep_app, index)

    def action_next_routine(self) -> None:
        """Switch to the next routine."""
        name = self.workspace.next_routine()
        if name:
            self.notify(f"Routine: {visible(name)}")
        self.sleep_app.bump()

    def action_manage_routines(self) -> None:
        """Open the routine manager."""
        from sleepplan.tui.dialogs.routines import RoutineManager

        self.app.push_screen(RoutineManager())

    def action_just_tonight(self) -> None:
        """Change bedtime, wake or routine for tonight only."""
        from sleepplan.tui.dialogs.just_tonight import ask_just_tonight

        ask_just_tonight(self.sleep_app)

    def action_edit_time(self, which: str) -> None:
        """Ask for a new usual bedtime or wake time (saved in the profile); doses move with it."""
        from sleepplan.tui.dialogs.tonight_prompts import ask_usual_time

        ask_usual_time(self.sleep_app, which)

    def action_pick_routine(self) -> None:
        """Choose the routine from a list."""
        from sleepplan.tui.dialogs.tonight_prompts import ask_routine

        ask_routine(self.sleep_app)
