"""The words the domain is built from: stages of the night and mechanisms of action."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """A part of the night a compound is meant to act on, in night order."""

    SLEEP_ONSET = "sleep_onset"
    SLOW_WAVE = "slow_wave"
    REM = "rem"
    MAINTENANCE = "maintenance"

    @property
    def label(self) -> str:
        """Human heading for the stage."""
        return _STAGE_LABELS[self]

    @property
    def order(self) -> int:
        """Position in the night: onset first, maintenance last."""
        return list(Stage).index(self)


_STAGE_LABELS = {
    Stage.SLEEP_ONSET: "Sleep onset",
    Stage.SLOW_WAVE: "Slow-wave sleep",
    Stage.REM: "REM sleep",
    Stage.MAINTENANCE: "Staying asleep",
}


class Mechanism(StrEnum):
    """How a compound is thought to act."""

    GABAERGIC = "gabaergic"
    SEROTONERGIC = "serotonergic"
    CHOLINERGIC = "cholinergic"
    MELATONERGIC = "melatonergic"
    GLYCINERGIC = "glycinergic"
    ADENOSINERGIC = "adenosinergic"
    ADAPTOGEN = "adaptogen"
    OTHER = "other"


# Design §2: the stage a mechanism targets when a compound does not say otherwise.
DEFAULT_TARGETS: dict[Mechanism, tuple[Stage, ...]] = {
    Mechanism.GABAERGIC: (Stage.SLEEP_ONSET,),
    Mechanism.MELATONERGIC: (Stage.SLEEP_ONSET,),
    Mechanism.GLYCINERGIC: (Stage.SLOW_WAVE,),
    Mechanism.SEROTONERGIC: (Stage.REM, Stage.SLOW_WAVE),
    Mechanism.CHOLINERGIC: (Stage.REM, Stage.SLOW_WAVE),
    Mechanism.ADENOSINERGIC: (Stage.SLEEP_ONSET,),
    Mechanism.ADAPTOGEN: (Stage.MAINTENANCE,),
    Mechanism.OTHER: (Stage.MAINTENANCE,),
}
