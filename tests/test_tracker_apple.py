"""store/trackers/apple_health.py: Apple Health's export.xml and export.zip (design §15)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped
from sleepplan.store import trackers
from sleepplan.store.trackers import apple_health, apple_health_scan

SHARED = Path(__file__).resolve().parents[2] / "shared" / "trackers"
ZONE = "Europe/Berlin"
WATCH = "Jane’s Apple Watch"
PHONE = "Jane’s iPhone"
WATCH_DEVICE = (
    "&lt;&lt;HKDevice: 0x3012772a0&gt;, name:Apple Watch, manufacturer:Apple Inc., "
    "model:Watch, hardware:Watch6,7, software:10.2&gt;"
)
DOCTYPE = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
]>
"""


def sleep(source: str, value: str, start: str, end: str, *, device: str = "") -> str:
    """A sleep record as Apple writes it (start and end as ``2026-11-23 23:00:00 +0100``)."""
    shown = "Jane&#8217;s iPhone" if source == PHONE else source  # a character reference
    extra = f' device="{device}"' if device else ""
    return (
        f'<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{shown}" '
        f'sourceVersion="10.2"{extra} creationDate="{end}" startDate="{start}" '
        f'endDate="{end}" value="HKCategoryValueSleepAnalysis{value}">\n'
        f'  <MetadataEntry key="HKTimeZone" value="{ZONE}"/>\n</Record>\n'
    )


def watch(value: str, start: str, end: str) -> str:
    return sleep(WATCH, value, start, end, device=WATCH_DEVICE)


def heart_rate(at: str) -> str:
    return (
        f'<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="{WATCH}" '
        f'device="{WATCH_DEVICE}" unit="count/min" creationDate="{at}" startDate="{at}" '
        f'endDate="{at}" value="61">\n'
        '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n</Record>\n'
    )


def export(*records: str, prolog: str = DOCTYPE) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + prolog
        + '<HealthData locale="de_DE">\n<ExportDate value="2026-11-27 08:00:00 +0100"/>\n'
        + "".join(records)
        + "</HealthData>\n"
    )


NIGHT = [
    # the Watch: in bed 23:00–07:00, stages across midnight, an Awake past the in-bed end
    watch("InBed", "2026-11-23 23:00:00 +0100", "2026-11-24 07:00:00 +0100"),
    heart_rate("2026-11-23 23:10:00 +0100"),
    watch("AsleepCore", "2026-11-23 23:20:00 +0100", "2026-11-24 00:20:00 +0100"),
    watch("AsleepDeep", "2026-11-24 00:20:00 +0100", "2026-11-24 01:20:00 +0100"),
    watch("Awake", "2026-11-24 01:20:00 +0100", "2026-11-24 01:30:00 +0100"),
    watch("AsleepREM", "2026-11-24 01:30:00 +0100", "2026-11-24 02:30:00 +0100"),
    watch("AsleepCore", "2026-11-24 02:30:00 +0100", "2026-11-24 06:50:00 +0100"),
    watch("Awake", "2026-11-24 06:50:00 +0100", "2026-11-24 07:05:00 +0100"),
    # the iPhone's in-bed span of the same night: never added to the Watch's
    sleep(PHONE, "InBed", "2026-11-23 22:55:00 +0100", "2026-11-24 07:02:00 +0100"),
]
NAP = [watch("AsleepCore", "2026-11-24 14:10:00 +0100", "2026-11-24 14:45:00 +0100")]
AFTER_MIDNIGHT = [sleep(PHONE, "Asleep", "2026-11-25 00:40:00 +0100", "2026-11-25 07:10:00 +0100")]
DST = [  # Europe/Berlin springs forward at 02:00 on 2026-03-29
    watch("AsleepCore", "2026-03-28 23:00:00 +0100", "2026-03-29 03:30:00 +0200"),
    watch("AsleepREM", "2026-03-29 03:30:00 +0200", "2026-03-29 06:00:00 +0200"),
]
ALL = NIGHT + NAP + AFTER_MIDNIGHT + DST


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M %z")


def write(tmp_path: Path, text: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_zip(tmp_path: Path, text: str, member: str = apple_health.EXPORT_MEMBER) -> Path:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, text)
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
    return path


