"""The keys that work in every area, and the profile's ``[keymap]`` that rebinds keys by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

from sleepplan.core.visible import visible
from sleepplan.tui.areas import AREAS, area_class

if TYPE_CHECKING:
    from textual.app import App

APP_BINDINGS: list[BindingType] = [
    Binding(
        "t",
        "switch_mode('tonight')",
        "Tonight",
        id="area.tonight",
        tooltip="Tonight's routine and timeline",
    ),
    Binding(
        "m",
        "switch_mode('checkin')",
        "Morning",
        id="area.checkin",
        tooltip="This morning's check-in",
    ),
    Binding(
        "h",
        "switch_mode('history')",
        "History",
        id="area.history",
        tooltip="Your mornings over time and what helps",
    ),
    Binding(
        "k",
        "switch_mode('catalog')",
        "Catalog",
        id="area.catalog",
        tooltip="Browse compounds and their sources",
    ),
    Binding(
        "p",
        "switch_mode('profiles')",
        "Profiles",
        id="area.profiles",
        tooltip="Open, create and save profiles",
    ),
    Binding("ctrl+s", "save", "Save", id="profile.save", tooltip="Save the profile"),
    Binding(
        "question_mark,f1",
        "help",
        "Help",
        id="app.help",
        key_display="?",
        tooltip="Explain this area",
    ),
    Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit (asks if unsaved)"),
    Binding(
        "ctrl+z",
        "undo_delete",
        "Undo",
        show=False,
        id="routine.undo",
        tooltip="Undo: restore the routine deleted last",
    ),
    Binding(
        "comma",
        "settings",
        "Settings",
        show=False,
        id="app.settings",
        key_display=",",
        tooltip="Profile settings: name, zone, times, sleep need, medications",
    ),
]
"""The app's own bindings: the areas, saving, help, quitting, undo and the settings."""


def apply_keymap(app: App[None], keymap: dict[str, str]) -> None:
    """Rebind the keys a profile's ``[keymap]`` names; an id no binding has is a warning."""
    if not keymap:
        return  # nothing to remap: leave the other areas unloaded
    known = {
        binding.id
        for owner in (app, *(area_class(mode) for mode in AREAS))
        for binding in _bindings(owner)
        if binding.id
    }
    unknown = sorted(set(keymap) - known)
    if unknown:
        app.notify(
            f"[keymap] names unknown bindings: {visible(', '.join(unknown))} "
            "(the help, ?, lists the binding ids)",  # the full list would cover the screen
            severity="warning",
            timeout=10,
        )
    app.set_keymap({key: value for key, value in keymap.items() if key in known})


def _bindings(owner: object) -> list[Binding]:
    return [b for b in getattr(owner, "BINDINGS", []) if isinstance(b, Binding)]
