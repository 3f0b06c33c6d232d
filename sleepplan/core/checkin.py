"""The morning check-in (design §7): answers, derived metrics, scores, and refusals.

Items are paraphrased from the Consensus Sleep Diary (CSD-style), the Leeds Sleep Evaluation
Questionnaire (LSEQ-style) and the Karolinska Sleepiness Scale: reworded items are not the
validated instruments. Every key but ``night`` may be left out; scores are renormalised over
what was answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sleepplan.core import timing
from sleepplan.core.errors import InputError, from_validation_error
from sleepplan.core.planner import PlannedDose
from sleepplan.core.tomldoc import parse_toml

EFFECTS = (
    "vivid_dreams",
    "nightmares",
    "headache",
    "nausea",
    "dizziness",
    "grogginess",
    "restlessness",
)
CONFOUNDERS = (
    "alcohol",
    "late_caffeine",
    "illness",
    "travel",
    "stress",
    "dose_missed",
    "dose_changed",
)
TIME_KEYS = ("in_bed", "tried_sleep", "final_wake", "out_of_bed")
COMPARISONS = ("getting_to_sleep", "sleep_quality", "waking_up", "feel_now")
WEIGHTS = {"diary": 0.35, "leeds": 0.30, "alertness": 0.20, "quality": 0.15}
IMPAIRED_KSS = 7
IMPAIRED_FEEL = 30

Minutes = Annotated[int, Field(ge=0, le=24 * 60)]
Comparison = Annotated[int, Field(ge=0, le=100)]
TimeText = Annotated[str, Field(min_length=4, max_length=40)]


class TakenDose(BaseModel):
    """A dose the user actually took."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    compound: Annotated[str, Field(min_length=1, max_length=64)]
    """Catalog id."""
    amount_mg: Annotated[float, Field(gt=0, le=100_000)]
    """Amount in mg."""
    at: TimeText | None = None
    """When: "HH:MM" or ISO 8601 with an offset."""


class CheckinAnswers(BaseModel):
    """A check-in as written in a file or the form: the keys of design §7."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    night: dt.date
    """The night the check-in is about (the date of the evening)."""
    in_bed: TimeText | None = None
    """When you got into bed."""
    tried_sleep: TimeText | None = None
    """When you started trying to sleep."""
    sol_min: Minutes | None = None
    """Minutes to fall asleep."""
    awakenings: Annotated[int, Field(ge=0, le=100)] | None = None
    """How many times you woke."""
    waso_min: Minutes | None = None
    """Minutes awake after first falling asleep."""
    final_wake: TimeText | None = None
    """Final awakening."""
    out_of_bed: TimeText | None = None
    """When you got up."""
    quality: Annotated[int, Field(ge=1, le=5)] | None = None
    """Overall sleep quality, 1 (very poor) to 5 (very good)."""
    getting_to_sleep: Comparison | None = None
    """Getting to sleep compared with usual, 0–100 (50 = same as usual; higher = easier)."""
    sleep_quality: Comparison | None = None
    """Quality of sleep compared with usual (higher = better)."""
    waking_up: Comparison | None = None
    """Waking up compared with usual (higher = easier)."""
    feel_now: Comparison | None = None
    """How you feel now compared with usual (higher = better)."""
    kss: Annotated[int, Field(ge=1, le=9)] | None = None
    """Sleepiness right now, 1 (extremely alert) to 9 (fighting sleep)."""
    effects: tuple[str, ...] = ()
    """Side effects noticed."""
    confounders: tuple[str, ...] = ()
    """Things that may have affected the night."""
    taken: tuple[TakenDose, ...] | None = None
    """What was actually taken; ``None`` means "as planned"."""
    notes: Annotated[str, Field(max_length=5000)] = ""
    """Anything else."""
    guess: Literal["A", "B"] | None = None
    """Blinded experiments: which arm you think you took last night."""

    @field_validator("night")
    @classmethod
    def _plannable_night(cls, value: dt.date) -> dt.date:
        if not timing.FIRST_NIGHT <= value <= timing.LAST_NIGHT:
            # the value itself is shown after the message
            raise ValueError(
                f"sleepplan plans nights from {timing.FIRST_NIGHT} to {timing.LAST_NIGHT}"
            )
        return value

    @field_validator("effects")
    @classmethod
    def _known_effects(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known(value, EFFECTS)

    @field_validator("confounders")
    @classmethod
    def _known_confounders(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known(value, CONFOUNDERS)


def _known(values: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {unknown[0]!r} (one of: {', '.join(allowed)})")
    return tuple(dict.fromkeys(values))


@dataclass(frozen=True, slots=True)
class Metrics:
    """Derived from the answers, in real elapsed minutes (``None`` when not answerable)."""

    tib_min: int | None
    tst_min: int | None
    sol_min: int | None
    waso_min: int | None
    se_pct: float | None


@dataclass(frozen=True, slots=True)
class Scores:
    """Design §7's scores, each 0–100 (``None`` when nothing it needs was answered)."""

    morning: float | None
    diary: float | None
    leeds: float | None
    alertness: float | None
    quality: float | None
    onset: float | None
    maintenance: float | None
    next_morning: float | None
    parts: dict[str, float]
    """The diary sub-scores: sol, waso, se, tst."""


