"""`sleepplan tracker import` and `tracker list` (issue 21, item 3), with an importer of our own.

The real importers are tested on their own; here a tiny "fake" source stands in for them
(injected through ``store.trackers.source_modules``), so these tests are about the command:
what it prints, what it writes, and how it fails.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sleepplan import cli
from sleepplan.core.errors import InputError
from sleepplan.core.objective import NIGHT_KEYS, ObjectiveNight, Skipped, night_of
from sleepplan.store import paths, trackers
from sleepplan.store.journal import Journal

PROFILE = """
schema_version = 1
name = "me"
timezone = "Europe/Berlin"
"""

FILE = """FAKE
n1;2026-11-20T23:10:00+01:00;2026-11-21T07:00:00+01:00;Ring;100
n2;2026-11-21T23:40:00+01:00;2026-11-22T06:30:00+01:00;Ring;80
test;2026-11-22T12:00:00+01:00;2026-11-22T12:05:00+01:00;Ring;0
"""


def fake_source(name: str = "oura") -> ModuleType:
    """A source reading lines ``id;start;end;device;rem``; a record of 5 minutes is skipped."""
    module = ModuleType(f"fake_{name}")
    seen: list[Sequence[str]] = []

    def sniff(head: bytes) -> bool:
        return head.startswith(b"FAKE")

    def read(
        path: Path, zone: str, progress: Any, priority: Sequence[str]
    ) -> Iterator[ObjectiveNight | Skipped]:
        seen.append(list(priority))
        lines = path.read_text().splitlines()[1:]
        for number, line in enumerate(lines, start=2):
            if line == "EIO":
                raise OSError(errno.EIO, "Input/output error", str(path))
            fields = line.split(";")
            if len(fields) != 5:
                raise InputError.single(str(path), f"line {number}", "expected 5 fields")
            record_id, start, end, device, rem = fields
            begin, finish = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)
            asleep = (finish - begin).total_seconds() / 60
            if asleep < 10:
                yield Skipped(f"line {number}", "a test recording of 5 minutes")
                continue
            if progress is not None:
                progress(number, len(lines) + 1)
            yield ObjectiveNight(
                night=night_of(begin, zone),
                source=name,
                record_id=record_id,
                device=device,
                in_bed=begin,
                sleep_onset=begin + dt.timedelta(minutes=15),
                final_wake=finish,
                out_of_bed=finish,
                asleep_min=asleep - 15,
                latency_min=15.0,
                waso_min=5.0,
                awakenings=1,
                light_min=asleep - 15 - float(rem) - 60,
                deep_min=60.0,
                rem_min=float(rem),
                awake_min=20.0,
            )

    module.SOURCE = name  # type: ignore[attr-defined]
    module.sniff = sniff  # type: ignore[attr-defined]
    module.read = read  # type: ignore[attr-defined]
    module.seen = seen  # type: ignore[attr-defined]
    return module


@pytest.fixture
def source(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = fake_source()
    monkeypatch.setattr(trackers, "source_modules", lambda: [module])
    return module


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "me.toml"
    path.write_text(PROFILE)
    return path


def export(tmp_path: Path, text: str = FILE, name: str = "export.txt") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run(capsys: pytest.CaptureFixture[str], profile: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--profile", str(profile), "tracker", *args])
    out, err = capsys.readouterr()
    return code, out, err


def stored(home: Path) -> list[ObjectiveNight]:
    with Journal(paths.journal_path(home)) as journal:
        return journal.objective_nights("me")


def test_import_shows_each_night_and_what_it_skipped_then_saves(
    source: ModuleType, profile: Path, home: Path, tmp_path: Path, capsys: Any
) -> None:
    code, out, err = run(capsys, profile, "import", str(export(tmp_path)))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["night", "source", "device", "asleep", "deep", "REM"]
    assert lines[1].split() == ["2026-11-20", "oura", "Ring", "7", "h", "35", "1", "h", "00"] + [
        "1",
        "h",
        "40",
    ]
    assert lines[2].startswith("2026-11-21  oura")
    assert "skipped" in lines[3] and "line 4: a test recording of 5 minutes" in lines[3]
    assert lines[4] == (
        "2 nights found, 1 record skipped; for profile 'me': 2 added, 0 replaced, "
        "0 unchanged (already imported)"
    )
    assert [(n.night.day, n.rem_min) for n in stored(home)] == [(20, 100.0), (21, 80.0)]


def test_importing_the_same_file_again_changes_nothing(
    source: ModuleType, profile: Path, tmp_path: Path, capsys: Any
) -> None:
    file = str(export(tmp_path))
    run(capsys, profile, "import", file)
    code, out, _ = run(capsys, profile, "import", file)
    assert code == 0
    assert out.splitlines()[-1].endswith("0 added, 0 replaced, 2 unchanged (already imported)")
    corrected = export(tmp_path, FILE.replace("Ring;80", "Ring;95"), "later.txt")
    _, out, _ = run(capsys, profile, "import", str(corrected))
    assert out.splitlines()[-1].endswith("0 added, 1 replaced, 1 unchanged (already imported)")


def test_a_dry_run_writes_nothing(
    source: ModuleType, profile: Path, home: Path, tmp_path: Path, capsys: Any
) -> None:
    code, out, _ = run(capsys, profile, "import", "--dry-run", str(export(tmp_path)))
    assert code == 0
    assert "2026-11-20  oura" in out
    assert out.splitlines()[-1] == (
        "2 nights found, 1 record skipped; nothing was written (--dry-run)"
    )
    assert stored(home) == []


def test_import_json_has_the_issues_shape(
    source: ModuleType, profile: Path, home: Path, tmp_path: Path, capsys: Any
) -> None:
    code, out, _ = run(capsys, profile, "import", "--json", str(export(tmp_path)))
    assert code == 0
    data = json.loads(out)
    assert [list(night) for night in data["nights"]] == [list(NIGHT_KEYS)] * 2
    first = data["nights"][0]
    assert first["night"] == "2026-11-20"
    assert first["in_bed"] == "2026-11-20T23:10:00+01:00"
    assert first["rem_min"] == 100.0 and first["nap"] is False
    assert data["skipped"] == [
        {"file": str(tmp_path / "export.txt"), "record": "line 4", "reason": "a test recording "
         "of 5 minutes"}
    ]  # fmt: skip
    assert data["saved"] == {"added": 2, "replaced": 0, "unchanged": 0}
    _, out, _ = run(capsys, profile, "import", "--json", "--dry-run", str(export(tmp_path)))
    assert json.loads(out)["saved"] is None


def test_a_bad_file_names_itself_and_nothing_is_written(
    source: ModuleType, profile: Path, home: Path, tmp_path: Path, capsys: Any
) -> None:
    good = export(tmp_path)
    bad = export(tmp_path, "FAKE\nn9;not enough\n", "bad.txt")
    code, out, err = run(capsys, profile, "import", str(good), str(bad))
    assert code == 2
    assert err.strip() == f"{bad}: line 2: expected 5 fields"
    assert out == ""
    assert stored(home) == []


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: p, "is a folder, not a file"),
        (lambda p: export(p, "hello\n", "notes.txt"), "is not an export sleepplan can read"),
    ],
)
def test_a_file_that_is_no_export_is_refused_by_name(
    source: ModuleType, profile: Path, tmp_path: Path, capsys: Any, make: Any, words: str
) -> None:
    path = make(tmp_path)
    code, _, err = run(capsys, profile, "import", str(path))
    assert code == 2
    assert err.startswith(f"{path}: ")
    assert words in err
    assert "Traceback" not in err


def test_an_unknown_source_is_refused(
    source: ModuleType, profile: Path, tmp_path: Path, capsys: Any
) -> None:
    code, _, err = run(capsys, profile, "import", "--source", "polar", str(export(tmp_path)))
    assert code == 2
    assert "--source" in err and "unknown source 'polar' (sources: oura)" in err


def test_a_read_error_is_the_machines_fault_naming_the_file(
    source: ModuleType, profile: Path, home: Path, tmp_path: Path, capsys: Any
) -> None:
    broken = export(tmp_path, FILE + "EIO\n", "broken.txt")
    code, out, err = run(capsys, profile, "import", str(broken))
    assert code == 1
    assert err.startswith(f"{broken}: Input/output error (EIO)")
    assert "bug" not in err and "Traceback" not in err
    assert stored(home) == []


def test_device_names_from_a_file_are_shown_harmlessly(
    source: ModuleType, profile: Path, tmp_path: Path, capsys: Any
) -> None:
    hostile = export(tmp_path, FILE.replace("Ring;100", "\x1b[2J\u202eRing;100"), "h.txt")
    code, out, _ = run(capsys, profile, "import", str(hostile))
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out
    assert "␛[2J" in out


def test_the_profiles_priority_reaches_the_importer_and_the_list(
    monkeypatch: pytest.MonkeyPatch, profile: Path, tmp_path: Path, capsys: Any
) -> None:
    oura, fitbit = fake_source("oura"), fake_source("fitbit")
    monkeypatch.setattr(trackers, "source_modules", lambda: [oura, fitbit])
    profile.write_text(PROFILE + '\n[trackers]\npriority = ["fitbit", "apple-health:Watch"]\n')
    run(capsys, profile, "import", str(export(tmp_path)))
    code, _, err = run(capsys, profile, "import", "--source", "fitbit", str(export(tmp_path)))
    assert code == 0, err
    assert fitbit.seen == [["fitbit", "apple-health:Watch"]]  # Apple Health ranks its devices
    code, out, _ = run(capsys, profile, "list")
    assert code == 0
    rows = [line for line in out.splitlines() if "2026-11-20" in line]
    assert [row.split()[:3] for row in rows] == [
        ["*", "2026-11-20", "fitbit"],
        ["2026-11-20", "oura", "Ring"],
    ]
    assert rows[1].split()[-6:] == ["0", "h", "15", "0", "h", "05"]  # latency, WASO


def test_list_without_tracker_nights_says_how_to_import(
    source: ModuleType, profile: Path, capsys: Any
) -> None:
    code, out, _ = run(capsys, profile, "list")
    assert code == 0
    assert "No tracker nights yet for profile me" in out
    code, out, _ = run(capsys, profile, "list", "--json")
    assert json.loads(out) == {"profile": "me", "nights": []}


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_the_progress_line_waits_a_second_and_only_shows_on_a_terminal() -> None:
    now = [0.0]
    terminal = FakeTerminal(tty=True)
    progress = cli._ReadProgress("big\x1b.zip", terminal, lambda: now[0])
    progress(10, 100)
    assert terminal.getvalue() == ""  # fast files say nothing
    now[0] = 1.5
    progress(50, 100)
    progress(100, 100)
    progress.finish()
    assert terminal.getvalue() == "\rreading big␛.zip: 50%\rreading big␛.zip: 100%\n"
    piped = FakeTerminal(tty=False)
    quiet = cli._ReadProgress("big.zip", piped, lambda: now[0])
    now[0] = 3.0
    quiet(50, 100)
    quiet.finish()
    assert piped.getvalue() == ""


# history --json and the exports carry the tracker nights

CHECKIN = """
night = 2026-11-20
in_bed = "22:50"
tried_sleep = "23:05"
final_wake = "06:55"
out_of_bed = "07:10"
quality = 4
kss = 4
"""


def checked_in(capsys: Any, profile: Path, tmp_path: Path) -> None:
    morning = tmp_path / "morning.toml"
    morning.write_text(CHECKIN)
    assert cli.main(["--profile", str(profile), "checkin", "--from", str(morning)]) == 0
    capsys.readouterr()


def test_history_json_carries_the_tracker_nights(
    source: ModuleType, profile: Path, tmp_path: Path, capsys: Any
) -> None:
    run(capsys, profile, "import", str(export(tmp_path)))
    checked_in(capsys, profile, tmp_path)
    assert cli.main(["--profile", str(profile), "history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["night"] for c in data["checkins"]] == ["2026-11-20"]
    assert [list(n) for n in data["objective"]] == [list(NIGHT_KEYS)] * 2
    assert [n["night"] for n in data["objective"]] == ["2026-11-20", "2026-11-21"]
    assert cli.main(["--profile", str(profile), "history", "--json", "--last", "1"]) == 0
    assert [n["night"] for n in json.loads(capsys.readouterr().out)["objective"]] == ["2026-11-21"]


def tracked_with_epochs() -> list[ObjectiveNight]:
    from tests.test_tracker_journal import tracked

    return [tracked(20), tracked(21, "apple-health", device="Apple\x1b Watch", nap=True)]


@pytest.mark.parametrize("format_name", ["json", "toml"])
def test_an_export_brings_its_tracker_nights_back(
    profile: Path, home: Path, tmp_path: Path, capsys: Any, format_name: str
) -> None:
    checked_in(capsys, profile, tmp_path)
    nights = tracked_with_epochs()
    with Journal(paths.journal_path(home)) as journal:
        journal.save_objective("me", nights, "t")
    out = tmp_path / f"backup.{format_name}"
    argv = ["--profile", str(profile), "export", "--format", format_name, "--out", str(out)]
    assert cli.main(argv) == 0
    if format_name == "json":
        entry = json.loads(out.read_text())["objective"][0]
        assert entry["record_id"] == "oura-20"
        assert entry["epochs"][0] == [
            "2026-11-20T23:00:00+01:00",
            "2026-11-20T23:20:00+01:00",
            "awake",
        ]
    other = tmp_path / "other-home"
    code = cli.main(["--home", str(other), "--profile", str(profile), "import", str(out)])
    assert code == 0, capsys.readouterr().err
    assert "imported 1 check-ins and 2 tracker nights for profile 'me'" in capsys.readouterr().out
    with Journal(paths.journal_path(other)) as journal:
        back = journal.objective_nights("me")
    assert back == nights
    assert [n.epochs for n in back] == [n.epochs for n in nights]


def test_an_export_without_tracker_nights_is_as_before(
    profile: Path, tmp_path: Path, capsys: Any
) -> None:
    checked_in(capsys, profile, tmp_path)
    assert cli.main(["--profile", str(profile), "export", "--format", "json"]) == 0
    assert list(json.loads(capsys.readouterr().out)) == ["profile", "checkins"]


@pytest.mark.parametrize(
    ("change", "place", "words"),
    [
        (("source", "polar"), "objective[0].source", "'polar' is no tracker source"),
        (("in_bed", "2026-11-20T23:00:00"), "objective[0].in_bed", "with its offset"),
        (("rem_min", -5), "objective[0].rem_min", "a number of minutes from 0"),
        (("awakenings", 1.5), "objective[0].awakenings", "a whole number"),
        (("epochs", [["2026-11-20T23:00:00+01:00"]]), "objective[0].epochs[0]", "[start, end"),
        (("colour", "red"), "objective[0].colour", "unknown key"),
    ],
)
def test_a_bad_tracker_night_in_an_import_names_its_place_and_writes_nothing(
    profile: Path, home: Path, tmp_path: Path, capsys: Any, change: Any, place: str, words: str
) -> None:
    checked_in(capsys, profile, tmp_path)
    with Journal(paths.journal_path(home)) as journal:
        journal.save_objective("me", tracked_with_epochs(), "t")
    assert cli.main(["--profile", str(profile), "export", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    data["objective"][0][change[0]] = change[1]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    other = tmp_path / "other-home"
    code = cli.main(["--home", str(other), "--profile", str(profile), "import", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"{bad}: {place}: ")
    assert words in err
    with Journal(paths.journal_path(other)) as journal:
        assert journal.objective_nights("me") == [] and journal.records("me") == []


def test_an_import_refused_for_its_check_ins_keeps_no_tracker_night(
    profile: Path, home: Path, tmp_path: Path, capsys: Any
) -> None:
    checked_in(capsys, profile, tmp_path)
    with Journal(paths.journal_path(home)) as journal:
        journal.save_objective("me", tracked_with_epochs(), "t")
    out = tmp_path / "backup.json"
    assert (
        cli.main(["--profile", str(profile), "export", "--format", "json", "--out", str(out)]) == 0
    )
    with Journal(paths.journal_path(home)) as journal:
        journal.db.execute("DELETE FROM objective_nights")
    code = cli.main(["--profile", str(profile), "import", str(out)])  # the night exists already
    assert code == 2
    assert "exists already" in capsys.readouterr().err
    assert stored(home) == []


def test_a_real_importer_reads_its_export_and_a_second_import_changes_nothing(
    profile: Path, home: Path, capsys: Any
) -> None:
    sample = Path(__file__).parent / "fixtures" / "trackers" / "saa_sleep-export.csv"
    if not sample.exists():
        pytest.skip("the Sleep as Android fixture is not there")
    code, out, err = run(capsys, profile, "import", "--json", str(sample))
    assert code == 0, err
    data = json.loads(out)
    assert data["nights"] and {n["source"] for n in data["nights"]} == {"sleep-as-android"}
    assert data["saved"]["added"] == len(data["nights"])
    code, out, _ = run(capsys, profile, "import", str(sample))
    assert code == 0
    found = len(data["nights"])
    assert out.splitlines()[-1].endswith(
        f"0 added, 0 replaced, {found} unchanged (already imported)"
    )
    assert len(stored(home)) == found


def test_the_export_of_every_profile_carries_their_tracker_nights(
    profile: Path, home: Path, tmp_path: Path, capsys: Any
) -> None:
    checked_in(capsys, profile, tmp_path)
    with Journal(paths.journal_path(home)) as journal:
        journal.save_objective("me", tracked_with_epochs(), "t")
    assert cli.main(["export", "--all", "--format", "json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["profiles"]
    assert entry["profile"] == "me"
    assert [n["record_id"] for n in entry["objective"]] == ["oura-20", "apple-health-21"]


def test_the_csv_export_puts_the_trackers_night_beside_each_check_in(
    profile: Path, home: Path, tmp_path: Path, capsys: Any
) -> None:
    import csv

    checked_in(capsys, profile, tmp_path)
    assert cli.main(["--profile", str(profile), "export", "--format", "csv"]) == 0
    plain = capsys.readouterr().out
    assert "tracker." not in plain.splitlines()[0]  # no tracker nights: the header as before
    with Journal(paths.journal_path(home)) as journal:
        journal.save_objective("me", tracked_with_epochs(), "t")
    out = tmp_path / "nights.csv"
    argv = ["--profile", str(profile), "export", "--format", "csv", "--out", str(out)]
    assert cli.main(argv) == 0
    [row] = list(csv.DictReader(out.open(newline="")))
    chosen = tracked_with_epochs()[0]  # the night's main sleep; the nap is not a night
    assert (row["night"], row["tracker.source"]) == ("2026-11-20", "oura")
    assert float(row["tracker.rem_min"]) == chosen.rem_min
    assert row["tracker.device"] == (chosen.device or "")
    # the columns are derived, like the metrics: the file imports again
    other = tmp_path / "other-home"
    code = cli.main(["--home", str(other), "--profile", str(profile), "import", str(out)])
    assert code == 0, capsys.readouterr().err
