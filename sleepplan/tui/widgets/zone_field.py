"""A time zone field: an IANA zone typed with a search over every zone name."""

from __future__ import annotations

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input

from sleepplan.tui.widgets.medications import Matches, search


class ZoneField(Vertical):
    """An IANA zone, typed with a search over every zone name; empty means the system's."""

    DEFAULT_CSS = """
    ZoneField {
        height: auto;
    }
    ZoneField > Matches {
        height: auto;
        max-height: 4;
        border: none;
        padding: 0;
        background: transparent;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("down", "move(1)", "Next zone", show=False),
        Binding("up", "move(-1)", "Previous zone", show=False),
    ]

    def __init__(self, value: str | None, system_zone: str) -> None:
        super().__init__(id="zone")
        self.value = value or ""
        self.system_zone = system_zone
        self.zones: list[str] = []

    def compose(self) -> ComposeResult:
        """The field and its matches."""
        yield Input(
            self.value,
            placeholder=f"empty: this computer's zone ({self.system_zone})",
            id="zone-input",
            compact=True,
        )
        yield Matches(id="zone-matches")

    def on_mount(self) -> None:
        """Read the zone names (only now: the list is not needed before settings open)."""
        import zoneinfo

        self.zones = sorted(zoneinfo.available_timezones())
        self.query_one(Matches).display = False

    @on(Input.Changed, "#zone-input")
    def _typed(self, event: Input.Changed) -> None:
        matches = self.query_one(Matches)
        if event.value in self.zones:
            matches.show([])  # complete already
            return
        matches.show([(zone, Content(zone)) for zone in search(self.zones, event.value)])

    def action_move(self, step: int) -> None:
        """Move the highlight over the matching zones."""
        if self.screen.focused is not self.query_one("#zone-input", Input):
            raise SkipAction()
        self.query_one(Matches).move(step)

    @on(Input.Submitted, "#zone-input")
    def _submitted(self, event: Input.Submitted) -> None:
        chosen = self.query_one(Matches).chosen()
        if chosen is not None:
            event.stop()  # Enter took the highlighted zone; the next Enter goes on
            event.input.value = chosen
            event.input.cursor_position = len(chosen)
