"""Apple Health import of a 1 GiB export.xml against the standard library merely walking it.

``python benchmarks/trackers.py [--size MIB] [--runs N] [--keep]``: writes (streamed) an
``export.xml`` of SIZE MiB (1024 by default) under /tmp, shaped like a real one — Apple's DTD,
then years of days each holding a couple of thousand quantity records (heart rate with its
metadata entry, energy, steps, distance) from a Watch and an iPhone, and the night's sleep
records: the Watch's stages and in-bed span and the iPhone's in-bed span, about 1 % of all
records, a nap now and then. Then, N times each, interleaved so that whatever the machine
does meanwhile falls on both alike, in a child process each (its own peak resident memory,
VmHWM: ru_maxrss would count this process's size from the fork):

- the reference: ``xml.etree.ElementTree.XMLPullParser`` fed the file in 1 MiB chunks, every
  element's event taken and the tree cleared after each chunk — merely walking it;
- sleepplan's import: ``read_export`` (the format detected, every night built), as
  ``sleepplan tracker import`` reads the file.

It prints medians, min–max, peak memory, and the ratio to the budget of design §12 / issue 21:
the import in ≤ 0.25× the walk's time, with peak memory ≤ 100 MiB. The file is deleted after
unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import zoneinfo
from pathlib import Path
from typing import NamedTuple

ZONE = "Europe/Berlin"
FIRST_DAY = dt.date(2019, 1, 1)
QUANTITY_PER_DAY = 2160
"""Quantity records a day: with ~22 sleep records a night, sleep is about 1 % of them."""
MIB = 1024 * 1024

PROLOG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType           CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
]>
<HealthData locale="en_DE">
 <ExportDate value="2024-06-01 08:10:05 +0200"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-05-20" \
HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" \
HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"/>
"""

WATCH = (
    'sourceName="Jane’s Apple Watch" sourceVersion="10.2" device="&lt;&lt;HKDevice: '
    "0x3012772a0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, "
    'hardware:Watch6,7, software:10.2&gt;"'
)
PHONE = (
    'sourceName="Jane’s iPhone" sourceVersion="17.2.1" device="&lt;&lt;HKDevice: '
    "0x28172e3f0&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, "
    'hardware:iPhone15,2, software:17.2.1&gt;"'
)
QUANTITIES = [
    ("HKQuantityTypeIdentifierHeartRate", "count/min", WATCH, True),
    ("HKQuantityTypeIdentifierActiveEnergyBurned", "kcal", WATCH, False),
    ("HKQuantityTypeIdentifierBasalEnergyBurned", "kcal", WATCH, False),
    ("HKQuantityTypeIdentifierStepCount", "count", PHONE, False),
    ("HKQuantityTypeIdentifierDistanceWalkingRunning", "km", PHONE, False),
]
STAGE_CYCLE = [("AsleepCore", 25), ("AsleepDeep", 30), ("AsleepCore", 20), ("AsleepREM", 15)]


def clock_strings() -> list[str]:
    """``HH:MM:SS`` for every second of a day, so records are written without strftime."""
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


