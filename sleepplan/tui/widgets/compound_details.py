"""A compound's details pane: mechanism, numbers, cautions, notes and sources, as text."""

from __future__ import annotations

from rich.text import Text

from sleepplan.core.catalog import Compound
from sleepplan.core.visible import visible, visible_lines
from sleepplan.output.textview import describe_timing, number_range

NOT_SOURCED = "not sourced"


def dose_text(compound: Compound) -> str:
    """The sourced dose range, or that there is none."""
    if compound.dose_mg is None:
        return NOT_SOURCED
    dose = compound.dose_mg
    return f"{dose.min:g}–{dose.max:g} mg"


def compound_details(compound: Compound) -> Text:
    """The details pane: mechanism, numbers, cautions, notes and sources.

    A profile's own compounds are the user's text throughout: every field is shown with its
    control characters visible (``Text`` is never read as markup).
    """
    text = Text()
    text.append(f"{visible(compound.name)}\n", style="bold")
    if compound.aliases:
        text.append(f"also: {visible(', '.join(compound.aliases))}\n", style="dim")
    flags = [
        label
        for label, on_ in (
            ("WAKE-PROMOTING", compound.wake_promoting),
            ("HABIT-FORMING", compound.habit_forming),
            ("sedating", compound.sedating),
            ("works over weeks", compound.onset == "chronic"),
        )
        if on_
    ]
    if flags:
        text.append(" · ".join(flags) + "\n", style="bold")
    rows = [("Mechanism", compound.mechanism.value)]
    if compound.secondary_mechanisms:
        also = ", ".join(mechanism.value for mechanism in compound.secondary_mechanisms)
        rows.append(("Secondary", f"{also} (may act these ways too)"))
    rows += [
        # a wake-promoting compound is listed under a stage, it does not help it
        (
            "Listed under" if compound.wake_promoting else "Targets",
            ", ".join(stage.label for stage in compound.stages),
        ),
        ("Evidence (sleep)", compound.evidence.value),
        (
            "Dose",
            dose_text(compound)
            + (f" (typical {compound.dose_mg.typical:g})" if compound.dose_mg else ""),
        ),
        (
            "Upper limit",
            f"{compound.upper_limit_mg:g} mg/day" if compound.upper_limit_mg else "none given",
        ),
        ("Time to peak", number_range(compound.tmax_h, "h", NOT_SOURCED)),
        ("Half-life", number_range(compound.half_life_h, "h", NOT_SOURCED)),
        ("Timing", describe_timing(compound)),
    ]
    if compound.cycling:
        rows.append(
            (
                "Cycling",
                f"at most {compound.cycling.max_nights} nights per "
                f"{compound.cycling.per_days} days",
            )
        )
    for label, value in rows:
        text.append(f"{label:<17}", style="dim")
        text.append(f"{value}\n")
    if compound.cautions:
        text.append("\nCautions\n", style="bold")
        for caution in compound.cautions:
            text.append(f" • {visible(caution)}\n")
    if compound.notes.strip():
        text.append("\nNotes\n", style="bold")
        text.append(visible_lines(compound.notes.strip()) + "\n", style="dim")
    text.append("\nSources\n", style="bold")
    for source in compound.sources:
        text.append(f" • {visible(source.citation)}\n")
        if source.supports:
            text.append(f"   supports: {visible(', '.join(source.supports))}\n", style="dim")
    text.append("\nNot medical advice.", style="dim italic")
    return text
