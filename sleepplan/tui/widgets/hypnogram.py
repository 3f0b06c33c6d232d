"""A tracker's night as one row of letters: a hypnogram-style bar, readable without colour.

Where the tracker recorded stage epochs, the bar is the night across the width, one character
per slice of time, for the stage that fills most of it. Where it gave only totals, the bar is
its stage minutes stacked in proportion. Each stage has a letter as well as a colour (design
§11: meaning never by colour alone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from sleepplan.core import timing
from sleepplan.core.objective import SOURCE_NAMES, Epoch, ObjectiveNight
from sleepplan.tui.plain import plain

STAGE_GLYPHS: dict[str, str] = {
    "deep": "D",
    "light": "L",
    "rem": "R",
    "asleep": "S",
    "awake": "W",
    "unknown": "·",
}
"""The letter of each stage; a slice with no epoch is blank."""
STAGE_WORDS: dict[str, str] = {
    "deep": "deep",
    "light": "light",
    "rem": "REM",
    "asleep": "asleep (no stage)",
    "awake": "awake",
    "unknown": "unknown",
}
STACK_ORDER = ("deep", "light", "rem", "awake")
"""The stacked bar's order: deep sleep first, as the night usually runs."""


def source_name(source: str) -> str:
    """A source as people write it: ``oura`` is "Oura"."""
    return SOURCE_NAMES.get(source, source)


def night_span(night: ObjectiveNight) -> tuple[dt.datetime, dt.datetime] | None:
    """From in bed (else the first epoch) to out of bed (else the last), or ``None``."""
    epochs = sorted(night.epochs, key=lambda e: timing.utc(e.start))
    start = night.in_bed or (epochs[0].start if epochs else None)
    end = night.out_of_bed or (max((e.end for e in epochs), key=timing.utc) if epochs else None)
    if start is None or end is None or timing.utc(end) <= timing.utc(start):
        return None
    return start, end


