"""The goals a user can start from, each with a starter routine taken from a shipped example.

The one place the goal → starter routine mapping lives: the first-run screen offers these
goals, and the routine manager's "new from a goal" uses them. The examples' text is passed in
(``store.bundled.example_profiles()``), so this stays pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sleepplan.core.errors import InputError
from sleepplan.core.profile import Routine
from sleepplan.core.tomldoc import parse_toml
from sleepplan.core.validation import validate


@dataclass(frozen=True)
class Goal:
    """What a user wants from the night, and the shipped routine that starts them on it."""

    id: str
    label: str
    example: str
    """The shipped example profile (file stem) holding the starter routine."""
    routine: str
    """The starter routine's name in that example."""


GOALS: tuple[Goal, ...] = (
    Goal("onset", "Fall asleep faster", "example", "weeknight"),
    Goal("deep", "Deeper sleep", "deep-sleep", "deep"),
    Goal("rem", "More REM / dream recall", "rem-wbtb", "wbtb"),
    Goal("stay", "Stay asleep", "stay-asleep", "stay"),
)
"""Every goal, in the order the app offers them."""


def goal(goal_id: str) -> Goal:
    """The goal with this id; ``KeyError`` if there is none."""
    for candidate in GOALS:
        if candidate.id == goal_id:
            return candidate
    raise KeyError(goal_id)


def starter_routine(chosen: Goal, examples: Mapping[str, str]) -> Routine:
    """The goal's starter routine, read from the shipped examples' text.

    Args:
        chosen: The goal.
        examples: The shipped example profiles' text by file stem.

    Raises:
        InputError: The example or its routine is missing (a broken installation).
    """
    source = f"sleepplan/profiles/{chosen.example}.toml"
    if chosen.example not in examples:
        raise InputError.single(source, "", "is missing from this installation")
    data = parse_toml(examples[chosen.example], source)
    for index, routine in enumerate(data.get("routines", [])):
        if isinstance(routine, dict) and routine.get("name") == chosen.routine:
            return validate(Routine, routine, source, prefix=f"routines[{index}]")
    raise InputError.single(source, "routines", f"has no routine named {chosen.routine!r}")
