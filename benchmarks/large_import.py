"""Large imports: seconds and peak memory of `sleepplan import` at ten years and at the row cap.

``python benchmarks/large_import.py [NIGHTS ...]`` builds exports of ten years of nights and of
``MAX_IMPORT_NIGHTS`` (or of the NIGHTS given) with the real export functions, from check-ins
scored by the real check-in path, and imports each (CSV, JSON, TOML) into a fresh home in a
child process: the wall time and the child's peak resident memory. Then three files made to
strain the caps: a million-row, 13 MB CSV, which the row cap must refuse quickly; the cap's
nights with notes filling the byte cap; and a JSON of nothing but empty objects.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import FIXED_NOW
from ten_years import NIGHTS as TEN_YEARS
from ten_years import morning

from sleepplan.core.checkin import CheckinAnswers, checkin_record, evaluate
from sleepplan.store import exports
from sleepplan.store.profiles import ensure_home, load_profile

ZONE = "Europe/Berlin"
MILLION = 1_000_000
FORMATS = ("csv", "json", "toml")


def scored_records(nights: int, seed: int = 7) -> list[dict[str, Any]]:
    """``nights`` plausible check-ins, each scored as `sleepplan checkin` would store it."""
    rng = random.Random(seed)
    first = dt.date(2016, 11, 23)
    return [
        checkin_record(
            evaluate(CheckinAnswers.model_validate(morning(first + dt.timedelta(i), rng)), ZONE)
        )
        for i in range(nights)
    ]


def write_exports(folder: Path, nights: int) -> dict[str, Path]:
    """The CSV, JSON and TOML exports of ``nights`` check-ins of the example profile."""
    home = folder / "source-home"
    ensure_home(home)
    profile = load_profile(home / "profiles" / "example.toml").profile
    records = scored_records(nights)
    texts = {
        "csv": exports.export_csv(records),
        "json": exports.export_json(profile.name, records),
        "toml": exports.export_toml(profile, records),
    }
    files = {}
    for fmt, text in texts.items():
        files[fmt] = folder / f"{nights}.{fmt}"
        files[fmt].write_text(text, encoding="utf-8")
    return files


def write_million_rows(path: Path) -> None:
    """A CSV of a million distinct nights, a score each: 13 MB, under the byte cap."""
    first = dt.date(1990, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write("night,kss\n")
        for i in range(MILLION):
            out.write(f"{(first + dt.timedelta(i)).isoformat()},{1 + i % 9}\n")


CHILD = """
import sys
from sleepplan.cli import main
code = main(sys.argv[1:])
status = open("/proc/self/status").read()
peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
print(f"peak-kib {peak}", file=sys.stderr)
sys.exit(code)
"""
"""`sleepplan` in a child that reports its own peak resident memory (``VmHWM``: unlike
``ru_maxrss``, it does not count what the parent held when it forked the child)."""


def write_fullest_json(path: Path, nights: int) -> None:
    """``nights`` check-ins whose notes fill the file to just under the byte cap.

    One note holds a character outside the BMP, so Python keeps the whole text at four bytes a
    character: the most memory a file under the caps can take to parse.
    """
    filler = "x" * (exports.MAX_IMPORT_BYTES // nights - 100)
    first = dt.date(1990, 1, 1)
    checkins = [
        {"night": (first + dt.timedelta(i)).isoformat(), "kss": 5, "notes": filler}
        for i in range(nights)
    ]
    checkins[0]["notes"] = "\U0001f634" + filler[1:]
    path.write_text(exports.export_json("example", checkins), encoding="utf-8")


def write_tiny_objects_json(path: Path) -> None:
    """Empty objects up to the byte cap: each of 3 bytes takes 72 bytes of memory once parsed."""
    count = (exports.MAX_IMPORT_BYTES - 20) // 3
    path.write_text('{"checkins": [' + "{}," * count + "{}]}", encoding="utf-8")


def timed_import(file: Path, home: Path) -> tuple[int, float, float, str]:
    """Import ``file`` into ``home`` in a child process: exit code, seconds, peak MiB, output."""
    env = dict(os.environ, SLEEPPLAN_NOW=FIXED_NOW, TZ=ZONE)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, "--home", str(home), "import", str(file)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - started
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    peaks = [int(line.split()[1]) for line in lines if line.startswith("peak-kib ")]
    output = "\n".join(line for line in lines if not line.startswith("peak-kib "))
    return result.returncode, elapsed, (peaks[-1] if peaks else 0) / 1024, output.strip()


def report(name: str, file: Path, home: Path) -> None:
    """One line: what was imported, its size, exit code, seconds and peak memory."""
    code, seconds, peak_mib, output = timed_import(file, home)
    size = file.stat().st_size / 1024 / 1024
    last = output.splitlines()[-1] if output else ""
    print(
        f"{name:<28} {size:7.1f} MiB  exit {code}  {seconds:7.2f} s  peak {peak_mib:7.1f} MiB"
        f"  | {last[:90]}",
        flush=True,
    )


def main() -> None:
    """Build each size's exports, import each into a fresh home, then the million-row CSV."""
    cap = getattr(exports, "MAX_IMPORT_NIGHTS", None)
    sizes = [int(arg) for arg in sys.argv[1:]] or [TEN_YEARS, *([cap] if cap else [])]
    folder = Path(tempfile.mkdtemp(prefix="large-import-"))
    print(f"row cap: {cap}, byte cap: {exports.MAX_IMPORT_BYTES / 1024 / 1024:g} MiB")
    for nights in sizes:
        started = time.perf_counter()
        files = write_exports(folder, nights)
        print(f"built exports of {nights} nights in {time.perf_counter() - started:.1f} s")
        for fmt in FORMATS:
            report(f"{nights} nights, {fmt}", files[fmt], folder / f"home-{nights}-{fmt}")
    million = folder / "million.csv"
    write_million_rows(million)
    report(f"{MILLION} rows, csv", million, folder / "home-million")
    if cap:
        fullest = folder / "fullest.json"
        write_fullest_json(fullest, cap)
        report(f"{cap} nights of long notes, json", fullest, folder / "home-fullest")
    tiny = folder / "tiny-objects.json"
    write_tiny_objects_json(tiny)
    report("empty objects, json", tiny, folder / "home-tiny")


if __name__ == "__main__":
    main()
