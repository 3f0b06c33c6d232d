"""Register an experiment from the app: the form, the registration and its hash, the key.

The same checks as ``sleepplan experiment new`` (``core.experiments.register``): a bad answer
is refused in its own field, with the reason, and nothing is written. Confirming seals the
full plan in the home first, then saves the registration in the profile file (the profile's
other unsaved edits stay unsaved). A blinded plan's envelope key is then shown once, on its
own screen, to hand to someone else; it can be saved to a file. The app never shows it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from sleepplan.core.errors import InputError
from sleepplan.core.experiments import MID_HINTS, ExperimentPlan
from sleepplan.store.faults import MachineFault, from_os_error

# the key, the report and show_report are still importable from here, where the palette
# and the tests have always found them
from sleepplan.tui.dialogs.savable_text import EnvelopeKeyScreen as EnvelopeKeyScreen
from sleepplan.tui.dialogs.savable_text import ExperimentReportScreen as ExperimentReportScreen
from sleepplan.tui.plain import plain, plain_lines
from sleepplan.tui.screens.experiment_registration import (
    FIELD_OF,
    LABELS,
    PRIMARY_CHOICES,
    register_in_profile,
    registered_plan,
    review_text,
)
from sleepplan.tui.screens.experiment_report import show_report as show_report

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp


class ExperimentWizard(ModalScreen[None]):
    """The experiment's registration, checked field by field, then confirmed."""

    DEFAULT_CSS = """
    ExperimentWizard { align: center middle; }
    #experiment-wizard { width: 78; max-height: 22; height: auto; border: round $accent;
        padding: 0 1; background: $surface; }
    #experiment-wizard .row { height: 1; margin-bottom: 0; }
    #experiment-wizard .field-label { width: 20; }
    #experiment-wizard Input { width: 1fr; }
    #experiment-wizard Input.error { border: none; background: $error 30%; }
    #experiment-wizard Select { width: 1fr; }
    #experiment-wizard .hint { color: $text-muted; }
    #wizard-problem { color: $error; }
    #wizard-review { height: auto; }
    #wizard-buttons, #wizard-confirm-buttons { height: 1; }
    #wizard-buttons Button, #wizard-confirm-buttons Button { min-width: 10; margin-right: 2; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without registering"),
        Binding("ctrl+r", "review", "Review", tooltip="Check the answers and show the hash"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: ExperimentPlan | None = None

    @property
    def sleep_app(self) -> SleepPlanApp:
        """The app, typed (without importing the app's module, which imports this one)."""
        from sleepplan.tui.screens.base import sleep_app_of

        return sleep_app_of(self)

    def compose(self) -> ComposeResult:
        """The questions, a line for problems, then the review (hidden until asked)."""
        workspace = self.sleep_app.workspace
        with VerticalScroll(id="experiment-wizard"):
            yield Label("New experiment", classes="dialog-question")
            with Vertical(id="wizard-form"):
                yield from self._field(
                    "wizard-compound",
                    self._first_in_routine(),
                    "a compound from the catalog, e.g. melatonin",
                )
                yield from self._field("wizard-dose-a", "0", "0 = none or placebo")
                yield from self._field("wizard-dose-b", "", "e.g. 0.5 mg")
                with Horizontal(classes="row"):
                    yield Label(LABELS["wizard-primary"], classes="field-label")
                    yield Select(
                        PRIMARY_CHOICES,
                        value="onset",
                        allow_blank=False,
                        compact=True,
                        id="wizard-primary",
                    )
                yield from self._field("wizard-mid", "5", "points (0–100 scores)")
                yield Static(plain(MID_HINTS["onset"]), id="wizard-mid-hint", classes="hint")
                yield from self._field("wizard-baseline", "7", "nights before the first block")
                yield from self._field("wizard-blocks", "4", "each block: A and B, random order")
                yield from self._field("wizard-block-nights", "2", "nights per arm in a block")
                yield from self._field("wizard-start", workspace.night.isoformat(), "YYYY-MM-DD")
                yield from self._field("wizard-hypothesis", "", "what you expect (optional)")
                yield Checkbox(
                    "Blinded: numbered envelopes someone else fills",
                    compact=True,
                    id="wizard-blind",
                )
                with Horizontal(id="wizard-buttons"):
                    yield Button("Review (ctrl+r)", id="wizard-review-button", compact=True)
                    yield Button("Cancel (esc)", id="wizard-cancel", compact=True)
            yield Label("", id="wizard-problem", markup=False)
            yield Static("", id="wizard-review")
            with Horizontal(id="wizard-confirm-buttons"):
                yield Button("Confirm and register", id="wizard-confirm", compact=True)
                yield Button("Back to the answers", id="wizard-back", compact=True)

    def _field(self, widget_id: str, value: str, placeholder: str) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(LABELS[widget_id], classes="field-label")
            suggester = None
            if widget_id == "wizard-compound":  # completes over the catalog's names
                names = [compound.name for compound in self.sleep_app.workspace.catalog]
                suggester = SuggestFromList(names, case_sensitive=False)
            yield Input(
                value=value,
                placeholder=placeholder,
                id=widget_id,
                compact=True,
                suggester=suggester,
            )

    def _first_in_routine(self) -> str:
        """The name of the current routine's first compound: what the user takes already."""
        workspace = self.sleep_app.workspace
        if workspace.profile is None or not workspace.profile.routines:
            return ""
        routine = workspace.profile.routine(workspace.routine_name)
        catalog = workspace.catalog
        for dose in routine.doses:
            if dose.compound in catalog:
                return catalog.get(dose.compound).name
        return ""

    def on_mount(self) -> None:
        """Start on the compound; the review appears once asked for."""
        self._show_review(False)
        self.query_one("#wizard-compound", Input).focus()

    def _show_review(self, shown: bool) -> None:
        self.query_one("#wizard-form").display = not shown
        self.query_one("#wizard-review").display = shown
        self.query_one("#wizard-confirm-buttons").display = shown

    @on(Select.Changed, "#wizard-primary")
    def _primary_changed(self, event: Select.Changed) -> None:
        self.query_one("#wizard-mid-hint", Static).update(plain(MID_HINTS[str(event.value)]))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_review()

    @on(Button.Pressed, "#wizard-review-button")
    def _review_pressed(self) -> None:
        self.action_review()

    @on(Button.Pressed, "#wizard-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#wizard-back")
    def _back(self) -> None:
        self.plan = None
        self._show_review(False)
        self.query_one("#wizard-compound", Input).focus()

    @on(Button.Pressed, "#wizard-confirm")
    def _confirm_pressed(self) -> None:
        self.confirm()

    def action_cancel(self) -> None:
        """Close; nothing was written."""
        self.dismiss(None)

    # -- checking ------------------------------------------------------------------------------

    def _text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def _refuse(self, problems: list[tuple[str, str]]) -> None:
        """Mark each refused field, say why, and put the cursor in the first."""
        for widget in self.query("#wizard-form Input"):
            widget.remove_class("error")
        lines = []
        first = None
        for place, message in problems:
            widget_id = FIELD_OF.get(place, place)
            label = LABELS.get(widget_id, place)
            lines.append(f"{label}: {message}")
            if widget_id in LABELS:
                self.query_one(f"#{widget_id}").add_class("error")
                first = first or widget_id
        self.query_one("#wizard-problem", Label).update(plain_lines("\n".join(lines)))
        if first is not None:
            self.query_one(f"#{first}").focus()

    def action_review(self) -> None:
        """Check every answer as ``experiment new`` does; show the registration and hash."""
        if self.query_one("#wizard-review").display:
            return
        try:
            self.plan = self._registered()
        except InputError as error:
            self._refuse(error.problems)
            return
        self._refuse([])
        self.query_one("#wizard-review", Static).update(plain_lines(self._review_text()))
        self._show_review(True)
        self.query_one("#wizard-confirm", Button).focus()

    def _registered(self) -> ExperimentPlan:
        return registered_plan(
            self.sleep_app.workspace,
            self._text,
            primary=str(self.query_one("#wizard-primary", Select).value),
            blinded=self.query_one("#wizard-blind", Checkbox).value,
        )

    def _review_text(self) -> str:
        plan = self.plan
        assert plan is not None
        return review_text(plan, self.sleep_app.workspace.catalog.get(plan.compound).name)

    # -- registering ---------------------------------------------------------------------------

    def confirm(self) -> None:
        """Seal the plan, save its registration in the profile, then show the key (blinded)."""
        plan = self.plan
        if plan is None:
            return
        app = self.sleep_app
        try:
            register_in_profile(app, plan)
        except (InputError, MachineFault) as error:
            self.query_one("#wizard-problem", Label).update(
                plain_lines(f"Not registered: {error.render()}")
            )
            return
        except OSError as error:
            fault = from_os_error(error)
            reason = fault.render() if fault else f"{error.filename}: {error.strerror}"
            self.query_one("#wizard-problem", Label).update(
                plain_lines(f"Not registered: {reason}")
            )
            return
        self.dismiss(None)
        app.notify(f"Registered experiment {plan.id}; the plan is sealed.")
        if plan.blinded:
            from sleepplan.output.report import envelope_key_text

            name = app.workspace.catalog.get(plan.compound).name
            app.push_screen(EnvelopeKeyScreen(envelope_key_text(plan, name), plan.id))
