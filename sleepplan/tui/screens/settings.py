"""Profile settings: name, zone, times, sleep need and medications, each checked as it is typed.

Every field is checked by the profile file's own validation, so a value the app refuses is
refused with the very message loading the file would give. Applying changes the open profile
like any other edit (unsaved until ``ctrl+s``); Escape leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.profile import Profile
from sleepplan.core.visible import visible
from sleepplan.store.profiles import check_name
from sleepplan.tui.screens.base import OfTheApp
from sleepplan.tui.widgets.medications import Matches, MedicationsField, search

if TYPE_CHECKING:
    from sleepplan.core.interactions import InteractionData


TIME_FIELDS = ("bedtime", "wake", "dinner")
PERSON_FLAGS = (
    ("smoker", "smoker"),
    ("oral_contraceptives", "oral contraceptives"),
    ("pregnant", "pregnant"),
)
"""The profile's flags that change how fast caffeine is cleared (design §16), and their labels."""
PERSON_HINT = "They change caffeine's half-life: how long a coffee lasts."


def field_problem(field: str, value: object) -> str | None:
    """What the profile loader says about this value of a profile field, or ``None``.

    The value goes through the profile's own validation, so the message is the one a file
    holding it gets (without the file's name and place, which the form shows itself).
    """
    from sleepplan.core.validation import validate  # pydantic: only once a field is checked

    data: dict[str, Any] = {"name": "settings", field: value}
    try:
        validate(Profile, data, "settings")
    except InputError as error:
        return error.problems[0][1]
    return None


def name_problem(name: str) -> str | None:
    """Why a profile's name is refused (the loader's message), or ``None``.

    A name with ``/`` or a control character is refused too: it is shown in headers and
    lists, and it becomes a file name when the profile is saved under it.
    """
    problem = field_problem("name", name)
    if problem:
        return problem
    if "/" in name or visible(name) != name:
        return f"{visible(name)!r}: a profile's name has no '/' and no control characters"
    return None


def file_name_problem(name: str) -> str | None:
    """Why a name cannot name a new profile's file (the loader's or the file's), or ``None``."""
    problem = field_problem("name", name)
    if problem:
        return problem
    try:
        check_name(name, "name")
    except InputError as error:
        return error.problems[0][1]
    return None


def _sleep_need_value(typed: str) -> object:
    """A typed sleep need as the loader would see it: a number if it is one, else the text."""
    text = typed.strip()
    return int(text) if text.isascii() and text.isdigit() else typed


@dataclass(frozen=True, slots=True)
class ProfileSettings:
    """What the settings form holds, every field valid."""

    name: str
    timezone: str | None
    bedtime: dt.time
    wake: dt.time
    dinner: dt.time
    sleep_need_min: int
    medications: tuple[str, ...]
    smoker: bool = False
    oral_contraceptives: bool = False
    pregnant: bool = False

    @classmethod
    def of(cls, profile: Profile) -> ProfileSettings:
        """A profile's settings."""
        return cls(
            profile.name,
            profile.timezone,
            profile.bedtime,
            profile.wake,
            profile.dinner,
            profile.sleep_need_min,
            profile.medications,
            profile.smoker,
            profile.oral_contraceptives,
            profile.pregnant,
        )

    def applied_to(self, profile: Profile) -> Profile:
        """The profile with these settings."""
        return replace(
            profile,
            name=self.name,
            timezone=self.timezone,
            bedtime=self.bedtime,
            wake=self.wake,
            dinner=self.dinner,
            sleep_need_min=self.sleep_need_min,
            medications=self.medications,
            smoker=self.smoker,
            oral_contraceptives=self.oral_contraceptives,
            pregnant=self.pregnant,
        )


