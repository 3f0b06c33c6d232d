"""A yes/no question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from sleepplan.tui.plain import plain, plain_lines


class ConfirmDialog(ModalScreen[bool]):
    """Ask a question; dismisses with ``True`` for yes.

    The question may quote user text: it is shown literally, wrapped to the dialog's width.
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", tooltip="Answer yes"),
        Binding("n,escape", "answer(False)", "No", tooltip="Answer no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        """The question and two buttons."""
        with Vertical(classes="dialog"):
            yield Label(plain_lines(self.question), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(plain(f"{self.yes} (y)"), id="yes", variant="warning")
                yield Button(plain(f"{self.no} (n)"), id="no", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Answer with the button pressed."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        """Answer from the keyboard."""
        self.dismiss(value)
