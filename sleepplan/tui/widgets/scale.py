"""A rating on a scale, set with digits or arrow keys; Backspace leaves it unanswered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class Scale(Widget, can_focus=True):
    """A value from ``low`` to ``high`` in steps; ``None`` means not answered."""

    DEFAULT_CSS = """
    Scale { height: 1; width: 1fr; }
    Scale:focus { background: $boost; text-style: bold; }
    """
    BINDINGS = [
        Binding("left", "step(-1)", "Less", show=False, tooltip="Lower the rating"),
        Binding("right", "step(1)", "More", show=False, tooltip="Raise the rating"),
        Binding("backspace,delete", "clear", "Clear", show=False, tooltip="Leave unanswered"),
    ]

    value: reactive[int | None] = reactive(None)
    """The rating, or ``None`` when not answered."""

    @dataclass
    class Changed(Message):
        """The rating changed."""

        scale: Scale
        value: int | None

        @property
        def control(self) -> Scale:
            """The scale that changed."""
            return self.scale

    def __init__(
        self,
        low: int,
        high: int,
        step: int = 1,
        describe: Callable[[int], str] | None = None,
        value: int | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
    ) -> None:
        super().__init__(id=id)
        self.low, self.high, self.step = low, high, step
        self.describe = describe
        self.set_reactive(Scale.value, value)

    @property
    def is_percent(self) -> bool:
        """A 0–100 comparison rather than a short scale."""
        return self.high - self.low > 10

    def watch_value(self, value: int | None) -> None:
        """Tell the screen."""
        self.post_message(self.Changed(self, value))

    def action_step(self, direction: int) -> None:
        """Move one step; from unanswered, start in the middle."""
        if self.value is None:
            middle = (self.low + self.high) // 2
            self.value = middle - middle % self.step
            return
        self.value = max(self.low, min(self.high, self.value + direction * self.step))

    def action_clear(self) -> None:
        """Leave the question unanswered."""
        self.value = None

    def on_key(self, event: events.Key) -> None:
        """Digits answer directly: 1–9 on short scales, tens on a 0–100 comparison."""
        if event.character and event.character.isdigit():
            digit = int(event.character)
            value = digit * 10 if self.is_percent else digit
            if self.low <= value <= self.high:
                self.value = value
                event.stop()

    def render(self) -> Text:
        """Short scales as a row of numbers, comparisons as a bar; the value in words too."""
        text = Text()
        if self.is_percent:
            filled = 0 if self.value is None else round(self.value / 10)
            text.append("▰" * filled + "▱" * (10 - filled))
            text.append(f" {self.value if self.value is not None else '–':>3}")
        else:
            for number in range(self.low, self.high + 1):
                chosen = number == self.value
                text.append(
                    f"[{number}]" if chosen else f" {number} ",
                    style="reverse bold" if chosen else "",
                )
        label = (
            "not answered"
            if self.value is None
            else (self.describe(self.value) if self.describe else "")
        )
        text.append(f"  {label}", style="italic")
        return text
