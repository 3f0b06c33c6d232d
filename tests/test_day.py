"""The day before the night (design §16): levels at bedtime, cutoffs, alcohol, modifiers."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from sleepplan.core import timing
from sleepplan.core.catalog import Catalog
from sleepplan.core.day import (
    DayEntry,
    Person,
    combined_level,
    cutoff_for,
    day_doses,
    day_warnings,
    morning_of,
    parse_amount_text,
    personal_half_life,
)
from sleepplan.core.errors import InputError
from sleepplan.core.planner import plan_for
from sleepplan.core.profile import parse_profile
from tests.factories import compound

BERLIN = "Europe/Berlin"
ALL_FIELDS = [
    "tmax_h",
    "half_life_h",
    "half_life_when",
    "units",
    "elimination_mg_per_h",
    "disrupts_sleep_from_mg",
    "mechanism",
    "evidence",
    "wake_promoting",
]
SOURCE = {"title": "A test source", "url": "https://example.org/t", "supports": ALL_FIELDS}

# tmax = t½ = 1 h makes ka = 2·ke exactly (ln r / (r - 1) = ln 2 for r = 2), so the curve is
# 2^-t - 4^-t, peaking at t = 1 with 1/4: relative level 4·(2^-t - 4^-t).
STIMULANT = compound(
    "stimulant",
    mechanism="adenosinergic",
    wake_promoting=True,
    tmax_h=[1.0, 1.0],
    half_life_h=[1.0, 1.0],
    half_life_when=[
        {"condition": "smoker", "half_life_h": [0.5, 0.5]},
        {"condition": "oral_contraceptives", "half_life_h": [2.0, 2.0]},
        {"condition": "pregnant", "half_life_h": [3.0, 3.0]},
        {"condition": "cyp1a2_inhibitor", "half_life_h": [9.0, 11.0]},
    ],
    units={"cup": 95, "espresso": 63},
    timing={"anchor": "wake", "minutes": 0},
    sources=[SOURCE],
)
SLOW = compound(  # a half-life, no tmax: only a lower bound
    "slow", wake_promoting=True, tmax_h=None, half_life_h=[4.0, 4.0], sources=[SOURCE]
)
DRINK = compound(
    "drink",
    mechanism="other",
    tmax_h=None,
    half_life_h=None,
    elimination_mg_per_h=[7000, 9000],
    units={"uk_unit": 8000, "us_drink": 14000},
    disrupts_sleep_from_mg=28000,
    medication_class="alcohol",
    cautions=["It suppresses REM sleep early in the night."],
    sources=[SOURCE],
)
MELATONIN = compound("melatonin", mechanism="melatonergic")
CATALOG = Catalog([STIMULANT, SLOW, DRINK, MELATONIN])


def relative(hours: float) -> float:
    """The hand-computed curve of STIMULANT (see above); nothing before the dose."""
    return 4 * (2**-hours - 4**-hours) if hours > 0 else 0.0


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def entry(compound_id: str, amount: float, when: str) -> DayEntry:
    return DayEntry(compound_id, amount, at(when), f"{amount:g} mg")


BEDTIME = at("2026-01-15T23:00:00+01:00")


def test_a_day_dose_level_at_bedtime_is_the_hand_computed_curve() -> None:
    [dose] = day_doses(
        [entry("stimulant", 95, "2026-01-15T16:00:00+01:00")], CATALOG, BEDTIME, Person()
    )
    assert dose.level_at_bedtime == pytest.approx(relative(7), rel=1e-6)
    assert dose.level_at_bedtime == pytest.approx(0.0310, abs=1e-4)
    assert not dose.level_is_lower_bound


def test_a_half_life_without_tmax_gives_a_lower_bound() -> None:
    [dose] = day_doses([entry("slow", 10, "2026-01-15T15:00:00+01:00")], CATALOG, BEDTIME, Person())
    assert dose.level_at_bedtime == pytest.approx(0.25)  # 8 h = two half-lives
    assert dose.level_is_lower_bound
    assert dose.level_text == "≥25%"


def test_the_half_life_follows_the_person() -> None:
    usual = personal_half_life(STIMULANT, Person())
    assert usual is not None and usual.middle_h == 1.0 and usual.because is None
    smoker = personal_half_life(STIMULANT, Person(smoker=True))
    assert smoker is not None and smoker.middle_h == 0.5 and smoker.because == "smoking"
    # a condition that lengthens it outweighs one that shortens it; the longest wins
    both = personal_half_life(STIMULANT, Person(smoker=True, oral_contraceptives=True))
    assert both is not None and both.middle_h == 2.0
    pregnant = personal_half_life(STIMULANT, Person(oral_contraceptives=True, pregnant=True))
    assert pregnant is not None and pregnant.middle_h == 3.0 and pregnant.because == "pregnancy"
    inhibited = personal_half_life(STIMULANT, Person(cyp1a2_inhibitor=True))
    assert inhibited is not None and inhibited.middle_h == 10.0


def test_a_longer_half_life_leaves_more_at_bedtime_and_moves_the_cutoff_earlier() -> None:
    entries = [entry("stimulant", 95, "2026-01-15T16:00:00+01:00")]
    [usual] = day_doses(entries, CATALOG, BEDTIME, Person())
    [slowed] = day_doses(entries, CATALOG, BEDTIME, Person(cyp1a2_inhibitor=True))
    assert slowed.level_at_bedtime is not None and usual.level_at_bedtime is not None
    assert slowed.level_at_bedtime > usual.level_at_bedtime
    morning = morning_of(BEDTIME, dt.time(7, 0), BERLIN)
    first = cutoff_for(STIMULANT, BEDTIME, morning, Person())
    later = cutoff_for(STIMULANT, BEDTIME, morning, Person(oral_contraceptives=True))
    assert first is not None and later is not None
    assert later.latest < first.latest


def hours_to_quarter() -> float:
    """Solve 4(x - x²) = 1/4 for x = 2^-t on the falling side: x = (1 - √0.75) / 2."""
    return -math.log2((1 - math.sqrt(0.75)) / 2)


def test_the_cutoff_is_where_the_curve_falls_to_a_quarter() -> None:
    morning = morning_of(BEDTIME, dt.time(7, 0), BERLIN)
    cutoff = cutoff_for(STIMULANT, BEDTIME, morning, Person())
    assert cutoff is not None
    expected = BEDTIME - dt.timedelta(hours=hours_to_quarter())  # 3.90 h: 19:06
    assert cutoff.latest == expected.replace(second=0, microsecond=0)
    assert cutoff.latest.time() == dt.time(19, 6)
    assert cutoff.text == "Stimulant: last cup by 19:06 for a 23:00 bedtime"
    assert relative(hours_to_quarter()) == pytest.approx(0.25)


def test_a_cutoff_across_a_clock_change_counts_real_hours() -> None:
    # Berlin springs forward at 02:00 on 29 March 2026; a 03:30 bedtime is after the change.
    bedtime, _ = timing.night_bounds(dt.date(2026, 3, 28), dt.time(3, 30), dt.time(10, 0), BERLIN)
    assert bedtime.utcoffset() == dt.timedelta(hours=2)
    morning = morning_of(bedtime, dt.time(10, 0), BERLIN)
    cutoff = cutoff_for(STIMULANT, bedtime, morning, Person())
    assert cutoff is not None
    real = timing.seconds_between(cutoff.latest, bedtime) / 3600
    assert real == pytest.approx(hours_to_quarter(), abs=1 / 60)
    # before the change the wall clock is an hour behind: 4.9 h on the clock for 3.9 real
    assert cutoff.latest.utcoffset() == dt.timedelta(hours=1)
    assert cutoff.latest.time() == dt.time(22, 36)


def test_an_after_midnight_bedtime_cutoff_is_the_evening_before() -> None:
    bedtime, _ = timing.night_bounds(dt.date(2026, 1, 15), dt.time(0, 30), dt.time(8, 0), BERLIN)
    morning = morning_of(bedtime, dt.time(8, 0), BERLIN)
    assert morning == at("2026-01-15T08:00:00+01:00")
    cutoff = cutoff_for(STIMULANT, bedtime, morning, Person())
    assert cutoff is not None
    assert cutoff.latest == at("2026-01-15T20:36:00+01:00")
    assert not cutoff.none_today


def test_a_long_half_life_leaves_no_time_today() -> None:
    morning = morning_of(BEDTIME, dt.time(7, 0), BERLIN)
    cutoff = cutoff_for(STIMULANT, BEDTIME, morning, Person(cyp1a2_inhibitor=True))
    assert cutoff is not None and cutoff.none_today
    assert "even a cup at waking (07:00)" in cutoff.text


def test_alcohol_is_cleared_at_a_constant_rate_oldest_drink_first() -> None:
    # 8 g an hour: by 22:00 the first 14 g and 2 g of the second are gone; by 23:00 8 g more.
    entries = [
        entry("drink", 14000, "2026-01-15T20:00:00+01:00"),
        entry("drink", 14000, "2026-01-15T20:00:00+01:00"),
        entry("drink", 14000, "2026-01-15T22:00:00+01:00"),
    ]
    doses = day_doses(entries, CATALOG, BEDTIME, Person())
    assert [dose.left_mg for dose in doses] == pytest.approx([0, 4000, 14000])
    assert [dose.level_at_bedtime for dose in doses] == pytest.approx([0, 4 / 14, 1])
    assert doses[0].level_text == "cleared"
    assert doses[1].level_text == "4 g left"


def test_zero_order_is_not_a_half_life() -> None:
    # twice the amount takes twice as long to clear (a half-life would add just one half-life)
    one = day_doses(
        [entry("drink", 16000, "2026-01-15T21:00:00+01:00")], CATALOG, BEDTIME, Person()
    )
    two = day_doses(
        [entry("drink", 32000, "2026-01-15T21:00:00+01:00")], CATALOG, BEDTIME, Person()
    )
    assert one[0].left_mg == pytest.approx(0)
    assert two[0].left_mg == pytest.approx(16000)


def test_a_wake_promoting_compound_high_at_bedtime_warns() -> None:
    late = day_doses(
        [entry("stimulant", 95, "2026-01-15T21:30:00+01:00")], CATALOG, BEDTIME, Person()
    )
    early = day_doses(
        [entry("stimulant", 95, "2026-01-15T16:00:00+01:00")], CATALOG, BEDTIME, Person()
    )
    [warning] = day_warnings(late, BEDTIME, Person())
    assert warning.code == "wake_promoting_at_bedtime"
    assert warning.severity.value == "caution"
    assert f"about {relative(1.5):.0%}" in warning.message
    assert warning.sources  # the half-life's source
    assert day_warnings(early, BEDTIME, Person()) == []


def test_several_cups_are_judged_together() -> None:
    doses = day_doses(
        [
            entry("stimulant", 95, "2026-01-15T19:00:00+01:00"),
            entry("stimulant", 95, "2026-01-15T20:30:00+01:00"),
        ],
        CATALOG,
        BEDTIME,
        Person(),
    )
    level = combined_level(doses, BEDTIME, Person())
    assert level is not None
    # the two curves add up; the level is bedtime's sum over the sum's peak (a 1-minute grid)
    peak = max(relative(t / 60) + relative(t / 60 - 1.5) for t in range(0, 4 * 60 + 1))
    assert level == pytest.approx((relative(4) + relative(2.5)) / peak, abs=0.005)
    # the later cup alone is higher against its own peak (58%): the warning goes by the higher
    assert doses[1].level_at_bedtime == pytest.approx(relative(2.5))
    [warning] = day_warnings(doses, BEDTIME, Person())
    assert f"about {relative(2.5):.0%}" in warning.message


def test_a_days_amount_from_the_sources_line_warns() -> None:
    doses = day_doses(
        [
            entry("drink", 16000, "2026-01-15T19:00:00+01:00"),
            entry("drink", 16000, "2026-01-15T20:00:00+01:00"),
        ],
        CATALOG,
        BEDTIME,
        Person(),
    )
    [warning] = day_warnings(doses, BEDTIME, Person())
    assert warning.code == "disruptive_amount_today"
    assert "32 g" in warning.message and "28 g" in warning.message
    assert "REM" in warning.message


@pytest.mark.parametrize(
    ("text", "mg", "words"),
    [
        ("2 cups", 190, "2 cups = 190 mg"),
        ("1 cup", 95, "1 cup = 95 mg"),
        ("95mg", 95, "95 mg"),
        ("0.1 g", 100, "100 mg"),
        ("3 espresso", 189, "3 espressos = 189 mg"),
    ],
)
def test_amounts_in_everyday_units(text: str, mg: float, words: str) -> None:
    amount, said = parse_amount_text(STIMULANT, text)
    assert amount == pytest.approx(mg)
    assert said == words


@pytest.mark.parametrize("text", ["two cups", "2 mugs", "-1 cup", "nan cup", ""])
def test_a_bad_amount_says_why(text: str) -> None:
    with pytest.raises(ValueError, match="amount|unit"):
        parse_amount_text(STIMULANT, text)


def test_alcohol_units_by_country() -> None:
    assert parse_amount_text(DRINK, "2 uk_unit")[0] == 16000
    assert parse_amount_text(DRINK, "1 us drink") == (14000, "1 us drink = 14 g")


PROFILE = """
name = "day"
bedtime = "{bedtime}"
wake = "07:00"
[[routines]]
name = "evening"
doses = [{{ compound = "melatonin", amount_mg = 0.5 }}]
[[day]]
{item}
"""


def load(item: str, bedtime: str = "23:00") -> tuple[object, Catalog]:
    return parse_profile(PROFILE.format(item=item, bedtime=bedtime), "day.toml", CATALOG)


def test_a_profile_day_item_is_planned_with_its_level_and_cutoff() -> None:
    profile, full = load('compound = "stimulant"\namount = 1\nunit = "cup"\nat = "21:30"')
    plan = plan_for(profile, full, dt.date(2026, 1, 15), BERLIN)  # type: ignore[arg-type]
    assert plan is not None
    [dose] = plan.day
    assert dose.at == at("2026-01-15T21:30:00+01:00")
    assert dose.amount_text == "1 cup = 95 mg"
    assert dose.level_at_bedtime == pytest.approx(relative(1.5), rel=1e-6)
    [cutoff] = plan.cutoffs
    assert cutoff.compound.id == "stimulant"


def test_after_wake_and_the_catalogs_wake_anchor() -> None:
    profile, full = load('compound = "stimulant"\namount_mg = 100\nafter_wake = 90')
    plan = plan_for(profile, full, dt.date(2026, 1, 15), BERLIN)  # type: ignore[arg-type]
    assert plan is not None and plan.day[0].at == at("2026-01-15T08:30:00+01:00")
    profile, full = load('compound = "stimulant"\namount_mg = 100')  # catalog: at waking
    plan = plan_for(profile, full, dt.date(2026, 1, 15), BERLIN)  # type: ignore[arg-type]
    assert plan is not None and plan.day[0].at == at("2026-01-15T07:00:00+01:00")


def test_an_after_midnight_bedtime_keeps_late_evening_times_on_the_day() -> None:
    profile, full = load('compound = "stimulant"\namount_mg = 100\nat = "00:15"', "00:30")
    plan = plan_for(profile, full, dt.date(2026, 1, 15), BERLIN)  # type: ignore[arg-type]
    assert plan is not None and plan.day[0].at == at("2026-01-16T00:15:00+01:00")


@pytest.mark.parametrize(
    ("item", "place", "words"),
    [
        ('compound = "stimulant"\namount_mg = 95\nat = "23:30"', "day[0].at", "after bedtime"),
        ('compound = "stimulant"\namount_mg = 95\nat = "03:00"', "day[0].at", "after bedtime"),
        ('compound = "stimulant"\namount = 2\nunit = "mugs"\nat = "15:00"', "day[0].unit", "cup"),
        ('compound = "coffee-beans"\namount_mg = 95\nat = "15:00"', "day[0].compound", "unknown"),
        ('compound = "stimulant"\namount_mg = 95\namount = 1\nunit = "cup"', "day[0]", "either"),
        ('compound = "melatonin"\namount_mg = 1', "day[0].at", "give the time"),
    ],
)
def test_a_bad_day_item_names_its_place(item: str, place: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        load(item)
    [(where, message)] = raised.value.problems
    assert where == place
    assert words in message


def test_profile_person_flags_are_strict_booleans() -> None:
    with pytest.raises(InputError) as raised:
        parse_profile('name = "x"\nsmoker = "yes"\n', "x.toml", CATALOG)
    assert raised.value.problems[0][0] == "smoker"
