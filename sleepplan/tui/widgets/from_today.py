"""Tonight's "From today" block: what is left of the day's doses at bedtime, and the cutoffs.

Two lines at most, so it fits at 80×24: the doses most present at bedtime first, then the
cutoffs, each line ending in "+N more" when the rest does not fit; the tooltip holds them all.
Hidden on a day with neither daytime doses nor a cutoff.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

from sleepplan.core import timing
from sleepplan.core.day import WAKE_PROMOTING_THRESHOLD, Cutoff, DayDose
from sleepplan.core.planner import Plan
from sleepplan.tui.plain import plain

LABEL = "From today: "
SEPARATOR = " · "
FALLBACK_WIDTH = 76
"""The width to fit to before the widget has been laid out (80 columns less the margins)."""


def dose_text(dose: DayDose) -> str:
    """One dose in words: "Caffeine 2 cups = 190 mg at 16:00 → 45% at bedtime"."""
    at = timing.format_clock(dose.at.time())
    level = dose.level_text
    where = f"{level} at bedtime" if level != "unknown" else "level at bedtime unknown"
    return f"{dose.compound.name} {dose.amount_text} at {at} → {where}"


def keeps_awake(dose: DayDose) -> bool:
    """A wake-promoting dose still at or over the line at bedtime (the warning says more)."""
    level = dose.level_at_bedtime
    return dose.compound.wake_promoting and level is not None and level >= WAKE_PROMOTING_THRESHOLD


def most_present_first(doses: Sequence[DayDose]) -> list[DayDose]:
    """The doses with the most left at bedtime first; unknown levels last, then by time."""
    return sorted(
        doses,
        key=lambda dose: (
            dose.level_at_bedtime is None,
            -(dose.level_at_bedtime or 0.0),
            timing.utc(dose.at),
        ),
    )


def fit(label: str, parts: Sequence[Content], width: int) -> Content:
    """``label`` and as many parts as fit in ``width`` cells, then "+N more" for the rest.

    The first part is always shown, cut short if it alone is too wide.
    """
    shown = Content.styled(label, "bold")
    for index, part in enumerate(parts):
        rest = len(parts) - index - 1
        more = f"{SEPARATOR}+{rest} more" if rest else ""
        joined = shown + (SEPARATOR if index else "") + part
        if index and joined.cell_length + len(more) > width:
            return shown + Content.styled(f"{SEPARATOR}+{len(parts) - index} more", "$text-muted")
        shown = joined
    if shown.cell_length > width:
        shown = shown.truncate(width, ellipsis=True)
    return shown


class FromToday(Widget):
    """The day's doses at bedtime and the cutoffs, in one or two lines; click to log a dose."""

    DEFAULT_CSS = """
    FromToday {
        height: auto;
    }
    """

    class Pressed(Message):
        """The block was clicked: the screen opens the quick entry."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.doses: tuple[DayDose, ...] = ()
        self.cutoffs: tuple[Cutoff, ...] = ()
        self.problem = ""
        """Why today's quick entries could not be read, if they could not."""

    def show(self, plan: Plan | None, problem: str = "") -> None:
        """Show a plan's daytime doses and cutoffs (and a problem reading the entries)."""
        self.doses = plan.day if plan is not None else ()
        self.cutoffs = plan.cutoffs if plan is not None else ()
        self.problem = problem
        self.display = bool(self.doses or self.cutoffs or problem)
        self.tooltip = self._full_text() if self.display else None
        self.refresh(layout=True)

    def _full_text(self) -> Content:
        lines = [plain(dose_text(dose)) for dose in self.doses]
        lines += [plain(cutoff.text) for cutoff in self.cutoffs]
        if self.problem:
            lines.append(plain(self.problem))
        lines.append(Content.styled("l logs a daytime dose; click to open it", "$text-muted"))
        return Content("\n").join(lines)

    def lines(self, width: int) -> list[Content]:
        """What the block shows at this width."""
        found = []
        if self.doses or self.problem:
            parts = []
            for dose in most_present_first(self.doses):
                part = plain(dose_text(dose))
                if keeps_awake(dose):
                    part = part.stylize("$text-warning")
                parts.append(part)
            if self.problem:
                parts.append(plain(self.problem, "$text-error"))
            found.append(fit(LABEL, parts, width))
        if self.cutoffs:
            texts = [plain(cutoff.text) for cutoff in self.cutoffs]
            found.append(fit("" if found else LABEL, texts, width))
        return found

    def render(self) -> Content:
        """The lines, fitted to the width the widget has."""
        return Content("\n").join(self.lines(self.content_size.width or FALLBACK_WIDTH))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One line for the doses, one for the cutoffs."""
        return len(self.lines(width))

    def on_click(self, event: events.Click) -> None:
        """Open the quick entry."""
        event.stop()
        self.post_message(self.Pressed())
