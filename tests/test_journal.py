from __future__ import annotations

import datetime as dt
import json
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sleepplan.core.day import DayEntry
from sleepplan.core.errors import InputError
from sleepplan.core.safety import CyclingLookback
from sleepplan.store.day_log import read_day_log
from sleepplan.store.faults import JournalBusy
from sleepplan.store.journal import (
    SCHEMA_VERSION,
    CheckinExists,
    Journal,
    JournalDamaged,
    read_nights_taken,
)


def record(night: str, morning: float = 70.0, taken: list[Any] | None = None) -> dict[str, Any]:
    return {
        "night": night,
        "kss": 4,
        "taken": taken
        if taken is not None
        else [{"compound": "melatonin", "amount_mg": 0.5, "at": f"{night}T22:00:00+01:00"}],
        "metrics": {"tst_min": 440},
        "scores": {"morning": morning},
        "flags": [],
    }


def test_new_journal_is_private_wal_and_current(tmp_path: Path) -> None:
    path = tmp_path / "home" / "journal.sqlite3"
    with Journal(path) as journal:
        assert journal.version == SCHEMA_VERSION
        mode = journal.db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        journal.save("me", record("2026-11-23"), "2026-11-24T07:00:00+00:00")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_one_checkin_per_profile_and_night(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save("me", record("2026-11-23", 60), "t1")
        with pytest.raises(CheckinExists, match="exists already"):
            journal.save("me", record("2026-11-23", 80), "t2")
        assert journal.get("me", "2026-11-23").morning == 60  # type: ignore[union-attr]
        journal.save("me", record("2026-11-23", 80, taken=[]), "t2", replace=True)
        assert journal.get("me", "2026-11-23").morning == 80  # type: ignore[union-attr]
        assert journal.taken_rows("me") == []  # replaced doses are gone with the old record
        journal.save("you", record("2026-11-23", 50), "t3")  # another profile is separate
        assert [c.profile for c in journal.history("you")] == ["you"]


def test_history_newest_first_and_recent_mornings(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        for day, score in ((20, 50), (21, 60), (22, 70), (23, 80)):
            journal.save("me", record(f"2026-11-{day}", score), "t")
        assert [c.night for c in journal.history("me")][:2] == ["2026-11-23", "2026-11-22"]
        assert len(journal.history("me", last=2)) == 2
        assert journal.recent_mornings("me", "2026-11-23") == [70, 60, 50]
        assert journal.taken_rows("me")[0] == ("2026-11-20", "melatonin", 0.5)


def test_failed_save_changes_nothing(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        broken = record("2026-11-23")
        broken["taken"] = [{"compound": "melatonin"}]  # no amount: the insert fails midway
        with pytest.raises(KeyError):
            journal.save("me", broken, "t")
        assert journal.history("me") == []


def test_migration_from_version_one_backfills_doses(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Journal(path, upgrade=False) as old:
        old.migrate(target=1)  # the first released schema: records only
        assert old.version == 1
        old.db.execute(
            "INSERT INTO checkins (profile, night, record, morning, recorded_at) "
            "VALUES (?, ?, ?, ?, ?)",
            ("me", "2026-11-01", json.dumps(record("2026-11-01")), 70.0, "t"),
        )
    with Journal(path) as journal:
        assert journal.version == SCHEMA_VERSION
        assert journal.taken_rows("me") == [("2026-11-01", "melatonin", 0.5)]
        assert journal.get("me", "2026-11-01").morning == 70.0  # type: ignore[union-attr]


def test_a_newer_journal_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(InputError, match="newer than this sleepplan"):
        Journal(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 99


def test_a_file_that_is_not_a_journal_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalDamaged, match="moved to .*damaged") as caught:
        Journal(path)
    aside = list(tmp_path.glob("junk.sqlite3.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b"this is not a database" * 100
    assert str(aside[0]) in str(caught.value)
    with Journal(path) as fresh:  # the next start gets a new, empty journal
        assert fresh.history("me") == []


def test_a_damaged_journal_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        for day in range(1, 29):
            journal.save("me", record(f"2026-02-{day:02d}"), "t")
        journal.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 2, len(data), page):  # scribble over every b-tree page header
        data[offset : offset + 12] = b"\xff" * 12
    path.write_bytes(bytes(data))
    with pytest.raises(JournalDamaged):
        Journal(path)
    assert list(tmp_path.glob("j.sqlite3.damaged-*"))


def test_a_journal_locked_by_another_copy_is_busy_not_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN EXCLUSIVE")  # a rollback-journal writer: WAL can't be switched on
    monkeypatch.setattr("sleepplan.store.journal.BUSY_TIMEOUT_MS", 100)
    with pytest.raises(JournalBusy, match="busy.*close the other copy"):  # a fault: exit 1
        Journal(path)
    other.execute("ROLLBACK")
    other.close()
    assert [p.name for p in tmp_path.iterdir()] == ["journal.sqlite3"]  # nothing moved aside
    with Journal(path) as journal:  # once free, it opens as usual
        assert journal.version == SCHEMA_VERSION


def _taken(compound: str, night: str) -> list[Any]:
    return [{"compound": compound, "amount_mg": 1.0, "at": f"{night}T22:00:00+01:00"}]


def _journal_with_doses(path: Path) -> None:
    with Journal(path) as journal:
        for day in range(1, 29):  # melatonin every night, phenibut on the 20th and the 26th
            night = f"2026-11-{day:02d}"
            doses = _taken("melatonin", night)
            if day in (20, 26):
                doses += _taken("phenibut", night)
            journal.save("me", record(night, taken=doses), "t")
        journal.save("other", record("2026-11-27", taken=_taken("phenibut", "2026-11-27")), "t")


LOOKBACK = CyclingLookback(frozenset({"phenibut", "galantamine"}), dt.date(2026, 11, 22))


def test_the_quick_read_gives_the_budgeted_compounds_nights_in_the_window(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.sqlite3"
    _journal_with_doses(path)
    quick = read_nights_taken(path, "me", LOOKBACK)
    assert quick == {"phenibut": [dt.date(2026, 11, 26)]}
    with Journal(path) as journal:  # the same as the full read, filtered
        everything = journal.nights_taken("me")
    assert set(everything) == {"melatonin", "phenibut"}
    expected = {
        compound: [night for night in nights if night >= LOOKBACK.since]
        for compound, nights in everything.items()
        if compound in LOOKBACK.compounds
    }
    assert quick == expected


def test_the_quick_read_needs_no_journal_and_creates_none(tmp_path: Path) -> None:
    path = tmp_path / "home" / "journal.sqlite3"
    assert read_nights_taken(path, "me", LOOKBACK) == {}
    assert not path.parent.exists()


def test_without_budgets_the_journal_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"not a database" * 100)  # opening it would set it aside
    assert read_nights_taken(path, "me", None) == {}
    assert path.read_bytes() == b"not a database" * 100


def test_the_quick_read_of_a_damaged_journal_sets_it_aside_as_any_open_does(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(JournalDamaged, match="moved to"):
        read_nights_taken(path, "me", LOOKBACK)
    assert list(tmp_path.glob("journal.sqlite3.damaged-*"))


def test_the_quick_read_of_an_old_journal_migrates_it_first(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path, upgrade=False) as old:
        old.migrate(target=1)  # records only: no table of doses yet
        old.db.execute(
            "INSERT INTO checkins (profile, night, record, morning, recorded_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                "me",
                "2026-11-26",
                json.dumps(record("2026-11-26", taken=_taken("phenibut", "2026-11-26"))),
                70,
                "t",
            ),
        )
    assert read_nights_taken(path, "me", LOOKBACK) == {"phenibut": [dt.date(2026, 11, 26)]}
    with Journal(path) as journal:
        assert journal.version == SCHEMA_VERSION


def test_a_renamed_profile_takes_its_check_ins_and_doses_along(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        for night in ("2026-11-21", "2026-11-22"):
            journal.save("example", record(night), "t")
        journal.save("other", record("2026-11-22"), "t")
        assert journal.rename_profile("example", "anna") == 2
        assert [c.night for c in journal.history("anna")] == ["2026-11-22", "2026-11-21"]
        assert journal.history("example") == []
        assert [row[1] for row in journal.taken_rows("anna")] == ["melatonin", "melatonin"]
        with pytest.raises(CheckinExists, match="recorded under the name 'other' already"):
            journal.rename_profile("anna", "other")
        assert len(journal.history("anna")) == 2 and len(journal.history("other")) == 1
        assert journal.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert journal.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_replaced_check_in_is_kept_as_an_earlier_version(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save("me", record("2026-11-23", 60), "t1")
        journal.save("me", record("2026-11-24", 65), "t1")
        assert journal.versions("me", "2026-11-23") == []
        journal.save("me", record("2026-11-23", 80, taken=[]), "t2", replace=True)
        assert journal.get("me", "2026-11-23").morning == 80  # type: ignore[union-attr]
        (earlier,) = journal.versions("me", "2026-11-23")
        assert earlier.reason == "replaced" and earlier.ended_at == "t2"
        assert earlier.record["scores"]["morning"] == 60 and earlier.recorded_at == "t1"
        assert earlier.record["taken"][0]["compound"] == "melatonin"
        assert journal.versions("me", "2026-11-24") == []  # only the night replaced


def test_a_deleted_check_in_is_restored_as_it_was(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save("me", record("2026-11-23", 60), "t1")
        assert journal.delete("me", "2026-11-22", "t2") is None  # no check-in: nothing done
        version = journal.delete("me", "2026-11-23", "t2")
        assert version is not None
        assert journal.get("me", "2026-11-23") is None and journal.taken_rows("me") == []
        assert [v.reason for v in journal.versions("me", "2026-11-23")] == ["deleted"]
        restored = journal.restore(version)
        assert restored.morning == 60 and restored.recorded_at == "t1"
        assert journal.get("me", "2026-11-23").record == record("2026-11-23", 60)  # type: ignore[union-attr]
        assert journal.taken_rows("me") == [("2026-11-23", "melatonin", 0.5)]
        assert journal.versions("me", "2026-11-23") == []  # undone: it was never deleted
        with pytest.raises(KeyError):
            journal.restore(version)


def test_a_deleted_check_in_is_not_restored_over_a_new_one(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save("me", record("2026-11-23", 60), "t1")
        version = journal.delete("me", "2026-11-23", "t2")
        assert version is not None
        journal.save("me", record("2026-11-23", 90), "t3")
        with pytest.raises(CheckinExists, match="has a check-in again"):
            journal.restore(version)
        assert journal.get("me", "2026-11-23").morning == 90  # type: ignore[union-attr]
        assert len(journal.versions("me", "2026-11-23")) == 1  # the deleted one is still kept


def test_migration_from_version_two_keeps_every_night_and_adds_versions(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Journal(path, upgrade=False) as old:
        old.migrate(target=2)  # check-ins and doses, no versions yet
        for night, score in (("2026-11-01", 55), ("2026-11-02", 65)):  # as version 2 saved
            old.db.execute(
                "INSERT INTO checkins (profile, night, record, morning, recorded_at) "
                "VALUES (?, ?, ?, ?, ?)",
                ("me", night, json.dumps(record(night, score)), score, "t0"),
            )
            old.db.execute(
                "INSERT INTO taken (profile, night, position, compound, amount_mg, at) "
                "VALUES (?, ?, 0, 'melatonin', 0.5, NULL)",
                ("me", night),
            )
        assert old.db.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'versions'"
        ).fetchone() == (0,)
    with Journal(path) as journal:
        assert journal.version == SCHEMA_VERSION >= 3  # later migrations add more
        assert [c.morning for c in journal.history("me")] == [65, 55]
        assert len(journal.taken_rows("me")) == 2
        journal.save("me", record("2026-11-01", 75), "t1", replace=True)
        assert [v.record["scores"]["morning"] for v in journal.versions("me", "2026-11-01")] == [55]


def test_a_renamed_profile_takes_its_earlier_versions_along(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save("example", record("2026-11-21", 50), "t")
        journal.save("example", record("2026-11-21", 60), "t2", replace=True)
        journal.rename_profile("example", "anna")
        assert len(journal.versions("anna", "2026-11-21")) == 1
        assert journal.versions("example", "2026-11-21") == []


def coffee(at: str) -> DayEntry:
    return DayEntry("caffeine", 95.0, dt.datetime.fromisoformat(at), "1 cup = 95 mg")


def test_a_days_quick_entries_are_kept_read_and_removed(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    night = dt.date(2026, 11, 23)
    with Journal(path) as journal:
        late = journal.log_day("me", night, coffee("2026-11-23T16:00:00+01:00"), "now")
        early = journal.log_day("me", night, coffee("2026-11-23T09:00:00+01:00"), "now")
        journal.log_day("other", night, coffee("2026-11-23T10:00:00+01:00"), "now")
        journal.log_day("me", dt.date(2026, 11, 22), coffee("2026-11-22T10:00:00+01:00"), "now")
    logged = read_day_log(path, "me", night)
    assert [item.id for item in logged] == [early, late]  # in time order
    assert logged[1].entry == replace(coffee("2026-11-23T16:00:00+01:00"), logged=True)
    with Journal(path) as journal:
        removed = journal.unlog_day("me", late)
        assert removed is not None and removed.entry.at.hour == 16
        assert journal.unlog_day("me", late) is None
        assert journal.unlog_day("other", early) is None  # another profile's id
        assert [item.id for item in journal.day_log("me", night)] == [early]


def test_the_quick_day_read_needs_no_journal_and_creates_none(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    assert read_day_log(path, "me", dt.date(2026, 11, 23)) == []
    assert not path.exists()


def test_a_day_row_another_tool_wrote_is_reported_not_skipped(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        journal.log_day("me", dt.date(2026, 11, 23), coffee("2026-11-23T16:00:00+01:00"), "now")
        journal.db.execute("UPDATE day_log SET at = 'teatime'")
        journal.db.commit()
    with pytest.raises(InputError) as raised:
        read_day_log(path, "me", dt.date(2026, 11, 23))
    assert "day_log (2026-11-23)" in str(raised.value)
    assert path.exists()  # left as it is


def test_a_renamed_profile_takes_its_day_entries_along(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    night = dt.date(2026, 11, 23)
    with Journal(path) as journal:
        journal.log_day("old", night, coffee("2026-11-23T16:00:00+01:00"), "now")
        journal.rename_profile("old", "new")
        assert journal.day_log("old", night) == []
        assert len(journal.day_log("new", night)) == 1
