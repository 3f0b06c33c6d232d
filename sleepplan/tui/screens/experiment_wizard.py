"""Register an experiment from the app: the form, the registration and its hash, the key.

The same checks as ``sleepplan experiment new`` (``core.experiments.register``): a bad answer
is refused in its own field, with the reason, and nothing is written. Confirming seals the
full plan in the home first, then saves the registration in the profile file (the profile's
other unsaved edits stay unsaved). A blinded plan's envelope key is then shown once, on its
own screen, to hand to someone else; it can be saved to a file. The app never shows it again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from sleepplan.core import timing
from sleepplan.core.amounts import parse_amount
from sleepplan.core.errors import InputError
from sleepplan.core.experiments import MID_HINTS, ExperimentPlan, register
from sleepplan.core.visible import visible
from sleepplan.store import paths
from sleepplan.store.faults import MachineFault, from_os_error
from sleepplan.tui.plain import plain, plain_lines

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp

PRIMARY_CHOICES = [
    ("onset — falling asleep", "onset"),
    ("maintenance — staying asleep", "maintenance"),
    ("next morning — how you feel", "next_morning"),
    ("morning score — everything", "morning"),
    ("REM minutes — from your tracker", "rem_min"),
    ("deep minutes — from your tracker", "deep_min"),
    ("minutes to fall asleep — tracker", "latency_min"),
    ("minutes awake in the night — tracker", "waso_min"),
]
FIELD_OF = {
    "compound": "wizard-compound",
    "dose_a_mg": "wizard-dose-a",
    "dose_b_mg": "wizard-dose-b",
    "primary": "wizard-primary",
    "mid": "wizard-mid",
    "baseline_nights": "wizard-baseline",
    "blocks": "wizard-blocks",
    "block_nights": "wizard-block-nights",
    "start": "wizard-start",
    "hypothesis": "wizard-hypothesis",
}
"""Each registration field and the widget that asks for it (a refusal lands there)."""
LABELS = {
    "wizard-compound": "Compound",
    "wizard-dose-a": "Arm A amount",
    "wizard-dose-b": "Arm B amount",
    "wizard-primary": "Primary score",
    "wizard-mid": "Minimal difference",
    "wizard-baseline": "Baseline nights",
    "wizard-blocks": "Blocks",
    "wizard-block-nights": "Nights per arm",
    "wizard-start": "First night",
    "wizard-hypothesis": "Hypothesis",
}


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
        """The app, typed."""
        from sleepplan.tui.app import SleepPlanApp

        assert isinstance(self.app, SleepPlanApp)
        return self.app

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
        workspace = self.sleep_app.workspace
        if workspace.profile is None or workspace.path is None:
            raise InputError.single("wizard-compound", "", "no profile is open")
        details: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        typed = self._text("wizard-compound")
        compound = workspace.catalog.find(typed) if typed else None
        if not typed:
            problems.append(
                ("wizard-compound", "type the compound to test, as the catalog names it")
            )
        elif compound is None:
            problems.append(("wizard-compound", workspace.catalog.unknown_message(typed)))
        else:
            details["compound"] = compound.id
        for key, widget_id, read in (
            ("dose_a_mg", "wizard-dose-a", _amount),
            ("dose_b_mg", "wizard-dose-b", _amount),
            ("mid", "wizard-mid", float),
            ("baseline_nights", "wizard-baseline", int),
            ("blocks", "wizard-blocks", int),
            ("block_nights", "wizard-block-nights", int),
            ("start", "wizard-start", timing.parse_date),
        ):
            try:
                details[key] = read(self._text(widget_id))
            except (ValueError, OverflowError) as error:
                problems.append((widget_id, str(error) or "not understood"))
        if problems:
            raise InputError("the experiment", problems)
        others = [
            full if isinstance(full := workspace.full_plan(other), ExperimentPlan) else other
            for other in workspace.profile.experiments
        ]
        plan = register(
            tonight=workspace.night,
            others=others,
            places=FIELD_OF,
            catalog=workspace.catalog,
            primary=str(self.query_one("#wizard-primary", Select).value),
            created_at=workspace.now.astimezone(dt.UTC).replace(tzinfo=None),
            seed=secrets.randbits(128),
            hypothesis=self._text("wizard-hypothesis"),
            blinded=self.query_one("#wizard-blind", Checkbox).value,
            **details,
        )
        if any(existing.id == plan.id for existing in workspace.profile.experiments):
            raise InputError.single(
                "the experiment", "wizard-start", f"an experiment {plan.id} exists already"
            )
        return plan

    def _review_text(self) -> str:
        plan = self.plan
        assert plan is not None
        name = self.sleep_app.workspace.catalog.get(plan.compound).name
        return "\n".join(
            [
                f"Experiment {plan.id}: {visible(name)}",
                f"Arms: A = {plan.dose_a_mg:g} mg, B = {plan.dose_b_mg:g} mg",
                f"Primary score: {plan.primary}; minimal important difference {plan.mid:g}",
                f"{len(plan.schedule)} nights, {plan.first_night} to {plan.last_night}: "
                f"{plan.baseline_nights} baseline, {plan.blocks} blocks of {plan.block_nights} "
                f"night(s) per arm, {plan.washout_nights} washout night(s) between arms",
                "Blinded: numbered envelopes" if plan.blinded else "Open: you know each arm",
                f"Hypothesis: {visible(plan.hypothesis) or '(none written)'}",
                f"SHA-256 {plan.sha256}",
                "Confirming registers it: the plan is sealed and cannot change afterwards.",
            ]
        )

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


def _amount(text: str) -> float:
    """An amount typed as on the command line: ``0``, ``0.5 mg``, ``500 mcg``."""
    return 0.0 if text.strip() in ("0", "0 mg") else parse_amount(text)


def register_in_profile(app: SleepPlanApp, plan: ExperimentPlan) -> None:
    """Seal the full plan, then save the profile as last saved plus the registration.

    The sealed file is written first: a crash between leaves an unused sealed file, never a
    profile pointing at nothing. The working profile gains the registration too; its other
    unsaved edits stay unsaved.
    """
    from sleepplan.store.profiles import save_profile
    from sleepplan.store.sealed import seal, seal_legacy

    workspace = app.workspace
    path, saved, working = workspace.path, workspace.saved, workspace.profile
    if path is None or saved is None or working is None:
        raise InputError.single("profile", "", "no profile is open")
    kept = seal_legacy(workspace.home, saved.experiments)
    seal(workspace.home, plan)
    experiments = (*kept, plan.registration())
    updated = dataclasses.replace(saved, experiments=experiments)
    fingerprint = save_profile(
        path, updated, workspace.fingerprint, catalog=workspace.bundled_catalog()
    )
    workspace.mark_saved(path, updated, fingerprint)
    workspace.set_profile(dataclasses.replace(working, experiments=experiments))
    app.bump()


class SavableText(ModalScreen[None]):
    """A text shown whole, that ``s`` saves to a file outside the home (never one that exists)."""

    DEFAULT_CSS = """
    SavableText { align: center middle; }
    SavableText > VerticalScroll { width: 78; max-height: 22; height: auto; padding: 0 1;
        border: round $accent; background: $surface; }
    SavableText .saved-line { color: $error; }
    """
    BINDINGS = [
        Binding("s", "save", "Save to a file", tooltip="Save this text to a file"),
        Binding("escape,enter", "close", "Done", tooltip="Close"),
    ]
    KIND = "text"
    """What the text is, in the prompt and the toast ("the envelope key")."""
    ID = "savable-text"
    """The id of the scroll; its text is ``ID-text``, the line under it ``ID-problem``."""

    def __init__(self, intro: str, text: str, suggested_name: str) -> None:
        super().__init__()
        self.intro = intro
        self.text = text
        self.suggested_name = suggested_name

    def compose(self) -> ComposeResult:
        """The intro, the text, and a line that says what saving did."""
        with VerticalScroll(id=self.ID):
            yield Static(plain_lines(self.intro))
            yield Static(plain_lines(self.text), id=f"{self.ID}-text")
            yield Label("", id=f"{self.ID}-problem", markup=False, classes="saved-line")

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)

    def action_save(self) -> None:
        """Ask where to save the text (a file outside the home, not one that exists)."""
        from sleepplan.tui.dialogs.prompt import TextPrompt

        home = self.app.home if hasattr(self.app, "home") else Path.home()
        suggested = Path.home() / self.suggested_name

        def problem(answer: str) -> str | None:
            try:
                paths.check_export_target(home, Path(answer).expanduser(), False)
            except InputError as error:
                return error.render()
            return None

        self.app.push_screen(
            TextPrompt(f"Save {self.KIND} to which file?", str(suggested), problem),
            self._save_to,
        )

    def _save_to(self, answer: str | None) -> None:
        if not answer:
            return
        from sleepplan.store.exports import write_private

        target = Path(answer).expanduser()
        line = self.query_one(f"#{self.ID}-problem", Label)
        try:
            write_private(target, (self.text + "\n").encode("utf-8"))
        except OSError as error:
            fault = from_os_error(error, target)
            reason = fault.render() if fault else f"{target}: {error.strerror}"
            line.update(plain_lines(f"Not saved: {reason}"))
            return
        except (InputError, MachineFault) as error:
            line.update(plain_lines(f"Not saved: {error.render()}"))
            return
        line.update(plain_lines(f"Saved to {target}."))
        self.notify(f"Saved {self.KIND} to {visible(str(target))}")  # the line may be below


class EnvelopeKeyScreen(SavableText):
    """The envelope key, shown once: hand it over, or save it to a file first."""

    DEFAULT_CSS = """
    EnvelopeKeyScreen > VerticalScroll { border: round $warning; }
    """
    BINDINGS = [
        Binding("escape,enter", "close", "Done", tooltip="Close: the key is not shown again"),
    ]
    KIND = "the envelope key"
    ID = "envelope-key"

    def __init__(self, key: str, experiment_id: str) -> None:
        super().__init__(
            "Shown once. Hand this key to someone else: they fill each numbered envelope as it "
            "says and keep the key until the experiment is complete. sleepplan will not show it "
            "again until then (the report shows it).\ns saves it to a file · Enter or Escape "
            "closes",
            key,
            f"sleepplan-envelope-key-{experiment_id}.txt",
        )


class ExperimentReportScreen(SavableText):
    """A completed experiment's report (Markdown text, shown as text: never parsed)."""

    KIND = "the report"
    ID = "experiment-report"

    def __init__(self, report: str, experiment_id: str) -> None:
        super().__init__(
            "The experiment is complete. s saves this report to a file (Markdown) · Enter or "
            "Escape closes",
            report,
            f"sleepplan-report-{experiment_id}.md",
        )


