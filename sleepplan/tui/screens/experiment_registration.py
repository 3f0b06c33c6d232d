"""The wizard's answers as an experiment's registration, its review, and registering it.

The same checks as ``sleepplan experiment new`` (``core.experiments.register``); each refusal
names the widget that asked for the answer, so it lands in its own field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sleepplan.core import timing
from sleepplan.core.amounts import parse_amount
from sleepplan.core.errors import InputError
from sleepplan.core.experiments import ExperimentPlan, register
from sleepplan.core.visible import visible

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp
    from sleepplan.tui.workspace import Workspace

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


def registered_plan(
    workspace: Workspace, text: Callable[[str], str], primary: str, blinded: bool
) -> ExperimentPlan:
    """The plan the answers register; ``text`` reads a field's answer by its widget id.

    ``InputError`` names the widget of each refused answer.
    """
    if workspace.profile is None or workspace.path is None:
        raise InputError.single("wizard-compound", "", "no profile is open")
    details: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    typed = text("wizard-compound")
    compound = workspace.catalog.find(typed) if typed else None
    if not typed:
        problems.append(("wizard-compound", "type the compound to test, as the catalog names it"))
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
            details[key] = read(text(widget_id))
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
        primary=primary,
        created_at=workspace.now.astimezone(dt.UTC).replace(tzinfo=None),
        seed=secrets.randbits(128),
        hypothesis=text("wizard-hypothesis"),
        blinded=blinded,
        **details,
    )
    if any(existing.id == plan.id for existing in workspace.profile.experiments):
        raise InputError.single(
            "the experiment", "wizard-start", f"an experiment {plan.id} exists already"
        )
    return plan


def review_text(plan: ExperimentPlan, name: str) -> str:
    """The registration in words, with its hash, before it is confirmed."""
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
