"""Tonight: bedtime and wake, the routine grouped by stage, the timeline, the warnings."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from sleepplan.core import editing, timing
from sleepplan.core.planner import Plan
from sleepplan.core.safety import NOTHING_RECORDED, SCOPE, SafetyWarning
from sleepplan.output import DISCLAIMER
from sleepplan.output.report import instruction
from sleepplan.tui.dialogs.prompt import TextPrompt
from sleepplan.tui.dialogs.warnings import WarningDialog, warning_text
from sleepplan.tui.screens.base import AreaScreen, cursor_key
from sleepplan.tui.widgets.timeline import TimelineView

HELP = """\
# Tonight

Your routine for tonight, grouped by the stage of the night each compound targets, each dose at
its clock time. Every change replans at once.

| key | does |
|---|---|
| `b` / `w` | edit bedtime / wake (type `HH:MM`; Escape leaves the field) |
| `r` | next routine (or pick one in the Routine box) |
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
            "focus_field('bedtime')",
            "Bedtime",
            show=False,
            id="tonight.bedtime",
            tooltip="Edit bedtime",
        ),
        Binding(
            "w",
            "focus_field('wake')",
            "Wake",
            show=False,
            id="tonight.wake",
            tooltip="Edit wake time",
        ),
    ]

    def compose(self) -> ComposeResult:
        """Times and routine on top, then doses, timeline and warnings."""
        yield Header()
        with VerticalScroll(id="plan"):
            with Horizontal(id="night-controls"):
                yield Label("Bedtime", classes="field-label")
                yield Input(
                    placeholder="HH:MM",
                    id="bedtime",
                    max_length=5,
                    compact=True,
                    tooltip="Lights-out (HH:MM)",
                )
                yield Label("Wake", classes="field-label")
                yield Input(
                    placeholder="HH:MM",
                    id="wake",
                    max_length=5,
                    compact=True,
                    tooltip="Wake time (HH:MM)",
                )
                yield Label("Routine", classes="field-label")
                yield Select[str]([], id="routine", allow_blank=True, compact=True, prompt="(none)")
            yield Static("", id="night-summary")
            yield Static("", id="experiment-tonight")
            yield DataTable(id="doses", cursor_type="row", zebra_stripes=False)
            yield Static("", id="dose-why")
            yield TimelineView(id="timeline")
            yield Label("", id="warnings-title")
            yield OptionList(id="warnings")
            yield Static("", id="scope")
        yield Footer()

    def __init__(self) -> None:
        super().__init__()
        self._whys: dict[str, str] = {}
        self._shown_warnings: list[SafetyWarning] = []

    def on_mount(self) -> None:
        """Set up the dose table, then follow the app's state."""
        table = self.query_one("#doses", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        super().on_mount()

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
        self._set_input("bedtime", timing.format_clock(profile.bedtime))
        self._set_input("wake", timing.format_clock(profile.wake))
        select = self.query_one("#routine", Select)
        names = workspace.routine_names()
        select.set_options([(name, name) for name in names])
        if workspace.routine_name in names:
            with select.prevent(Select.Changed):
                select.value = workspace.routine_name
        plan = workspace.plan()
        summary.update(self._summary(plan))
        experiments = self._experiments()
        line = self.query_one("#experiment-tonight", Static)
        line.update(experiments)
        line.display = bool(experiments.plain)
        self._fill_table(plan)
        self.query_one("#timeline", TimelineView).plan = plan
        self._show_warnings(workspace.warnings(plan))

    def _set_input(self, widget_id: str, value: str) -> None:
        field = self.query_one(f"#{widget_id}", Input)
        if field.value != value and not field.has_focus:
            with field.prevent(Input.Changed):
                field.value = value

    def _experiments(self) -> Text:
        """Tonight's instruction from every experiment running tonight."""
        workspace = self.workspace
        text = Text()
        for experiment in workspace.profile.experiments if workspace.profile else ():
            if experiment.tonight(workspace.night) is None:
                continue
            name = workspace.catalog.get(experiment.compound).name
            text.append("Experiment: ", style="bold")
            text.append(instruction(experiment, workspace.night, name) + "\n")
        return text

    def _summary(self, plan: Plan | None) -> Text:
        if plan is None:
            return Text("This profile has no routine yet: press a to add a compound.")
        night = plan.night
        minutes = round((plan.wake - plan.bedtime).total_seconds() / 60)
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
        table = self.query_one("#doses", DataTable)
        selected_row = table.cursor_row
        selected_key = self._selected_key()
        table.clear()
        if plan is None:
            return
        if not plan.doses:
            table.add_row("", Text("No doses yet: press a to add one", style="italic"), key="empty")
            return
        for stage, doses in plan.by_stage():
            window = plan.night.windows[stage]
            table.add_row(
                "",
                Text(
                    f"{stage.label.upper()} · {window.start:%H:%M}–{window.end:%H:%M}", style="bold"
                ),
                "",
                "",
                "",
                "",
                key=f"stage:{stage.value}",
            )
            for dose in doses:
                peak = "–" if dose.peak_at is None else f"{dose.peak_at:%H:%M}"
                if dose.peak_in_window is not None:
                    peak += " ✓" if dose.peak_in_window else " ✗"
                residual = "–" if dose.residual_at_wake is None else f"{dose.residual_at_wake:.0%}"
                table.add_row(
                    f"{dose.at:%H:%M}",
                    dose.compound.name,
                    f"{dose.amount_mg:g} mg",
                    f"{dose.minutes_from_bedtime:+d} min",
                    peak,
                    residual,
                    key=f"dose:{dose.routine_index}",
                )
        self._whys = {f"dose:{dose.routine_index}": dose.why for dose in plan.doses}
        if selected_key in self._whys:
            # the cursor follows the dose, wherever the re-sorted plan put it
            table.move_cursor(row=table.get_row_index(selected_key))
        else:
            # start on the first dose rather than a stage heading
            table.move_cursor(row=min(max(selected_row, 1), table.row_count - 1))
        self._show_why()

    def _selected_key(self) -> str:
        return cursor_key(self.query_one("#doses", DataTable)) or ""

    def _show_why(self) -> None:
        why = self._whys.get(self._selected_key(), "")
        self.query_one("#dose-why", Static).update(Text(f"Why: {why}" if why else "", "dim"))

    @on(DataTable.RowHighlighted, "#doses")
    def _dose_highlighted(self) -> None:
        self._show_why()

    def _show_warnings(self, warnings: list[SafetyWarning]) -> None:
        self._shown_warnings = warnings
        title = f"Warnings ({len(warnings)}) · enter on one shows its sources" if warnings else ""
        self.query_one("#warnings-title", Label).update(Text(title, style="bold"))
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
            TextPrompt(f"Amount of {dose.compound} in mg", f"{dose.amount_mg:g}", check_amount),
            apply,
        )

    def action_next_routine(self) -> None:
        """Switch to the next routine."""
        name = self.workspace.next_routine()
        if name:
            self.notify(f"Routine: {name}")
        self.sleep_app.bump()

    def action_focus_field(self, widget_id: str) -> None:
        """Put the cursor in the bedtime or wake field."""
        self.query_one(f"#{widget_id}", Input).focus()

    @on(Select.Changed, "#routine")
    def _routine_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.workspace.routine_name:
            self.workspace.switch_routine(event.value)
            self.sleep_app.bump()

    @on(Input.Changed, "#bedtime, #wake")
    def _time_typed(self, event: Input.Changed) -> None:
        try:
            clock = timing.parse_clock(event.value)
        except ValueError:
            event.input.add_class("-invalid")
            return
        event.input.remove_class("-invalid")
        profile = self.workspace.profile
        if profile is None:
            return
        which = "bedtime" if event.input.id == "bedtime" else "wake"
        if getattr(profile, which) != clock:
            self.sleep_app.change_profile(editing.set_times(profile, **{which: clock}))


def check_amount(answer: str) -> str | None:
    """A problem with a typed amount, or ``None``."""
    try:
        amount = float(answer)
    except ValueError:
        return "Type a number of milligrams, such as 200 or 0.5."
    if not 0 < amount <= 100_000:
        return "An amount is more than 0 and at most 100000 mg."
    return None
