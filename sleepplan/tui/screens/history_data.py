"""What History shows, analysed off the UI thread: effects, tracker nights, experiments, window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text

from sleepplan.core import timing
from sleepplan.core.experiment_analysis import analyse
from sleepplan.core.experiments import OBJECTIVE_PRIMARIES, ExperimentPlan, progress
from sleepplan.core.insights import Effect, Night, compound_effects
from sleepplan.core.objective import ObjectiveNight, chosen_nights
from sleepplan.core.sleep_window import WeekStep, profile_window
from sleepplan.core.stage_effects import StageEffect, stage_effects
from sleepplan.core.visible import visible
from sleepplan.output.report import instruction

if TYPE_CHECKING:
    from sleepplan.core.profile import Profile
    from sleepplan.tui.workspace import Workspace


@dataclass(frozen=True, slots=True)
class HistoryData:
    """Everything the area shows, computed off the UI thread."""

    nights: list[Night]
    records: list[dict[str, Any]]
    effects: list[Effect]
    experiments: list[Text]
    tracked: dict[dt.date, ObjectiveNight] = field(default_factory=dict)
    """The tracker's main sleep of each night (the profile's source priority)."""
    stage_effects: list[StageEffect] = field(default_factory=list)
    window: tuple[WeekStep, ...] = ()
    """The sleep window week by week; empty while it is off."""


def analyse_history(
    workspace: Workspace,
    profile: Profile,
    records: list[dict[str, Any]],
    recorded: list[ObjectiveNight],
    exclude_confounded: bool,
) -> HistoryData:
    """The journal's check-ins and tracker nights, analysed for the area."""
    nights = [Night.from_record(record) for record in records]
    effects = compound_effects(nights, workspace.catalog, exclude_confounded)
    tracked = chosen_nights(recorded, profile.tracker_priority)
    measured = stage_effects(nights, tracked, workspace.catalog, exclude_confounded)
    by_night = {dt.date.fromisoformat(r["night"]): r for r in records}
    experiments = experiment_lines(workspace, profile, by_night, tracked)
    window = profile_window(
        profile.sleep_window, records, profile.bedtime, profile.wake, workspace.night
    )
    return HistoryData(nights, records, effects, experiments, tracked, measured, window)


def experiment_lines(
    workspace: Workspace,
    profile: Profile,
    by_night: dict[dt.date, dict[str, Any]],
    tracked: dict[dt.date, ObjectiveNight],
) -> list[Text]:
    """Each experiment's progress and tonight's instruction; its result once complete."""
    today = timing.in_zone(workspace.now, workspace.zone).date()
    experiments = []
    for registration in profile.experiments:
        plan = workspace.full_plan(registration)
        if not isinstance(plan, ExperimentPlan):  # its sealed plan cannot be read
            line = Text(visible(registration.id), style="bold")
            line.append(f"\n  {visible(plan.render())}", style="italic")
            experiments.append(line)
            continue
        name = workspace.catalog.get(plan.compound).name
        state = progress(plan, by_night, today)
        line = Text()
        line.append(visible(plan.id), style="bold")
        line.append(f"  {state.nights_recorded}/{state.nights_total} nights recorded · ")
        line.append("hash intact" if plan.intact else "HASH DOES NOT MATCH", style="bold")
        if state.complete:
            result = analyse(plan, by_night, tracked)  # a tracker measure reads from it
            unit = "min" if plan.primary in OBJECTIVE_PRIMARIES else "points"
            if result.mean_diff is not None and result.t_ci95 is not None:
                line.append(
                    f"\n  complete: B − A {result.mean_diff:+.1f} {unit} "
                    f"[{result.t_ci95[0]:+.1f}, {result.t_ci95[1]:+.1f}]"
                )
            line.append(f"\n  the palette's 'Experiment report: {plan.id}' shows it whole")
        else:
            line.append(
                f"\n  {visible(instruction(plan, workspace.night, name))} Results stay "
                "hidden until the plan completes."
            )
        experiments.append(line)
    return experiments
