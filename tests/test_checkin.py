"""Scoring against hand-computed cases (design §7), DST nights, partial answers, refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sleepplan.core.checkin import CheckinAnswers, evaluate, parse_checkin, resolve_time
from sleepplan.core.errors import InputError

BERLIN = "Europe/Berlin"

DESIGN_EXAMPLE = """
night = 2026-11-23
in_bed = "22:50"
tried_sleep = "23:05"
sol_min = 20
awakenings = 1
waso_min = 10
final_wake = "06:55"
out_of_bed = "07:10"
quality = 4
getting_to_sleep = 60
sleep_quality = 55
waking_up = 50
feel_now = 45
kss = 4
effects = ["vivid_dreams"]
confounders = ["alcohol"]
taken = [{ compound = "magnesium-glycinate", amount_mg = 200, at = "22:00" }]
notes = ""
"""


def answers(**fields: Any) -> CheckinAnswers:
    return CheckinAnswers.model_validate({"night": dt.date(2026, 11, 23), **fields})


def test_design_example_by_hand() -> None:
    checkin = evaluate(parse_checkin(DESIGN_EXAMPLE, "f.toml"), BERLIN)
    m, s = checkin.metrics, checkin.scores
    # TIB 22:50→07:10 = 500; TST = (23:05→06:55 = 470) − 20 − 10 = 440; SE = 88.0
    assert (m.tib_min, m.tst_min, m.sol_min, m.waso_min, m.se_pct) == (500, 440, 20, 10, 88.0)
    # sol 100·40/45 = 88.89; waso 111.1 → 100; se 100·23/25 = 92; tst 100·(1 − 40/180) = 77.78
    assert s.parts["sol"] == pytest.approx(88.8889, abs=1e-3)
    assert s.parts["waso"] == 100
    assert s.parts["se"] == pytest.approx(92.0)
    assert s.parts["tst"] == pytest.approx(77.7778, abs=1e-3)
    assert s.diary == pytest.approx(89.6667, abs=1e-3)
    assert s.leeds == pytest.approx(52.5)
    assert s.alertness == pytest.approx(62.5)
    assert s.quality == pytest.approx(75.0)
    # 0.35·89.667 + 0.30·52.5 + 0.20·62.5 + 0.15·75 = 70.883
    assert s.morning == pytest.approx(70.8833, abs=1e-3)
    assert s.onset == pytest.approx((88.8889 + 60) / 2, abs=1e-3)
    assert s.maintenance == pytest.approx((100 + 92 + 55) / 3, abs=1e-3)
    assert s.next_morning == pytest.approx((50 + 45 + 62.5) / 3, abs=1e-3)
    assert checkin.flags == ()
    assert checkin.times["final_wake"].isoformat() == "2026-11-24T06:55:00+01:00"
    assert checkin.taken_at[0] is not None
    assert checkin.taken_at[0].isoformat() == "2026-11-23T22:00:00+01:00"


@pytest.mark.parametrize(
    ("night", "hours", "tst_part"),
    [
        # Fall back: 23:00→07:00 is 9 real hours; TST 530 ≥ need → 100
        (dt.date(2026, 10, 24), 9, 100.0),
        # Spring forward: 7 real hours; TST 410 → 100·(1 − 70/180) = 61.11
        (dt.date(2026, 3, 28), 7, 61.1111),
        (dt.date(2026, 11, 23), 8, 100 * (1 - 10 / 180)),
    ],
)
def test_dst_nights_use_real_elapsed_minutes(night: dt.date, hours: int, tst_part: float) -> None:
    checkin = evaluate(
        CheckinAnswers(
            night=night,
            in_bed="23:00",
            tried_sleep="23:00",
            sol_min=10,
            waso_min=0,
            awakenings=0,
            final_wake="07:00",
            out_of_bed="07:00",
        ),
        BERLIN,
    )
    assert checkin.metrics.tib_min == hours * 60
    assert checkin.metrics.tst_min == hours * 60 - 10
    assert checkin.scores.parts["tst"] == pytest.approx(tst_part, abs=1e-3)


def test_partly_answered_check_in_is_renormalised() -> None:
    # Only KSS 7 and quality 2: K = 100·2/8 = 25, Q = 100·1/4 = 25 → morning 25
    checkin = evaluate(answers(kss=7, quality=2), BERLIN)
    assert checkin.scores.morning == pytest.approx(25.0)
    assert checkin.scores.diary is None and checkin.scores.leeds is None
    assert checkin.scores.next_morning == pytest.approx(25.0)
    assert checkin.flags == ("next_morning_impairment",)


def test_only_comparisons() -> None:
    checkin = evaluate(answers(getting_to_sleep=80, feel_now=20), BERLIN)
    assert checkin.scores.morning == pytest.approx(50.0)
    assert checkin.scores.onset == pytest.approx(80.0)
    assert "next_morning_impairment" in checkin.flags  # feel_now ≤ 30


def test_nothing_answered_has_no_score() -> None:
    checkin = evaluate(answers(), BERLIN)
    assert checkin.scores.morning is None
    assert checkin.metrics.tib_min is None


def test_sub_scores_are_clamped() -> None:
    checkin = evaluate(
        answers(tried_sleep="23:00", final_wake="02:00", sol_min=90, waso_min=75, awakenings=3),
        BERLIN,
    )
    assert checkin.scores.parts["sol"] == 0
    assert checkin.scores.parts["waso"] == 0
    assert checkin.scores.parts["tst"] == 0


def test_iso_times_with_offsets() -> None:
    instant = resolve_time("2026-11-24T06:30:00+01:00", dt.date(2026, 11, 23), BERLIN)
    assert instant.isoformat() == "2026-11-24T06:30:00+01:00"
    with pytest.raises(ValueError, match="no UTC offset"):
        resolve_time("2026-11-24T06:30:00", dt.date(2026, 11, 23), BERLIN)


REFUSALS = [
    ({"tried_sleep": "23:00", "final_wake": "22:30"}, "final_wake", "before tried_sleep"),
    ({"in_bed": "23:30", "tried_sleep": "23:00"}, "tried_sleep", "before in_bed"),
    ({"final_wake": "07:00", "out_of_bed": "06:30"}, "out_of_bed", "before final_wake"),
    (
        {
            "tried_sleep": "23:00",
            "final_wake": "01:00",
            "sol_min": 90,
            "waso_min": 60,
            "awakenings": 2,
        },
        "sol_min",
        "longer than the night",
    ),
    ({"waso_min": 20, "awakenings": 0}, "awakenings", "0 awakenings"),
    ({"final_wake": "25:00"}, "final_wake", "not a time of day"),
    ({"in_bed": "bedtime"}, "in_bed", "HH:MM"),
]


@pytest.mark.parametrize(("fields", "key", "words"), REFUSALS)
def test_impossible_answers_are_refused_naming_the_key(
    fields: dict[str, Any], key: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        evaluate(answers(**fields), BERLIN, source="c.toml")
    message = str(caught.value)
    assert message.startswith(f"c.toml: {key}") and words in message


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ("kss = 12", "kss", "less than or equal to 9"),
        ("quality = 0", "quality", "greater than or equal to 1"),
        ("feel_now = 101", "feel_now", "less than or equal to 100"),
        ("sol_min = -5", "sol_min", "greater than or equal to 0"),
        ('effects = ["flying"]', "effects", "unknown 'flying'"),
        ('confounders = ["moon"]', "confounders", "unknown 'moon'"),
        ("mood = 3", "mood", "unknown key"),
        ('kss = "sleepy"', "kss", "integer"),
    ],
)
def test_out_of_range_and_unknown_keys(line: str, key: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_checkin(f"night = 2026-11-23\n{line}\n", "c.toml")
    assert f"c.toml: {key}" in str(caught.value) and words in str(caught.value)


def test_night_is_required_unless_given() -> None:
    with pytest.raises(InputError, match="night: required key is missing"):
        parse_checkin("kss = 3\n", "c.toml")
    assert parse_checkin("kss = 3\n", "c.toml", dt.date(2026, 1, 2)).night == dt.date(2026, 1, 2)
