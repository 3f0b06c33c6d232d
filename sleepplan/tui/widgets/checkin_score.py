"""The check-in's live score panel: the morning score and every part of it."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from sleepplan.output import DISCLAIMER


def score_panel(record: dict[str, Any], recent: list[float], saved: bool) -> Text:
    """The live score: the number and every part of it, narrow enough for 80 columns."""
    scores, parts = record["scores"], record["scores"].get("parts", {})

    def number(value: float | None) -> str:
        return "–" if value is None else f"{value:.0f}"

    text = Text()
    text.append("Morning score\n", style="bold")
    text.append(f" {number(scores['morning'])} ", style="bold reverse")
    text.append(" / 100\n\n")
    text.append(f"Diary        {number(scores['diary']):>3} ×.35\n")
    if parts:
        text.append("  " + " ".join(f"{k} {v:.0f}" for k, v in parts.items()) + "\n", style="dim")
    text.append(f"vs usual     {number(scores['leeds']):>3} ×.30\n")
    text.append(f"Alertness    {number(scores['alertness']):>3} ×.20\n")
    text.append(f"Quality      {number(scores['quality']):>3} ×.15\n\n")
    text.append(f"Onset        {number(scores['onset']):>3}\n")
    text.append(f"Maintenance  {number(scores['maintenance']):>3}\n")
    text.append(f"Next morning {number(scores['next_morning']):>3}\n")
    metrics = record["metrics"]
    if metrics["tst_min"] is not None:
        text.append(
            f"\nAsleep {metrics['tst_min'] // 60} h {metrics['tst_min'] % 60:02d}", style="dim"
        )
        if metrics["se_pct"] is not None:
            text.append(f" · SE {metrics['se_pct']:.0f}%", style="dim")
        text.append("\n")
    if "next_morning_impairment" in record["flags"]:
        text.append("\n⚠ Next-morning impairment: take care driving today.\n", style="bold")
    if recent and scores["morning"] is not None:
        average = sum(recent) / len(recent)
        text.append(f"\nLast {len(recent)} mornings: {average:.0f} on average\n")
        text.append(f"This morning: {scores['morning'] - average:+.0f}\n", style="bold")
    text.append(
        "\n✓ Saved\n" if saved else "\nNot saved yet (ctrl+s)\n",
        style="bold" if saved else "italic",
    )
    text.append("\nCSD-/LSEQ-style items: reworded, not the validated instruments. ", style="dim")
    text.append(DISCLAIMER, style="dim italic")
    return text
