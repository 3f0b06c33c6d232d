"""The profile's settings as a form: name, zone, times, sleep need, medications, flags.

Each field is checked as it is typed (``profile_settings`` says why a value is refused); the
settings screen and the first run's welcome both show it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Checkbox, Input, Label, Static

from sleepplan.core import timing
from sleepplan.core.visible import visible
from sleepplan.tui.widgets.medications import MedicationsField
from sleepplan.tui.widgets.profile_settings import (
    ProfileSettings,
    field_problem,
    medication_problem,
    name_problem,
    sleep_need_value,
)
from sleepplan.tui.widgets.zone_field import ZoneField

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
            return field_problem("sleep_need_min", sleep_need_value(text))
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
