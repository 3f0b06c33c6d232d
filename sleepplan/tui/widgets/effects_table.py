"""The effects tables: each compound's nights with minus without, its interval bar and verdict."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable, Static

from sleepplan.core.insights import VERDICT_WORDS, Effect, effect_titles, verdict_words
from sleepplan.core.stage_effects import StageEffect
from sleepplan.tui.plain import cell, plain
from sleepplan.tui.widgets.effect_bar import interval_bar

NAME_WIDTH = 21
"""The effects table's compound column: "Glycine · maintenance" fits."""
MEASURE_SHORT = {"rem_min": "REM", "deep_min": "deep", "latency_min": "latency", "waso_min": "WASO"}
EFFECT_COLUMNS = (
    ("Compound", NAME_WIDTH),
    ("Diff", 6),
    ("−40     0     +40", 17),
    ("Verdict", 16),
    ("Nights", 6),
)
STAGE_EFFECT_COLUMNS = (
    ("Compound", NAME_WIDTH),
    ("Δ min", 6),
    ("−40     0     +40", 17),
    ("Verdict", 16),
    ("Nights", 6),
)
VERDICT_STYLES = {"likely_helps": "bold", "likely_hurts": "bold reverse"}


def add_columns(table: DataTable[object], columns: tuple[tuple[str, int], ...]) -> None:
    """A table's columns, each of a fixed width."""
    for label, width in columns:
        table.add_column(label, width=width)


def fill_effects(
    table: DataTable[object], hints: Static, effects: list[Effect], names: dict[str, str]
) -> None:
    """One row per compound and score, then what would answer each open verdict."""
    table.clear()
    rows = Counter(effect.compound for effect in effects)
    keyed: set[str] = set()
    for effect in effects:
        style = VERDICT_STYLES.get(effect.verdict)
        domain = f" · {effect.domain}" if rows[effect.compound] > 1 else ""
        suffix = domain + ("*" if effect.method == "before_after" else "")
        # a table reads a str cell as markup: a name of the user's own goes in as Text,
        # cropped when a domain follows it, so the domain stays in sight
        name = cell(names.get(effect.compound, effect.compound))
        if domain:
            name.truncate(NAME_WIDTH - len(suffix), overflow="ellipsis")
        name.append(suffix)
        # the first (primary) domain's row keeps the compound's own key
        key = (
            effect.compound
            if effect.compound not in keyed
            else f"{effect.compound} · {effect.domain}"
        )
        keyed.add(effect.compound)
        table.add_row(
            name,
            "–" if effect.mean_diff is None else f"{effect.mean_diff:+.1f}",
            interval_bar(effect.mean_diff, effect.ci95),
            Text(VERDICT_WORDS[effect.verdict], style=style or ""),
            f"{effect.nights_with}/{effect.nights_without}",
            key=key,
        )
    # what would answer each open verdict, in the words of `sleepplan insights`
    still_open = [
        f"{title} — {verdict_words(effect)}"
        for title, effect in zip(effect_titles(effects, names), effects, strict=True)
        if effect.hint
    ]
    hints.update(Content("\n").join(plain(line) for line in still_open))


def fill_stage_effects(
    table: DataTable[object], hints: Static, effects: list[StageEffect], names: dict[str, str]
) -> None:
    """One row per compound on the stage it targets, in minutes, then the open verdicts."""
    table.clear()
    still_open = []
    for effect in effects:
        style = VERDICT_STYLES.get(effect.verdict)
        suffix = f" · {MEASURE_SHORT[effect.measure]}" + (
            "*" if effect.method == "before_after" else ""
        )
        name = cell(names.get(effect.compound, effect.compound))
        name.truncate(NAME_WIDTH - len(suffix), overflow="ellipsis")
        name.append(suffix)
        table.add_row(
            name,
            "–" if effect.diff_min is None else f"{effect.diff_min:+.0f}",
            interval_bar(effect.diff_min, effect.ci95),
            Text(VERDICT_WORDS[effect.verdict], style=style or ""),
            f"{effect.nights_with}/{effect.nights_without}",
            key=f"{effect.compound} · {effect.measure}",
        )
        if effect.hint:
            what = names.get(effect.compound, effect.compound)
            still_open.append(f"{what} · {MEASURE_SHORT[effect.measure]} — {effect.hint}")
    hints.update(Content("\n").join(plain(line) for line in still_open))
