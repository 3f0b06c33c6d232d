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
    """How a compound is thought to act: the signalling it works on (design §2).

    The duplicate-mechanism rule reads two compounds of one word as acting the same way, so a
    word means pushing that signalling the way its main compounds do: the racetams boost
    glutamate's AMPA receptors and are glutamatergic; magnesium, said to block its NMDA
    receptors, is not.
    """

    GABAERGIC = "gabaergic"
    SEROTONERGIC = "serotonergic"
    CHOLINERGIC = "cholinergic"
    MELATONERGIC = "melatonergic"
    GLYCINERGIC = "glycinergic"
    ADENOSINERGIC = "adenosinergic"
    DOPAMINERGIC = "dopaminergic"
    GLUTAMATERGIC = "glutamatergic"
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
    # The dopaminergic and glutamatergic compounds (L-tyrosine, phenylpiracetam, rhodiola, the
    # racetams) are daytime ones that help no stage of sleep. Like "other" and "adaptogen" they
    # are listed under staying asleep, so moving a compound to these words leaves its place in
    # the plan as it was; the wake-promoting and dopaminergic-evening rules say the rest.
    Mechanism.DOPAMINERGIC: (Stage.MAINTENANCE,),
    Mechanism.GLUTAMATERGIC: (Stage.MAINTENANCE,),
    Mechanism.ADAPTOGEN: (Stage.MAINTENANCE,),
    Mechanism.OTHER: (Stage.MAINTENANCE,),
}
