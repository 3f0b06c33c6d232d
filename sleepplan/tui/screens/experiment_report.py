"""A completed experiment's report: read from the journal in a worker, then shown whole."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.experiments import ExperimentPlan
from sleepplan.store import paths
from sleepplan.store.faults import MachineFault
from sleepplan.tui.dialogs.savable_text import ExperimentReportScreen

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp


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