class ZoneField(Vertical):
    """An IANA zone, typed with a search over every zone name; empty means the system's."""

    DEFAULT_CSS = """
    ZoneField {
        height: auto;
    }
    ZoneField > Matches {
        height: auto;
        max-height: 4;
        border: none;
        padding: 0;
        background: transparent;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("down", "move(1)", "Next zone", show=False),
        Binding("up", "move(-1)", "Previous zone", show=False),
    ]

    def __init__(self, value: str | None, system_zone: str) -> None:
        super().__init__(id="zone")
        self.value = value or ""
        self.system_zone = system_zone
        self.zones: list[str] = []

    def compose(self) -> ComposeResult:
        """The field and its matches."""
        yield Input(
            self.value,
            placeholder=f"empty: this computer's zone ({self.system_zone})",
            id="zone-input",
            compact=True,
        )
        yield Matches(id="zone-matches")

    def on_mount(self) -> None:
        """Read the zone names (only now: the list is not needed before settings open)."""
        import zoneinfo

        self.zones = sorted(zoneinfo.available_timezones())
        self.query_one(Matches).display = False

    @on(Input.Changed, "#zone-input")
    def _typed(self, event: Input.Changed) -> None:
        matches = self.query_one(Matches)
        if event.value in self.zones:
            matches.show([])  # complete already
            return
        matches.show([(zone, Content(zone)) for zone in search(self.zones, event.value)])

    def action_move(self, step: int) -> None:
        """Move the highlight over the matching zones."""
        if self.screen.focused is not self.query_one("#zone-input", Input):
            raise SkipAction()
        self.query_one(Matches).move(step)

    @on(Input.Submitted, "#zone-input")
    def _submitted(self, event: Input.Submitted) -> None:
        chosen = self.query_one(Matches).chosen()
        if chosen is not None:
            event.stop()  # Enter took the highlighted zone; the next Enter goes on
            event.input.value = chosen
            event.input.cursor_position = len(chosen)


class ProfileForm(Vertical):
    """The profile's settings as fields, each checked as it is typed."""

    DEFAULT_CSS = """
    ProfileForm {
        height: auto;
    }
    ProfileForm > .form-row {
        height: auto;
        margin: 0 0 1 0;
    }
    ProfileForm .form-label {
        width: 14;
        color: $text-muted;
    }
    ProfileForm .form-field {
        width: 1fr;
        height: auto;
    }
    ProfileForm .form-problem {
        height: auto;
        color: $error;
    }
    ProfileForm #person-flags {
        height: auto;
    }
    ProfileForm #person-flags > Checkbox {
        margin: 0 2 0 0;
    }
    """

    def __init__(
        self,
        settings: ProfileSettings,
        data: InteractionData,
        system_zone: str,
        *,
        with_dinner: bool = True,
        name_check: Callable[[str], str | None] = name_problem,
        new: bool = False,
        with_person: bool = False,
    ) -> None:
        """A form for ``settings``.

        Args:
            settings: The values the fields start with.
            data: The interaction data medications are completed from and checked against.
            system_zone: The zone an empty zone field means.
            with_dinner: Whether dinner is asked (first run leaves it at its default).
            name_check: Why a name is refused (first run also refuses a name in use).
            new: For a new profile: every value is checked, even those the form started with.
            with_person: Whether the flags that change caffeine's half-life are asked.
        """
        super().__init__(id="profile-form")
        self.settings = settings
        self.data = data
        self.system_zone = system_zone
        self.with_dinner = with_dinner
        self.name_check = name_check
        self.new = new
        self.with_person = with_person

    def compose(self) -> ComposeResult:
        """One row per field, each with a line for its problem."""
        settings = self.settings
        yield from self._row("Name", "name", self._input("name", settings.name))
        yield from self._row("Time zone", "zone", ZoneField(settings.timezone, self.system_zone))
        times = TIME_FIELDS if self.with_dinner else TIME_FIELDS[:2]
        labels = {"bedtime": "Bedtime", "wake": "Wake", "dinner": "Dinner"}
        for field in times:
            clock = timing.format_clock(getattr(settings, field))
            yield from self._row(labels[field], field, self._input(field, clock))
        need = self._input("sleep-need", str(settings.sleep_need_min))
        yield from self._row("Sleep need", "sleep-need", need, "minutes a night (180 to 900)")
        meds = MedicationsField(settings.medications, self.data, medication_problem)
        yield from self._row("Medications", "medications", meds)
        if self.with_person:
            flags = Horizontal(
                *(
                    Checkbox(label, getattr(settings, key), id=f"{key}-flag", compact=True)
                    for key, label in PERSON_FLAGS
                ),
                id="person-flags",
            )
            yield from self._row("About you", "person", flags, PERSON_HINT)

    @staticmethod
    def _input(key: str, value: str) -> Input:
        return Input(visible(value), id=f"{key}-input", compact=True)

    @staticmethod
    def _row(label: str, key: str, field: Any, hint: str = "") -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(label, classes="form-label")
            with Vertical(classes="form-field"):
                yield field
                if hint:
                    yield Static(hint, classes="hint")
                yield Static("", id=f"{key}-problem", classes="form-problem")

    def on_mount(self) -> None:
        """No problems before anything is typed."""
        for problem in self.query(".form-problem"):
            problem.display = False

    # -- checking ---------------------------------------------------------------------------

    def _text(self, key: str) -> str:
        return self.query_one(f"#{key}-input", Input).value

    def _problem(self, key: str) -> str | None:
        """What is wrong with one field as typed, or ``None``.

        What the profile held already is never refused: a hand-written file may have a name
        or a night the form would not let one type, and changing its dinner must still work.
        """
        text = self._text(key)
        if key == "name":
            if not self.new and text == visible(self.settings.name):
                return None
            return self.name_check(text.strip())
        if key == "zone":
            return field_problem("timezone", text.strip()) if text.strip() else None
        if key == "sleep-need":
            return field_problem("sleep_need_min", _sleep_need_value(text))
        problem = field_problem(key, text)
        if problem is None and key in ("bedtime", "wake"):
            return self._night_problem()
        return problem

    def _night_problem(self) -> str | None:
        try:
            bedtime = timing.parse_clock(self._text("bedtime"))
            wake = timing.parse_clock(self._text("wake"))
        except ValueError:
            return None  # the field itself says what is wrong
        if not self.new and (bedtime, wake) == (self.settings.bedtime, self.settings.wake):
            return None
        return timing.night_problem(bedtime, wake)

    def _show(self, key: str, problem: str | None) -> None:
        line = self.query_one(f"#{key}-problem", Static)
        line.update(Content(problem or ""))
        line.display = bool(problem)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removesuffix("-input")
        if key not in self.keys():
            return
        self._show(key, self._problem(key))
        if key in ("bedtime", "wake"):  # the night's length depends on both
            other = "wake" if key == "bedtime" else "bedtime"
            self._show(other, self._problem(other))

    def keys(self) -> tuple[str, ...]:
        """The text fields' keys, in order."""
        times = TIME_FIELDS if self.with_dinner else TIME_FIELDS[:2]
        return ("name", "zone", *times, "sleep-need")

    def problems(self) -> dict[str, str]:
        """Every field's problem, shown beside it, by key."""
        found = {}
        for key in self.keys():
            problem = self._problem(key)
            self._show(key, problem)
            if problem:
                found[key] = problem
        return found

    def _typed_name(self) -> str:
        """The name typed; the profile's own when it is what the field was given."""
        text = self._text("name")
        return self.settings.name if text == visible(self.settings.name) else text.strip()

    def values(self) -> ProfileSettings | None:
        """The settings typed, or ``None`` (each problem shown, the first field focused)."""
        problems = self.problems()
        if problems:
            self.query_one(f"#{next(iter(problems))}-input", Input).focus()
            return None
        zone = self._text("zone").strip()
        dinner = self._text("dinner") if self.with_dinner else None
        return ProfileSettings(
            name=self._typed_name(),
            timezone=zone or None,
            bedtime=timing.parse_clock(self._text("bedtime")),
            wake=timing.parse_clock(self._text("wake")),
            dinner=timing.parse_clock(dinner) if dinner else self.settings.dinner,
            sleep_need_min=int(self._text("sleep-need").strip()),
            medications=self.query_one(MedicationsField).medications,
            **self._flags(),
        )

    def _flags(self) -> dict[str, bool]:
        """The person flags as ticked (as the form started, when it does not ask them)."""
        return {
            key: (
                self.query_one(f"#{key}-flag", Checkbox).value
                if self.with_person
                else getattr(self.settings, key)
            )
            for key, _ in PERSON_FLAGS
        }


