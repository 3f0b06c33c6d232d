"""Absurd numbers and dates in every input a user controls: a refusal that names the place, or a
correct result, and never a traceback.

Huge, tiny, negative, NaN and infinite numbers, integers of 5,000 digits (more than Python reads:
``int()`` refuses past 4,300 digits, and tomllib lets that ``ValueError`` through), dates at the
ends of the calendar (0001-01-01, 9999-12-31) and times with absurd UTC offsets go into profile
files, check-in files and command-line flags. The command line runs in-process through
``sleepplan.cli.main``; every outcome is exit 0, or exit 2 with a message naming the file or flag.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sleepplan import cli
from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.kinetics import Curve
from sleepplan.core.tomldoc import parse_toml

# The autouse fixture's temp home is shared by a test's examples, which is what a user's is.
ABSURD = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HUGE_INT = "9" * 5000
TWENTY_DIGITS = "99999999999999999999"


@dataclass(frozen=True)
class Outcome:
    """A finished command: its exit code and what it printed."""

    code: int
    out: str
    err: str


def run(*argv: str) -> Outcome:
    """Run sleepplan in-process with the test environment (temp home, fixed clock)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(argv), dict(os.environ))
        except SystemExit as exit_:  # argparse refuses a flag's value this way
            code = exit_.code if isinstance(exit_.code, int) else 2
    return Outcome(code, out.getvalue(), err.getvalue())


def assert_handled(outcome: Outcome, names: str) -> bool:
    """Exit 0, or exit 2 with a message that names ``names``; never an internal error.

    Returns whether the command succeeded, for tests that then check the result.
    """
    assert "Traceback" not in outcome.err
    assert outcome.code in (0, 2), outcome.err
    if outcome.code == 2:
        assert names in outcome.err, outcome.err
    return outcome.code == 0


# --- TOML literals -------------------------------------------------------------------------

FIXED_NUMBERS = [
    "nan",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "5e-324",
    "0",
    "-0.0",
    "-1",
    "9223372036854775808",
    "-9223372036854775809",
    HUGE_INT,
    "-" + HUGE_INT,
    "0x" + "f" * 5000,  # power-of-two bases have no digit limit: a legal, absurd number
]
FIXED_VALUES = [
    *FIXED_NUMBERS,
    '"99:99"',
    '"24:00"',
    '"-1:00"',
    '"' + HUGE_INT + ':00"',
    "23:59:59.999999",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59.999999Z",
    "0001-01-01T00:00:00-23:59",
    "[]",
    "{}",
]


def _float_literal(value: float) -> str:
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return repr(value)


TOML_NUMBERS = st.one_of(
    st.sampled_from(FIXED_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True).map(_float_literal),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)
TOML_VALUES = st.one_of(st.sampled_from(FIXED_VALUES), TOML_NUMBERS)


# --- profiles ------------------------------------------------------------------------------

PROFILE = """\
schema_version = 1
name = "absurd"
timezone = "Europe/Berlin"
bedtime = {bedtime}
wake = {wake}
dinner = {dinner}
sleep_need_min = {sleep_need_min}
default_routine = "r"

[[routines]]
name = "r"

[[routines.doses]]
compound = "melatonin"
amount_mg = {amount_mg}
minutes = {minutes}

[[routines.doses]]
compound = "my-tea"
amount_mg = {tea_mg}

[[custom_compounds]]
id = "my-tea"
name = "My tea"
mechanism = "gabaergic"
sedating = true
timing = {{ anchor = "{anchor}", minutes = {timing_minutes} }}
dose_mg = {{ min = {dose_min}, typical = {dose_typical}, max = {dose_max} }}
upper_limit_mg = {upper_limit_mg}
tmax_h = [{tmax_lo}, {tmax_hi}]
half_life_h = [{half_lo}, {half_hi}]
cycling = {{ max_nights = {max_nights}, per_days = {per_days} }}
sources = [{{ title = "A source", url = "https://example.org", supports = [
  "dose_mg", "upper_limit_mg", "tmax_h", "half_life_h", "cycling", "evidence", "mechanism"
] }}]
"""
DEFAULTS = {
    "bedtime": '"23:00"',
    "wake": '"07:00"',
    "dinner": '"19:00"',
    "sleep_need_min": "480",
    "amount_mg": "0.5",
    "minutes": "-60",
    "tea_mg": "100",
    "anchor": "bedtime",
    "timing_minutes": "30",
    "dose_min": "50",
    "dose_typical": "100",
    "dose_max": "200",
    "upper_limit_mg": "1000",
    "tmax_lo": "0.5",
    "tmax_hi": "1.5",
    "half_lo": "1",
    "half_hi": "3",
    "max_nights": "5",
    "per_days": "7",
}


