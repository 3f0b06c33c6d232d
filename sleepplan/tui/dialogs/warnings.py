"""A warning with its sources, and the acknowledgement a danger needs before saving."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from sleepplan.core.safety import SafetyWarning
from sleepplan.core.visible import visible

SEVERITY_MARK = {"danger": "✖ DANGER", "caution": "▲ CAUTION", "info": "ℹ INFO"}


def warning_text(warning: SafetyWarning, with_sources: bool = True) -> Text:
    """A warning as text: severity by symbol and word (never colour alone), then sources.

    The message names the user's compounds and medications: their control characters are
    made visible (``Text`` is never read as markup).
    """
    style = {"danger": "bold reverse", "caution": "bold", "info": "dim"}[warning.severity.value]
    text = Text()
    text.append(f" {SEVERITY_MARK[warning.severity.value]} ", style=style)
    text.append(f" {visible(warning.message)}")
    if with_sources:
        text.append(f"\n[{visible(warning.code)}]", style="dim")
        if warning.sources:
            text.append("\nSources:", style="bold")
            for source in warning.sources:
                text.append(f"\n • {visible(source)}")
        else:
            text.append("\nThis rule follows from the catalog's own fields.", style="dim")
    return text


class WarningDialog(ModalScreen[None]):
    """One warning in full, with its sources."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", tooltip="Close")]

    def __init__(self, warning: SafetyWarning) -> None:
        super().__init__()
        self.warning = warning

    def compose(self) -> ComposeResult:
        """The warning and its sources."""
        with VerticalScroll(classes="dialog"):
            yield Static(warning_text(self.warning))
            yield Label("Escape closes", classes="hint")

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)


class AcknowledgeDialog(ModalScreen[bool]):
    """Before saving a routine with a danger: name each risk and its source; ask to go ahead."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Cancel", tooltip="Do not save"),
    ]

    def __init__(self, dangers: list[tuple[str, SafetyWarning]]) -> None:
        super().__init__()
        self.dangers = dangers

    def compose(self) -> ComposeResult:
        """Each danger with its routine and sources, then the choice."""
        with VerticalScroll(classes="dialog acknowledge"):
            yield Label(
                "This profile has danger warnings. Read them before saving:",
                classes="dialog-question",
            )
            for routine, warning in self.dangers:
                yield Static(Text(f"Routine {visible(routine)}", style="bold"))
                yield Static(warning_text(warning), classes="danger-item")
            yield Static(
                "Saving records that you read these warnings (code, compounds, date) in the "
                "profile. sleepplan keeps showing them. This is not medical advice: ask a "
                "pharmacist or doctor.",
                classes="hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("I have read this — save", id="acknowledge", variant="error")
                yield Button("Cancel (n)", id="cancel", variant="primary")

    def on_mount(self) -> None:
        """Start on Cancel, so Enter alone never acknowledges."""
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Acknowledge or cancel."""
        self.dismiss(event.button.id == "acknowledge")

    def action_answer(self, value: bool) -> None:
        """Answer from the keyboard."""
        self.dismiss(value)
