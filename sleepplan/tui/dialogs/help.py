"""Help for the current area."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

GLOBAL_HELP = """
## Everywhere

| key | does |
|---|---|
| `t` `m` `h` `k` `p` | Tonight · Morning check-in · History · Catalog · Profiles |
| `ctrl+s` | save the profile |
| `,` | the profile's settings: name, zone, times, sleep need, medications |
| `ctrl+z` | undo deleting a routine |
| `ctrl+p` | command palette: every action, searchable |
| `?` / `F1` | this help |
| `escape` | leave a text field (letter keys act again) |
| `q` / `ctrl+q` | quit (asks first if there are unsaved changes or an unsaved check-in) |

Keys can be remapped in the profile's `[keymap]` table by binding id (for example
`"area.catalog" = "c"`).
"""


class HelpScreen(ModalScreen[None]):
    """Explains the current area and the keys that work everywhere."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close", tooltip="Close help")]

    def __init__(self, area_help: str) -> None:
        super().__init__()
        self.area_help = area_help

    def compose(self) -> ComposeResult:
        """The area's help, then the global keys."""
        from textual.widgets import Markdown  # the Markdown parser loads with the first help

        with VerticalScroll(classes="dialog help"):
            yield Markdown(self.area_help + "\n" + GLOBAL_HELP)

    def action_close(self) -> None:
        """Close help."""
        self.dismiss(None)
