"""A safety warning: what every rule, in the evening or during the day, gives."""

from __future__ import annotations

from dataclasses import dataclass

from sleepplan.core.interactions import Severity


@dataclass(frozen=True, slots=True)
class SafetyWarning:
    """A warning with a stable code, the compounds involved, a plain message and sources."""

    severity: Severity
    code: str
    compounds: tuple[str, ...]
    message: str
    sources: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        """What an acknowledgement matches: the code and the items involved."""
        return self.code, tuple(sorted(self.compounds))