def show_report(app: SleepPlanApp, experiment_id: str) -> None:
    """Open a completed experiment's report (read in a worker); say why not if it is not done."""
    app.run_worker(
        lambda: _read_report(app, experiment_id),
        thread=True,
        exclusive=True,
        group="experiment-report",
    )


def _read_report(app: SleepPlanApp, experiment_id: str) -> None:
    from sleepplan.core.experiments import progress
    from sleepplan.core.objective import chosen_nights
    from sleepplan.output.report import experiment_report
    from sleepplan.store.journal import Journal

    workspace = app.workspace
    profile = workspace.profile
    experiments = profile.experiments if profile else ()
    registration = next((plan for plan in experiments if plan.id == experiment_id), None)
    if profile is None or registration is None:
        app.call_from_thread(app.notify, f"No experiment {experiment_id}.", severity="warning")
        return
    full = workspace.full_plan(registration)
    try:
        if not isinstance(full, ExperimentPlan):
            raise full
        with Journal(paths.journal_path(workspace.home)) as journal:
            records = journal.records(profile.name)
            recorded = journal.objective_nights(profile.name)
    except (InputError, MachineFault) as error:
        app.call_from_thread(app.notify, error.render(), title="No report", severity="error")
        return
    tracked = chosen_nights(recorded, profile.tracker_priority)
    by_night = {dt.date.fromisoformat(record["night"]): record for record in records}
    today = timing.in_zone(workspace.now, workspace.zone).date()
    state = progress(full, by_night, today)
    if not state.complete:
        app.call_from_thread(
            app.notify,
            f"Results stay hidden until experiment {experiment_id} completes "
            f"({state.nights_to_go} nights to go).",
            severity="warning",
        )
        return
    name = workspace.catalog.get(full.compound).name
    text = experiment_report(full, by_night, name, today, tracked)
    app.call_from_thread(app.push_screen, ExperimentReportScreen(text, experiment_id))
