"""Imports at scale and from spreadsheets: formulas neutralised, caps named, all or nothing.

CSV cells a spreadsheet would run as formulas are written with a leading ``'`` and read back
exactly; the row, byte and object caps refuse a file with one message naming the file and the
cap, before the work grows; an import killed at any moment leaves the journal as it was or with
every night. How fast a large import is, and its peak memory, is measured by
``benchmarks/large_import.py``, not here: the step that made imports quadratic (``list.count``
in a loop) ran in C, where no counter a test could read would see it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sleepplan.core.checkin import CheckinAnswers, checkin_record, evaluate
from sleepplan.core.errors import InputError
from sleepplan.store import exports
from sleepplan.store.exports import (
    FORMULA_STARTS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_CONTAINERS,
    MAX_IMPORT_NIGHTS,
)
from tests.conftest import ROOT, run_cli

FIRST = dt.date(2000, 1, 1)
CAP_TEXT = f"{MAX_IMPORT_NIGHTS:,}"
SPREADSHEET = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def record(notes: str = "", compound: str | None = None) -> dict[str, Any]:
    """A check-in as the journal stores it (and the CSV export writes it)."""
    taken = [{"compound": compound, "amount_mg": 1}] if compound is not None else None
    answers = CheckinAnswers.model_validate(
        {"night": "2026-11-20", "kss": 3, "notes": notes, "taken": taken}
    )
    return checkin_record(evaluate(answers, "Europe/Berlin"))


def csv_cells(text: str) -> list[str]:
    """Every cell of a CSV export, header included, as a spreadsheet would read it."""
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def nights_csv(path: Path, count: int, extra: str = "") -> Path:
    """A CSV of ``count`` consecutive nights with a score each."""
    lines = [f"{FIRST + dt.timedelta(days=i)},{1 + i % 9}\n" for i in range(count)]
    path.write_text("night,kss\n" + "".join(lines) + extra)
    return path


def stored_nights(home: Path) -> list[str]:
    """The nights in a home's journal, read with sqlite3 (no sleepplan code involved)."""
    path = home / "journal.sqlite3"
    if not path.exists():
        return []
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if "checkins" not in tables:
            return []
        return [row[0] for row in db.execute("SELECT night FROM checkins ORDER BY night")]
    finally:
        db.close()


