"""The footer of key bindings: one widget drawing every key on one line."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from sleepplan.core.visible import visible

if TYPE_CHECKING:
    from textual import events
    from textual.binding import Binding
    from textual.screen import Screen


class FooterEntry(NamedTuple):
    """One key the footer shows."""

    key: str
    """The key that is pressed when the entry is clicked."""
    key_display: str
    description: str
    action: str
    enabled: bool
    tooltip: str


class Shown(NamedTuple):
    """What a footer shows."""

    keys: tuple[FooterEntry, ...]
    """The screen's keys, one per action, in Textual's order."""
    palette: FooterEntry | None
    """The command palette's key, at the right end, when the app offers the palette."""


def _entry(screen: Screen[object], binding: Binding, enabled: bool, tooltip: str) -> FooterEntry:
    tooltip = tooltip or binding.tooltip or binding.description
    # a profile's [keymap] chooses the keys: shown with their control characters visible
    display = visible(screen.app.get_key_display(binding))
    return FooterEntry(binding.key, display, binding.description, binding.action, enabled, tooltip)


def shown_keys(screen: Screen[object]) -> Shown:
    """What a footer on ``screen`` shows, picked as Textual's footer picks it."""
    app = screen.app
    active = screen.active_bindings
    first_per_action: dict[str, FooterEntry] = {}
    for _, binding, enabled, tooltip in active.values():
        if binding.show and binding.action not in first_per_action:
            first_per_action[binding.action] = _entry(screen, binding, enabled, tooltip)
    palette = active.get(app.COMMAND_PALETTE_BINDING)
    if not app.ENABLE_COMMAND_PALETTE or palette is None:
        return Shown(tuple(first_per_action.values()), None)
    _, binding, enabled, _ = palette
    return Shown(tuple(first_per_action.values()), _entry(screen, binding, enabled, ""))


Part = tuple[str, Style | None, FooterEntry | None]
"""A piece of the footer's line: its text, its style and the entry it belongs to."""


def _width(parts: list[Part]) -> int:
    """Terminal cells, not characters: a key from a keymap may be a wide character."""
    return sum(cell_len(text) for text, _, _ in parts)


def _fitting(entries: list[list[Part]], room: int, kept_action: str) -> list[list[Part]]:
    """The entries that fit in ``room`` cells, in order, keeping the one for ``kept_action``."""
    if sum(_width(parts) for parts in entries) <= room:
        return entries
    kept = [parts for parts in entries if (entry := parts[-1][2]) and entry.action == kept_action]
    if sum(_width(parts) for parts in kept) > room:
        kept = []
    room -= sum(_width(parts) for parts in kept)
    fitting: list[list[Part]] = []
    for parts in entries:
        if parts in kept:
            continue
        if _width(parts) > room:
            break
        fitting.append(parts)
        room -= _width(parts)
    return fitting + kept


class KeyFooter(Widget, can_focus=False):
    """The screen's keys on one line, the command palette's at the right end.

    It looks like Textual's footer and acts like it (click a key to press it, hover for its
    tooltip), but is one widget rather than one per key: Textual's footer cost Tonight more
    to build and paint at start-up than all the rest of the screen (design §12). When the
    keys do not fit, they are drawn compact; what still does not fit is cut at the right,
    before the palette's key.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--separator",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .key-footer--separator {
            color: $foreground 20%;
        }
    }
    """
    SEPARATOR = "▏"
    """Before the command palette's key, as Textual's footer draws it."""
    KEPT_ACTION = "help"
    """The action whose key is shown even when not all fit: its help lists every key."""

    hovered: reactive[FooterEntry | None] = reactive(None)
    """The entry under the mouse pointer."""

    _shown: Shown | None = None
    """The keys drawn, read from the screen when the footer is first drawn."""
    _spans: tuple[tuple[int, int, FooterEntry], ...] = ()
    """Where each entry was last drawn: its first and past-the-last columns."""

    @property
    def shown(self) -> Shown:
        """The keys shown."""
        if self._shown is None:
            self._shown = shown_keys(self.screen)
        return self._shown

    def on_mount(self) -> None:
        """Follow the screen's keys."""
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        """Stop following them."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Redraw when the screen's visible keys differ from those shown.

        As Textual's footer does, it keeps its keys while the terminal is not focused.
        """
        if not screen.app.app_focus or screen is not self.screen:
            return
        shown = shown_keys(screen)
        if shown != self._shown:
            self._shown = shown
            self._spans = ()  # a click before the redraw presses nothing rather than a stale key
            self._forget_pointer()
            self.refresh()

    def render(self) -> Text:
        """The keys, compact if they do not fit, and the palette's key at the right end.

        Keys that still do not fit are left out from the right, except the help key, whose
        screen lists them all.
        """
        keys, palette = self.shown
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, FooterEntry]] = []

        def add(parts: list[Part]) -> None:
            start = line.cell_len
            for text, style, _ in parts:
                line.append(text, style)
            if entry := parts[-1][2]:
                spans.append((start, line.cell_len, entry))

        right: list[list[Part]] = []
        if palette:
            separator = self.get_component_rich_style("key-footer--separator")
            right = [[(self.SEPARATOR, separator, None)], self._parts(palette, compact=True)]
        room = self.size.width - sum(_width(parts) for parts in right)
        left = [self._parts(entry, compact=False) for entry in keys]
        if sum(_width(parts) for parts in left) > room:
            left = [self._parts(entry, compact=True) for entry in keys]
        for parts in _fitting(left, room, self.KEPT_ACTION):
            add(parts)
        if room >= 0:  # else too narrow even for the palette's key
            line.append(" " * (room - line.cell_len))
            for parts in right:
                add(parts)
        self._spans = tuple(spans)
        return line

    def _parts(self, entry: FooterEntry, compact: bool) -> list[Part]:
        """An entry's key and words, styled as Textual's footer styles them."""
        style = self.get_component_rich_style
        if entry == self.hovered:
            key = words = style("key-footer--hover")
        else:
            key, words = style("key-footer--key"), style("key-footer--description")
        if not entry.enabled:
            key, words = key + Style(dim=True), words + Style(dim=True)
        if compact:
            return [(entry.key_display, key, entry), (f" {entry.description} ", words, entry)]
        return [(f" {entry.key_display} ", key, entry), (f"{entry.description} ", words, entry)]

    def _entry_at(self, x: int) -> FooterEntry | None:
        return next((entry for start, end, entry in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Highlight the entry under the pointer and show its tooltip."""
        entry = self._entry_at(event.x)
        self.hovered = entry
        self.tooltip = entry.tooltip if entry else None

    def on_leave(self) -> None:
        """Nothing is under the pointer any more."""
        self._forget_pointer()

    def on_resize(self) -> None:
        """The keys move under a pointer that stays put: nothing is hovered until it moves."""
        self._forget_pointer()

    def _forget_pointer(self) -> None:
        self.hovered = None
        self.tooltip = None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Press the key that was clicked; a disabled one only rings the bell."""
        entry = self._entry_at(event.x)
        if entry is None:
            return
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()
