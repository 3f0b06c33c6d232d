"""Tonight: bedtime and wake, the routine grouped by stage, the timeline, the warnings."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from sleepplan.core import editing, timing
from sleepplan.core.amounts import parse_amount
from sleepplan.core.experiments import ExperimentPlan
from sleepplan.core.interactions import Medications, medications_summary
from sleepplan.core.objective import ObjectiveNight
from sleepplan.core.planner import Plan, PlannedDose
from sleepplan.core.safety import NOTHING_RECORDED, SafetyWarning, Severity, records_interaction
from sleepplan.core.visible import visible
from sleepplan.output.report import instruction
from sleepplan.store import paths
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt, amount_problem
from sleepplan.tui.dialogs.warnings import (
    BADGE_STYLE,
    SEVERITY_MARK,
    SEVERITY_STYLE,
    WarningDialog,
    warning_text,
)
from sleepplan.tui.plain import plain
from sleepplan.tui.screens.base import AreaScreen
from sleepplan.tui.widgets.from_today import FromToday
from sleepplan.tui.widgets.key_footer import KeyFooter
from sleepplan.tui.widgets.timeline import TimelineView
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

COLUMNS = [
    ("Time", 5),
    ("Compound", 24),
    ("Warning", 9),
    ("Amount", 9),
    ("vs bed", 8),
    ("Peak", 7),
    ("At wake", 7),
]
"""The dose list's columns: heading and width (numbers are right-aligned); 75 cells in all,
so a row fits at 80 columns."""
RIGHT_ALIGNED = {"Amount", "vs bed"}
COLUMN_GAP = " "
MARK_COLUMN = 2
"""The column where a dose's warning mark goes (``✖ DANGER``, ``▲ CAUTION``)."""

NOT_CHECKED = "not checked (unknown):"
"""Where ``medications_summary`` starts naming the medications nothing was checked against."""

DISCLAIMER_LINE = "Not medical advice; checks only what its sources record. Ask a pharmacist."
"""Tonight's one disclaimer line (the long ones are in the CLI's output and the README)."""


def _row_key(dose: PlannedDose) -> str:
    """A dose row's option id: its place in the routine, or the experiment that added it."""
    if dose.routine_index < 0 and dose.experiment is not None:
        return f"experiment:{dose.experiment.experiment_id}"
    return f"dose:{dose.routine_index}"


def columns(*cells: str) -> str:
    """One line of the dose list, its cells padded to the columns' widths."""
    return COLUMN_GAP.join(
        cell[:width].rjust(width) if label in RIGHT_ALIGNED else cell[:width].ljust(width)
        for cell, (label, width) in zip(cells, COLUMNS, strict=True)
    )


def mark_span(cells: int = MARK_COLUMN) -> tuple[int, int]:
    """Where the warning mark's column starts and ends in a row made by ``columns``."""
    start = sum(width + len(COLUMN_GAP) for _, width in COLUMNS[:cells])
    return start, start + COLUMNS[cells][1]


def worst_by_compound(warnings: list[SafetyWarning]) -> dict[str, Severity]:
    """The most serious danger or caution each compound is involved in (info marks no row)."""
    worst: dict[str, Severity] = {}
    for warning in warnings:
        if warning.severity is Severity.INFO:
            continue
        for compound in warning.compounds:
            if compound not in worst or warning.severity.rank < worst[compound].rank:
                worst[compound] = warning.severity
    return worst


def warnings_line(warnings: list[SafetyWarning]) -> Content:
    """The warnings in one line: ``✖ 1 danger · ▲ 2 cautions — ! shows them`` (clickable)."""
    words = {Severity.DANGER: "danger", Severity.CAUTION: "caution", Severity.INFO: "note"}
    parts: list[Content | str] = []
    for severity in Severity:
        count = sum(warning.severity is severity for warning in warnings)
        if count:
            symbol = SEVERITY_MARK[severity.value].split()[0]
            plural = "" if count == 1 else "s"
            if parts:
                parts.append(" · ")
            label = f"{symbol} {count} {words[severity]}{plural}"
            parts.append(Content.styled(label, SEVERITY_STYLE[severity.value]))
    if not parts:
        return Content("")
    parts.append(
        Content.from_markup("[$text-muted] — [@click=screen.show_warnings]! shows them[/][/]")
    )
    return Content.assemble(*parts)