@dataclass(frozen=True, slots=True)
class Checkin:
    """A validated check-in: answers, their instants, metrics, scores and flags."""

    answers: CheckinAnswers
    times: dict[str, dt.datetime]
    taken_at: tuple[dt.datetime | None, ...]
    metrics: Metrics
    scores: Scores
    flags: tuple[str, ...]


def resolve_time(value: str, night: dt.date, zone: str) -> dt.datetime:
    """A check-in time as an instant; ``ValueError`` with a plain message if it is not one.

    "HH:MM" from 12:00 to 23:59 is the evening of ``night``, 00:00 to 11:59 the next morning;
    a full ISO 8601 date-time needs its offset.
    """
    text = value.strip()
    if len(text) <= 5:
        clock = timing.parse_clock(text)
        day = night if clock >= timing.NOON else night + dt.timedelta(days=1)
        return timing.resolve_local(day, clock, zone)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f'expected "HH:MM" or an ISO 8601 date-time, got {value!r}') from None
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset (add one, e.g. +01:00, or use HH:MM)")
    return timing.in_zone(parsed, zone)


def _on_the_night(instant: dt.datetime, night: dt.date, zone: str) -> dt.datetime:
    """The instant if it lies within the two days a night can span, else ``ValueError``.

    "HH:MM" always does; a full date-time far from the night would make a night of years.
    """
    first = timing.resolve_local(night, dt.time(0), zone)
    last = timing.resolve_local(night + dt.timedelta(days=2), dt.time(0), zone)
    if not timing.utc(first) <= timing.utc(instant) < timing.utc(last):
        raise ValueError(
            f"{instant.isoformat()} is not on the night of {night.isoformat()} (between "
            f"{first:%Y-%m-%d %H:%M} and {last:%Y-%m-%d %H:%M})"
        )
    return instant


def _minutes(start: dt.datetime, end: dt.datetime) -> int:
    return timing.minutes_between(start, end)


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def evaluate(
    answers: CheckinAnswers, zone: str, sleep_need_min: int = 480, source: str = "check-in"
) -> Checkin:
    """Resolve times, refuse impossible answers (naming the key), derive metrics and scores."""
    times: dict[str, dt.datetime] = {}
    problems: list[tuple[str, str]] = []
    for key in TIME_KEYS:
        value = getattr(answers, key)
        if value is None:
            continue
        try:
            times[key] = _on_the_night(
                resolve_time(value, answers.night, zone), answers.night, zone
            )
        except ValueError as error:
            problems.append((key, str(error)))
    taken_at: list[dt.datetime | None] = []
    for index, dose in enumerate(answers.taken or ()):
        try:
            taken_at.append(resolve_time(dose.at, answers.night, zone) if dose.at else None)
        except ValueError as error:
            problems.append((f"taken[{index}].at", str(error)))
    if problems:
        raise InputError(source, problems)
    problems += _impossible(answers, times)
    if problems:
        raise InputError(source, problems)
    metrics = _metrics(answers, times)
    scores = _scores(answers, metrics, sleep_need_min)
    flags = []
    if (answers.kss is not None and answers.kss >= IMPAIRED_KSS) or (
        answers.feel_now is not None and answers.feel_now <= IMPAIRED_FEEL
    ):
        flags.append("next_morning_impairment")
    return Checkin(answers, times, tuple(taken_at), metrics, scores, tuple(flags))


def _impossible(answers: CheckinAnswers, times: Mapping[str, dt.datetime]) -> list[tuple[str, str]]:
    problems = []
    order = [key for key in TIME_KEYS if key in times]
    for earlier, later in zip(order, order[1:], strict=False):
        first, then = times[earlier], times[later]
        if timing.utc(then) < timing.utc(first):
            # On a fall-back night two wall clocks can read alike: then the offsets tell them apart.
            shown = "%H:%M" if first.utcoffset() == then.utcoffset() else "%H:%M%z"
            problems.append(
                (later, f"{later} ({then:{shown}}) is before {earlier} ({first:{shown}})")
            )
    if (
        "in_bed" in times
        and "out_of_bed" in times
        and timing.seconds_between(times["in_bed"], times["out_of_bed"]) > 24 * 3600
    ):
        problems.append(("out_of_bed", "more than 24 hours after in_bed"))
    if "tried_sleep" in times and "final_wake" in times:
        night_min = _minutes(times["tried_sleep"], times["final_wake"])
        awake = (answers.sol_min or 0) + (answers.waso_min or 0)
        if night_min >= 0 and awake > night_min:
            problems.append(
                (
                    "sol_min",
                    f"sol_min + waso_min ({awake} min) is longer than the night from "
                    f"tried_sleep to final_wake ({night_min} min)",
                )
            )
    if answers.waso_min and answers.awakenings == 0:
        problems.append(("awakenings", "0 awakenings but waso_min is more than 0"))
    return problems