def read(path: Path, priority: tuple[str, ...] = ()) -> list[ObjectiveNight | Skipped]:
    return list(apple_health.read(path, ZONE, None, priority))


def nights(path: Path, priority: tuple[str, ...] = ()) -> list[ObjectiveNight]:
    return [item for item in read(path, priority) if isinstance(item, ObjectiveNight)]


def skipped(path: Path, priority: tuple[str, ...] = ()) -> list[Skipped]:
    return [item for item in read(path, priority) if isinstance(item, Skipped)]


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def refusal(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read(path)
    message = caught.value.render()
    assert str(path) in message
    return message


# --- reading --------------------------------------------------------------------------------


def test_sniff_recognises_xml_and_zip_by_content(tmp_path: Path) -> None:
    xml = write(tmp_path, export(*NIGHT), name="anything.txt")
    archive = write_zip(tmp_path, export(*NIGHT))
    assert apple_health.sniff(xml.read_bytes()[: trackers.HEAD_BYTES])
    assert apple_health.sniff(archive.read_bytes()[: trackers.HEAD_BYTES])
    assert trackers.detect(xml) is apple_health
    assert trackers.detect(archive) is apple_health
    assert not apple_health.sniff(b'[{"calendarDate": "2023-03-21"}]')
    assert not apple_health.sniff(b"PK\x03\x04\x14\x00\x00\x00other/file.json")


def test_one_recorder_per_night_the_watch_with_stages_over_the_phone(tmp_path: Path) -> None:
    [night] = nights(write(tmp_path, export(*NIGHT)))
    assert night.night == dt.date(2026, 11, 23)
    assert (night.source, night.device, night.nap) == ("apple-health", WATCH, False)
    assert night.in_bed == at("2026-11-23 23:00 +0100")
    assert night.sleep_onset == at("2026-11-23 23:20 +0100")
    assert night.final_wake == at("2026-11-24 06:50 +0100")
    assert night.out_of_bed == at("2026-11-24 07:00 +0100")
    assert night.asleep_min == 440  # 60 + 60 + 60 + 260: the phone's span is not added
    assert (night.latency_min, night.waso_min, night.awakenings) == (20, 10, 1)
    assert (night.light_min, night.deep_min, night.rem_min) == (320, 60, 60)
    assert night.awake_min == 25  # the Awake past the in-bed end counts
    assert night.record_id == f"{WATCH}|2026-11-23T22:00:00Z"
    [phone] = skipped(write(tmp_path, export(*NIGHT)))
    assert PHONE in phone.record
    assert phone.reason == f"another recorder kept for this night: {WATCH}"


def test_priority_chooses_the_recorder(tmp_path: Path) -> None:
    path = write(tmp_path, export(*NIGHT))
    for entry in (PHONE, f"apple-health:{PHONE}", PHONE.upper()):
        [night] = nights(path, priority=("Oura Ring", entry, WATCH))
        assert night.device == PHONE
        assert (night.in_bed, night.out_of_bed) == (
            at("2026-11-23 22:55 +0100"),
            at("2026-11-24 07:02 +0100"),
        )
        assert night.asleep_min is None  # an in-bed span alone says nothing of sleep
        [other] = skipped(path, priority=(entry,))
        assert other.reason == f"another recorder kept for this night: {PHONE}"


def test_a_nap_is_kept_apart_from_the_night(tmp_path: Path) -> None:
    found = nights(write(tmp_path, export(*NIGHT, *NAP)))
    nap = next(n for n in found if n.nap)
    assert (nap.night, nap.device, nap.asleep_min) == (dt.date(2026, 11, 24), WATCH, 35)
    assert [n.night for n in found if not n.nap] == [dt.date(2026, 11, 23)]


def test_nap_rule_is_the_one_every_source_follows(tmp_path: Path) -> None:
    """Under 4 h, starting 06:00–20:00 (core.objective.looks_like_nap)."""
    long_day_sleep = watch("AsleepCore", "2026-11-24 11:00:00 +0100", "2026-11-24 15:30:00 +0100")
    late_evening = watch("AsleepCore", "2026-11-24 20:30:00 +0100", "2026-11-24 21:30:00 +0100")
    before_six = watch("AsleepCore", "2026-11-24 05:30:00 +0100", "2026-11-24 07:30:00 +0100")
    for record in (long_day_sleep, late_evening, before_six):
        [night] = nights(write(tmp_path, export(record)))
        assert not night.nap
    afternoon = watch("AsleepCore", "2026-11-24 11:00:00 +0100", "2026-11-24 14:30:00 +0100")
    [night] = nights(write(tmp_path, export(afternoon)))
    assert night.nap


def test_a_night_begun_after_midnight_belongs_to_the_evening_before(tmp_path: Path) -> None:
    [night] = nights(write(tmp_path, export(*AFTER_MIDNIGHT)))
    assert night.night == dt.date(2026, 11, 24)
    assert night.device == PHONE  # named through a character reference
    assert night.asleep_min == 390
    assert (night.light_min, night.deep_min, night.rem_min) == (None, None, None)  # unstaged


def test_a_night_across_the_spring_dst_change_counts_real_minutes(tmp_path: Path) -> None:
    [night] = nights(write(tmp_path, export(*DST)))
    assert night.night == dt.date(2026, 3, 28)
    assert night.asleep_min == 360  # 23:00 to 06:00 on the wall clock, one hour less in fact
    assert (night.light_min, night.rem_min) == (210, 150)


def test_a_night_broken_by_a_long_wake_stays_one_night(tmp_path: Path) -> None:
    halves = [
        watch("AsleepCore", "2026-11-23 23:00:00 +0100", "2026-11-24 01:00:00 +0100"),
        watch("AsleepCore", "2026-11-24 02:30:00 +0100", "2026-11-24 06:00:00 +0100"),
    ]
    [night] = nights(write(tmp_path, export(*halves)))
    assert (night.night, night.asleep_min) == (dt.date(2026, 11, 23), 330)
    assert night.final_wake == at("2026-11-24 06:00 +0100")


def test_one_recorder_per_nap_where_two_recorded_it(tmp_path: Path) -> None:
    phone_nap = sleep(PHONE, "Asleep", "2026-11-24 14:00:00 +0100", "2026-11-24 14:50:00 +0100")
    [nap] = nights(write(tmp_path, export(*NAP, phone_nap)))
    assert (nap.nap, nap.device) == (True, WATCH)
    [other] = skipped(write(tmp_path, export(*NAP, phone_nap)))
    assert other.reason == f"another recorder kept for this nap: {WATCH}"


def test_every_night_of_the_fixture_records_in_any_order(tmp_path: Path) -> None:
    forward = nights(write(tmp_path, export(*ALL)))
    backward = nights(write(tmp_path, export(*reversed(ALL)), name="reversed.xml"))
    assert [(n.night, n.device, n.nap) for n in forward] == [
        (dt.date(2026, 3, 28), WATCH, False),
        (dt.date(2026, 11, 23), WATCH, False),
        (dt.date(2026, 11, 24), WATCH, True),
        (dt.date(2026, 11, 24), PHONE, False),
    ]
    assert forward == backward


def test_chunk_boundaries_anywhere_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, export(*ALL))
    whole = read(path)
    for size in (1, 7, 64, 333):
        monkeypatch.setattr(apple_health_scan, "CHUNK_BYTES", size)
        assert read(path) == whole


