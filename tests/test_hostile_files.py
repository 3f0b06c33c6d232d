"""Hostile content in every file the app reads: 10,000+ generated profiles and check-in files.

Well-formed TOML of the wrong shape, mutated bytes of good files and truncations. Each either
loads or fails with the app's own error naming the file and the place: never anything else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sleepplan.core.checkin import evaluate, parse_checkin
from sleepplan.core.errors import InputError
from sleepplan.store.bundled import example_profiles
from sleepplan.store.files import decode_user_bytes
from sleepplan.store.profiles import profile_from_bytes

SOURCE = "fuzz.toml"
GOOD_PROFILES = [text.encode() for text in example_profiles().values()]
GOOD_CHECKIN = (
    b'night = 2026-11-23\nin_bed = "22:50"\ntried_sleep = "23:05"\nsol_min = 20\n'
    b'awakenings = 1\nwaso_min = 10\nfinal_wake = "06:55"\nout_of_bed = "07:10"\nquality = 4\n'
    b"getting_to_sleep = 60\nsleep_quality = 55\nwaking_up = 50\nfeel_now = 45\nkss = 4\n"
    b'effects = ["vivid_dreams"]\nconfounders = ["alcohol"]\n'
    b'taken = [{ compound = "magnesium-glycinate", amount_mg = 200, at = "22:00" }]\nnotes = ""\n'
)
PROFILE_KEYS = [
    "schema_version",
    "name",
    "timezone",
    "bedtime",
    "wake",
    "dinner",
    "sleep_need_min",
    "medications",
    "default_routine",
    "routines",
    "compound",
    "amount_mg",
    "minutes",
    "doses",
    "custom_compounds",
    "keymap",
    "id",
]
CHECKIN_KEYS = [
    "night",
    "in_bed",
    "tried_sleep",
    "sol_min",
    "awakenings",
    "waso_min",
    "final_wake",
    "out_of_bed",
    "quality",
    "getting_to_sleep",
    "kss",
    "effects",
    "confounders",
    "taken",
    "notes",
    "compound",
    "amount_mg",
    "at",
]
CHECKED: dict[str, int] = {"profiles": 0, "checkins": 0}


def fast(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        database=None,
    )


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=12),
        st.sampled_from(["23:00", "07:30", "25:99", "melatonin", "Europe/Berlin", "ssri", ""]),
        st.dates(),
        st.times(),
        st.datetimes(timezones=st.just(dt.UTC)),
    )


def documents(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    values = st.recursive(
        scalars(),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), inner, max_size=4)
        ),
        max_leaves=12,
    )
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), values, max_size=8)


def mutations(good: list[bytes]) -> st.SearchStrategy[bytes]:
    @st.composite
    def mutate(draw: st.DrawFn) -> bytes:
        data = bytearray(draw(st.sampled_from(good)))
        for _ in range(draw(st.integers(1, 6))):
            position = draw(st.integers(0, max(0, len(data) - 1)))
            kind = draw(st.sampled_from(["flip", "insert", "delete"]))
            byte = draw(st.integers(0, 255))
            if kind == "flip" and data:
                data[position] = byte
            elif kind == "insert":
                data.insert(position, byte)
            elif data:
                del data[position]
        return bytes(data)

    return mutate()


def truncations(good: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.sampled_from(good).flatmap(
        lambda data: st.integers(0, len(data)).map(lambda cut: data[:cut])
    )


def assert_names_file_and_place(error: InputError) -> None:
    assert error.source == SOURCE
    assert error.problems
    for place, message in error.problems:
        assert place, f"no place in {message!r}"
        assert str(error).startswith(SOURCE)


def load_profile_bytes(data: bytes) -> None:
    CHECKED["profiles"] += 1
    try:
        profile_from_bytes(data, SOURCE)
    except InputError as error:
        assert_names_file_and_place(error)


def load_checkin_bytes(data: bytes) -> None:
    CHECKED["checkins"] += 1
    try:
        answers = parse_checkin(decode_user_bytes(data, SOURCE), SOURCE)
        evaluate(answers, "Europe/Berlin", 480, SOURCE)
    except InputError as error:
        assert_names_file_and_place(error)


@fast(2000)
@given(documents(PROFILE_KEYS))
def test_profiles_of_the_wrong_shape(document: dict[str, Any]) -> None:
    load_profile_bytes(tomli_w.dumps(document).encode())


@fast(2000)
@given(mutations(GOOD_PROFILES))
def test_mutated_profiles(data: bytes) -> None:
    load_profile_bytes(data)


@fast(1000)
@given(truncations(GOOD_PROFILES))
def test_truncated_profiles(data: bytes) -> None:
    load_profile_bytes(data)


@fast(2500)
@given(documents(CHECKIN_KEYS))
def test_checkins_of_the_wrong_shape(document: dict[str, Any]) -> None:
    load_checkin_bytes(tomli_w.dumps(document).encode())


@fast(2500)
@given(mutations([GOOD_CHECKIN]))
def test_mutated_checkins(data: bytes) -> None:
    load_checkin_bytes(data)


@fast(1000)
@given(truncations([GOOD_CHECKIN]))
def test_truncated_checkins(data: bytes) -> None:
    load_checkin_bytes(data)


def test_ten_thousand_files_were_checked() -> None:
    """Runs after the generators above (file order): the figure docs/data.md quotes."""
    total = CHECKED["profiles"] + CHECKED["checkins"]
    print(
        f"\nhostile files checked: {CHECKED['profiles']} profiles, "
        f"{CHECKED['checkins']} check-in files, {total} in all"
    )
    assert total >= 10_000