def checked_against(medications: Medications) -> Content:
    """Which of the user's medications the warnings were checked against, in one line.

    A name sleepplan does not know is kept and shown as "not checked" (never dropped), in
    the theme's warning colour as well.
    """
    line = plain(medications_summary(medications))
    start = line.plain.find(NOT_CHECKED)
    return line.stylize(SEVERITY_STYLE["caution"], start) if start >= 0 else line


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
            yield Static(Text(columns(*(label for label, _ in COLUMNS)), "bold"), id="doses-head")
            yield OptionList(id="doses")
            yield Static("", id="dose-why")
            yield TimelineView(id="timeline")
            yield Static("", id="warnings-title")
            yield OptionList(id="warnings")
            yield Static("", id="scope")
        yield KeyFooter()

    def __init__(self) -> None:
        super().__init__()
        self._whys: dict[str, str] = {}
        self._shown_warnings: list[SafetyWarning] = []
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
        self.query_one("#night-controls", Static).update(self._controls())
        plan = workspace.plan()
        summary.update(self._summary(plan))
        self.query_one(SleepWindowLine).follow(workspace)
        experiments = self._experiments()
        line = self.query_one("#experiment-tonight", Static)
        line.update(experiments)
        line.display = bool(experiments.plain)
        warnings = workspace.warnings(plan)
        self._fill_table(plan, worst_by_compound(warnings))
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

    def _controls(self) -> Content:
        """Bedtime, wake and routine, each with its key; click one to change it."""
        workspace = self.workspace
        profile = workspace.profile
        assert profile is not None
        names = workspace.routine_names()
        routine = workspace.routine_name or "(none)"
        where = f", {names.index(routine) + 1} of {len(names)}" if routine in names else ""
        tonight = workspace.tonight_profile() or profile
        # a time for tonight only says so, in words, in place of its key (j changes it)
        only = "[$warning][@click=screen.just_tonight](tonight)[/][/]"
        bed_key = only if workspace.tonight_bedtime is not None else "[$text-muted](b)[/]"
        wake_key = only if workspace.tonight_wake is not None else "[$text-muted](w)[/]"
        # the names go in as variables: a routine called "Nights [travel]" is shown as typed
        # (and its control characters visible: Content does not remove them)
        return Content.from_markup(
            "[$text-muted]Bedtime[/] [b][@click=screen.edit_time('bedtime')]$bedtime[/][/] "
            f"{bed_key}   "
            "[$text-muted]Wake[/] [b][@click=screen.edit_time('wake')]$wake[/][/] "
            f"{wake_key}   "
            "[$text-muted]Routine[/] [b][@click=screen.pick_routine]$routine[/][/] "
            "[$text-muted](r$where)[/]",
            bedtime=timing.format_clock(tonight.bedtime),
            wake=timing.format_clock(tonight.wake),
            routine=visible(routine),
            where=where,
        )

    def _experiments(self) -> Text:
        """Tonight's instruction from every experiment running tonight.

        Blinded, it never says the arm. An experiment whose sealed plan cannot be read says so.
        """
        workspace = self.workspace
        text = Text()
        night = workspace.night
        for experiment in workspace.experiments_on(night):
            name = workspace.catalog.get(experiment.compound).name
            text.append("Experiment: ", style="bold")
            text.append(visible(instruction(experiment, night, name)) + "\n")
        for registration in workspace.profile.experiments if workspace.profile else ():
            if registration.may_include(night):
                problem = workspace.full_plan(registration)
                if not isinstance(problem, ExperimentPlan):
                    text.append("Experiment: ", style="bold")
                    text.append(visible(problem.render()) + "\n", style="italic")
        return text

    def _summary(self, plan: Plan | None) -> Text:
        if plan is None:
            return Text("This profile has no routine yet: press a to add a compound.")
        night = plan.night
        minutes = timing.minutes_between(plan.bedtime, plan.wake)
        return Text.assemble(
            ("bed ", "dim"),
            f"{plan.bedtime:%H:%M}",
            (" · asleep ~", "dim"),
            f"{night.onset:%H:%M}",
            (" · wake ", "dim"),
            f"{plan.wake:%H:%M}",
            (" · ", "dim"),
            f"{minutes // 60} h {minutes % 60:02d} in bed",
            (" · ", "dim"),
            plan.settings.zone,
        )

    def _fill_table(self, plan: Plan | None, marks: dict[str, Severity]) -> None:
        doses = self.query_one("#doses", OptionList)
        selected_key = self._selected_key()
        selected_row = doses.highlighted or 0
        doses.clear_options()
        self._whys = {}
        if plan is None or not plan.rows:
            if plan is not None:
                empty = Text("No doses yet: press a to add one", "italic")
                doses.add_option(Option(empty, "empty", disabled=True))
            self._show_why()
            return
        options = []
        for stage, stage_doses in plan.by_stage():
            window = plan.night.windows[stage]
            heading = f"{stage.label.upper()} · {window.start:%H:%M}–{window.end:%H:%M}"
            options.append(Option(Text(heading, "bold"), f"stage:{stage.value}", disabled=True))
            for dose in stage_doses:
                peak = "–" if dose.peak_at is None else f"{dose.peak_at:%H:%M}"
                if dose.peak_in_window is not None:
                    peak += " ✓" if dose.peak_in_window else " ✗"
                residual = dose.residual_text or "–"
                severity = marks.get(dose.compound.id)
                row = columns(
                    f"{dose.at:%H:%M}",
                    visible(dose.compound.name),
                    SEVERITY_MARK[severity.value] if severity else "",
                    dose.amount_text,
                    f"{dose.minutes_from_bedtime:+d} min",
                    peak,
                    residual,
                )
                # plain text: a compound of the user's own may have any name
                prompt = Content(row)
                if severity:
                    prompt = prompt.stylize(BADGE_STYLE[severity.value], *mark_span())
                options.append(Option(prompt, _row_key(dose)))
        doses.add_options(options)
        self._whys = {_row_key(dose): dose.why for dose in plan.rows}
        if selected_key in self._whys:
            # the cursor follows the dose, wherever the re-sorted plan put it
            doses.highlighted = doses.get_option_index(selected_key)
        else:
            # the row it was on, or the nearest dose (never a stage heading)
            index = min(max(selected_row, 1), doses.option_count - 1)
            if doses.get_option_at_index(index).disabled:
                index += 1 if index + 1 < doses.option_count else -1
            doses.highlighted = index
        self._show_why()

    def _selected_key(self) -> str:
        doses = self.query_one("#doses", OptionList)
        option = doses.highlighted_option
        return option.id or "" if option is not None else ""

    def _show_why(self) -> None:
        why = self._whys.get(self._selected_key(), "")
        shown = f"Why: {visible(why)}" if why else ""
        self.query_one("#dose-why", Static).update(Text(shown, "dim"))

    @on(OptionList.OptionHighlighted, "#doses")
    def _dose_highlighted(self) -> None:
        self._show_why()

    def _show_warnings(self, warnings: list[SafetyWarning], has_doses: bool) -> None:
        self._shown_warnings = warnings
        summary = self.query_one("#warnings-line", Static)
        summary.update(warnings_line(warnings))
        summary.display = bool(warnings)
        title = self.query_one("#warnings-title", Static)
        title.update(Text(f"Warnings ({len(warnings)}) · enter on one shows its sources", "bold"))
        title.display = bool(warnings)
        panel = self.query_one("#warnings", OptionList)
        panel.clear_options()
        routine = self.workspace.routine_name or ""
        for index, warning in enumerate(warnings):
            text = warning_text(warning, with_sources=False)
            if warning.severity.value == "danger" and self.workspace.is_acknowledged(
                routine, warning
            ):
                text += Content.styled("  (acknowledged: still a danger)", "italic")
            panel.add_option(Option(text, id=str(index)))
        panel.display = bool(warnings)
        # as the CLI says it: only when no interaction is recorded, and only of doses
        scope = Text()
        if has_doses and not records_interaction(warnings):
            scope.append(NOTHING_RECORDED + "\n")
        scope.append(DISCLAIMER_LINE, style="dim italic")
        self.query_one("#scope", Static).update(scope)

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
        self.app.push_screen(WarningDialog(self._shown_warnings[int(event.option.id or 0)]))

    # -- acting on the state ----------------------------------------------------------------

    def _selected_index(self) -> int | None:
        key = self._selected_key()
        return int(key.split(":", 1)[1]) if key.startswith("dose:") else None

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
        profile = self.workspace.profile
        if index is None or profile is None:
            self.notify("Select a dose first (arrow keys).", severity="warning")
            return
        dose = profile.routine(self.workspace.routine_name).doses[index]

        def apply(answer: str | None) -> None:
            if answer:
                amount = parse_amount(answer)
                self.sleep_app.change(lambda p, r: editing.set_amount(p, r, index, amount))

        self.app.push_screen(
            TextPrompt(
                f"Amount of {visible(dose.compound)} (200 mg, 3 g, 500 mcg; mg if no unit)",
                f"{dose.amount_mg:g} mg",
                amount_problem,
            ),
            apply,
        )

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
        profile = self.workspace.profile
        if profile is None:
            return
        current = timing.format_clock(getattr(profile, which))

        def apply(answer: str | None) -> None:
            latest = self.workspace.profile
            if answer and latest is not None:
                clock = timing.parse_clock(answer)
                # the usual time now decides: a time for tonight only would hide it
                self.workspace.clear_tonight_time(which)
                self.sleep_app.change_profile(editing.set_times(latest, **{which: clock}))

        def problem(answer: str) -> str | None:
            """A time that is not one, or that makes the night under 3 or over 16 hours."""
            found = check_clock(answer)
            if found is None and profile is not None:
                times = {"bedtime": profile.bedtime, "wake": profile.wake}
                times[which] = timing.parse_clock(answer)
                found = timing.night_problem(times["bedtime"], times["wake"])
            return found

        label = "Usual bedtime" if which == "bedtime" else "Usual wake time"
        question = f"{label}, saved in the profile (HH:MM) — j changes just tonight"
        self.app.push_screen(TextPrompt(question, current, problem), apply)

    def action_pick_routine(self) -> None:
        """Choose the routine from a list."""
        names = self.workspace.routine_names()
        if not names:
            self.notify("This profile has no routines yet: press a to add a compound.")
            return

        def chosen(name: str | None) -> None:
            if name:
                self.sleep_app.choose_routine(name)

        self.app.push_screen(ChoicePrompt("Tonight's routine", [(n, n) for n in names]), chosen)


def check_clock(answer: str) -> str | None:
    """A problem with a typed clock time, or ``None``."""
    try:
        timing.parse_clock(answer)
    except ValueError as error:
        return str(error)
    return None