def stage_slices(
    epochs: Sequence[Epoch], start: dt.datetime, end: dt.datetime, columns: int
) -> list[str | None]:
    """The stage filling most of each of ``columns`` equal slices of ``start``–``end``.

    ``None`` for a slice no epoch covers. ``epochs`` should not overlap (``flatten`` them).
    """
    first, span = timing.utc(start), (timing.utc(end) - timing.utc(start)).total_seconds()
    if columns < 1 or span <= 0:
        return []
    width = span / columns
    filled: list[dict[str, float]] = [{} for _ in range(columns)]
    for epoch in epochs:
        left = (timing.utc(epoch.start) - first).total_seconds()
        right = (timing.utc(epoch.end) - first).total_seconds()
        low, high = max(0, int(left // width)), min(columns - 1, int(right // width))
        for column in range(low, high + 1):
            overlap = min(right, (column + 1) * width) - max(left, column * width)
            if overlap > 0:
                filled[column][epoch.stage] = filled[column].get(epoch.stage, 0.0) + overlap
    return [max(slice_, key=lambda s: slice_[s]) if slice_ else None for slice_ in filled]


def stacked_minutes(night: ObjectiveNight, columns: int) -> list[str]:
    """Deep, light, REM and awake minutes as a bar ``columns`` wide, each in proportion.

    Empty when the night has no stage minutes. A stage with any minutes keeps one column at
    least, so a short REM is not lost to rounding.
    """
    minutes = {stage: getattr(night, f"{stage}_min") or 0.0 for stage in STACK_ORDER}
    total = sum(minutes.values())
    if total <= 0 or columns < 1:
        return []
    present = [stage for stage in STACK_ORDER if minutes[stage] > 0]
    widths = {stage: max(1, round(minutes[stage] / total * columns)) for stage in present}
    while sum(widths.values()) > columns and any(w > 1 for w in widths.values()):
        widest = max(widths, key=lambda s: widths[s])
        widths[widest] -= 1
    while sum(widths.values()) < columns:
        largest = max(present, key=lambda s: minutes[s])
        widths[largest] += 1
    return [stage for stage in present for _ in range(widths[stage])]


def hours(minutes: float | None) -> str:
    """Minutes as people read a night: "7 h 05", "42 min", or "–" when unknown."""
    if minutes is None:
        return "–"
    whole = round(minutes)
    return f"{whole // 60} h {whole % 60:02d}" if whole >= 60 else f"{whole} min"


class StageBar(Widget):
    """The coloured letters of a stage sequence; shared by the hypnogram and Tonight's overlay."""

    COMPONENT_CLASSES = {f"stage--{stage}" for stage in STAGE_GLYPHS} | {"stage--axis"}
    DEFAULT_CSS = """
    StageBar > .stage--deep { color: $text-primary; text-style: bold; }
    StageBar > .stage--light { color: $text-secondary; }
    StageBar > .stage--rem { color: $text-success; text-style: bold; }
    StageBar > .stage--asleep { color: $foreground-muted; }
    StageBar > .stage--awake { color: $text-warning; }
    StageBar > .stage--unknown { color: $text-muted; }
    StageBar > .stage--axis { color: $text-muted; }
    """

    def legend(self, stages: Sequence[str | None]) -> Text:
        """The key of the letters ``stages`` uses, in their order: "D deep  L light"."""
        shown = [stage for stage in STAGE_GLYPHS if stage in stages]
        words = "  ".join(f"{STAGE_GLYPHS[stage]} {STAGE_WORDS[stage]}" for stage in shown)
        return Text(words, self.get_component_rich_style("stage--axis"))

    def letters(self, stages: Sequence[str | None]) -> Text:
        """One letter per stage, each in its stage's colour; blank where there is none."""
        text = Text()
        for stage in stages:
            if stage is None:
                text.append(" ")
            else:
                text.append(STAGE_GLYPHS[stage], self.get_component_rich_style(f"stage--{stage}"))
        return text


class Hypnogram(StageBar):
    """A tracker night's bar, the times under it and the legend, as wide as it is given."""

    DEFAULT_CSS = "Hypnogram { height: auto; }"

    night: reactive[ObjectiveNight | None] = reactive(None, layout=True)
    """The night to draw; nothing is drawn without one."""

    def render(self) -> Text:
        """The bar (epochs, else stacked minutes), then a time axis or the minutes' key."""
        night = self.night
        if night is None:
            return Text("")
        columns = max(10, self.size.width)
        span = night_span(night)
        axis = self.get_component_rich_style("stage--axis")
        stages: Sequence[str | None]
        if night.epochs and span is not None:
            stages = stage_slices(night.epochs, span[0], span[1], columns)
            text = self.letters(stages)
            # in the offset the tracker recorded them in, as the lines above show them
            left, right = f"{span[0]:%H:%M}", f"{span[1]:%H:%M}"
            text.append(f"\n{left}{right:>{columns - len(left)}}", axis)
        else:
            stages = stacked_minutes(night, columns)
            if not stages:
                return Text("This tracker gave no stages for the night.", style="italic")
            text = self.letters(stages)
            text.append("\nminutes per stage, in proportion (no epochs)", axis)
        text.append("\n")
        text.append_text(self.legend(stages))
        return text


def _clock(instant: dt.datetime | None) -> str:
    return "–" if instant is None else f"{instant:%H:%M}"


def _count(value: float | int | None, unit: str = "") -> str:
    return "–" if value is None else f"{value:.0f}{unit}"


def tracker_summary(night: ObjectiveNight | None, others: int = 0) -> Content:
    """What the tracker recorded of a night, above its bar; "no tracker data" without one.

    ``others`` counts the other recordings of the night (another source, a nap) not shown.
    The device name comes from the export: shown literally.
    """
    if night is None:
        return Content.styled("Tracker: no tracker data for this night.", "dim")
    device = f" · {night.device}" if night.device else ""
    lines = [
        plain(f"Tracker: {source_name(night.source)}{device}", "bold"),
        plain(f"  In bed {_clock(night.in_bed)} → out of bed {_clock(night.out_of_bed)}"),
        plain(f"  Asleep {hours(night.asleep_min)} · latency {_count(night.latency_min, ' min')}"),
        plain(f"  WASO {_count(night.waso_min, ' min')} · awakenings {_count(night.awakenings)}"),
    ]
    if night.deep_min is not None or night.rem_min is not None:
        lines.append(
            plain(
                f"  Deep {hours(night.deep_min)} · light {hours(night.light_min)} · "
                f"REM {hours(night.rem_min)}"
            )
        )
    if others:
        lines.append(plain(f"  ({others} other recording(s) of this night not shown)", "dim"))
    return Content("\n").join(lines)
