"""The app's areas (design §11), each imported the first time it is opened.

Start-up then loads only Tonight's screen; the check-in form, the history charts, the catalog
browser and the profile manager load when the user first presses their key (design §12).
"""

from __future__ import annotations

import importlib
from functools import partial
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.screen import Screen

    from sleepplan.tui.screens.base import AreaScreen

AREAS: dict[str, str] = {
    "tonight": "sleepplan.tui.screens.tonight:TonightScreen",
    "checkin": "sleepplan.tui.screens.checkin:CheckinScreen",
    "history": "sleepplan.tui.screens.history:HistoryScreen",
    "catalog": "sleepplan.tui.screens.catalog:CatalogScreen",
    "profiles": "sleepplan.tui.screens.profiles:ProfilesScreen",
}
"""Mode name → the screen class that shows it, as ``module:Class``."""

FIRST_AREA = "tonight"
"""The area the app opens on."""


def area_class(mode: str) -> type[AreaScreen]:
    """The screen class of an area (importing its module on first use)."""
    module, _, name = AREAS[mode].partition(":")
    return cast("type[AreaScreen]", getattr(importlib.import_module(module), name))


def open_area(mode: str) -> AreaScreen:
    """A new screen for an area."""
    return area_class(mode)()


def area_modes() -> dict[str, str | Callable[[], Screen[Any]]]:
    """Each area's mode, built by a callable, so its module loads when first opened."""
    return {mode: partial(open_area, mode) for mode in AREAS}
