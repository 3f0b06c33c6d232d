"""A checkbox whose mark says ticked or not (✓ or blank), not only its colour."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class Tick(Checkbox):
    """Textual's checkbox shows the same X either way and relies on colour; this one doesn't."""

    def render(self) -> Content:
        """Draw ✓ when ticked and a blank when not, then the usual checkbox."""
        self.BUTTON_INNER = "✓" if self.value else " "
        return super().render()
