"""What helps me: per compound, nights with vs without, with an honest interval (design §8).

An evening's doses are paired with the next morning's check-in by design: each journal record
holds both. A compound is judged on the domain its stage implies (onset for sleep-onset
compounds, maintenance for the rest), with the next morning always alongside; one that targets
several stages is judged on each of their domains, one row each. A verdict of "likely helps" or
"likely hurts" needs the 95% interval to exclude zero; fewer than three nights either way is
"too few nights", with how many more would answer it.

Chronic compounds, which take weeks, are judged on weeks without them (before the first dose, or
during a pause of a week or more) against weeks on them (from two weeks after each start), two
weeks of nights each way. One taken since the first night has nothing to be compared with: its
verdict says so and what would answer it (a pause, or an experiment) instead of "too few nights"
forever. A pause's first nights may still carry some effect; that can only hide an effect, never
make one up. When and whether a pause happened is read from every night, confounded or not:
leaving confounded nights out changes which nights are counted, not the story of the doses.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sleepplan.core.catalog import Catalog, Compound
from sleepplan.core.stats import mean, welch_interval
from sleepplan.core.vocabulary import Stage

MIN_NIGHTS = 3
"""Scored nights each way before a night-by-night comparison says anything."""
CHRONIC_LAG_DAYS = 14
"""Nights after starting a chronic compound before its effect is counted."""
CHRONIC_MIN_NIGHTS = 14
"""Scored nights each way (two weeks of check-ins) before a chronic comparison says anything."""
PAUSE_DAYS = 7
"""Recorded nights without a chronic compound reaching this many days after its last dose are a
pause: they count as "without", and the next dose starts it again, settling in anew. Shorter
gaps are nights off within regular use, and count as "on"."""
DOMAIN_OF_STAGE = {
    Stage.SLEEP_ONSET: "onset",
    Stage.SLOW_WAVE: "maintenance",
    Stage.MAINTENANCE: "maintenance",
    Stage.REM: "maintenance",
}
VERDICT_WORDS = {
    "not_enough_nights": "too few nights",
    "needs_comparison": "needs comparison",
    "no_clear_effect": "no clear effect",
    "likely_helps": "likely helps",
    "likely_hurts": "likely hurts",
}
"""Each verdict in words, the same in the CLI's text and in History."""


def _weeks(nights: int, more: str = "") -> str:
    """``nights`` in whole weeks, rounded up: "2 weeks", or "1 more week" with ``more``."""
    count = math.ceil(nights / 7)
    return f"{count} {more}{'week' if count == 1 else 'weeks'}"


def _nights(count: int, more: str = "") -> str:
    return f"{count} {more}{'night' if count == 1 else 'nights'}"


NEVER_WITHOUT = (
    f"taken since your first night: pause it for {_weeks(CHRONIC_MIN_NIGHTS)}, or run an experiment"
)
NOTHING_WITHOUT = (
    f"no night without it to compare with: pause it for {_weeks(CHRONIC_MIN_NIGHTS)}, "
    "or run an experiment"
)


@dataclass(frozen=True, slots=True)
class Night:
    """What insights need from one journal record."""

    night: dt.date
    scores: Mapping[str, float | None]
    taken: frozenset[str]
    confounded: bool

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Night:
        """A night from a journal record (the export shape)."""
        return cls(
            night=dt.date.fromisoformat(record["night"]),
            scores=record.get("scores") or {},
            taken=frozenset(dose["compound"] for dose in record.get("taken") or []),
            confounded=bool(record.get("confounders")),
        )


@dataclass(frozen=True, slots=True)
class Effect:
    """A compound's apparent effect on one domain score."""

    compound: str
    domain: str
    method: str
    """``nightly`` (with vs without) or ``before_after`` (chronic compounds)."""
    nights_with: int
    nights_without: int
    mean_diff: float | None
    ci95: tuple[float, float] | None
    verdict: str
    """``not_enough_nights``, ``needs_comparison`` (a chronic compound with no nights without
    it), ``no_clear_effect``, ``likely_helps`` or ``likely_hurts``."""
    next_morning_diff: float | None
    next_morning_ci95: tuple[float, float] | None
    hint: str | None = None
    """What would answer it, in plain words, when the verdict is still open."""


