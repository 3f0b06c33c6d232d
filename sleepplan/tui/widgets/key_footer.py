"""The footer of key bindings, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.reactive import reactive
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.binding import Binding
    from textual.screen import Screen

Shown = tuple[tuple[str, str, str, bool, str], ...]


def shown_keys(screen: Screen[object]) -> Shown:
    """What a footer on ``screen`` shows: each visible binding's key, words and state."""
    return tuple(
        (binding.key, binding.description, binding.action, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class PlainKey(FooterKey):
    """A footer key whose look is fixed when it is made.

    Textual's keys start compact and are then bound to the footer's setting, so each one
    restyles itself twice as it mounts: two dozen style passes at start-up (design §12).
    These keys are given their class up front and never change it.
    """

    compact = reactive(False, init=False)


class KeyFooter(Footer):
    """Textual's footer, recomposed only when what it shows has changed.

    A screen announces "bindings changed" several times as it opens (it resumes, focus moves,
    widgets mount) and whenever focus moves between widgets with the same keys. The stock
    footer rebuilds every key for each announcement, which at start-up costs more than
    drawing the rest of Tonight (design §12); this one first compares what it would show.
    """

    _shown: Shown | None = None

    def compose(self) -> ComposeResult:
        """One key per action (the first binding shown for it), then the palette's key.

        As Textual's footer does without binding groups (sleepplan has none), its palette
        key compact as there.
        """
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        first_per_action: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show:
                first_per_action.setdefault(binding.action, (binding, enabled, tooltip))
        for binding, enabled, tooltip in first_per_action.values():
            yield self._key(binding, enabled, tooltip)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and palette:
            _, binding, enabled, tooltip = palette
            tooltip = binding.tooltip or binding.description
            yield self._key(binding, enabled, tooltip, classes="-command-palette -compact")

    def _key(self, binding: Binding, enabled: bool, tooltip: str, classes: str = "") -> PlainKey:
        return PlainKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
            classes=classes,
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild the keys when the screen's visible bindings differ from those shown."""
        will_compose = screen.app.app_focus and self.is_attached and screen is self.screen
        if will_compose:
            shown = shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
