"""Keys typed ahead of the focus: a letter typed just before a text field opened goes into it.

Keys typed quickly arrive together, and each is handed to the widget that has focus as it
arrives. When one of them moves the focus to a text field (``/`` in the catalog) or opens a
prompt, the next ones still went to the old widget, came back to the app unhandled and acted
as that place's keys: ``q`` quit instead of being typed, and the letters of an amount were
lost. The app hands each key that reaches it to ``KeysOnTheWay.route``.
"""

from __future__ import annotations

import weakref
from typing import Any, Protocol, runtime_checkable

from textual import events
from textual.app import App
from textual.widgets import Input

from sleepplan.tui.dialogs.prompt import TextPrompt


@runtime_checkable
class TypesAhead(Protocol):
    """An area where a letter bound to nothing does something (the catalog's table searches)."""

    def type_ahead(self, event: events.Key) -> bool:
        """Take a printable key that no binding takes; whether it was taken."""
        ...


class KeysOnTheWay:
    """The keys handed to a text field and not typed yet, so that enter waits for them."""

    def __init__(self) -> None:
        self._on_the_way = 0
        """Keys handed to a text field (see ``route``) that it has not typed yet."""
        self._waited: weakref.WeakSet[events.Key] = weakref.WeakSet()
        """Keys that waited for those once: never again (a field closed meanwhile)."""

    def route(self, app: App[Any], event: events.Key) -> None:
        """Send a key that reached the app unhandled to where it was meant to go.

        A text field takes every printable key it is given, so a printable key that reaches
        the app while one has focus is such a key: it is handed to the field (or to a prompt
        whose field is being focused) instead. A prompt whose field is not focused yet gets
        every key (enter too). A key no binding takes may start a search where typing
        searches (the catalog): it is decided here too, so that the keys after it follow in
        the order they were typed.
        """
        focused, screen = app.focused, app.screen
        if focused is None and isinstance(screen, TextPrompt):
            event.prevent_default()  # the prompt is opening: its field takes every key
            screen.post_message(events.Key(event.key, event.character))
        elif not event.is_printable:
            if self._on_the_way and isinstance(focused, Input) and event not in self._waited:
                # enter after letters handed to the field: it acts once they are typed
                event.prevent_default()
                later = events.Key(event.key, event.character)
                self._waited.add(later)
                focused.call_later(app.post_message, later)
        elif isinstance(focused, Input):
            event.prevent_default()  # not a binding of the place it was typed in
            self._on_the_way += 1
            focused.post_message(events.Key(event.key, event.character))
            focused.call_later(self._typed)
        elif (
            isinstance(screen, TypesAhead)
            and event.key not in screen.active_bindings
            and screen.type_ahead(event)
        ):
            event.prevent_default()

    def _typed(self) -> None:
        """A key handed to a text field was typed."""
        self._on_the_way -= 1
