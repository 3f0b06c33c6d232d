"""The catalog's action: add a compound to the current routine (also from the palette)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sleepplan.core import editing
from sleepplan.core.profile import Dose
from sleepplan.core.visible import visible
from sleepplan.tui.dialogs.prompt import ChoicePrompt

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp


def add_compound(app: SleepPlanApp, compound_id: str, amount_mg: float) -> None:
    """Add a compound to the current routine; one already in it asks what to do."""
    workspace = app.workspace
    profile = workspace.profile
    doses: tuple[Dose, ...] = ()
    if profile is not None and profile.routines:
        doses = profile.routine(workspace.routine_name).doses
    index = next((i for i, dose in enumerate(doses) if dose.compound == compound_id), None)
    if index is None:
        _add_dose(app, compound_id, amount_mg)
        return
    name = visible(workspace.catalog.get(compound_id).name)
    routine = visible(workspace.routine_name or "")

    def chosen(choice: str | None) -> None:
        if choice == "second":
            _add_dose(app, compound_id, amount_mg)
        elif choice == "amount":
            app.change(lambda p, r: editing.set_amount(p, r, index, amount_mg))
            app.notify(f"{name} in {routine} is now {amount_mg:g} mg")

    app.push_screen(
        ChoicePrompt(
            f"{name} is in {routine} already ({doses[index].amount_mg:g} mg).",
            [
                ("amount", f"Change its amount to {amount_mg:g} mg"),
                ("second", f"Add a second dose of {amount_mg:g} mg"),
                ("cancel", "Cancel (change nothing)"),
            ],
        ),
        chosen,
    )


def _add_dose(app: SleepPlanApp, compound_id: str, amount_mg: float) -> None:
    app.change(lambda p, r: editing.add_dose(p, r, compound_id, amount_mg))
    routine = app.workspace.routine_name or ""
    name = app.workspace.catalog.get(compound_id).name
    app.notify(
        f"Added {visible(name)} {amount_mg:g} mg to {visible(routine)} — press t to see tonight"
    )