def _metrics(answers: CheckinAnswers, times: Mapping[str, dt.datetime]) -> Metrics:
    tib = (
        _minutes(times["in_bed"], times["out_of_bed"])
        if "in_bed" in times and "out_of_bed" in times
        else None
    )
    tst = None
    if (
        "tried_sleep" in times
        and "final_wake" in times
        and answers.sol_min is not None
        and answers.waso_min is not None
    ):
        tst = _minutes(times["tried_sleep"], times["final_wake"]) - answers.sol_min
        tst -= answers.waso_min
    se = round(100 * tst / tib, 1) if tst is not None and tib else None
    return Metrics(tib, tst, answers.sol_min, answers.waso_min, se)


def _scores(answers: CheckinAnswers, metrics: Metrics, need: int) -> Scores:
    parts: dict[str, float] = {}
    if metrics.sol_min is not None:
        parts["sol"] = _clamp(100 * (60 - metrics.sol_min) / 45)
    if metrics.waso_min is not None:
        parts["waso"] = _clamp(100 * (60 - metrics.waso_min) / 45)
    if metrics.se_pct is not None:
        parts["se"] = _clamp(100 * (metrics.se_pct - 65) / 25)
    if metrics.tst_min is not None:
        parts["tst"] = _clamp(100 * (1 - max(0, need - metrics.tst_min) / 180))
    diary = _mean(list(parts.values()))
    comparisons = [getattr(answers, key) for key in COMPARISONS]
    leeds = _mean(comparisons)
    alertness = 100 * (9 - answers.kss) / 8 if answers.kss is not None else None
    quality = 100 * (answers.quality - 1) / 4 if answers.quality is not None else None
    blocks = {"diary": diary, "leeds": leeds, "alertness": alertness, "quality": quality}
    answered = {name: value for name, value in blocks.items() if value is not None}
    morning = None
    if answered:
        weight = sum(WEIGHTS[name] for name in answered)
        morning = sum(WEIGHTS[name] * value for name, value in answered.items()) / weight
    return Scores(
        morning=morning,
        diary=diary,
        leeds=leeds,
        alertness=alertness,
        quality=quality,
        onset=_mean([parts.get("sol"), answers.getting_to_sleep]),
        maintenance=_mean([parts.get("waso"), parts.get("se"), answers.sleep_quality]),
        next_morning=_mean([answers.waking_up, answers.feel_now, alertness]),
        parts=parts,
    )


def taken_from_plan(doses: Iterable[PlannedDose]) -> tuple[TakenDose, ...]:
    """What "as planned" means: every dose of the night's plan, at its planned time."""
    return tuple(
        TakenDose(compound=d.compound.id, amount_mg=d.amount_mg, at=d.at.isoformat())
        for d in sorted(doses, key=lambda dose: timing.utc(dose.at))
    )


def checkin_record(checkin: Checkin) -> dict[str, Any]:
    """The check-in as stored and exported.

    The keys of a check-in file (times as ISO 8601 with offset), then ``metrics``, ``scores``
    and ``flags``.
    """
    answers = checkin.answers
    record: dict[str, Any] = {"night": answers.night.isoformat()}
    for key in TIME_KEYS:
        record[key] = checkin.times[key].isoformat() if key in checkin.times else None
    for key in ("sol_min", "awakenings", "waso_min", "quality", *COMPARISONS, "kss"):
        record[key] = getattr(answers, key)
    record["effects"] = list(answers.effects)
    record["confounders"] = list(answers.confounders)
    record["taken"] = [
        {
            "compound": dose.compound,
            "amount_mg": dose.amount_mg,
            "at": at.isoformat() if at is not None else None,
        }
        for dose, at in zip(answers.taken or (), checkin.taken_at, strict=True)
    ]
    record["notes"] = answers.notes
    record["guess"] = answers.guess
    metrics, scores = checkin.metrics, checkin.scores
    record["metrics"] = {
        "tib_min": metrics.tib_min,
        "tst_min": metrics.tst_min,
        "sol_min": metrics.sol_min,
        "waso_min": metrics.waso_min,
        "se_pct": metrics.se_pct,
    }
    record["scores"] = {
        name: None if value is None else round(value, 2)
        for name, value in (
            ("morning", scores.morning),
            ("diary", scores.diary),
            ("leeds", scores.leeds),
            ("alertness", scores.alertness),
            ("quality", scores.quality),
            ("onset", scores.onset),
            ("maintenance", scores.maintenance),
            ("next_morning", scores.next_morning),
        )
    }
    record["scores"]["parts"] = {k: round(v, 2) for k, v in scores.parts.items()}
    record["flags"] = list(checkin.flags)
    return record


def parse_checkin(text: str, source: str, night: dt.date | None = None) -> CheckinAnswers:
    """Parse a check-in TOML file; ``night`` (``--night``) overrides or supplies its night."""
    data: dict[str, Any] = parse_toml(text, source)
    if night is not None:
        data["night"] = night
    try:
        return CheckinAnswers.model_validate(data)
    except ValidationError as error:
        raise from_validation_error(source, error) from None
