"""What every area shares: access to the app's workspace, Escape leaving a text field.

``OfTheApp`` gives the dialogs and screens that are not areas the same typed access. The app's
class is named for the type checker only: its module imports the screens' modules (through the
areas, the palette and the dialogs), so importing it from here at run time would close a ring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from sleepplan.tui.app import SleepPlanApp
    from sleepplan.tui.workspace import Workspace


def sleep_app_of(node: DOMNode) -> SleepPlanApp:
    """The app a screen, dialog or widget of sleepplan's runs in, typed (only ever ours)."""
    return cast("SleepPlanApp", node.app)


class OfTheApp:
    """The app, typed, and its workspace: for every screen and dialog of sleepplan's."""

    @property
    def sleep_app(self) -> SleepPlanApp:
        """The app, typed."""
        return sleep_app_of(cast(DOMNode, self))

    @property
    def workspace(self) -> Workspace:
        """The app's working state."""
        return self.sleep_app.workspace


class AreaScreen(OfTheApp, Screen[None]):
    """A main area of the app."""

    HELP = ""
    """Markdown shown by ? / F1 in this area."""

    BINDINGS = [
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            show=False,
            id="field.leave",
            tooltip="Leave the text field so letter keys act again",
        ),
    ]

    def action_leave_field(self) -> None:
        """Leave a text field; focus returns to the screen."""
        if isinstance(self.focused, Input):
            self.set_focus(None)

    def on_mount(self) -> None:
        """Redraw whenever the app's state changes."""
        self.watch(self.app, "revision", self.refresh_view, init=True)

    def refresh_view(self) -> None:
        """Show the workspace's current state (each area fills this in)."""


def cursor_key(table: DataTable[object]) -> str | None:
    """The key of the row under a table's cursor (``None`` for an empty table)."""
    if not table.row_count:
        return None
    value = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    return str(value) if value is not None else None