def test_the_zip_is_read_without_extracting(tmp_path: Path) -> None:
    xml = write(tmp_path, export(*ALL))
    archive = write_zip(tmp_path, export(*ALL))
    assert read(archive) == read(xml)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.xml", "export.zip"]


def test_progress_is_told_as_the_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apple_health_scan, "CHUNK_BYTES", 1024)
    filler = [heart_rate("2026-11-23 12:00:00 +0100")] * 20
    path = write(tmp_path, export(*filler, *NIGHT))
    told: list[tuple[int, int]] = []
    list(apple_health.read(path, ZONE, lambda done, total: told.append((done, total)), ()))
    size = path.stat().st_size
    assert len(told) == -(-size // 1024)
    assert [done for done, _ in told] == sorted(done for done, _ in told)
    assert told[-1] == (size, size)


def test_records_it_cannot_use_are_skipped_with_their_line(tmp_path: Path) -> None:
    odd = sleep(WATCH, "Dozing", "2026-11-24 14:10:00 +0100", "2026-11-24 14:45:00 +0100")
    backwards = watch("AsleepCore", "2026-11-24 14:45:00 +0100", "2026-11-24 14:10:00 +0100")
    undated = watch("AsleepCore", "2026-11-24T14:10:00Z", "2026-11-24 14:45:00 +0100")
    text = export(odd, backwards, undated)
    path = write(tmp_path, text)
    lines = [line_of(text, record) for record in (odd, backwards, undated)]
    assert [(s.record, s.reason) for s in skipped(path)] == [
        (
            f"sleep record at line {lines[0]}",
            "unknown sleep value 'HKCategoryValueSleepAnalysisDozing'",
        ),
        (f"sleep record at line {lines[1]}", "ends before it starts"),
        (
            f"sleep record at line {lines[2]}",
            "no startDate/endDate in the form 2024-01-31 23:05:00 +0100",
        ),
    ]
    assert nights(path) == []


# --- hostile files --------------------------------------------------------------------------


def test_billion_laughs_is_refused_before_anything_expands(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    prolog = f"<!DOCTYPE HealthData [{entities}]>\n"
    path = write(tmp_path, export(sleep(PHONE, "InBed", "&lol9;", "&lol9;"), prolog=prolog))
    message = refusal(path)
    assert "line 2" in message
    assert "declares the entity 'lol'" in message


@pytest.mark.parametrize(
    ("prolog", "expected"),
    [
        (
            '<!DOCTYPE HealthData [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
            "declares the entity 'xxe'",
        ),
        (
            '<!DOCTYPE HealthData [<!ENTITY % remote SYSTEM "http://example.org/x.dtd">%remote;]>\n',
            "declares the entity 'remote'",
        ),
        (
            '<!DOCTYPE HealthData SYSTEM "http://example.org/health.dtd">\n',
            "refers to an external DTD",
        ),
    ],
)
def test_external_entities_and_dtds_are_refused_never_fetched(
    tmp_path: Path, prolog: str, expected: str
) -> None:
    path = write(tmp_path, export(sleep(PHONE, "InBed", "&xxe;", "&xxe;"), prolog=prolog))
    message = refusal(path)
    assert f"line 2: the DOCTYPE {expected}" in message


def test_an_undeclared_entity_in_a_record_is_refused(tmp_path: Path) -> None:
    record = sleep("&xxe;", "InBed", "2026-11-23 23:00:00 +0100", "2026-11-24 07:00:00 +0100")
    text = export(*NIGHT, record)
    message = refusal(write(tmp_path, text))
    assert f"line {line_of(text, record)}:" in message
    assert "&xxe; is not one XML defines" in message


def test_a_broken_record_tag_is_refused_with_its_line(tmp_path: Path) -> None:
    broken = '<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName=bare>\n</Record>\n'
    text = export(*NIGHT, broken)
    message = refusal(write(tmp_path, text))
    assert f"line {line_of(text, broken)}: a <Record> tag that is not well-formed XML" in message


def test_a_truncated_xml_is_refused_with_where_it_ends(tmp_path: Path) -> None:
    text = export(*NIGHT)
    cut = text.index("AsleepREM")
    message = refusal(write(tmp_path, text[:cut]))
    assert f"line {text[:cut].count(chr(10)) + 1}" in message
    assert "truncated" in message


def test_a_file_truncated_inside_its_doctype_is_refused(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, export(*NIGHT)[:200]))
    assert "ends before its <HealthData> element" in message


def test_another_encoding_is_refused(tmp_path: Path) -> None:
    text = export(*NIGHT).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    assert "Apple writes UTF-8" in refusal(write(tmp_path, text))


def test_a_tag_longer_than_any_export_has_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apple_health_scan, "CHUNK_BYTES", 256)
    monkeypatch.setattr(apple_health_scan, "MAX_TAG_BYTES", 4096)
    endless = '<Record type="HKQuantityTypeIdentifierHeartRate" note="' + "x" * 10_000 + '"/>\n'
    message = refusal(write(tmp_path, export(*NIGHT, endless)))
    assert "a tag too long" in message


