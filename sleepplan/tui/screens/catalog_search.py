"""How the Catalog finds and orders compounds: a search over names, aliases and topics; sorting."""

from __future__ import annotations

from sleepplan.core.catalog import Compound, Evidence

SORT_COLUMNS = ["name", "mechanism", "stages", "dose", "evidence"]
STAGE_SHORT = {"sleep_onset": "onset", "slow_wave": "deep", "rem": "REM", "maintenance": "maint"}
EVIDENCE_ORDER = {level: rank for rank, level in enumerate(Evidence)}
EFFECT_WORDS = {
    "sedating": "sedating",
    "wake_promoting": "wake promoting",
    "habit_forming": "habit forming",
}


def _words(text: str) -> str:
    """Text as a search compares it: case, hyphens, underscores and spacing ignored."""
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").split())


def _topics(compound: Compound) -> list[str]:
    """What a compound is for, in the words a search may use: stages, mechanism, effects."""
    topics = [mechanism.value for mechanism in compound.mechanisms]
    for stage in compound.stages:
        topics += [stage.value, stage.label, STAGE_SHORT[stage.value]]
    topics += [words for flag, words in EFFECT_WORDS.items() if getattr(compound, flag)]
    return [_words(topic) for topic in topics]


def search_rank(compound: Compound, query: str) -> int | None:
    """How well a compound matches a search (lower is better), or ``None`` if not at all.

    0: its name starts with the query; 1: its name or id holds it; 2: an alias does;
    3: a stage, its mechanism or an effect does ("REM", "deep", "sleep onset", "sedating").
    """
    wanted = _words(query)
    name = _words(compound.name)
    if name.startswith(wanted):
        return 0
    if wanted in name or wanted in _words(compound.id):
        return 1
    if any(wanted in _words(alias) for alias in compound.aliases):
        return 2
    if any(wanted in topic for topic in _topics(compound)):
        return 3
    return None


def mechanism_text(compound: Compound) -> str:
    """The main mechanism, with ``+`` when the sources name secondary ones."""
    return compound.mechanism.value + ("+" if compound.secondary_mechanisms else "")


def sort_key(column: str, compound: Compound) -> object:
    """What the table sorts by in a column: by name, mechanism, stage, dose or evidence."""
    return {
        "name": compound.name.casefold(),
        "mechanism": compound.mechanism.value,
        "stages": [stage.order for stage in compound.stages],
        "dose": compound.dose_mg.typical if compound.dose_mg else float("inf"),
        "evidence": EVIDENCE_ORDER[compound.evidence],
    }[column]
