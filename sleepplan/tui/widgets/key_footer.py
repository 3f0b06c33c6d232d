"""The footer of key bindings, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

Shown = tuple[tuple[str, str, str, bool, str], ...]


def shown_keys(screen: Screen[object]) -> Shown:
    """What a footer on ``screen`` shows: each visible binding's key, words and state."""
    return tuple(
        (binding.key, binding.description, binding.action, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class KeyFooter(Footer):
    """Textual's footer, recomposed only when what it shows has changed.

    A screen announces "bindings changed" several times as it opens (it resumes, focus moves,
    widgets mount) and whenever focus moves between widgets with the same keys. The stock
    footer rebuilds every key for each announcement, which at start-up costs more than
    drawing the rest of Tonight (design §12); this one first compares what it would show.
    """

    _shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild the keys when the screen's visible bindings differ from those shown."""
        will_compose = screen.app.app_focus and self.is_attached and screen is self.screen
        if will_compose:
            shown = shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
