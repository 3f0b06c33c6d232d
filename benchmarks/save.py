"""Saving a check-in, durably (design §12: ≤ 20 ms).

``python benchmarks/save.py [RUNS]``: builds a home with ten years of check-ins
(benchmarks/ten_years.py, through the real import path), then saves RUNS new nights into its
journal each way, every record built as `sleepplan checkin` builds it (``parse_checkin``,
``evaluate``, ``checkin_record``):

- ``Journal.save`` on a journal kept open: the store API alone;
- the whole save as the app (and `sleepplan checkin`) does it: open the journal, save, read the
  recent mornings, close — the save is only reported once all of it returned.

The journal is WAL with ``synchronous = FULL``, so a returned save is on disk. Each phase is
interleaved, round by round, with a reference measured alongside: a small ``os.write`` and
``os.fsync`` of a file in the same folder, the least any durable save costs on this disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import runs_from_argv, summary, ten_year_home, time_calls, time_interleaved

from sleepplan.core.checkin import checkin_record, evaluate, parse_checkin
from sleepplan.core.errors import InputError
from sleepplan.store import paths
from sleepplan.store.clock import system_zone
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import LoadedProfile, load_profile, profile_path

BUDGET_MS = 20
WARMUP = 3
CHECKIN_FILE = """\
night = {night}
in_bed = "22:50"
tried_sleep = "23:05"
sol_min = {sol}
awakenings = 1
waso_min = {waso}
final_wake = "06:55"
out_of_bed = "07:10"
quality = {quality}
getting_to_sleep = 60
sleep_quality = 55
waking_up = 50
feel_now = 45
kss = {kss}
effects = ["vivid_dreams"]
confounders = []
taken = [{{ compound = "magnesium-glycinate", amount_mg = 200, at = "22:00" }}]
notes = "benchmark"
"""
"""A morning's check-in file (design §7), a little different every night."""


def build_record(loaded: LoadedProfile, night: dt.date, rng: random.Random) -> dict[str, Any]:
    """A record, as `sleepplan checkin --from FILE` builds it from a file naming what was taken."""
    source = "benchmark-checkin.toml"
    text = CHECKIN_FILE.format(
        night=night.isoformat(),
        sol=rng.randint(5, 60),
        waso=rng.randint(0, 60),
        quality=rng.randint(1, 5),
        kss=rng.randint(1, 9),
    )
    profile = loaded.profile
    answers = parse_checkin(text, source)
    unknown = [
        (f"taken[{i}].compound", loaded.catalog.unknown_message(dose.compound))
        for i, dose in enumerate(answers.taken or ())
        if dose.compound not in loaded.catalog
    ]
    if unknown:
        raise InputError(source, unknown)
    zone = profile.timezone or system_zone()
    return checkin_record(evaluate(answers, zone, profile.sleep_need_min, source))


def filesystem_of(path: Path) -> str:
    """The type of the file system holding ``path`` (fsync on tmpfs would prove nothing)."""
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return "unknown"
    best, kind = "", "unknown"
    resolved = str(path.resolve())
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1]
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, fields[2]
    return kind


@contextlib.contextmanager
def fsync_reference(folder: Path) -> Iterator[Any]:
    """A small ``os.write`` (appended, as SQLite appends to its WAL) and ``os.fsync``."""
    fd = os.open(folder / "fsync-reference", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    payload = b"x" * 512

    def write_and_sync() -> None:
        os.write(fd, payload)
        os.fsync(fd)

    try:
        yield write_and_sync
    finally:
        os.close(fd)


def ratio_line(name: str, times: list[float], reference: list[float]) -> str:
    """How many reference fsyncs a save costs (medians)."""
    return f"  {name}: {statistics.median(times) / statistics.median(reference):.1f}× the fsync"


def main() -> None:
    runs = runs_from_argv(200)
    home, seconds = ten_year_home()
    journal_file = paths.journal_path(home)
    loaded = load_profile(profile_path(home, None), paths.cache_dir(home))
    name = loaded.profile.name
    with Journal(journal_file) as journal:
        existing = journal.history(name)
        settings = [
            str(journal.db.execute(f"PRAGMA {pragma}").fetchone()[0])
            for pragma in ("journal_mode", "synchronous")
        ]
    if settings != ["wal", "2"]:  # synchronous 2 is FULL
        raise SystemExit(f"the journal is not WAL + synchronous=FULL: {settings}")
    print(
        f"built a home with {len(existing)} check-ins of {name!r} in {seconds:.1f} s "
        f"on {filesystem_of(home)}; journal_mode=wal, synchronous=FULL"
    )

    rng = random.Random(20)
    nights = iter(
        dt.date.fromisoformat(existing[0].night) + dt.timedelta(days=i) for i in range(1, 10**6)
    )
    recorded_at = os.environ["SLEEPPLAN_NOW"]
    print(
        summary(
            "building the record (parse, evaluate, checkin_record)",
            time_calls(lambda: build_record(loaded, next(nights), rng), 50),
        )
    )
    pending = [build_record(loaded, next(nights), rng) for _ in range(2 * (WARMUP + runs))]
    records = iter(pending)

    with fsync_reference(journal_file.parent) as reference, Journal(journal_file) as journal:

        def save() -> None:
            journal.save(name, next(records), recorded_at)

        store_api = time_interleaved({"fsync": reference, "save": save}, runs, WARMUP)

    recent: list[float] = []

    def save_as_the_app() -> None:
        record = next(records)
        with Journal(journal_file) as journal:
            journal.save(name, record, recorded_at)
            recent[:] = journal.recent_mornings(name, record["night"])

    with fsync_reference(journal_file.parent) as reference:
        app_path = time_interleaved({"fsync": reference, "save": save_as_the_app}, runs, WARMUP)

    with Journal(journal_file) as journal:
        saved = len(journal.history(name)) - len(existing)
        last = journal.get(name, pending[-1]["night"])
    if saved != len(pending) or last is None or last.record != pending[-1] or len(recent) != 7:
        raise SystemExit(f"the saves did not all land: {saved} of {len(pending)}")

    print(summary("Journal.save (journal kept open)", store_api["save"], BUDGET_MS))
    print(summary("  reference: os.write + os.fsync", store_api["fsync"]))
    print(ratio_line("Journal.save", store_api["save"], store_api["fsync"]))
    print(
        summary("save as the app does it (open, save, recent, close)", app_path["save"], BUDGET_MS)
    )
    print(summary("  reference: os.write + os.fsync", app_path["fsync"]))
    print(ratio_line("the app's save", app_path["save"], app_path["fsync"]))


if __name__ == "__main__":
    main()
