"""Texts shown whole that ``s`` saves to a file outside the home: the envelope key, a report."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from sleepplan.core.errors import InputError
from sleepplan.core.visible import visible
from sleepplan.store import paths
from sleepplan.store.faults import MachineFault, from_os_error
from sleepplan.tui.plain import plain_lines


class SavableText(ModalScreen[None]):
    """A text shown whole, that ``s`` saves to a file outside the home (never one that exists)."""

    DEFAULT_CSS = """
    SavableText { align: center middle; }
    SavableText > VerticalScroll { width: 78; max-height: 22; height: auto; padding: 0 1;
        border: round $accent; background: $surface; }
    SavableText .saved-line { color: $error; }
    """
    BINDINGS = [
        Binding("s", "save", "Save to a file", tooltip="Save this text to a file"),
        Binding("escape,enter", "close", "Done", tooltip="Close"),
    ]
    KIND = "text"
    """What the text is, in the prompt and the toast ("the envelope key")."""
    ID = "savable-text"
    """The id of the scroll; its text is ``ID-text``, the line under it ``ID-problem``."""

    def __init__(self, intro: str, text: str, suggested_name: str) -> None:
        super().__init__()
        self.intro = intro
        self.text = text
        self.suggested_name = suggested_name

    def compose(self) -> ComposeResult:
        """The intro, the text, and a line that says what saving did."""
        with VerticalScroll(id=self.ID):
            yield Static(plain_lines(self.intro))
            yield Static(plain_lines(self.text), id=f"{self.ID}-text")
            yield Label("", id=f"{self.ID}-problem", markup=False, classes="saved-line")

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)

    def action_save(self) -> None:
        """Ask where to save the text (a file outside the home, not one that exists)."""
        from sleepplan.tui.dialogs.prompt import TextPrompt

        home = self.app.home if hasattr(self.app, "home") else Path.home()
        suggested = Path.home() / self.suggested_name

        def problem(answer: str) -> str | None:
            try:
                paths.check_export_target(home, Path(answer).expanduser(), False)
            except InputError as error:
                return error.render()
            return None

        self.app.push_screen(
            TextPrompt(f"Save {self.KIND} to which file?", str(suggested), problem),
            self._save_to,
        )

    def _save_to(self, answer: str | None) -> None:
        if not answer:
            return
        from sleepplan.store.exports import write_private

        target = Path(answer).expanduser()
        line = self.query_one(f"#{self.ID}-problem", Label)
        try:
            write_private(target, (self.text + "\n").encode("utf-8"))
        except OSError as error:
            fault = from_os_error(error, target)
            reason = fault.render() if fault else f"{target}: {error.strerror}"
            line.update(plain_lines(f"Not saved: {reason}"))
            return
        except (InputError, MachineFault) as error:
            line.update(plain_lines(f"Not saved: {error.render()}"))
            return
        line.update(plain_lines(f"Saved to {target}."))
        self.notify(f"Saved {self.KIND} to {visible(str(target))}")  # the line may be below


class EnvelopeKeyScreen(SavableText):
    """The envelope key, shown once: hand it over, or save it to a file first."""

    DEFAULT_CSS = """
    EnvelopeKeyScreen > VerticalScroll { border: round $warning; }
    """
    BINDINGS = [
        Binding("escape,enter", "close", "Done", tooltip="Close: the key is not shown again"),
    ]
    KIND = "the envelope key"
    ID = "envelope-key"

    def __init__(self, key: str, experiment_id: str) -> None:
        super().__init__(
            "Shown once. Hand this key to someone else: they fill each numbered envelope as it "
            "says and keep the key until the experiment is complete. sleepplan will not show it "
            "again until then (the report shows it).\ns saves it to a file · Enter or Escape "
            "closes",
            key,
            f"sleepplan-envelope-key-{experiment_id}.txt",
        )


class ExperimentReportScreen(SavableText):
    """A completed experiment's report (Markdown text, shown as text: never parsed)."""

    KIND = "the report"
    ID = "experiment-report"

    def __init__(self, report: str, experiment_id: str) -> None:
        super().__init__(
            "The experiment is complete. s saves this report to a file (Markdown) · Enter or "
            "Escape closes",
            report,
            f"sleepplan-report-{experiment_id}.md",
        )