def test_too_many_sleep_records_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apple_health_scan, "MAX_SLEEP_RECORDS", 5)
    assert "more than 5 sleep records" in refusal(write(tmp_path, export(*NIGHT)))


def test_a_night_of_too_many_records_or_a_day_long_block_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apple_health, "MAX_RECORDS_PER_NIGHT", 5)
    [too_many] = [s for s in skipped(write(tmp_path, export(*NIGHT))) if WATCH in s.record]
    assert too_many.reason == "more than 5 records in one night"
    monkeypatch.undo()
    days = [
        watch("AsleepCore", f"2026-11-{day} 00:00:00 +0100", f"2026-11-{day + 1} 00:00:00 +0100")
        for day in (20, 21)
    ]
    [endless] = skipped(write(tmp_path, export(*days)))
    assert endless.reason == "they run without a break for more than 24 hours: not a night"


def test_scan_refuses_more_bytes_than_the_zip_declared() -> None:
    where = apple_health_scan.Where("export.zip", apple_health.EXPORT_MEMBER)
    data = export(*NIGHT).encode()
    scan = apple_health_scan.Scan(where, 100, None, reopen=lambda: io.BytesIO(data), declared=True)
    with pytest.raises(InputError, match="holds more bytes than its zip declares"):
        scan.run(io.BytesIO(data))


