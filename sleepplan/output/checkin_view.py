"""What the check-in commands print: a recorded check-in with its score breakdown, the history.

The morning score is never shown alone: every part of it, with its weight, comes with it.
"""

from __future__ import annotations

from typing import Any

from sleepplan.core.visible import visible
from sleepplan.output import DISCLAIMER


def _score(value: float | None) -> str:
    return "  –" if value is None else f"{value:3.0f}"


def _hm(minutes: int | None) -> str:
    if minutes is None:
        return "–"
    return f"{minutes // 60} h {minutes % 60:02d}"


def score_breakdown(record: dict[str, Any]) -> list[str]:
    """The morning score and every part of it: the number is never shown alone."""
    scores, parts = record["scores"], record["scores"].get("parts", {})
    part_text = " · ".join(f"{name} {value:.0f}" for name, value in parts.items())
    kss = record.get("kss")
    quality = record.get("quality")
    kss_text = kss if kss is not None else "–"
    quality_text = quality if quality is not None else "–"
    rows = [
        ("Diary (CSD-style)", scores["diary"], "0.35", part_text),
        ("Compared with usual (LSEQ-style)", scores["leeds"], "0.30", ""),
        (f"Alertness (KSS {kss_text})", scores["alertness"], "0.20", ""),
        (f"Quality ({quality_text}/5)", scores["quality"], "0.15", ""),
    ]
    lines = [f"Morning score {_score(scores['morning']).strip()} / 100"]
    for label, value, weight, detail in rows:
        lines.append(f"  {label:<34}{_score(value)}  × {weight}   {detail}".rstrip())
    lines += [
        f"Onset {_score(scores['onset']).strip()} · maintenance "
        f"{_score(scores['maintenance']).strip()} · next morning "
        f"{_score(scores['next_morning']).strip()}",
        "(Blocks you did not answer are left out and the weights renormalised.)",
    ]
    return lines


def checkin_text(record: dict[str, Any], recent: list[float], profile_name: str) -> str:
    """The result of recording a check-in: metrics, the score breakdown, the last seven."""
    metrics = record["metrics"]
    lines = [
        f"Check-in recorded for the night of {visible(str(record['night']))} "
        f"(profile {visible(profile_name)})."
    ]
    lines.append(
        f"In bed {_hm(metrics['tib_min'])} · asleep {_hm(metrics['tst_min'])} · "
        f"efficiency {metrics['se_pct'] if metrics['se_pct'] is not None else '–'}% · "
        f"{metrics['sol_min'] if metrics['sol_min'] is not None else '–'} min to fall asleep · "
        f"{metrics['waso_min'] if metrics['waso_min'] is not None else '–'} min awake"
    )
    lines += [""] + score_breakdown(record)
    morning = record["scores"]["morning"]
    if recent and morning is not None:
        average = sum(recent) / len(recent)
        lines.append(
            f"Compared with your last {len(recent)} mornings (average {average:.0f}): "
            f"{morning - average:+.0f}"
        )
    if "next_morning_impairment" in record["flags"]:
        lines.append(
            "Flag: next-morning impairment (KSS ≥ 7 or feeling ≤ 30): take care "
            "driving or operating machinery today."
        )
    lines += [
        "",
        "Items are CSD-style and LSEQ-style: reworded, not the validated instruments.",
        DISCLAIMER,
    ]
    return "\n".join(lines)


def history_text(records: list[dict[str, Any]], profile_name: str) -> str:
    """The journal as a table, newest first."""
    if not records:
        return (
            f"No check-ins yet for profile {visible(profile_name)}. Record one with "
            "`sleepplan checkin --from FILE` or in the app (m)."
        )
    header = f"{'night':<11} {'morning':>7} {'asleep':>9} {'SE %':>5} {'KSS':>3}  taken"
    lines = [header, "-" * 60]
    for record in records:
        metrics = record["metrics"]
        taken = ", ".join(visible(str(dose["compound"])) for dose in record.get("taken") or [])
        se = metrics["se_pct"]
        lines.append(
            f"{visible(str(record['night'])):<11} {_score(record['scores']['morning']):>7} "
            f"{_hm(metrics['tst_min']):>9} {se if se is not None else '–':>5} "
            f"{record.get('kss') if record.get('kss') is not None else '–':>3}  {taken or '–'}"
        )
    return "\n".join(lines)
