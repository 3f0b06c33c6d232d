"""A stored check-in in words: every answer in the order the form asks them, and its scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from textual.content import Content

from sleepplan.core.checkin import COMPARISONS
from sleepplan.core.visible import visible
from sleepplan.store.journal import StoredCheckin, StoredVersion
from sleepplan.tui.plain import plain
from sleepplan.tui.screens.checkin_fields import COMPARISON_LABELS, KSS_WORDS, QUALITY_WORDS

SCORES = ("morning", "diary", "leeds", "alertness", "quality", "onset", "maintenance")


def complete(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every score and metric the score panel shows (``None`` if missing).

    The app writes them all; a journal filled by another tool may leave some out.
    """
    scores = dict(record.get("scores") or {})
    metrics = dict(record.get("metrics") or {})
    scores = {key: scores.get(key) for key in (*SCORES, "next_morning")} | {
        "parts": {visible(str(k)): v for k, v in (scores.get("parts") or {}).items()}
    }
    tst = metrics.get("tst_min")
    metrics = {"tst_min": tst if isinstance(tst, int) else None, "se_pct": metrics.get("se_pct")}
    return {**record, "scores": scores, "metrics": metrics, "flags": record.get("flags") or []}


def _clock(value: object) -> str:
    """A stored time as HH:MM in its own offset (the journal's text shown as it is if odd)."""
    if not isinstance(value, str):
        return "–"
    try:
        return dt.datetime.fromisoformat(value).strftime("%H:%M")
    except ValueError:
        return value


def _moment(value: str) -> str:
    """A stored instant as a person reads it, with its offset: "Sun 22 Nov 2026 07:30 (+01:00)"."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value  # the journal's text as it is
    offset = moment.strftime("%z")
    shown = f"{moment:%a %d %b %Y %H:%M}"
    return f"{shown} ({offset[:3]}:{offset[3:]})" if offset else shown


def _number(value: object, unit: str = "") -> str:
    return "–" if value is None else f"{value}{unit}"


def night_details(
    night: dt.date,
    stored: StoredCheckin,
    versions: list[StoredVersion],
    names: Mapping[str, str] | None = None,
) -> Content:
    """Every answer of a check-in, in the order the form asks them (``names``: compound names)."""
    record: dict[str, Any] = stored.record
    quality, kss = record.get("quality"), record.get("kss")
    quality_words = QUALITY_WORDS.get(quality) if isinstance(quality, int) else None
    kss_words = KSS_WORDS.get(kss) if isinstance(kss, int) else None
    parts: list[str | Content | tuple[str, str]] = [
        (f"Night of {night:%A %d %B %Y}\n", "bold"),
        plain(f"recorded {_moment(stored.recorded_at)}", "dim"),
        "\n\n",
        ("Ratings\n", "bold"),
        plain(f"  Quality {_number(quality, '/5')} ({quality_words or 'not answered'})"),
        "\n",
        plain(f"  Sleepiness {_number(kss, '/9')} ({kss_words or 'not answered'})"),
        "\n  Compared with a usual night (50 = same):\n",
    ]
    for key in COMPARISONS:
        parts += [plain(f"    {COMPARISON_LABELS[key]:<18} {_number(record.get(key))}"), "\n"]
    parts += [
        ("\nLast night\n", "bold"),
        plain(
            f"  In bed {_clock(record.get('in_bed'))} · tried to sleep "
            f"{_clock(record.get('tried_sleep'))}"
        ),
        "\n",
        plain(
            f"  Asleep after {_number(record.get('sol_min'), ' min')} · woke "
            f"{_number(record.get('awakenings'))} time(s), "
            f"{_number(record.get('waso_min'), ' min')}"
        ),
        "\n",
        plain(
            f"  Woke {_clock(record.get('final_wake'))} · got up {_clock(record.get('out_of_bed'))}"
        ),
        "\n",
    ]
    metrics = dict(record.get("metrics") or {})
    tst, tib, se = metrics.get("tst_min"), metrics.get("tib_min"), metrics.get("se_pct")
    if isinstance(tst, int) and isinstance(tib, int):
        efficiency = f" (SE {se:.0f}%)" if isinstance(se, int | float) else ""
        parts += [
            plain(
                f"  Asleep {tst // 60} h {tst % 60:02d} of {tib // 60} h {tib % 60:02d}{efficiency}"
            ),
            "\n",
        ]
    effects = ", ".join(str(e).replace("_", " ") for e in record.get("effects") or [])
    unusual = ", ".join(str(c).replace("_", " ") for c in record.get("confounders") or [])
    parts += [
        ("\nSide effects: ", "bold"),
        plain(effects or "none"),
        ("\nUnusual: ", "bold"),
        plain(unusual or "nothing"),
        ("\n\nTaken\n", "bold"),
    ]
    taken = record.get("taken") or []
    for dose in taken:
        dose = dict(dose)
        compound = str(dose.get("compound"))
        parts += [
            plain(
                f"  {(names or {}).get(compound, compound)} {_number(dose.get('amount_mg'))} mg at "
                f"{_clock(dose.get('at'))}"
            ),
            "\n",
        ]
    if not taken:
        parts.append("  nothing\n")
    if record.get("guess"):
        parts += [("\nExperiment guess: ", "bold"), plain(str(record["guess"]))]
    if record.get("notes"):
        parts += [("\nNotes: ", "bold"), plain(str(record["notes"]))]
    if versions:
        latest = versions[0]
        parts += [
            ("\n\nEarlier versions kept: ", "bold"),
            plain(f"{len(versions)} (the last one {latest.reason} {_moment(latest.ended_at)})"),
        ]
    return Content.assemble(*parts)  # the footer names the keys (c correct, d delete)