def test_the_template_profile_plans(tmp_path: Path) -> None:
    path = tmp_path / "absurd.toml"
    path.write_text(PROFILE.format(**DEFAULTS))
    outcome = run("--profile", str(path), "plan", "--night", "2026-11-23", "--json")
    assert outcome.code == 0, outcome.err
    assert {d["compound"] for d in json.loads(outcome.out)["doses"]} == {"melatonin", "my-tea"}


@ABSURD
@given(key=st.sampled_from(sorted(DEFAULTS)), value=TOML_VALUES)
@example(key="sleep_need_min", value=HUGE_INT)
@example(key="amount_mg", value="-" + HUGE_INT)
@example(key="tmax_hi", value="1e308")
@example(key="half_hi", value="nan")
@example(key="per_days", value="9223372036854775808")
def test_an_absurd_value_in_a_profile_is_refused_where_it_is(
    tmp_path: Path, key: str, value: str
) -> None:
    path = tmp_path / "absurd.toml"
    path.write_text(PROFILE.format(**{**DEFAULTS, key: value}))
    for argv in (
        ["profile", "validate", str(path)],
        ["--profile", str(path), "plan", "--night", "2026-11-23", "--json"],
        ["--profile", str(path), "check", "my-tea", "melatonin"],
    ):
        if assert_handled(run(*argv), str(path)) and argv[2] == "plan":
            plan = json.loads(run(*argv).out)
            assert plan["night"] == "2026-11-23"


@pytest.mark.parametrize(
    "number", [HUGE_INT, "-" + HUGE_INT, "0x" + "f" * 3600, "0b" + "1" * 15000]
)
def test_a_number_of_5000_digits_is_named_with_its_line_and_column(number: str) -> None:
    text = 'name = "x"\nnote = "' + HUGE_INT + '"\nsmall = 0x10\nsleep_need_min = ' + number + "\n"
    with pytest.raises(InputError) as refused:
        parse_toml(text, "me.toml")
    column = 18 + number.startswith("-")
    assert refused.value.render() == (
        f"me.toml: line 4, column {column}: a number with more than 4300 digits"
    )
    assert parse_toml("a = 0x" + "f" * 3500 + "\n", "me.toml")["a"] > 0  # 4,214 digits: fine


# --- check-in files ------------------------------------------------------------------------