def verdict_words(effect: Effect) -> str:
    """The verdict in words, with what would answer it when it is still open."""
    words = VERDICT_WORDS[effect.verdict]
    return f"{words}: {effect.hint}" if effect.hint else words


def effect_titles(effects: Sequence[Effect], names: Mapping[str, str]) -> list[str]:
    """Each row's title: the compound's name, with the domain when it has several rows."""
    rows = Counter(effect.compound for effect in effects)
    return [
        names.get(e.compound, e.compound) + (f" · {e.domain}" if rows[e.compound] > 1 else "")
        for e in effects
    ]


def domains_of(compound: Compound | None) -> list[str]:
    """The domains a compound is judged on, in the order of its stages (its primary first)."""
    stages = compound.stages if compound is not None else (Stage.MAINTENANCE,)
    return list(dict.fromkeys(DOMAIN_OF_STAGE[stage] for stage in stages))


@dataclass(frozen=True, slots=True)
class Course:
    """A chronic compound's story over every recorded night, in date order."""

    sides: list[bool | None]
    """Per night: True on it (settled in), None settling in, False without it."""
    paused: bool
    """The last recorded night is in a pause."""
    settled_from: dt.date | None
    """When the current run's effect starts counting (None while paused)."""
    last_night: dt.date


def chronic_course(compound_id: str, nights: Sequence[Night]) -> Course:
    """Before the first dose, runs on it and pauses, from ``nights`` sorted by date."""
    taken = [compound_id in n.taken for n in nights]
    lag = dt.timedelta(days=CHRONIC_LAG_DAYS)
    sides: list[bool | None] = []
    started: dt.date | None = None  # the current run's first dose; None before one or in a pause
    index = 0
    while index < len(nights):
        if taken[index]:
            started = started or nights[index].night
            sides.append(nights[index].night >= started + lag or None)
            index += 1
            continue
        # a stretch of nights without it: before the first dose, a pause, or nights off
        end = index
        while end < len(nights) and not taken[end]:
            end += 1
        # (nothing started: before the first dose; else the night before is a dose)
        if started is None or (nights[end - 1].night - nights[index - 1].night).days >= PAUSE_DAYS:
            sides += [False] * (end - index)
            started = None
        else:
            sides += [n.night >= started + lag or None for n in nights[index:end]]
        index = end
    return Course(
        sides,
        paused=started is None,
        settled_from=None if started is None else started + lag,
        last_night=nights[-1].night,
    )


def _compare(
    with_: list[float], without: list[float], minimum: int = MIN_NIGHTS
) -> tuple[float | None, tuple[float, float] | None, str]:
    if len(with_) < minimum or len(without) < minimum:
        return None, None, "not_enough_nights"
    difference, low, high = welch_interval(with_, without)
    if low > 0:
        verdict = "likely_helps"
    elif high < 0:
        verdict = "likely_hurts"
    else:
        verdict = "no_clear_effect"
    return difference, (low, high), verdict


def _split(column: list[float | None], side: list[bool | None]) -> tuple[list[float], list[float]]:
    """Scores of the nights with (side True) and without (False); None counts for neither."""
    with_ = [s for s, w in zip(column, side, strict=True) if w and s is not None]
    without = [s for s, w in zip(column, side, strict=True) if w is False and s is not None]
    return with_, without


def nightly_hint(scored_with: int, scored_without: int, kind: str = "") -> str:
    """How many more nights with and without a compound would give a verdict.

    ``kind`` names the nights that count (``"tracked "``); by default, scored ones.
    """
    parts = []
    if scored_with < MIN_NIGHTS:
        parts.append(f"{_nights(MIN_NIGHTS - scored_with, f'more {kind}')} with it")
    if scored_without < MIN_NIGHTS:
        parts.append(f"{_nights(MIN_NIGHTS - scored_without, f'more {kind}')} without it")
    return " and ".join(parts) + " would answer it"


