"""History's nights table and its filters: by compound, and leaving out confounded nights."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from sleepplan.tui.plain import cell

TABLE_NIGHTS = 120
NIGHT_COLUMNS = (
    ("Night", 10),
    ("Score", 5),
    ("Asleep", 7),
    ("SE %", 5),
    ("KSS", 3),
    ("Taken", 40),
)


def nights_summary(records: list[dict[str, Any]], exclude_confounded: bool) -> str:
    """How many nights, from when to when: with `x`, only the nights left in."""
    if not exclude_confounded:
        return f"{len(records)} nights, {records[0]['night']} to {records[-1]['night']}"
    kept = [record for record in records if not record.get("confounders")]
    left_out = f"{len(records) - len(kept)} with confounders left out (x)"
    if not kept:
        return f"No nights without confounders · {left_out}"
    return f"{len(kept)} nights, {kept[0]['night']} to {kept[-1]['night']} · {left_out}"


def fill_nights(
    table: DataTable[object],
    records: list[dict[str, Any]],
    wanted: str,
    exclude_confounded: bool,
) -> None:
    """The newest nights first; ``wanted`` (casefolded) keeps those that took a compound."""
    table.clear()
    shown = 0
    for record in reversed(records):
        taken = ", ".join(dose["compound"] for dose in record.get("taken") or [])
        if wanted and wanted not in taken.casefold():
            continue
        if exclude_confounded and record.get("confounders"):
            continue
        metrics, scores = record["metrics"], record["scores"]
        tst = metrics.get("tst_min")
        table.add_row(
            cell(str(record["night"])),
            "–" if scores.get("morning") is None else f"{scores['morning']:.0f}",
            "–" if tst is None else f"{tst // 60}h{tst % 60:02d}",
            "–" if metrics.get("se_pct") is None else f"{metrics['se_pct']:.0f}",
            cell(str(record.get("kss") if record.get("kss") is not None else "–")),
            cell(taken or "–"),
            key=str(record["night"]),
        )
        shown += 1
        if shown >= TABLE_NIGHTS:
            break
