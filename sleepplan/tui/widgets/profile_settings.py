"""The settings a profile form holds, and why a typed value is refused, in the loader's words.

Every field is checked by the profile file's own validation, so a value the app refuses is
refused with the very message loading the file would give.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sleepplan.core.errors import InputError
from sleepplan.core.profile import Profile
from sleepplan.core.visible import visible
from sleepplan.store.profiles import check_name


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


def sleep_need_value(typed: str) -> object:
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


def medication_problem(name: str) -> str | None:
    """Why the loader refuses a medication's name (say, too long), or ``None``."""
    return field_problem("medications", [name])