def chronic_hint(course: Course, scored_with: int, scored_without: int) -> str:
    """What would answer a chronic comparison that has too few nights on one side or both.

    Counted in weeks of nightly check-ins, the next step first: going on with what the user
    is doing now (taking it, or pausing it), then the other.
    """
    if not scored_without:
        return NOTHING_WITHOUT if False in course.sides else NEVER_WITHOUT
    need_on = max(0, CHRONIC_MIN_NIGHTS - scored_with)
    need_off = max(0, CHRONIC_MIN_NIGHTS - scored_without)
    on = off = ""
    if need_on and course.settled_from is None:
        on = f"{_weeks(CHRONIC_LAG_DAYS + need_on)} on it again"  # settling in anew first
    elif need_on and course.settled_from is not None:
        settling = max(0, (course.settled_from - course.last_night).days - 1)
        on = f"{_weeks(settling + need_on, 'more ')} on it"
    if need_off:
        off = (
            f"{_weeks(need_off, 'more ')} without it"
            if course.paused
            else f"a pause of {_weeks(need_off)}"
        )
    steps = [off, on] if course.paused else [on, off]
    return ", then ".join(step for step in steps if step) + " would answer it"


def compound_sides(
    compound_id: str, catalog: Catalog, every: Sequence[Night], kept_at: Sequence[int]
) -> tuple[list[bool | None], str, int, Course | None]:
    """How a compound is judged on the nights kept (``kept_at``: indices into ``every``).

    Returns each kept night's side (True with it, False without, None neither), the method
    ("nightly", or "before_after" for a chronic compound, whose pauses are read from every
    night, kept or not), the fewest nights each way for a verdict, and the chronic course.
    """
    compound = catalog.get(compound_id) if compound_id in catalog else None
    if compound is not None and compound.onset == "chronic":
        course = chronic_course(compound_id, every)
        return [course.sides[i] for i in kept_at], "before_after", CHRONIC_MIN_NIGHTS, course
    return [compound_id in every[i].taken for i in kept_at], "nightly", MIN_NIGHTS, None


def compound_effects(
    nights: Iterable[Night], catalog: Catalog, exclude_confounded: bool = False
) -> list[Effect]:
    """Every compound ever taken, with its apparent effect on each of its domains, by name."""
    every = sorted(nights, key=lambda n: n.night)
    kept_at = [i for i, n in enumerate(every) if not (exclude_confounded and n.confounded)]
    kept = [every[i] for i in kept_at]
    # each domain's scores, night by night: looked up once, not once per compound
    columns = {
        domain: [n.scores.get(domain) for n in kept]
        for domain in {*DOMAIN_OF_STAGE.values(), "next_morning"}
    }
    compounds = sorted({c for n in kept for c in n.taken})
    effects = []
    for compound_id in compounds:
        compound = catalog.get(compound_id) if compound_id in catalog else None
        side, method, minimum, course = compound_sides(compound_id, catalog, every, kept_at)
        next_diff, next_ci, _ = _compare(*_split(columns["next_morning"], side), minimum)
        for domain in domains_of(compound):
            with_, without = _split(columns[domain], side)
            diff, ci, verdict = _compare(with_, without, minimum)
            hint = None
            if verdict == "not_enough_nights" and course is not None:
                hint = chronic_hint(course, len(with_), len(without))
                verdict = "not_enough_nights" if without else "needs_comparison"
            elif verdict == "not_enough_nights":
                hint = nightly_hint(len(with_), len(without))
            effects.append(
                Effect(
                    compound_id,
                    domain,
                    method,
                    side.count(True),
                    side.count(False),
                    diff,
                    ci,
                    verdict,
                    next_diff,
                    next_ci,
                    hint,
                )
            )
    return effects


def morning_trend(nights: Iterable[Night], window: int = 7) -> list[tuple[dt.date, float, float]]:
    """Each night's morning score with the average of the last ``window`` scored nights."""
    scored = sorted(
        ((n.night, s) for n in nights if (s := n.scores.get("morning")) is not None),
        key=lambda item: item[0],
    )
    trend = []
    for index, (night, score) in enumerate(scored):
        recent = [s for _, s in scored[max(0, index - window + 1) : index + 1]]
        trend.append((night, score, mean(recent)))
    return trend