# -- CSV formulas -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+1", "'+1"),
        ("-5", "'-5"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=already quoted", "''=already quoted"),
        ("''", "'''"),
        ("'tis a note", "'tis a note"),  # a ' before anything else needs nothing more
        ("'", "'"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralised_cells_and_back(text: str, cell: str) -> None:
    assert exports.neutralised(text) == cell
    assert exports.restored(cell) == text


@SPREADSHEET
@given(
    notes=st.text(max_size=60)
    | st.builds(
        "".join, st.lists(st.sampled_from(["'", *FORMULA_STARTS, "x", "\n", '"', ";"]), max_size=6)
    ),
    compound=st.none()
    | st.text(
        st.characters(
            blacklist_categories=["Cs", "Cc", "Zs", "Zl", "Zp"], blacklist_characters=":;@"
        ),
        min_size=1,
        max_size=12,
    )
    | st.sampled_from(["=cmd", "-x", "+1", "@a", "'=b"]),
)
@example(notes='=HYPERLINK("http://evil.example","click")', compound="=1+1")
@example(notes="'\t'", compound=None)
def test_any_note_round_trips_through_csv_and_no_cell_starts_a_formula(
    tmp_path: Path, notes: str, compound: str | None
) -> None:
    exported = exports.export_csv([record(notes, compound)])
    cells = csv_cells(exported)
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    path = tmp_path / "export.csv"
    path.write_bytes(exported.encode("utf-8"))
    (answers,) = exports.read_import(path).answers
    assert answers.notes == notes
    assert [dose.compound for dose in answers.taken or ()] == ([compound] if compound else [])


# -- caps ---------------------------------------------------------------------------------------


def test_a_csv_at_the_row_cap_imports(home: Path, tmp_path: Path) -> None:
    path = nights_csv(tmp_path / "cap.csv", MAX_IMPORT_NIGHTS)
    result = run_cli("--home", str(home), "import", str(path))
    assert result.returncode == 0, result.stderr
    assert f"imported {MAX_IMPORT_NIGHTS} check-ins" in result.stdout
    assert len(stored_nights(home)) == MAX_IMPORT_NIGHTS


def test_a_csv_past_the_row_cap_is_refused_where_it_passes_it(home: Path, tmp_path: Path) -> None:
    # a broken row after the cap is never reached: the cap is checked while reading
    path = nights_csv(tmp_path / "over.csv", MAX_IMPORT_NIGHTS + 1, extra="not,a,row,at,all\n")
    result = run_cli("--home", str(home), "import", str(path))
    assert result.returncode == 2, result.stdout
    assert str(path) in result.stderr
    assert f"line {MAX_IMPORT_NIGHTS + 2}" in result.stderr  # the header is line 1
    assert f"more than {CAP_TEXT} check-ins" in result.stderr
    assert "Traceback" not in result.stderr
    assert stored_nights(home) == []


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_json_and_toml_past_the_row_cap_are_refused_before_any_check_in_is(
    tmp_path: Path, fmt: str
) -> None:
    nights: list[dict[str, Any]] = [
        {"night": str(FIRST + dt.timedelta(days=i))} for i in range(MAX_IMPORT_NIGHTS + 1)
    ]
    nights[0]["kss"] = 99  # would be the first complaint if check-ins were validated first
    path = tmp_path / f"over.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps({"profile": "example", "checkins": nights}))
    else:
        path.write_text("".join(f"[[checkins]]\nnight = {n['night']}\n" for n in nights))
    with pytest.raises(InputError) as refused:
        exports.read_import(path)
    assert refused.value.source == str(path)
    ((place, message),) = refused.value.problems
    assert place == "checkins" and f"more than {CAP_TEXT} check-ins" in message


def test_a_file_past_the_byte_cap_is_refused_naming_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.write(b"night,notes\n")
        out.truncate(MAX_IMPORT_BYTES + 1)
    with pytest.raises(InputError) as refused:
        exports.read_import(path)
    message = refused.value.render()
    assert str(path) in message
    assert f"larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB" in message
    assert CAP_TEXT in message


@pytest.mark.parametrize(
    ("name", "opening"),
    [("empties.json", '{"checkins": ['), ("empties.toml", "checkins = [")],
)
def test_a_file_of_countless_empty_objects_is_refused_before_parsing(
    tmp_path: Path, name: str, opening: str
) -> None:
    # parsing these would take about 25 bytes of memory for each byte of the file
    path = tmp_path / name
    path.write_text(opening + "{}," * MAX_IMPORT_CONTAINERS + "{}]" + "}" * name.endswith("json"))
    assert path.stat().st_size < MAX_IMPORT_BYTES
    with pytest.raises(InputError) as refused:
        exports.read_import(path)
    assert "objects and lists" in refused.value.render()
    assert CAP_TEXT in refused.value.render()


def test_a_json_number_of_thousands_of_digits_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "digits.json"
    path.write_text('{"checkins": [{"night": "2026-11-20", "kss": ' + "9" * 5000 + "}]}")
    with pytest.raises(InputError) as refused:
        exports.read_import(path)
    assert "a number with more than 4300 digits" in refused.value.render()


# -- killed mid-import --------------------------------------------------------------------------

KILL_AT_WAL_BYTES = (1, 64 * 1024, 1024 * 1024, 4 * 1024 * 1024)
"""Kill the importer once the journal's write-ahead log holds this much of its transaction."""


def _import_until_killed(home: Path, path: Path, wal_bytes: int) -> bool:
    """Start an import and SIGKILL it once the WAL reaches ``wal_bytes``; whether it did."""
    wal = home / "journal.sqlite3-wal"
    assert not wal.exists()  # the last close checkpointed it: what grows now is this import
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.offline", "--home", str(home), "import", str(path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 50
    while child.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size >= wal_bytes:
            break
        time.sleep(0.002)
    child.send_signal(signal.SIGKILL)
    child.wait()
    return child.returncode == -signal.SIGKILL


def test_an_import_killed_mid_write_leaves_the_journal_as_it_was_or_complete(
    home: Path, tmp_path: Path
) -> None:
    before = tmp_path / "before.csv"
    before.write_text("night,kss\n1999-12-31,4\n")
    assert run_cli("--home", str(home), "import", str(before)).returncode == 0
    nights = 5000
    path = tmp_path / "large.csv"
    rows = "".join(
        f"{FIRST + dt.timedelta(days=i)},{1 + i % 9},{'x' * 400}\n" for i in range(nights)
    )
    path.write_text("night,kss,notes\n" + rows)
    original = stored_nights(home)
    complete = sorted([*original, *(str(FIRST + dt.timedelta(days=i)) for i in range(nights))])
    killed_mid_write = 0
    for wal_bytes in KILL_AT_WAL_BYTES:
        killed = _import_until_killed(home, path, wal_bytes)
        now = stored_nights(home)  # also checks integrity
        assert now in (original, complete), f"{len(now)} nights after a kill at {wal_bytes} B"
        killed_mid_write += killed and now == original
        if now == complete:
            break
    assert killed_mid_write >= 1  # at least one kill landed inside the transaction
    finished = run_cli("--home", str(home), "import", str(path), "--replace")
    assert finished.returncode == 0, finished.stderr
    assert stored_nights(home) == complete