def apple_date(instant: dt.datetime) -> str:
    return instant.astimezone(zoneinfo.ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M:%S %z")


def sleep_record(source: str, value: str, start: dt.datetime, end: dt.datetime) -> str:
    return (
        f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" {source} '
        f'creationDate="{apple_date(end)}" startDate="{apple_date(start)}" '
        f'endDate="{apple_date(end)}" value="HKCategoryValueSleepAnalysis{value}">\n'
        f'  <MetadataEntry key="HKTimeZone" value="{ZONE}"/>\n </Record>\n'
    )


def night_records(day: dt.date, index: int) -> list[str]:
    """A night from ``day``'s evening: the Watch's in-bed span and stages, the iPhone's."""
    zone = zoneinfo.ZoneInfo(ZONE)
    # the arithmetic in UTC: across a DST change, wall-clock arithmetic would go back in time
    evening = dt.datetime.combine(day, dt.time(22, 30), zone).astimezone(dt.UTC)
    in_bed = evening + dt.timedelta(minutes=index % 50)
    at = in_bed + dt.timedelta(minutes=12)
    records = []
    for cycle in range(5):
        for value, minutes in STAGE_CYCLE:
            end = at + dt.timedelta(minutes=minutes - cycle * 2)
            records.append(sleep_record(WATCH, value, at, end))
            at = end
        if cycle in (1, 3):
            end = at + dt.timedelta(minutes=3)
            records.append(sleep_record(WATCH, "Awake", at, end))
            at = end
    out = at + dt.timedelta(minutes=8)
    records.append(sleep_record(WATCH, "InBed", in_bed, out))
    records.append(sleep_record(PHONE, "InBed", in_bed - dt.timedelta(minutes=5), out))
    if index % 7 == 3:  # a nap after lunch, now and then
        nap = dt.datetime.combine(day, dt.time(14, 10), zone)
        records.append(sleep_record(WATCH, "AsleepCore", nap, nap + dt.timedelta(minutes=35)))
    return records


def write_export(path: Path, size: int) -> tuple[int, int, int]:
    """Write an export of about ``size`` bytes, day by day; (days, records, sleep records)."""
    clocks = clock_strings()
    zone = zoneinfo.ZoneInfo(ZONE)
    days = records = sleeps = written = 0
    with path.open("w", encoding="utf-8") as out:
        written += out.write(PROLOG)
        while written < size:
            day = FIRST_DAY + dt.timedelta(days=days)
            offset = dt.datetime.combine(day, dt.time(12), zone).strftime("%z")
            lines = quantity_records(day.isoformat(), offset, clocks, days)
            night = night_records(day, days)
            lines.extend(night)
            written += out.write("".join(lines))
            records += len(lines)
            sleeps += len(night)
            days += 1
        out.write("</HealthData>\n")
    return days, records, sleeps


def quantity_records(date: str, offset: str, clocks: list[str], seed: int) -> list[str]:
    lines = []
    for j in range(QUANTITY_PER_DAY):
        kind, unit, source, metadata = QUANTITIES[j % len(QUANTITIES)]
        second = j * 86400 // QUANTITY_PER_DAY
        start, end = clocks[second], clocks[min(second + 30, 86399)]
        value = 55 + (j * 7 + seed) % 60
        head = (
            f' <Record type="{kind}" {source} unit="{unit}" '
            f'creationDate="{date} {end} {offset}" startDate="{date} {start} {offset}" '
            f'endDate="{date} {end} {offset}" value="{value}"'
        )
        if metadata:
            lines.append(
                head + '>\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" '
                'value="0"/>\n </Record>\n'
            )
        else:
            lines.append(head + "/>\n")
    return lines


PEAK = """
def PEAK_KIB():
    # The process's own high-water mark: ru_maxrss would start from the parent's size.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
"""Every child's peak resident memory, in KiB."""

WALK = (
    PEAK
    + """
import sys, time
from xml.etree.ElementTree import XMLPullParser

started = time.perf_counter()
parser = XMLPullParser(events=("start",))
root = None
elements = 0
with open(sys.argv[1], "rb") as export:
    while chunk := export.read(1024 * 1024):
        parser.feed(chunk)
        for _event, element in parser.read_events():
            elements += 1
            if root is None:
                root = element
        if root is not None:
            root.clear()  # what is walked is not kept: memory stays flat
parser.close()
seconds = time.perf_counter() - started
print(seconds, PEAK_KIB(), elements)
"""
)
"""The reference: the standard library's pull parser merely walking the file."""

IMPORT = (
    PEAK
    + """
import sys, time
from pathlib import Path

started = time.perf_counter()
from sleepplan.core.objective import ObjectiveNight
from sleepplan.store.trackers import read_export

nights = skipped = 0
for item in read_export(Path(sys.argv[1]), "Europe/Berlin", progress=lambda done, total: None):
    if isinstance(item, ObjectiveNight):
        nights += 1
    else:
        skipped += 1
seconds = time.perf_counter() - started
print(seconds, PEAK_KIB(), nights, skipped)
"""
)
"""sleepplan's import, as `sleepplan tracker import` reads the file."""


class Run(NamedTuple):
    """One run of a child: seconds, peak resident MiB, and what it counted."""

    seconds: float
    memory: float
    counts: list[int]


def run_child(program: str, path: Path) -> Run:
    done = subprocess.run(
        [sys.executable, "-c", program, str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"a child failed:\n{done.stderr}")
    seconds, memory_kib, *counts = done.stdout.split()
    return Run(float(seconds), int(memory_kib) / 1024, [int(c) for c in counts])


def warm_cache(path: Path) -> None:
    """Read the file once, so both programs find it in the page cache."""
    with path.open("rb") as export:
        while export.read(16 * MIB):
            pass


def report(name: str, runs: list[Run]) -> str:
    seconds = [r.seconds for r in runs]
    return (
        f"{name:<34} median {statistics.median(seconds):7.2f} s "
        f"({min(seconds):.2f}–{max(seconds):.2f}, {len(runs)} runs)   "
        f"peak {max(r.memory for r in runs):6.1f} MiB"
    )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--size", type=int, default=1024, help="the export's size in MiB")
    options.add_argument("--runs", type=int, default=3, help="timed runs of each program")
    options.add_argument("--keep", action="store_true", help="keep the generated file")
    args = options.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sleepplan-trackers-", dir="/tmp"))
    export = folder / "export.xml"
    try:
        days, records, sleeps = write_export(export, args.size * MIB)
        print(
            f"wrote {export.stat().st_size / MIB:,.0f} MiB: {days:,} days, {records:,} records, "
            f"{sleeps:,} of them sleep ({100 * sleeps / records:.2f} %)"
        )
        warm_cache(export)
        walks: list[Run] = []
        imports: list[Run] = []
        for _ in range(args.runs):  # interleaved, so the machine's drift affects both alike
            walks.append(run_child(WALK, export))
            imports.append(run_child(IMPORT, export))
        print(report("XMLPullParser walking it", walks))
        print(report("sleepplan's Apple Health import", imports))
        nights, skipped = imports[-1].counts
        print(f"imported {nights:,} nights and naps, {skipped:,} records skipped")
        ratio = statistics.median(r.seconds for r in imports) / statistics.median(
            r.seconds for r in walks
        )
        fastest = min(r.seconds for r in imports) / min(r.seconds for r in walks)
        peak = max(r.memory for r in imports)
        print(f"import time   {ratio:.3f}× the walk (budget ≤ 0.25×); fastest runs {fastest:.3f}×")
        print(f"peak memory   {peak:.1f} MiB (budget ≤ 100 MiB)")
    finally:
        if args.keep:
            print(f"kept {export}")
        else:
            export.unlink(missing_ok=True)
            os.rmdir(folder)


if __name__ == "__main__":
    main()
