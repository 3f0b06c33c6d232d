"""An interval drawn as a bar on a fixed axis: ├──●──┤ against the zero line."""

from __future__ import annotations

from rich.text import Text

AXIS_POINTS = 40.0
"""The axis runs from −40 to +40 score points; wider intervals are clipped with an arrow."""


def interval_bar(
    centre: float | None, interval: tuple[float, float] | None, width: int = 17
) -> Text:
    """The 95% interval as ├──┤ with ● at the mean and │ at zero; words carry the meaning."""
    if centre is None or interval is None:
        return Text("·" * width, style="dim")
    # dim dots, not spaces, for the empty axis: a table cell drops leading spaces
    cells = ["·"] * width

    def column(value: float) -> int:
        clipped = max(-AXIS_POINTS, min(AXIS_POINTS, value))
        return round((clipped + AXIS_POINTS) / (2 * AXIS_POINTS) * (width - 1))

    low, high = column(interval[0]), column(interval[1])
    for index in range(low, high + 1):
        cells[index] = "─"
    cells[low] = "◀" if interval[0] < -AXIS_POINTS else "├"
    cells[high] = "▶" if interval[1] > AXIS_POINTS else "┤"
    zero = column(0)
    if cells[zero] == "·":
        cells[zero] = "│"
    cells[column(centre)] = "●"
    text = Text("".join(cells))
    for index, cell in enumerate(cells):
        if cell == "·":
            text.stylize("dim", index, index + 1)
    return text