def test_a_zip_member_outside_its_folder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(apple_health.EXPORT_MEMBER, export(*NIGHT))
        archive.writestr("apple_health_export/../../.bashrc", "echo owned\n")
    message = refusal(path)
    assert "apple_health_export/../../.bashrc" in message
    assert not (tmp_path.parent / ".bashrc").exists()


def test_a_zip_bomb_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apple_health, "RATIO_FLOOR_BYTES", 64 * 1024)
    path = tmp_path / "export.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(apple_health.EXPORT_MEMBER, "w") as member,
    ):
        member.write(export(*NIGHT).encode())
        for _ in range(64):
            member.write(b" " * 65536)  # 4 MiB of blanks: about 1000:1
    message = refusal(path)
    assert "a zip bomb" in message
    assert apple_health.EXPORT_MEMBER in message


def test_a_truncated_zip_is_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path, export(*ALL))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "cannot be read as a zip" in refusal(path)


def test_a_zip_without_the_export_is_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path, export(*NIGHT), member="apple_health_export/other.xml")
    assert "holds no apple_health_export/export.xml" in refusal(path)


# --- the real samples -----------------------------------------------------------------------


def shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


def test_conformance_the_watch_over_the_iphone() -> None:
    path = shared("export.xml")
    assert trackers.detect(path) is apple_health
    found = list(apple_health.read(path, "Europe/Amsterdam", None, ()))
    [night] = [n for n in found if isinstance(n, ObjectiveNight)]
    assert (night.night, night.device, night.light_min) == (
        dt.date(2023, 12, 31),
        "Alexandre's Apple Watch",
        12.5,
    )
    [phone] = [s for s in found if isinstance(s, Skipped)]
    assert phone.reason == "another recorder kept for this night: Alexandre's Apple Watch"


def test_conformance_watch_stages_over_autosleep() -> None:
    path = shared("export_stage-records.xml")
    found = list(apple_health.read(path, "Asia/Tokyo", None, ()))
    [night] = [n for n in found if isinstance(n, ObjectiveNight)]
    assert night.night == dt.date(2025, 1, 17)
    assert night.device == "my’s Apple Watch"
    assert (night.light_min, night.rem_min, night.awake_min) == (40.5, 28.5, 0.5)
    assert night.out_of_bed == dt.datetime.fromisoformat("2025-01-18T09:12:53+09:00")
    [autosleep] = [s for s in found if isinstance(s, Skipped)]
    assert autosleep.record.startswith("AutoSleep")
    # AutoSleep kept when the profile says so
    [kept] = [
        n
        for n in apple_health.read(path, "Asia/Tokyo", None, ("AutoSleep",))
        if isinstance(n, ObjectiveNight)
    ]
    assert (kept.device, kept.asleep_min, kept.rem_min) == ("AutoSleep", 74.0, None)
