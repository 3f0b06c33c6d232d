"""Tonight's dose list: each dose a row of columns under its stage, its warning mark on it."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from sleepplan.core.planner import Plan, PlannedDose
from sleepplan.core.safety import SafetyWarning, Severity
from sleepplan.core.visible import visible
from sleepplan.tui.dialogs.warnings import BADGE_STYLE, SEVERITY_MARK

COLUMNS = [
    ("Time", 5),
    ("Compound", 24),
    ("Warning", 9),
    ("Amount", 9),
    ("vs bed", 8),
    ("Peak", 7),
    ("At wake", 7),
]
"""The dose list's columns: heading and width (numbers are right-aligned); 75 cells in all,
so a row fits at 80 columns."""
RIGHT_ALIGNED = {"Amount", "vs bed"}
COLUMN_GAP = " "
MARK_COLUMN = 2
"""The column where a dose's warning mark goes (``✖ DANGER``, ``▲ CAUTION``)."""


def row_key(dose: PlannedDose) -> str:
    """A dose row's option id: its place in the routine, or the experiment that added it."""
    if dose.routine_index < 0 and dose.experiment is not None:
        return f"experiment:{dose.experiment.experiment_id}"
    return f"dose:{dose.routine_index}"


def columns(*cells: str) -> str:
    """One line of the dose list, its cells padded to the columns' widths."""
    return COLUMN_GAP.join(
        cell[:width].rjust(width) if label in RIGHT_ALIGNED else cell[:width].ljust(width)
        for cell, (label, width) in zip(cells, COLUMNS, strict=True)
    )


def heading() -> Text:
    """The line over the list that names its columns."""
    return Text(columns(*(label for label, _ in COLUMNS)), "bold")


def mark_span(cells: int = MARK_COLUMN) -> tuple[int, int]:
    """Where the warning mark's column starts and ends in a row made by ``columns``."""
    start = sum(width + len(COLUMN_GAP) for _, width in COLUMNS[:cells])
    return start, start + COLUMNS[cells][1]


def worst_by_compound(warnings: list[SafetyWarning]) -> dict[str, Severity]:
    """The most serious danger or caution each compound is involved in (info marks no row)."""
    worst: dict[str, Severity] = {}
    for warning in warnings:
        if warning.severity is Severity.INFO:
            continue
        for compound in warning.compounds:
            if compound not in worst or warning.severity.rank < worst[compound].rank:
                worst[compound] = warning.severity
    return worst


def dose_row(dose: PlannedDose, severity: Severity | None) -> Content:
    """A dose's row: time, name, warning mark, amount, minutes from bed, peak, left at wake."""
    peak = "–" if dose.peak_at is None else f"{dose.peak_at:%H:%M}"
    if dose.peak_in_window is not None:
        peak += " ✓" if dose.peak_in_window else " ✗"
    row = columns(
        f"{dose.at:%H:%M}",
        visible(dose.compound.name),
        SEVERITY_MARK[severity.value] if severity else "",
        dose.amount_text,
        f"{dose.minutes_from_bedtime:+d} min",
        peak,
        dose.residual_text or "–",
    )
    # plain text: a compound of the user's own may have any name
    prompt = Content(row)
    if severity:
        prompt = prompt.stylize(BADGE_STYLE[severity.value], *mark_span())
    return prompt


class DoseList(OptionList):
    """Tonight's doses grouped by stage; the cursor stays on its dose as the plan changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.whys: dict[str, str] = {}
        """Why each dose is where it is, by row key."""

    def show(self, plan: Plan | None, marks: dict[str, Severity]) -> None:
        """List the plan's doses under their stages, each marked with its worst warning."""
        selected_key = self.selected_key()
        selected_row = self.highlighted or 0
        self.clear_options()
        self.whys = {}
        if plan is None or not plan.rows:
            if plan is not None:
                empty = Text("No doses yet: press a to add one", "italic")
                self.add_option(Option(empty, "empty", disabled=True))
            return
        options = []
        for stage, stage_doses in plan.by_stage():
            window = plan.night.windows[stage]
            title = f"{stage.label.upper()} · {window.start:%H:%M}–{window.end:%H:%M}"
            options.append(Option(Text(title, "bold"), f"stage:{stage.value}", disabled=True))
            for dose in stage_doses:
                prompt = dose_row(dose, marks.get(dose.compound.id))
                options.append(Option(prompt, row_key(dose)))
        self.add_options(options)
        self.whys = {row_key(dose): dose.why for dose in plan.rows}
        if selected_key in self.whys:
            # the cursor follows the dose, wherever the re-sorted plan put it
            self.highlighted = self.get_option_index(selected_key)
        else:
            # the row it was on, or the nearest dose (never a stage heading)
            index = min(max(selected_row, 1), self.option_count - 1)
            if self.get_option_at_index(index).disabled:
                index += 1 if index + 1 < self.option_count else -1
            self.highlighted = index

    def selected_key(self) -> str:
        """The row key under the cursor (``""`` for none)."""
        option = self.highlighted_option
        return option.id or "" if option is not None else ""

    def selected_index(self) -> int | None:
        """The selected dose's place in the routine; ``None`` for none or an experiment's."""
        key = self.selected_key()
        return int(key.split(":", 1)[1]) if key.startswith("dose:") else None

    def selected_why(self) -> str:
        """Why the selected dose is where it is (``""`` for none)."""
        return self.whys.get(self.selected_key(), "")
