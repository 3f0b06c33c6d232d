"""What an export of the open profile holds: its kinds, and their bytes (no Textual: a worker's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sleepplan.core.errors import InputError
from sleepplan.core.experiments import ExperimentPlan
from sleepplan.core.objective import chosen_nights
from sleepplan.core.planner import plan_for
from sleepplan.core.visible import visible
from sleepplan.store import paths

if TYPE_CHECKING:
    from sleepplan.tui.workspace import Workspace


@dataclass(frozen=True, slots=True)
class ExportKind:
    """One kind of export the app offers."""

    label: str
    """What it is, for the palette and the choice."""
    suffix: str
    """The file name's ending."""
    tag: str = ""
    """Part of the suggested file name, to tell tonight's .ics from the daily one."""


EXPORT_KINDS = {
    "csv": ExportKind("Journal as CSV (a spreadsheet; one row per night)", "csv"),
    "json": ExportKind("Journal as JSON", "json"),
    "toml": ExportKind("Profile with its journal (TOML)", "toml"),
    "ics": ExportKind("Tonight's doses for your calendar (.ics)", "ics", "-tonight"),
    "ics-daily": ExportKind(
        "Daily reminders for your calendar (.ics): doses, check-in", "ics", "-daily"
    ),
}


def _experiments_from(workspace: Workspace, first: dt.date) -> list[ExperimentPlan]:
    """Full plans of the experiments with nights from ``first`` on.

    One whose sealed plan cannot be read is refused: daily reminders without its nights would
    tell the user to take the compound on its baseline nights.
    """
    found = []
    for registration in workspace.profile.experiments if workspace.profile else ():
        if registration.span()[1] < first:
            continue
        full = workspace.full_plan(registration)
        if not isinstance(full, ExperimentPlan):
            raise full
        found.append(full)
    return found


def export_data(workspace: Workspace, kind: str) -> tuple[bytes, str]:
    """The bytes of an export of the open profile, and what they are (for the toast)."""
    from sleepplan.store import exports

    profile = workspace.profile
    if profile is None:
        raise InputError.single("profile", "", "no profile is open: there is nothing to export")
    if kind in ("ics", "ics-daily"):
        # the daily reminders keep the usual times; tonight's file is tonight as planned
        planned = profile if kind == "ics-daily" else workspace.tonight_profile() or profile
        tonight = [] if kind == "ics-daily" else workspace.experiments_on(workspace.night)
        plan = plan_for(
            planned, workspace.catalog, workspace.night, workspace.zone, experiments=tonight
        )
        if plan is None:
            raise InputError.single(
                str(workspace.path), "routines", "the profile has no routine: nothing to export"
            )
        if kind == "ics":
            what = f"{len(plan.doses)} doses for the night of {plan.settings.night}"
            return exports.export_ics(plan, profile.name, workspace.now), what
        what = f"daily reminders for {len(plan.doses)} doses and the morning check-in"
        skip, one_off = exports.experiment_nights(
            profile,
            workspace.catalog,
            _experiments_from(workspace, workspace.night),
            workspace.night,
            workspace.zone,
            workspace.now,
        )
        return exports.export_ics_daily(plan, profile.name, workspace.now, skip, one_off), what
    from sleepplan.store.journal import Journal

    with Journal(paths.journal_path(workspace.home)) as journal:
        records = journal.records(profile.name)
        objective = journal.objective_nights(profile.name)  # the tracker's nights go along
    if not records and kind != "toml":  # the TOML export still carries the profile
        raise InputError.single(
            str(workspace.path),
            "",
            f"profile {visible(profile.name)} has no check-ins yet: there is nothing to export "
            "and nothing was written",
        )
    text = {
        "csv": lambda: exports.export_csv(
            records, tracked=chosen_nights(objective, profile.tracker_priority)
        ),
        "json": lambda: exports.export_json(profile.name, records, objective),
        "toml": lambda: exports.export_toml(profile, records, objective),
    }[kind]()
    count = f"{len(records)} check-in{'' if len(records) == 1 else 's'}"
    return text.encode("utf-8"), f"{count} of profile {visible(profile.name)}"
