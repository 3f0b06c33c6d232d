"""Export → import equality for every format, the .ics parsed back, hostile imports refused."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli

MORNINGS = [
    # a full morning, awkward notes, a partial morning, a morning with nothing taken
    (
        'night = 2026-11-20\nin_bed = "22:50"\ntried_sleep = "23:05"\nsol_min = 20\n'
        'awakenings = 1\nwaso_min = 10\nfinal_wake = "06:55"\nout_of_bed = "07:10"\nquality = 4\n'
        "getting_to_sleep = 60\nsleep_quality = 55\nwaking_up = 50\nfeel_now = 45\nkss = 4\n"
        'effects = ["vivid_dreams", "headache"]\nconfounders = ["alcohol"]\n'
        'notes = "slept \\"ok\\", woke once;\\nthen fine"\n'
    ),
    "night = 2026-11-21\nkss = 8\nquality = 2\n",
    'night = 2026-11-22\nkss = 3\ntaken = []\nnotes = "a, b; c"\n',
    (
        'night = 2026-03-28\ntried_sleep = "23:00"\nfinal_wake = "07:00"\nsol_min = 5\n'
        "waso_min = 0\nawakenings = 0\n"
    ),
]


@pytest.fixture
def filled_home(home: Path, tmp_path: Path) -> Path:
    for index, text in enumerate(MORNINGS):
        path = tmp_path / f"m{index}.toml"
        path.write_text(text)
        result = run_cli("--home", str(home), "checkin", "--from", str(path))
        assert result.returncode == 0, result.stderr
    return home


@pytest.mark.parametrize("fmt", ["json", "csv", "toml"])
def test_export_then_import_is_equal(filled_home: Path, tmp_path: Path, fmt: str) -> None:
    exported = tmp_path / f"out.{fmt}"
    result = run_cli("--home", str(filled_home), "export", "--format", fmt, "--out", str(exported))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh"
    imported = run_cli("--home", str(fresh), "import", str(exported))
    assert imported.returncode == 0, imported.stderr
    assert "imported 4 check-ins" in imported.stdout
    before = run_cli("--home", str(filled_home), "export", "--format", fmt).stdout
    after = run_cli("--home", str(fresh), "export", "--format", fmt).stdout
    assert after == before
    as_json = json.loads(run_cli("--home", str(fresh), "export", "--format", "json").stdout)
    notes = {c["night"]: c["notes"] for c in as_json["checkins"]}
    assert notes["2026-11-20"] == 'slept "ok", woke once;\nthen fine'


def test_json_export_shape(filled_home: Path) -> None:
    data = json.loads(run_cli("--home", str(filled_home), "export", "--format", "json").stdout)
    assert data["profile"] == "example"
    first = data["checkins"][0]
    assert first["night"] == "2026-03-28"
    assert first["final_wake"] == "2026-03-29T07:00:00+02:00"  # the DST night, with offset
    assert first["metrics"]["tst_min"] == 7 * 60 - 5
    assert {"metrics", "scores", "flags", "taken", "kss"} <= first.keys()


def test_import_refuses_existing_nights_unless_replace(filled_home: Path, tmp_path: Path) -> None:
    exported = tmp_path / "out.json"
    run_cli("--home", str(filled_home), "export", "--format", "json", "--out", str(exported))
    again = run_cli("--home", str(filled_home), "import", str(exported))
    assert again.returncode == 2 and "nothing was written" in again.stderr
    replaced = run_cli("--home", str(filled_home), "import", str(exported), "--replace")
    assert replaced.returncode == 0


def test_import_is_all_or_nothing(filled_home: Path, tmp_path: Path) -> None:
    data = json.loads(run_cli("--home", str(filled_home), "export", "--format", "json").stdout)
    data["checkins"][-1]["kss"] = 12  # the last night is impossible
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    fresh = tmp_path / "fresh"
    result = run_cli("--home", str(fresh), "import", str(broken))
    assert result.returncode == 2
    assert "checkins[3].kss" in result.stderr and str(broken) in result.stderr
    history = json.loads(run_cli("--home", str(fresh), "history", "--json").stdout)
    assert history["checkins"] == []


def test_toml_export_creates_the_profile_on_import(filled_home: Path, tmp_path: Path) -> None:
    exported = tmp_path / "mine.toml"
    run_cli("--home", str(filled_home), "export", "--format", "toml", "--out", str(exported))
    text = exported.read_text().replace('name = "example"', 'name = "traveller"', 1)
    exported.write_text(text)
    fresh = tmp_path / "fresh"
    result = run_cli("--home", str(fresh), "import", str(exported))
    assert result.returncode == 0, result.stderr
    assert "created profile 'traveller'" in result.stdout
    history = run_cli("--home", str(fresh), "--profile", "traveller", "history", "--json")
    assert len(json.loads(history.stdout)["checkins"]) == 4


def test_ics_parses_back_with_one_alarmed_event_per_dose(home: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    out = tmp_path / "tonight.ics"
    result = run_cli(
        "--home", str(home), "export", "--format", "ics", "--night", "2026-11-23", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    calendar = Calendar.from_ical(out.read_bytes())
    events = list(calendar.walk("VEVENT"))
    plan = json.loads(
        run_cli("--home", str(home), "plan", "--night", "2026-11-23", "--json").stdout
    )
    assert len(events) == len(plan["doses"]) == 3
    starts = sorted(e.decoded("dtstart") for e in events)
    expected = sorted(dt.datetime.fromisoformat(d["at"]) for d in plan["doses"])
    assert starts == expected
    for event in events:
        assert list(event.walk("VALARM"))
        assert "not medical advice" in str(event.get("description"))


HOSTILE = {
    "syntax.json": ('{"profile": "x", "checkins": [', "line 1"),
    "duplicate.json": ('{"profile": "x", "profile": "y", "checkins": []}', "profile: duplicate"),
    "deep.json": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "wrongshape.json": ('["a list"]', "expected an object"),
    "unknown.json": ('{"profile": "x", "checkins": [], "extra": 1}', "extra: unknown key"),
    "types.json": ('{"checkins": [{"night": "2026-11-20", "kss": "high"}]}', "checkins[0].kss"),
    "twice.json": (
        '{"checkins": [{"night": "2026-11-20"}, {"night": "2026-11-20"}]}',
        "appears twice",
    ),
    "cells.csv": ("night,kss\n2026-11-20,3,extra\n", "line 2"),
    "column.csv": ("night,mood\n2026-11-20,3\n", "unknown column 'mood'"),
    "taken.csv": ("night,taken\n2026-11-20,melatonin:lots@\n", "compound:amount@time"),
    "nul.toml": ('name = "x\x00"\n', "TOML syntax error"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_imports_exit_2_and_write_nothing(home: Path, tmp_path: Path, name: str) -> None:
    content, words = HOSTILE[name]
    path = tmp_path / name
    path.write_text(content)
    result = run_cli("--home", str(home), "import", str(path))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert str(path) in result.stderr and words in result.stderr
    assert "Traceback" not in result.stderr
    history = json.loads(run_cli("--home", str(home), "history", "--json").stdout)
    assert history["checkins"] == []


def test_non_utf8_import(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"profile": "caf\xe9"}')
    result = run_cli("--home", str(home), "import", str(path))
    assert result.returncode == 2 and "not UTF-8" in result.stderr


FORMULA_NOTES = [
    '=HYPERLINK("http://evil.example","click")',
    "-5 mg less",
    "@home",
    "'=quoted already",
    "'tis fine",
]


def test_csv_export_writes_no_formula_and_imports_back(home: Path, tmp_path: Path) -> None:
    import csv
    import io

    for index, notes in enumerate(FORMULA_NOTES):
        path = tmp_path / f"f{index}.toml"
        path.write_text(f"night = 2026-11-{10 + index}\nkss = 3\nnotes = {json.dumps(notes)}\n")
        assert run_cli("--home", str(home), "checkin", "--from", str(path)).returncode == 0
    exported = run_cli("--home", str(home), "export", "--format", "csv").stdout
    cells = [cell for row in csv.reader(io.StringIO(exported, newline="")) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    path = tmp_path / "notes.csv"
    path.write_text(exported)
    fresh = tmp_path / "fresh"
    assert run_cli("--home", str(fresh), "import", str(path)).returncode == 0
    data = json.loads(run_cli("--home", str(fresh), "export", "--format", "json").stdout)
    assert [c["notes"] for c in data["checkins"]] == FORMULA_NOTES


@pytest.mark.parametrize("fmt", ["json", "csv", "toml"])
def test_an_export_with_a_byte_order_mark_imports(
    filled_home: Path, tmp_path: Path, fmt: str
) -> None:
    exported = run_cli("--home", str(filled_home), "export", "--format", fmt).stdout
    path = tmp_path / f"excel.{fmt}"
    path.write_bytes(b"\xef\xbb\xbf" + exported.encode("utf-8"))  # as Excel saves UTF-8
    result = run_cli("--home", str(tmp_path / "fresh"), "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "imported 4 check-ins" in result.stdout


# -- CSV: each dose taken in its own columns --------------------------------------------------

TAKEN_MORNING = (
    "night = 2026-11-24\nkss = 4\ntaken = [\n"
    '  {compound = "melatonin", amount_mg = 0.5, at = "22:00"},\n'
    '  {compound = "glycine", amount_mg = 3000},\n]\n'
)


def test_csv_puts_each_dose_in_its_own_columns(filled_home: Path, tmp_path: Path) -> None:
    import csv
    import io

    path = tmp_path / "taken.toml"
    path.write_text(TAKEN_MORNING)
    assert run_cli("--home", str(filled_home), "checkin", "--from", str(path)).returncode == 0
    exported = run_cli("--home", str(filled_home), "export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(exported, newline="")))
    assert "taken" not in rows[0]
    doses = [key for key in rows[0] if key.startswith("taken_")]
    groups = len(doses) // 3  # the most doses of a night: a check-in "as planned" has three
    assert groups >= 2
    assert doses == [
        f"taken_{n}_{field}"
        for n in range(1, groups + 1)
        for field in ("compound", "amount_mg", "at")
    ]
    night = next(row for row in rows if row["night"] == "2026-11-24")
    assert (night["taken_1_compound"], night["taken_1_amount_mg"]) == ("melatonin", "0.5")
    assert night["taken_1_at"] == "2026-11-24T22:00:00+01:00"
    assert (night["taken_2_compound"], night["taken_2_amount_mg"]) == ("glycine", "3000")
    assert night["taken_2_at"] == ""
    other = next(row for row in rows if row["night"] == "2026-11-22")
    assert {other[key] for key in doses} == {""}  # nothing taken: the cells stay empty
    # and back: the same doses, the same file
    back = tmp_path / "back.csv"
    back.write_text(exported)
    fresh = tmp_path / "fresh"
    assert run_cli("--home", str(fresh), "import", str(back)).returncode == 0
    assert run_cli("--home", str(fresh), "export", "--format", "csv").stdout == exported


def test_a_csv_of_the_old_packed_layout_still_imports(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text("night,kss,taken\n2026-11-20,3,melatonin:0.5@22:00;glycine:3000@\n")
    result = run_cli("--home", str(home), "import", str(path))
    assert result.returncode == 0, result.stderr
    data = json.loads(run_cli("--home", str(home), "export", "--format", "json").stdout)
    taken = data["checkins"][0]["taken"]
    assert [(d["compound"], d["amount_mg"], d["at"]) for d in taken] == [
        ("melatonin", 0.5, "2026-11-20T22:00:00+01:00"),
        ("glycine", 3000, None),
    ]


BAD_DOSE_CSV = {
    "amount.csv": (
        "night,taken_1_compound,taken_1_amount_mg\n2026-11-20,melatonin,lots\n",
        "line 2, taken_1_amount_mg: 'lots' is not an amount in mg",
    ),
    "missing.csv": (
        "night,taken_1_compound,taken_1_amount_mg,taken_1_at\n2026-11-20,melatonin,,22:00\n",
        "line 2, taken_1_amount_mg: the amount is missing",
    ),
    "both.csv": (
        "night,taken,taken_1_compound\n2026-11-20,,\n",
        "both a 'taken' column and taken_N_ columns",
    ),
    "field.csv": ("night,taken_1_dose\n2026-11-20,3\n", "unknown column 'taken_1_dose'"),
}


@pytest.mark.parametrize("name", sorted(BAD_DOSE_CSV))
def test_bad_dose_columns_are_refused(home: Path, tmp_path: Path, name: str) -> None:
    content, words = BAD_DOSE_CSV[name]
    path = tmp_path / name
    path.write_text(content)
    result = run_cli("--home", str(home), "import", str(path))
    assert result.returncode == 2, result.stderr
    assert str(path) in result.stderr and words in result.stderr
    history = json.loads(run_cli("--home", str(home), "history", "--json").stdout)
    assert history["checkins"] == []


def test_all_profiles_csv_shares_one_header(filled_home: Path, tmp_path: Path) -> None:
    import csv
    import io

    assert run_cli("--home", str(filled_home), "profile", "new", "ben").returncode == 0
    path = tmp_path / "taken.toml"
    path.write_text(TAKEN_MORNING)
    assert (
        run_cli(
            "--home", str(filled_home), "--profile", "ben", "checkin", "--from", str(path)
        ).returncode
        == 0
    )
    exported = run_cli("--home", str(filled_home), "export", "--format", "csv", "--all").stdout
    rows = list(csv.reader(io.StringIO(exported, newline="")))
    assert {len(row) for row in rows} == {len(rows[0])}  # every row as long as the header
    assert "taken_2_at" in rows[0]


def _stripped(text: str) -> bool:
    return text == text.strip()


DOSES = st.lists(
    st.fixed_dictionaries(
        {
            "compound": st.text(min_size=1, max_size=64).filter(_stripped),
            "amount_mg": st.floats(
                min_value=0, max_value=100_000, exclude_min=True, allow_nan=False
            ),
            "at": st.none() | st.text(min_size=4, max_size=40).filter(_stripped),
        }
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(nights=st.lists(DOSES, min_size=1, max_size=3), notes=st.text(max_size=30))
def test_csv_round_trip_keeps_every_dose(nights: list[list[dict[str, Any]]], notes: str) -> None:
    import tempfile

    from sleepplan.store.exports import export_csv, read_import

    records = [
        {
            "night": (dt.date(2026, 11, 1) + dt.timedelta(days=index)).isoformat(),
            "taken": taken,
            "notes": notes,
            "metrics": {},
            "scores": {},
        }
        for index, taken in enumerate(nights)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_text(export_csv(records), encoding="utf-8", newline="")
        bundle = read_import(path)
    for record, answers in zip(records, bundle.answers, strict=True):
        assert [dose.model_dump() for dose in answers.taken or ()] == record["taken"]
        assert answers.notes == notes
