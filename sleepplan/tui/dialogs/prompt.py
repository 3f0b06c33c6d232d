"""Ask for one line of text, or for a choice from a list."""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from sleepplan.core import timing
from sleepplan.core.amounts import parse_amount
from sleepplan.core.visible import visible
from sleepplan.tui.plain import plain, plain_lines


class TextPrompt(ModalScreen[str | None]):
    """A one-line answer; ``check`` returns an error message or ``None``.

    The question, the suggested answer and the problem may quote user text: each is shown
    literally, with its control characters visible, and wraps to the dialog's width.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without an answer")]

    def __init__(
        self,
        question: str,
        value: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.question = question
        self.value = visible(value)
        self.check = check

    def compose(self) -> ComposeResult:
        """The question, the field and a line for problems."""
        with Vertical(classes="dialog"):
            yield Label(plain_lines(self.question), classes="dialog-question")
            yield Input(value=self.value, id="answer")
            # what was typed may come back in the message: never read it as markup
            yield Label(
                "Enter to accept · Escape to cancel", id="problem", classes="hint", markup=False
            )

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        problem = self.check(event.value) if self.check else None
        if problem:
            self.query_one("#problem", Label).update(plain_lines(problem))
            self.query_one("#problem", Label).add_class("error")
            return
        self.dismiss(event.value.strip())

    def on_key(self, event: events.Key) -> None:
        """A key typed as the prompt opened, before its field had focus, goes to the field.

        Keys typed quickly after the one that opens the prompt reach the prompt itself while
        its field is still being focused (the app sends them here); without this they would
        be lost, and enter would not answer.
        """
        answer = self.query_one("#answer", Input)
        if not answer.has_focus:
            event.stop()
            self.set_focus(answer)  # at once: the key below is handled after the focus
            answer.post_message(events.Key(event.key, event.character))

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)


def check_clock(answer: str) -> str | None:
    """A problem with a typed clock time (``HH:MM``), or ``None``."""
    try:
        timing.parse_clock(answer)
    except ValueError as error:
        return str(error)
    return None


def amount_problem(answer: str) -> str | None:
    """What is wrong with a typed amount, or ``None``: ``200``, ``200 mg``, ``3 g``, ``500 mcg``.

    The same rules as the command line's amounts (``parse_amount``), which callers use to read
    the answer in mg.
    """
    try:
        parse_amount(answer)
    except ValueError as error:
        return str(error)
    return None


class ChoicePrompt(ModalScreen[str | None]):
    """Pick one of several options by id."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without choosing")]

    def __init__(self, question: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.choices = choices

    def compose(self) -> ComposeResult:
        """The question and the options."""
        with Vertical(classes="dialog"):
            yield Label(plain_lines(self.question), classes="dialog-question")
            # labels are names the user chose: plain text, not markup
            yield OptionList(*[Option(plain(label), id=key) for key, label in self.choices])

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
