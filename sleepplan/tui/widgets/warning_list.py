"""Tonight's warnings, one per row, danger first; an acknowledged danger says it still is one."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from sleepplan.core.safety import SafetyWarning
from sleepplan.tui.dialogs.warnings import warning_text


class WarningList(OptionList):
    """The warnings of tonight's routine; the screen opens one's sources on enter."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: list[SafetyWarning] = []
        """The warnings listed, in their rows' order (a row's id is its index here)."""

    def show(
        self, warnings: list[SafetyWarning], acknowledged: Callable[[SafetyWarning], bool]
    ) -> None:
        """List the warnings; ``acknowledged`` says whether the user acknowledged a danger."""
        self.shown = warnings
        self.clear_options()
        for index, warning in enumerate(warnings):
            text = warning_text(warning, with_sources=False)
            if warning.severity.value == "danger" and acknowledged(warning):
                text += Content.styled("  (acknowledged: still a danger)", "italic")
            self.add_option(Option(text, id=str(index)))
        self.display = bool(warnings)

    def warning_at(self, option: Option) -> SafetyWarning:
        """The warning a row shows."""
        return self.shown[int(option.id or 0)]
