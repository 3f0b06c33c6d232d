"""Tonight: bedtime and wake, the routine grouped by stage, the timeline, the warnings."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from sleepplan.core import editing, timing
from sleepplan.core.planner import Plan
from sleepplan.core.safety import NOTHING_RECORDED, SCOPE, SafetyWarning
from sleepplan.core.visible import visible
from sleepplan.output import DISCLAIMER
from sleepplan.output.report import instruction
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt
from sleepplan.tui.dialogs.warnings import WarningDialog, warning_text
from sleepplan.tui.screens.base import AreaScreen
from sleepplan.tui.widgets.key_footer import KeyFooter
from sleepplan.tui.widgets.timeline import TimelineView

HELP = """\
# Tonight

Your routine for tonight, grouped by the stage of the night each compound targets, each dose at
its clock time. Every change replans at once.

| key | does |
|---|---|
| `b` / `w` | edit bedtime / wake (type `HH:MM`, Enter; every dose moves at once) |
| `r` | next routine (or click the routine's name to pick one) |
| `a` | add a compound from the catalog |
| `e` | change the amount of the selected dose |
| `[` / `]` | move the selected dose 15 minutes earlier / later |
| `delete` | remove the selected dose |
| `ctrl+s` | save the profile |
| `tab` | move to the warnings; `enter` on one shows its sources |

Warnings show their severity by symbol and word: ✖ DANGER, ▲ CAUTION, ℹ INFO. Saving a
routine with a danger asks you to acknowledge it first; the acknowledgement (code, compounds,
date) is recorded in the profile, and the danger keeps showing. sleepplan never calls a
combination safe: one its sources say nothing about is reported as exactly that.

The timeline shows the night from the first dose to wake: the stage band
(`o` falling asleep, `D` deep, `m` mid-night, `R` REM-rich) and each dose's level against its
own peak, with what is left at wake. Compounds without sourced kinetics have no curve.

sleepplan is not medical advice.
"""

COLUMNS = [("Time", 5), ("Compound", 26), ("Amount", 9), ("vs bed", 8), ("Peak", 8), ("At wake", 7)]
"""The dose list's columns: heading and width (numbers are right-aligned)."""
RIGHT_ALIGNED = {"Amount", "vs bed"}


def columns(*cells: str) -> str:
    """One line of the dose list, its cells padded to the columns' widths."""
    return "  ".join(
        cell[:width].rjust(width) if label in RIGHT_ALIGNED else cell[:width].ljust(width)
        for cell, (label, width) in zip(cells, COLUMNS, strict=True)
    )


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
        experiments = self._experiments()
        line = self.query_one("#experiment-tonight", Static)
        line.update(experiments)
        line.display = bool(experiments.plain)
        self._fill_table(plan)
        self.query_one("#timeline", TimelineView).plan = plan
        self._show_warnings(workspace.warnings(plan))

    def _controls(self) -> Content:
        """Bedtime, wake and routine, each with its key; click one to change it."""
        workspace = self.workspace
        profile = workspace.profile
        assert profile is not None
        names = workspace.routine_names()
        routine = workspace.routine_name or "(none)"
        where = f", {names.index(routine) + 1} of {len(names)}" if routine in names else ""
        # the names go in as variables: a routine called "Nights [travel]" is shown as typed
        # (and its control characters visible: Content does not remove them)
        return Content.from_markup(
            "[$text-muted]Bedtime[/] [b][@click=screen.edit_time('bedtime')]$bedtime[/][/] "
            "[$text-muted](b)[/]   "
            "[$text-muted]Wake[/] [b][@click=screen.edit_time('wake')]$wake[/][/] "
            "[$text-muted](w)[/]   "
            "[$text-muted]Routine[/] [b][@click=screen.pick_routine]$routine[/][/] "
            "[$text-muted](r$where)[/]",
            bedtime=timing.format_clock(profile.bedtime),
            wake=timing.format_clock(profile.wake),
            routine=visible(routine),
            where=where,
        )

    def _experiments(self) -> Text:
        """Tonight's instruction from every experiment running tonight."""
        workspace = self.workspace
        text = Text()
        for experiment in workspace.profile.experiments if workspace.profile else ():
            if experiment.tonight(workspace.night) is None:
                continue
            name = workspace.catalog.get(experiment.compound).name
            text.append("Experiment: ", style="bold")
            text.append(visible(instruction(experiment, workspace.night, name)) + "\n")
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

    def _fill_table(self, plan: Plan | None) -> None:
        doses = self.query_one("#doses", OptionList)
        selected_key = self._selected_key()
        selected_row = doses.highlighted or 0
        doses.clear_options()
        self._whys = {}
        if plan is None or not plan.doses:
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
                residual = "–" if dose.residual_at_wake is None else f"{dose.residual_at_wake:.0%}"
                row = columns(
                    f"{dose.at:%H:%M}",
                    visible(dose.compound.name),
                    f"{dose.amount_mg:g} mg",
                    f"{dose.minutes_from_bedtime:+d} min",
                    peak,
                    residual,
                )
                # plain text: a compound of the user's own may have any name
                options.append(Option(Content(row), f"dose:{dose.routine_index}"))
        doses.add_options(options)
        self._whys = {f"dose:{dose.routine_index}": dose.why for dose in plan.doses}
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

    def _show_warnings(self, warnings: list[SafetyWarning]) -> None:
        self._shown_warnings = warnings
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
                text.append("  (acknowledged: still a danger)", style="italic")
            panel.add_option(Option(text, id=str(index)))
        panel.display = bool(warnings)
        interactions = any(w.code.endswith("interaction") for w in warnings)
        scope = Text()
        if not interactions:
            scope.append(NOTHING_RECORDED + "\n")
        scope.append(SCOPE + "\n", style="dim")
        scope.append(DISCLAIMER, style="dim italic")
        self.query_one("#scope", Static).update(scope)

    @on(OptionList.OptionSelected, "#warnings")
    def _open_warning(self, event: OptionList.OptionSelected) -> None:
        self.app.push_screen(WarningDialog(self._shown_warnings[int(event.option.id or 0)]))

    # -- acting on the state ----------------------------------------------------------------

    def _selected_index(self) -> int | None:
        key = self._selected_key()
        return int(key.split(":", 1)[1]) if key.startswith("dose:") else None

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
                amount = float(answer)
                self.sleep_app.change(lambda p, r: editing.set_amount(p, r, index, amount))

        self.app.push_screen(
            TextPrompt(
                f"Amount of {visible(dose.compound)} in mg", f"{dose.amount_mg:g}", check_amount
            ),
            apply,
        )

    def action_next_routine(self) -> None:
        """Switch to the next routine."""
        name = self.workspace.next_routine()
        if name:
            self.notify(f"Routine: {visible(name)}")
        self.sleep_app.bump()

    def action_edit_time(self, which: str) -> None:
        """Ask for a new bedtime or wake time; every dose moves with it."""
        profile = self.workspace.profile
        if profile is None:
            return
        current = timing.format_clock(getattr(profile, which))

        def apply(answer: str | None) -> None:
            latest = self.workspace.profile
            if answer and latest is not None:
                clock = timing.parse_clock(answer)
                self.sleep_app.change_profile(editing.set_times(latest, **{which: clock}))

        label = "Bedtime" if which == "bedtime" else "Wake time"
        self.app.push_screen(TextPrompt(f"{label} (HH:MM)", current, check_clock), apply)

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


def check_amount(answer: str) -> str | None:
    """A problem with a typed amount, or ``None``."""
    try:
        amount = float(answer)
    except ValueError:
        return "Type a number of milligrams, such as 200 or 0.5."
    if not 0 < amount <= 100_000:
        return "An amount is more than 0 and at most 100000 mg."
    return None
