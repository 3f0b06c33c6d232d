"""Morning check-in: a keyboard-fast form, the live score breakdown, saving to the journal."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Header, Input, Label

from sleepplan.core import timing
from sleepplan.core.checkin import (
    CheckinAnswers,
    TakenDose,
    checkin_record,
    evaluate,
    taken_from_plan,
)
from sleepplan.core.day import DayEntry
from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight
from sleepplan.store.faults import MachineFault
from sleepplan.tui.dialogs.confirm import ConfirmDialog
from sleepplan.tui.screens.base import AreaScreen
from sleepplan.tui.screens.checkin_fields import COUNT_LABELS, HELP
from sleepplan.tui.screens.checkin_journal import (
    Exists,
    LastLoaded,
    Saved,
    ask_to_replace,
    read_last,
    save_checkin,
)
from sleepplan.tui.screens.checkin_prefill import (
    asks_guess,
    day_answers,
    recorded_taken,
    recorder_name,
    taken_ticks,
    tracker_answers,
)
from sleepplan.tui.widgets.checkin_form import (
    fill_answers,
    questions,
    read_answers,
    set_text,
    show_note,
)
from sleepplan.tui.widgets.checkin_score import score_panel
from sleepplan.tui.widgets.key_footer import KeyFooter
from sleepplan.tui.widgets.live_text import LiveText
from sleepplan.tui.widgets.scale import Scale
from sleepplan.tui.widgets.tick import Tick


class CheckinScreen(AreaScreen):
    """The morning area."""

    CSS_PATH = "checkin.tcss"
    """This area's rules, read when it is first opened (app.tcss has Tonight's)."""

    HELP = HELP
    AUTO_FOCUS = "#quality"
    BINDINGS = [
        Binding(
            "ctrl+s",
            "save_checkin",
            "Save check-in",
            id="checkin.save",
            tooltip="Save this morning's check-in to the journal",
            priority=True,
        ),
    ]

    def __init__(self, night: dt.date | None = None, record: dict[str, Any] | None = None) -> None:
        """The morning form; ``night`` opens it on a past night, ``record`` to correct it.

        Opened on a night (from History or the calendar) it is pushed over them, its night
        fixed, and closes once saved; a correction replaces the night's check-in, and the
        journal keeps the previous version.
        """
        super().__init__()
        self.given_night = night
        self.correcting = record
        self._form_key = "checkin" if night is None else f"checkin:{night}"
        """What the quit question knows this form by (the area's, or a past night's)."""
        self._prefilled_for: tuple[str, dt.date] | None = None
        self._planned: list[TakenDose] = []
        self._taken_ticks: list[Tick] = []
        """One tick per planned dose, in order: by reference, as the old ones may still be
        leaving when a profile opened meanwhile fills the form again (ids would clash)."""
        self._saved_record: dict[str, Any] | None = None
        self._recent: list[float] = []
        self._touched = False
        self._filling = False
        """The form is being filled in by the app (prefill), not answered."""

    def compose(self) -> ComposeResult:
        """The questions in the order a morning answers them; the score beside them."""
        yield Header()
        with Horizontal(id="checkin-area"):
            with VerticalScroll(id="checkin"):
                yield from questions()
            with VerticalScroll(id="checkin-score-pane"):
                yield LiveText(id="checkin-score")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Watch every answer (the base class's on_mount runs too)."""
        for widget in self.query("Scale, Input, Checkbox"):
            if widget.parent is not self.query_one("#taken"):  # those come with a plan: _prefill
                self._watch_answer(widget)
        if self.given_night is not None:  # a past night's form: its night is fixed
            self.query_one("#night", Input).disabled = True
            doing = "Correcting" if self.correcting is not None else "Filling in"
            self.sub_title = f"{doing} the night of {self.given_night} · escape: back"

    def _watch_answer(self, widget: Widget) -> None:
        # A watcher runs as the value changes, inside the keystroke's own handler: the score
        # is recomputed before the next frame, so that frame shows the key and its score. A
        # Changed message would arrive after the widget's own repaint, and Textual paints the
        # frame after that one 17–33 ms later (it keeps to 60 frames a second).
        self.watch(widget, "value", partial(self._answer_changed, widget), init=False)

    def on_screen_resume(self) -> None:
        """Show the form from its top (the night and the first question's label)."""
        form = self.query_one("#checkin", VerticalScroll)
        self.call_after_refresh(form.scroll_home, animate=False)

    # -- filling in --------------------------------------------------------------------------

    def refresh_view(self) -> None:
        """Prefill from last night's plan when the profile or night is new to the form."""
        workspace = self.workspace
        if workspace.profile is None:
            self.query_one("#checkin-score", LiveText).show(
                Text(workspace.error.render() if workspace.error else "Loading your profile…")
            )
            return
        night = (
            self._night()
            or self.given_night
            or (timing.in_zone(workspace.now, workspace.zone).date() - dt.timedelta(days=1))
        )
        key = (workspace.profile.name, night)
        if key != self._prefilled_for and not self._touched:
            self._prefill(night)
        blinded = asks_guess(workspace, night)
        self.query_one("#guess", Scale).display = blinded
        self.query_one("#guess-label", Label).display = blinded
        self._recompute()

    def _night(self) -> dt.date | None:
        text = self.query_one("#night", Input).value
        try:
            return timing.parse_date(text) if text else None
        except ValueError:
            return None

    def _prefill(self, night: dt.date) -> None:
        workspace = self.workspace
        profile = workspace.profile
        assert profile is not None
        self._prefilled_for = (profile.name, night)
        self._set("night", night.isoformat())
        self.query_one("#tracker-note", Label).display = False  # until this night's is read
        plan = workspace.plan_for_night(night)
        bed = timing.format_clock(profile.bedtime)
        wake = timing.format_clock(profile.wake)
        for key, value in (
            ("in_bed", bed),
            ("tried_sleep", bed),
            ("final_wake", wake),
            ("out_of_bed", wake),
        ):
            self._set(key, value)
        self._planned = list(taken_from_plan(plan.doses)) if plan else []
        ticked = [True] * len(self._planned)
        if self.correcting is not None:  # what was taken, then the plan's others unticked
            self._planned, ticked = recorded_taken(self.correcting, self._planned)
        ticks = taken_ticks(self._planned, ticked, plan, workspace.catalog)
        self._taken_ticks = ticks
        for tick in ticks:
            self._watch_answer(tick)
        taken = self.query_one("#taken", Vertical)
        taken.remove_children()
        taken.mount_all(ticks)
        if self.correcting is not None:
            self._fill_answers(self.correcting)
        self._load_last(profile.name, night)

    def _fill_answers(self, record: dict[str, Any]) -> None:
        """Prefill the form with a stored check-in's answers (a correction), times in the zone."""
        self._filling = True
        try:
            fill_answers(self, record, self.workspace.zone)
        finally:
            self._filling = False

    def _set(self, widget_id: str, value: str) -> None:
        """Fill in a field for the user: not an answer, so nothing counts as touched."""
        self._filling = True
        try:
            set_text(self, widget_id, value)
        finally:
            self._filling = False

    @work(thread=True, exclusive=True, group="checkin-last")
    def _load_last(self, profile: str, night: dt.date) -> None:
        """Read the latest check-in (the usual counts) and the last seven mornings."""
        try:
            loaded = read_last(self.workspace.home, profile, night, self._tracker_priority())
        except (InputError, MachineFault) as error:  # the form still works, unprefilled
            self.notify(error.render(), title="Journal not read", severity="error", timeout=15)
            return
        self.post_message(loaded)

    def _tracker_priority(self) -> tuple[str, ...]:
        profile = self.workspace.profile
        return profile.tracker_priority if profile is not None else ()

    @on(LastLoaded)
    def _last_loaded(self, message: LastLoaded) -> None:
        self._recent = message.recent
        if message.last and not self._touched and self.correcting is None:
            for key in COUNT_LABELS:
                value = message.last.get(key)
                if value is not None:
                    self._set(key, str(value))
        tracked = message.tracked
        current = self._prefilled_for is not None and self._prefilled_for[1] == message.night
        if tracked is not None and current and not self._touched and self.correcting is None:
            self._fill_from_tracker(tracked)
        if message.logged is not None and current and not self._touched and not self.correcting:
            self._fill_from_day(message.night, message.logged)
        self._recompute()

    def _fill_from_day(self, night: dt.date | None, logged: list[DayEntry]) -> None:
        """Tick the confounders the day answers (alcohol, caffeine late), and say so."""
        answered = day_answers(self.workspace, night, logged)
        if not answered:
            return
        self._filling = True
        try:
            for name in answered:
                self.query_one(f"#confounder-{name}", Checkbox).value = True
        finally:
            self._filling = False
        words = ", ".join(name.replace("_", " ") for name in answered)
        show_note(self, "day-note", f"Ticked from your day: {words}")

    def _fill_from_tracker(self, tracked: ObjectiveNight) -> None:
        """Prefill the diary from what the tracker recorded, and say so in one line."""
        filled = tracker_answers(tracked, self.workspace.zone)
        for key, value in filled.items():
            self._set(key, value)
        if not filled:
            return
        recorder = recorder_name(tracked)
        # one line, however long the device's name
        show_note(self, "tracker-note", f"From your {recorder}: the times and counts below", True)

    def _answer_changed(self, widget: Widget) -> None:
        """An answer was typed, rated or ticked: the score follows at once."""
        if self._filling or not self.is_mounted:
            return
        self._touched = True
        self._saved_record = None
        if widget.id == "night":
            night = self._night()
            if night is not None and self.workspace.profile is not None:
                self._touched = False
                self._prefill(night)
        self._recompute()
        self._mark_unsaved()

    def _mark_unsaved(self) -> None:
        """Tell the app the form holds answers not in the journal: quitting asks first."""
        night = self._night()
        shown = f"the night of {night.isoformat()}" if night else "this morning"
        self.sleep_app.unsaved_forms[self._form_key] = f"the check-in for {shown}"

    def action_leave_field(self) -> None:
        """Leave a text field; on a past night's form, outside one, go back (asking if changed)."""
        if self.given_night is None or isinstance(self.focused, Input):
            super().action_leave_field()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.sleep_app.unsaved_forms.pop(self._form_key, None)
                self.dismiss()

        if not self._touched:
            answered(True)
            return
        self.app.push_screen(
            ConfirmDialog("Go back without saving these answers?", "Go back", "Stay"), answered
        )

    # -- the answers and the score ------------------------------------------------------------

    def answers(self) -> CheckinAnswers:
        """The form as check-in answers; ``InputError`` names the key of a bad answer."""
        taken = [
            dose.model_dump()
            for dose, tick in zip(self._planned, self._taken_ticks, strict=True)
            if tick.value
        ]
        return read_answers(self, taken)

    def record(self) -> dict[str, Any]:
        """The evaluated check-in, as the journal stores it."""
        profile = self.workspace.profile
        need = profile.sleep_need_min if profile else 480
        return checkin_record(evaluate(self.answers(), self.workspace.zone, need))

    def _recompute(self) -> None:
        panel = self.query_one("#checkin-score", LiveText)
        try:
            record = self.record()
        except InputError as error:
            panel.show(Text.assemble(("Not scored yet\n", "bold"), error.render()))
            return
        panel.show(score_panel(record, self._recent, saved=self._saved_record is not None))

    # -- saving ------------------------------------------------------------------------------

    def action_save_checkin(self) -> None:
        """Save to the journal (asks before replacing this night's check-in)."""
        if self.workspace.profile is None:
            self.notify("No profile is open.", severity="warning")
            return
        try:
            record = self.record()
        except InputError as error:
            self.notify(error.render(), title="Not saved", severity="error")
            self._focus_problem(error)
            return
        self._save(record, replace=self.correcting is not None)  # a correction replaces

    def _focus_problem(self, error: InputError) -> None:
        """Put the focus on the answer a refusal names, so it is corrected in its field."""
        place = error.problems[0][0] if error.problems else ""
        fields = self.query(f"#{place}") if place.isidentifier() else None
        if fields:
            fields.first().focus()

    @on(Button.Pressed, "#save-checkin")
    def _save_pressed(self) -> None:
        self.action_save_checkin()

    @work(thread=True, exclusive=True, group="checkin-save")
    def _save(self, record: dict[str, Any], replace: bool) -> None:
        profile = self.workspace.profile
        assert profile is not None
        now = self.workspace.now.isoformat()
        try:
            outcome = save_checkin(self.workspace.home, profile.name, record, now, replace)
        except (InputError, MachineFault) as error:  # the form keeps every answer
            self.notify(error.render(), title="Not saved", severity="error", timeout=15)
            return
        self.post_message(outcome)

    @on(Exists)
    def _exists(self, message: Exists) -> None:
        record = message.record
        ask_to_replace(self.app, record["night"], partial(self._save, record, replace=True))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self._saved_record = message.record
        self._recent = message.recent
        self._touched = False
        self.sleep_app.unsaved_forms.pop(self._form_key, None)
        self.query_one("#checkin-score", LiveText).show(
            score_panel(message.record, message.recent, saved=True)
        )
        if self.correcting is not None:
            self.notify(
                f"Corrected the night of {message.record['night']}: the score is recomputed, "
                "and the journal keeps the previous version."
            )
        else:
            self.notify(f"Check-in saved for the night of {message.record['night']}")
        if self.given_night is not None:  # a past night's form goes back to where it was opened
            self.dismiss()
