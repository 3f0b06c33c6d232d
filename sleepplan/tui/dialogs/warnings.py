"""A warning with its sources, and the acknowledgement a danger needs before saving."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from sleepplan.core.safety import SafetyWarning, Severity
from sleepplan.tui.plain import plain

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp

SEVERITY_MARK = {"danger": "✖ DANGER", "caution": "▲ CAUTION", "info": "ℹ INFO"}
SEVERITY_STYLE = {
    "danger": "bold $text-error",
    "caution": "bold $text-warning",
    "info": "$text-muted",
}
"""Each severity in the theme's colours: always beside its symbol and word, never alone.

``$text-error`` is the theme's ``$error`` made readable as text (as Textual's own error
buttons and toasts use it); ``$text-warning`` the same of ``$warning``.
"""
BADGE_STYLE = {
    "danger": "bold $text-error on $error-muted",
    "caution": "bold $text-warning on $warning-muted",
    "info": "$text-muted",
}
"""A severity as a badge: on its own background, so it reads on a highlighted row too."""


def severity_mark(severity: str, badge: bool = False) -> Content:
    """A severity's symbol and word (``✖ DANGER``) in its colour, or as a badge."""
    if badge:
        return Content.styled(f" {SEVERITY_MARK[severity]} ", BADGE_STYLE[severity])
    return Content.styled(SEVERITY_MARK[severity], SEVERITY_STYLE[severity])


def dangers_label(warnings: list[SafetyWarning]) -> str:
    """How many dangers, in words (``✖ 1 danger``, ``✖ 2 dangers``); empty when none."""
    count = sum(warning.severity is Severity.DANGER for warning in warnings)
    if not count:
        return ""
    return f"✖ {count} danger{'' if count == 1 else 's'}"


def warning_line(warning: SafetyWarning) -> Content:
    """The warning's severity (symbol, word and colour) and its sentence.

    The sentence names the user's compounds and medications: literal, its control
    characters made visible.
    """
    return Content.assemble(
        severity_mark(warning.severity.value, badge=True), " ", plain(warning.message)
    )


def sources_text(warning: SafetyWarning) -> Content:
    """The warning's code and the sources it rests on."""
    parts: list[Content | str | tuple[str, str]] = [plain(f"[{warning.code}]", "dim")]
    if warning.sources:
        parts += ["\n", ("Sources:", "bold")]
        for source in warning.sources:
            parts += ["\n • ", plain(source)]
    else:
        parts += ["\n", ("This rule follows from the catalog's own fields.", "dim")]
    return Content.assemble(*parts)


def warning_text(warning: SafetyWarning, with_sources: bool = True) -> Content:
    """A warning: severity by symbol, word and colour (never colour alone), then sources."""
    line = warning_line(warning)
    return Content.assemble(line, "\n", sources_text(warning)) if with_sources else line


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
        """Each danger's sentence first, then its routine and sources; the choice below.

        The buttons are docked: focusing Cancel never scrolls the danger out of view.
        """
        with VerticalScroll(classes="dialog acknowledge") as dialog:
            dialog.border_title = "Read before saving"
            with Horizontal(classes="dialog-buttons"):
                yield Button("I have read this — save", id="acknowledge", variant="error")
                yield Button("Cancel (n)", id="cancel", variant="primary")
            for routine, warning in self.dangers:
                yield Static(warning_line(warning), classes="danger-sentence")
                yield Static(Content.assemble(("Routine ", "bold"), plain(routine, "bold")))
                yield Static(sources_text(warning), classes="danger-item")
            yield Label(
                "Saving records that you read these warnings (code, compounds, and the moment, "
                "with its UTC offset) in the profile. sleepplan keeps showing them. This is not "
                "medical advice: ask a pharmacist or doctor.",
                classes="hint",
            )

    def on_mount(self) -> None:
        """Start on Cancel, so Enter alone never acknowledges."""
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Acknowledge or cancel."""
        self.dismiss(event.button.id == "acknowledge")

    def action_answer(self, value: bool) -> None:
        """Answer from the keyboard."""
        self.dismiss(value)


def when_acknowledged(app: SleepPlanApp, proceed: Callable[[], object]) -> None:
    """Run ``proceed`` once every danger is acknowledged (asking if needed), else not."""
    dangers = app.workspace.unacknowledged_dangers()
    if not dangers:
        proceed()
        return

    def answered(acknowledged: bool | None) -> None:
        if acknowledged:
            app.workspace.acknowledge(dangers)
            app.bump()
            proceed()
        else:
            app.notify("Not saved: the danger warnings were not acknowledged.", severity="warning")

    app.push_screen(AcknowledgeDialog(dangers), answered)
