"""The check-in form and the journal: what is read to prefill it, saving it, asking to replace.

The reads and the save run in the form's workers (threads); what they find comes back to the
form as one of the messages here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.message import Message

from sleepplan.core.day import DayEntry
from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, chosen_nights
from sleepplan.store import paths
from sleepplan.store.journal import CheckinExists, Journal
from sleepplan.tui.dialogs.confirm import ConfirmDialog


class LastLoaded(Message):
    """The journal's latest check-in (for the usual counts) and this night's, if any."""

    def __init__(
        self,
        last: dict[str, Any] | None,
        recent: list[float],
        tracked: ObjectiveNight | None = None,
        night: dt.date | None = None,
        logged: list[DayEntry] | None = None,
    ) -> None:
        super().__init__()
        self.last = last
        self.recent = recent
        self.tracked = tracked
        """The tracker's night to prefill from: only when the night has no check-in."""
        self.night = night
        self.logged = logged
        """The day's quick entries before the night: only when it has no check-in."""


class Saved(Message):
    """The check-in is in the journal."""

    def __init__(self, record: dict[str, Any], recent: list[float]) -> None:
        super().__init__()
        self.record = record
        self.recent = recent


class Exists(Message):
    """The night has a check-in; replacing needs a yes."""

    def __init__(self, record: dict[str, Any]) -> None:
        super().__init__()
        self.record = record


def read_last(
    home: Path, profile: str, night: dt.date, tracker_priority: tuple[str, ...]
) -> LastLoaded:
    """Read the latest check-in (the usual counts) and the last seven mornings.

    A night with no check-in also gets the tracker's night and the day's entries to prefill
    from. Raises ``InputError`` or ``MachineFault`` when the journal cannot be read.
    """
    with Journal(paths.journal_path(home)) as journal:
        history = journal.history(profile, last=1)
        recent = journal.recent_mornings(profile, night.isoformat())
        tracked = logged = None
        if not journal.has(profile, night.isoformat()):  # the user's answers stay
            nights = journal.objective_nights(profile, night)
            tracked = chosen_nights(nights, tracker_priority).get(night)
            try:  # a row another tool wrote costs only this prefill
                logged = [row.entry for row in journal.day_log(profile, night)]
            except InputError:
                logged = None
    last = history[0].record if history else None
    return LastLoaded(last, recent, tracked, night, logged)


def save_checkin(
    home: Path, profile: str, record: dict[str, Any], now: str, replace: bool
) -> Saved | Exists:
    """Save a check-in: ``Exists`` when the night has one and ``replace`` is not given.

    Raises ``InputError`` or ``MachineFault`` when the journal refuses it.
    """
    try:
        with Journal(paths.journal_path(home)) as journal:
            journal.save(profile, record, now, replace=replace)
            recent = journal.recent_mornings(profile, record["night"])
    except CheckinExists:
        return Exists(record)
    return Saved(record, recent)


def ask_to_replace(app: App[Any], night: str, replace: Callable[[], object]) -> None:
    """Ask before a night's check-in is replaced; ``replace`` runs on a yes."""

    def answered(yes: bool | None) -> None:
        if yes:
            replace()

    app.push_screen(
        ConfirmDialog(
            f"There is a check-in for the night of {night} already. Replace it with this one?",
            "Replace",
            "Keep the old one",
        ),
        answered,
    )