OFFSETS = st.timedeltas(
    min_value=-dt.timedelta(hours=23, minutes=59), max_value=dt.timedelta(hours=23, minutes=59)
).map(lambda delta: dt.timezone(dt.timedelta(minutes=delta // dt.timedelta(minutes=1))))
ISO_TIMES = st.builds(
    lambda moment, zone: moment.replace(tzinfo=zone).isoformat(),
    st.one_of(
        st.datetimes(),
        st.sampled_from([dt.datetime.min, dt.datetime.max, dt.datetime(9999, 12, 31, 23, 0)]),
        st.datetimes(min_value=dt.datetime(2026, 11, 23), max_value=dt.datetime(2026, 11, 25)),
    ),
    OFFSETS,
)
CLOCKS = st.one_of(
    st.sampled_from(["23:00", "00:00", "11:59", "12:00", "99:99", "24:00", "-1:00"]),
    st.times().map(lambda t: f"{t:%H:%M}"),
)
NIGHTS = st.one_of(
    st.sampled_from([dt.date.min, dt.date.max, dt.date(9999, 12, 30), dt.date(2026, 11, 23)]),
    st.dates(),
)


def _checkin_file(night: dt.date, times: dict[str, str], extra: str = "") -> str:
    lines = [f"night = {night.isoformat()}", "sol_min = 10", "waso_min = 0", "awakenings = 0"]
    lines += [f'{key} = "{value}"' for key, value in times.items()]
    return "\n".join(lines) + "\n" + extra


@ABSURD
@given(
    night=NIGHTS,
    in_bed=st.one_of(CLOCKS, ISO_TIMES),
    out_of_bed=st.one_of(CLOCKS, ISO_TIMES),
)
@example(night=dt.date(9999, 12, 31), in_bed="23:00", out_of_bed="07:00")
@example(night=dt.date(1, 1, 1), in_bed="23:00", out_of_bed="07:00")
@example(night=dt.date(2026, 11, 23), in_bed="9999-12-31T23:59:59-23:59", out_of_bed="07:00")
@example(night=dt.date(2026, 11, 23), in_bed="0001-01-01T00:00:00+01:00", out_of_bed="07:00")
@example(
    night=dt.date(2026, 11, 23),
    in_bed="2026-11-23T22:00:00+01:00",
    out_of_bed="2036-11-24T07:00:00+01:00",
)
def test_absurd_dates_and_offsets_in_a_checkin_are_refused_or_measured_in_real_minutes(
    tmp_path: Path, night: dt.date, in_bed: str, out_of_bed: str
) -> None:
    path = tmp_path / "morning.toml"
    times = {"in_bed": in_bed, "out_of_bed": out_of_bed}
    path.write_text(_checkin_file(night, times))
    outcome = run("checkin", "--from", str(path), "--replace", "--json")
    if assert_handled(outcome, str(path)):
        record = json.loads(outcome.out)
        assert record["night"] == night.isoformat()
        if len(in_bed) > 5 and len(out_of_bed) > 5:
            # Both given with offsets: the night's length is their real distance.
            start, end = (dt.datetime.fromisoformat(value) for value in (in_bed, out_of_bed))
            assert record["metrics"]["tib_min"] == round((end - start).total_seconds() / 60)


@ABSURD
@given(
    key=st.sampled_from(["sol_min", "waso_min", "awakenings", "quality", "kss", "feel_now"]),
    value=TOML_NUMBERS,
)
@example(key="sol_min", value=HUGE_INT)
def test_absurd_numbers_in_a_checkin_are_refused_where_they_are(
    tmp_path: Path, key: str, value: str
) -> None:
    path = tmp_path / "morning.toml"
    path.write_text(f"night = 2026-11-23\n{key} = {value}\n")
    assert_handled(run("checkin", "--from", str(path), "--replace", "--json"), str(path))


# --- flags ---------------------------------------------------------------------------------

DATE_TEXTS = st.one_of(
    st.sampled_from(["9999-12-31", "0001-01-01", "9998-12-31", "0002-01-01", "10000-01-01"]),
    st.dates().map(dt.date.isoformat),
)


@ABSURD
@given(
    night=DATE_TEXTS, zone=st.sampled_from(["Europe/Berlin", "Pacific/Kiritimati", "Etc/GMT+12"])
)
@example(night="9999-12-31", zone="Europe/Berlin")
@example(night="0001-01-01", zone="Pacific/Kiritimati")
def test_plan_for_any_night(tmp_path: Path, night: str, zone: str) -> None:
    # The template's own compound has a cycling budget, so the plan looks a week back too.
    path = tmp_path / "absurd.toml"
    path.write_text(PROFILE.format(**DEFAULTS))
    outcome = run("--profile", str(path), "plan", "--night", night, "--tz", zone, "--json")
    if assert_handled(outcome, "--night"):
        assert json.loads(outcome.out)["night"] == night


@ABSURD
@given(night=DATE_TEXTS)
@example(night="9999-12-31")
def test_export_a_calendar_for_any_night(night: str) -> None:
    assert_handled(run("export", "--format", "ics", "--night", night), "--night")


@ABSURD
@given(start=DATE_TEXTS, baseline=st.sampled_from(["7", "60", "61", TWENTY_DIGITS, HUGE_INT]))
@example(start="9998-12-31", baseline="7")
@example(start="2026-11-23", baseline=TWENTY_DIGITS)
def test_an_experiment_starting_on_any_night(start: str, baseline: str) -> None:
    argv = ["experiment", "new", "--compound", "melatonin", "--dose-b", "1mg"]
    argv += ["--primary", "onset", "--mid", "5", "--seed", "1"]
    outcome = run(*argv, "--start", start, "--baseline", baseline)
    names = "the experiment" if "experiment:" in outcome.err else "--"
    assert_handled(outcome, names)


@ABSURD
@given(
    last=st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.sampled_from([TWENTY_DIGITS, HUGE_INT, "0", "00", "²", "1e3", " 3"]),
    )
)
@example(last=TWENTY_DIGITS)
@example(last=HUGE_INT)
def test_history_last_any_count(last: str) -> None:
    outcome = run("history", f"--last={last}", "--json")
    if assert_handled(outcome, "--last"):
        assert json.loads(outcome.out)["checkins"] == []


def test_history_last_beyond_any_journal_means_all_nights(tmp_path: Path) -> None:
    for day in (22, 23):
        path = tmp_path / f"{day}.toml"
        path.write_text(f'night = 2026-11-{day}\nin_bed = "23:00"\nout_of_bed = "07:00"\n')
        assert run("checkin", "--from", str(path)).code == 0
    for last in (TWENTY_DIGITS, HUGE_INT, "2"):
        outcome = run("history", "--last", last, "--json")
        assert outcome.code == 0, outcome.err
        assert [c["night"] for c in json.loads(outcome.out)["checkins"]] == [
            "2026-11-23",
            "2026-11-22",
        ]
    assert len(json.loads(run("history", "--last", "1", "--json").out)["checkins"]) == 1


@ABSURD
@given(
    clock=st.one_of(
        st.from_regex(r"\A-?\d{1,6}:\d{1,6}\Z"), st.sampled_from(["99:99", "24:00", "23:59"])
    )
)
@example(clock="99:99")
def test_plan_bedtime_and_wake_any_clock(clock: str) -> None:
    for flag in ("--bedtime", "--wake"):
        outcome = run("plan", "--night", "2026-11-23", flag, clock, "--json")
        if assert_handled(outcome, flag):
            assert json.loads(outcome.out)[flag[2:]].startswith("2026-11-2")


@ABSURD
@given(
    amount=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(lambda x: f"{x}mg"),
        st.sampled_from(["1e308mg", "1e309mg", HUGE_INT + "mg", "0mg", "-1mg", "nanmg", "0.5mg"]),
    )
)
@example(amount="1e308mg")
def test_check_any_amount(amount: str) -> None:
    item = f"melatonin:{amount}"
    assert_handled(run("check", item, "--json"), item[:20])


def test_the_range_of_nights_is_stated_and_both_ends_are_planned() -> None:
    for night in (timing.FIRST_NIGHT, timing.LAST_NIGHT):
        for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
            outcome = run("plan", "--night", night.isoformat(), "--tz", zone, "--json")
            assert outcome.code == 0, outcome.err
    outcome = run("plan", "--night", "9999-12-31")
    assert outcome.code == 2
    assert outcome.err.strip() == (
        "--night: sleepplan plans nights from 0002-01-01 to 9998-12-31, not 9999-12-31"
    )


def test_a_time_years_from_its_night_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "morning.toml"
    times = {"tried_sleep": "2026-11-23T23:00:00+01:00", "final_wake": "2036-11-24T07:00:00+01:00"}
    path.write_text(_checkin_file(dt.date(2026, 11, 23), times))
    outcome = run("checkin", "--from", str(path), "--json")
    assert outcome.code == 2
    assert outcome.err.strip() == (
        f"{path}: final_wake: 2036-11-24T07:00:00+01:00 is not on the night of 2026-11-23 "
        "(between 2026-11-23 00:00 and 2026-11-25 00:00)"
    )


def test_a_long_wrong_count_is_named_briefly() -> None:
    outcome = run("history", "--last", "x" * 5000)
    assert outcome.code == 2
    assert "argument --last: expected a whole number of nights from 1, got 'xxxx" in outcome.err
    assert len(outcome.err) < 500


HOURS = st.one_of(
    st.floats(min_value=0, max_value=1000, exclude_min=True),
    st.sampled_from([5e-324, 1e-300, 1e-12, 1000.0]),
)


@ABSURD
@given(tmax=HOURS, half_life=HOURS, after=st.floats(min_value=-1e6, max_value=1e6))
@example(tmax=1e-300, half_life=2.0, after=1.0)
@example(tmax=5e-324, half_life=5e-324, after=1.0)
def test_a_curve_from_any_sourced_hours_stays_between_0_and_1(
    tmax: float, half_life: float, after: float
) -> None:
    curve = Curve.from_values(tmax, half_life)
    assert 0.0 <= curve.relative(after) <= 1.0
    if 0.01 <= tmax <= 100 and 0.01 <= half_life <= 100:
        assert curve.relative(tmax) == pytest.approx(1.0)


def test_a_value_too_long_to_write_out_is_named_not_printed() -> None:
    from pydantic import BaseModel, ValidationError, field_validator

    from sleepplan.core.errors import from_validation_error

    class Small(BaseModel):
        count: int

        @field_validator("count")
        @classmethod
        def small(cls, value: int) -> int:
            raise ValueError("too large")

    with pytest.raises(ValidationError) as caught:
        Small(count=10**5000)
    rendered = from_validation_error("f.toml", caught.value).render()
    assert rendered == "f.toml: count: too large (got a number of thousands of digits)"