def medication_problem(name: str) -> str | None:
    """Why the loader refuses a medication's name (say, too long), or ``None``."""
    return field_problem("medications", [name])


class SettingsScreen(OfTheApp, ModalScreen[bool]):
    """The open profile's settings; dismisses with whether they were applied."""

    CSS_PATH = "settings.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without changing anything")]

    def __init__(self, focus: str = "") -> None:
        """Settings starting in the field with id ``focus`` (default the name)."""
        super().__init__()
        self.start_in = focus or "name-input"

    def compose(self) -> ComposeResult:
        """The form, and how to apply or leave it."""
        workspace = self.sleep_app.workspace
        assert workspace.profile is not None  # the app opens settings only with a profile
        from sleepplan.store.bundled import bundled_interactions

        with Vertical(id="settings"):
            yield Static(
                Content.assemble(
                    ("Profile settings", "bold"), " — ", visible(workspace.profile.name)
                ),
                id="settings-title",
            )
            with VerticalScroll(id="settings-fields"):
                yield ProfileForm(
                    ProfileSettings.of(workspace.profile),
                    bundled_interactions(workspace.cache_dir),
                    workspace.fallback_zone,
                    with_person=True,
                )
            with Horizontal(id="settings-actions"):
                yield Button("Apply", id="apply", variant="primary", compact=True)
                yield Static(
                    "Enter applies · Escape cancels · then ctrl+s saves",
                    classes="hint",
                )

    def on_mount(self) -> None:
        """Start in the field asked for."""
        self.query_one(f"#{self.start_in}").focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply()

    @on(Button.Pressed, "#apply")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.apply()

    def apply(self) -> None:
        """Change the open profile to what the form holds, if every field is valid."""
        values = self.query_one(ProfileForm).values()
        if values is None:
            self.notify("Not applied: a field has a problem (shown under it).", severity="error")
            return
        profile = self.sleep_app.workspace.profile
        if profile is not None:
            changed = values.applied_to(profile)
            if changed != profile:
                self.sleep_app.change_profile(changed)
                self.notify("Settings applied — ctrl+s saves the profile")
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(False)
