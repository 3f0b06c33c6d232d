"""Objective nights in the journal, and the one night chosen per date (issue 21, item 2)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.objective import Epoch, ObjectiveNight, chosen_nights
from sleepplan.core.profile import parse_profile, profile_to_data
from sleepplan.store.journal import SCHEMA_VERSION, CheckinExists, Journal, ObjectiveImport

BERLIN = dt.timezone(dt.timedelta(hours=1))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


def tracked(
    day: int = 20,
    source: str = "oura",
    record_id: str | None = None,
    device: str | None = "Oura Ring 3",
    **fields: Any,
) -> ObjectiveNight:
    """A staged night from 23:00 on ``day`` to 07:00 the next morning."""
    epochs = (
        Epoch(at(day, 23, 0), at(day, 23, 20), "awake"),
        Epoch(at(day, 23, 20), at(day + 1, 2, 0), "deep"),
        Epoch(at(day + 1, 2, 0), at(day + 1, 6, 50), "rem"),
    )
    values: dict[str, Any] = {
        "night": dt.date(2026, 11, day),
        "source": source,
        "record_id": record_id or f"{source}-{day}",
        "device": device,
        "in_bed": at(day, 23),
        "sleep_onset": at(day, 23, 20),
        "final_wake": at(day + 1, 6, 50),
        "out_of_bed": at(day + 1, 7),
        "asleep_min": 450.0,
        "latency_min": 20.0,
        "waso_min": 0.0,
        "awakenings": 0,
        "light_min": 0.0,
        "deep_min": 160.0,
        "rem_min": 290.0,
        "awake_min": 20.0,
        "epochs": epochs,
    }
    return ObjectiveNight(**(values | fields))


def checkin(night: str) -> dict[str, Any]:
    return {"night": night, "kss": 4, "taken": [], "scores": {"morning": 70.0}, "flags": []}


def test_the_journal_gains_the_objective_nights_table(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path, upgrade=False) as old:
        old.migrate(3)  # a journal of the previous version, with a check-in
        old.save("me", checkin("2026-11-20"), "t0")
    with closing(sqlite3.connect(path)) as db:
        assert not db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'objective_nights'"
        ).fetchall()
    with Journal(path) as journal:
        assert journal.records("me") == [checkin("2026-11-20")]
        assert journal.version == SCHEMA_VERSION
        assert journal.objective_nights("me") == []


def test_a_night_comes_back_as_it_was_saved_with_its_epochs(tmp_path: Path) -> None:
    night = tracked(nap=False)
    with Journal(tmp_path / "j.sqlite3") as journal:
        result = journal.save_objective("me", [night], "2026-11-21T08:00:00+00:00")
        (stored,) = journal.objective_nights("me")
    assert result == ObjectiveImport(added=1, replaced=0, unchanged=0)
    assert stored == night
    assert stored.epochs == night.epochs
    assert stored.in_bed is not None and stored.in_bed.utcoffset() == dt.timedelta(hours=1)


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    nights = [tracked(20), tracked(21)]
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save_objective("me", nights, "first")
        again = journal.save_objective("me", nights, "second")
        imported_at = journal.db.execute("SELECT imported_at FROM objective_nights").fetchall()
        assert again == ObjectiveImport(added=0, replaced=0, unchanged=2)
        assert imported_at == [("first",), ("first",)]
        assert len(journal.objective_nights("me")) == 2


def test_a_corrected_export_replaces_the_earlier_record(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save_objective("me", [tracked(20), tracked(21)], "first")
        corrected = replace(tracked(21), rem_min=280.0, light_min=10.0)
        result = journal.save_objective("me", [tracked(20), corrected], "second")
        stored = journal.objective_nights("me")
    assert result == ObjectiveImport(added=0, replaced=1, unchanged=1)
    assert [n.rem_min for n in stored] == [290.0, 280.0]


def test_corrected_epochs_alone_replace_the_record(tmp_path: Path) -> None:
    first = tracked(20)
    corrected = replace(first, epochs=first.epochs[1:])  # equal as a night: epochs don't compare
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save_objective("me", [first], "first")
        result = journal.save_objective("me", [corrected], "second")
        (stored,) = journal.objective_nights("me")
    assert result.replaced == 1
    assert stored.epochs == first.epochs[1:]


def test_every_source_is_kept_and_nights_come_oldest_first(tmp_path: Path) -> None:
    nights = [
        tracked(22, "oura"),
        tracked(20, "apple-health", device="Apple Watch"),
        tracked(20, "oura"),
        tracked(20, "oura", record_id="nap", nap=True, in_bed=at(21, 15), sleep_onset=None),
    ]
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save_objective("me", nights, "t")
        stored = journal.objective_nights("me")
        other = journal.objective_nights("someone-else")
    assert [(n.night.day, n.source, n.nap) for n in stored] == [
        (20, "apple-health", False),
        (20, "oura", False),
        (20, "oura", True),
        (22, "oura", False),
    ]
    assert other == []


def test_a_tracker_import_never_touches_the_check_ins(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save("me", checkin("2026-11-20"), "t0")
        journal.save_objective("me", [tracked(20)], "t1")
        journal.save_objective("me", [replace(tracked(20), rem_min=1.0)], "t2")
        assert journal.records("me") == [checkin("2026-11-20")]
        assert journal.versions("me", "2026-11-20") == []


def test_a_failed_import_writes_nothing(tmp_path: Path) -> None:
    def nights() -> Any:
        yield tracked(20)
        raise OSError("the disk went away")

    with Journal(tmp_path / "j.sqlite3") as journal:
        with pytest.raises(OSError):
            journal.save_objective("me", nights(), "t")
        assert journal.objective_nights("me") == []


def test_renaming_a_profile_takes_its_tracker_nights_along(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save("example", checkin("2026-11-20"), "t")
        journal.save_objective("example", [tracked(20)], "t")
        journal.rename_profile("example", "anna")
        assert journal.objective_nights("example") == []
        assert [n.night.day for n in journal.objective_nights("anna")] == [20]


def test_a_rename_onto_a_name_with_tracker_nights_is_refused(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save_objective("example", [tracked(20)], "t")
        journal.save_objective("anna", [tracked(20)], "t")
        with pytest.raises(CheckinExists, match="tracker nights"):
            journal.rename_profile("example", "anna")
        assert len(journal.objective_nights("example")) == 1


# chosen_nights: one main sleep per date


def test_one_night_per_date_by_the_profiles_priority() -> None:
    oura, apple = tracked(20, "oura"), tracked(20, "apple-health", device="Apple Watch")
    assert chosen_nights([oura, apple], ["oura", "apple-health"])[oura.night] is oura
    assert chosen_nights([oura, apple], ["apple-health"])[oura.night] is apple


def test_without_a_priority_the_sources_order_decides_never_a_sum() -> None:
    oura = tracked(20, "oura")
    apple = tracked(20, "apple-health", device="Apple Watch", asleep_min=300.0)
    chosen = chosen_nights([oura, apple], [])
    assert chosen == {oura.night: apple}
    assert chosen[oura.night].asleep_min == 300.0


def test_a_device_of_a_source_can_be_preferred() -> None:
    watch = tracked(20, "apple-health", "w", device="Apple Watch")
    phone = tracked(20, "apple-health", "p", device="iPhone", asleep_min=500.0)
    assert chosen_nights([phone, watch], ["apple-health:apple watch"])[watch.night] is watch
    assert chosen_nights([phone, watch], ["apple-health"])[watch.night] is phone  # the longer


def test_naps_are_never_chosen_and_dates_come_in_order() -> None:
    nap = tracked(20, "oura", "nap", nap=True)
    later, earlier = tracked(22, "fitbit"), tracked(21, "whoop")
    chosen = chosen_nights([nap, later, earlier], ["oura"])
    assert list(chosen) == [earlier.night, later.night]


# the profile's [trackers] table

PROFILE = """
schema_version = 1
name = "me"
timezone = "Europe/Berlin"
"""


def test_the_profile_names_its_tracker_priority(catalog: Catalog) -> None:
    text = PROFILE + '\n[trackers]\npriority = ["oura", "apple-health:Apple Watch"]\n'
    profile, _ = parse_profile(text, "me.toml", catalog)
    assert profile.tracker_priority == ("oura", "apple-health:Apple Watch")
    assert profile_to_data(profile)["trackers"] == {
        "priority": ["oura", "apple-health:Apple Watch"]
    }
    plain, _ = parse_profile(PROFILE, "me.toml", catalog)
    assert plain.tracker_priority == ()
    assert "trackers" not in profile_to_data(plain)


@pytest.mark.parametrize(
    ("table", "place", "words"),
    [
        ('priority = ["oura", "polar"]', "trackers.priority", "'polar' names no tracker source"),
        ('priority = ["fitbitt:Charge 6"]', "trackers.priority", "'fitbitt:Charge 6'"),
        ('order = ["oura"]', "trackers.order", "unknown key"),
    ],
)
def test_a_bad_trackers_table_names_the_file_and_place(
    catalog: Catalog, table: str, place: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_profile(PROFILE + f"\n[trackers]\n{table}\n", "me.toml", catalog)
    message = str(caught.value)
    assert message.startswith("me.toml: ")
    assert place in message
    assert words in message


def test_one_nights_records_can_be_read_alone(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.save_objective("me", [tracked(20), tracked(21), tracked(22, "whoop")], "t")
        assert [n.night.day for n in journal.objective_nights("me", dt.date(2026, 11, 21))] == [21]
