"""The sleep window (CBT-I sleep restriction) on constructed diaries, its profile table and CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sleepplan import cli
from sleepplan.core.sleep_window import DiaryNight, WeekStep, sleep_window
from sleepplan.store import paths
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home

START = dt.date(2026, 11, 2)
BED = dt.time(23, 0)
WAKE = dt.time(6, 0)


def week_of(
    week: int, se: float, count: int = 7, kss: int | None = None, sleepy: int = 0
) -> list[DiaryNight]:
    """``count`` nights of week ``week`` (1-based) with the given SE; ``sleepy`` with KSS 8."""
    first = START + dt.timedelta(days=7 * (week - 1))
    return [
        DiaryNight(first + dt.timedelta(days=d), se, 8 if d < sleepy else kss) for d in range(count)
    ]


def in_week(week: int) -> dt.date:
    return START + dt.timedelta(days=7 * (week - 1) + 3)


def window(
    nights: list[DiaryNight],
    week: int,
    bedtime: dt.time = BED,
    wake: dt.time = WAKE,
) -> tuple[WeekStep, ...]:
    return sleep_window(nights, bedtime, wake, START, in_week(week))


def test_week_one_is_the_profiles_window() -> None:
    steps = window([], 1)
    assert [(s.week, s.in_bed_min, s.bedtime, s.wake) for s in steps] == [(1, 420, BED, WAKE)]
    assert "profile" in steps[0].reason


def test_nothing_before_the_start() -> None:
    assert sleep_window([], BED, WAKE, START, START - dt.timedelta(days=1)) == ()


def test_a_week_at_90_percent_or_more_grows_15_minutes_earlier_bedtime() -> None:
    steps = window(week_of(1, 91.0) + week_of(2, 95.0), 3)
    assert [s.in_bed_min for s in steps] == [420, 435, 450]
    assert steps[1].bedtime == dt.time(22, 45) and steps[1].wake == WAKE
    assert steps[1].se_pct == 91 and steps[1].change_min == 15
    assert "91 %" in steps[1].reason and "15 min longer" in steps[1].reason


def test_85_to_90_percent_keeps_the_window() -> None:
    steps = window(week_of(1, 87.0), 2)
    assert steps[-1].in_bed_min == 420 and steps[-1].change_min == 0
    assert "kept" in steps[-1].reason


def test_below_85_percent_shrinks_15_minutes_later_bedtime() -> None:
    steps = window(week_of(1, 80.0), 2)
    assert steps[-1].in_bed_min == 405 and steps[-1].bedtime == dt.time(23, 15)
    assert "15 min shorter" in steps[-1].reason


def test_the_boundaries_are_on_the_shown_whole_percent() -> None:
    # 89.6 shows as 90 %, so it grows; 84.6 shows as 85 %, so it is kept.
    assert window(week_of(1, 89.6), 2)[-1].change_min == 15
    assert window(week_of(1, 84.6), 2)[-1].change_min == 0


def test_never_below_five_hours_in_bed() -> None:
    nights = [n for week in range(1, 10) for n in week_of(week, 70.0)]
    steps = sleep_window(nights, dt.time(0, 30), WAKE, START, in_week(10))
    assert steps[0].in_bed_min == 330
    assert [s.in_bed_min for s in steps] == [330, 315, 300, 300, 300, 300, 300, 300, 300, 300]
    assert steps[-1].bedtime == dt.time(1, 0)
    assert "5 h 00 floor" in steps[-1].reason


def test_sleepiness_on_three_mornings_pauses_the_shortening() -> None:
    steps = window(week_of(1, 70.0, kss=3, sleepy=3), 2)
    assert steps[-1].in_bed_min == 420
    assert "sleepiness" in steps[-1].reason and "3 mornings" in steps[-1].reason
    # Two sleepy mornings are not enough to pause.
    assert window(week_of(1, 70.0, kss=3, sleepy=2), 2)[-1].in_bed_min == 405


def test_sleepiness_does_not_stop_growth() -> None:
    assert window(week_of(1, 95.0, sleepy=7), 2)[-1].in_bed_min == 435


def test_too_few_nights_keeps_the_window_and_says_so() -> None:
    nights = week_of(1, 95.0, count=4) + [DiaryNight(START + dt.timedelta(days=5), None, 3)]
    steps = window(nights, 2)
    assert steps[-1].in_bed_min == 420 and steps[-1].se_pct is None
    assert "only 4" in steps[-1].reason and "5 needed" in steps[-1].reason


def test_a_weeks_window_ignores_its_own_nights() -> None:
    # Week 2's nights (logged so far) do not move week 2's window.
    steps = window(week_of(1, 87.0) + week_of(2, 50.0), 2)
    assert steps[-1].in_bed_min == 420


def test_the_bedtime_crosses_midnight_both_ways() -> None:
    grown = window(week_of(1, 95.0) + week_of(2, 95.0), 3, bedtime=dt.time(0, 15), wake=dt.time(7))
    assert [s.bedtime for s in grown] == [dt.time(0, 15), dt.time(0, 0), dt.time(23, 45)]
    assert [s.in_bed_min for s in grown] == [405, 420, 435]
    shrunk = window(week_of(1, 70.0), 2, bedtime=dt.time(23, 50), wake=dt.time(7))
    assert shrunk[-1].bedtime == dt.time(0, 5)


def test_from_a_stored_record() -> None:
    record = {"night": "2026-11-02", "kss": 7, "metrics": {"se_pct": 88.5}}
    assert DiaryNight.from_record(record) == DiaryNight(START, 88.5, 7)
    bare = {"night": "2026-11-02", "kss": None, "metrics": {"se_pct": None}}
    assert DiaryNight.from_record(bare) == DiaryNight(START, None, None)


def write_profile(tmp_path: Path, window: str) -> Path:
    path = tmp_path / "me.toml"
    path.write_text(f'name = "me"\nbedtime = "23:00"\nwake = "07:00"\n{window}')
    return path


def seed(home: Path, nights: list[DiaryNight]) -> None:
    records = [
        {
            "night": n.night.isoformat(),
            "kss": n.kss,
            "metrics": {"se_pct": n.se_pct},
            "scores": {"morning": 50.0},
        }
        for n in nights
    ]
    with Journal(paths.journal_path(home)) as journal:
        journal.save_many("me", records, "t")


ENABLED = "[sleep_window]\nenabled = true\nstart = 2026-11-09\n"


def test_cli_window_follows_the_diary(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The fixed clock is 2026-11-23 18:30: week 3 of a window started on 2026-11-09.
    ensure_home(home)
    first = dt.date(2026, 11, 9)
    week1 = [DiaryNight(first + dt.timedelta(days=d), 92.0, 3) for d in range(7)]
    week2 = [
        DiaryNight(first + dt.timedelta(days=7 + d), 80.0, 8 if d < 3 else 3) for d in range(7)
    ]
    seed(home, week1 + week2)
    profile = str(write_profile(tmp_path, ENABLED))
    assert cli.main(["--home", str(home), "--profile", profile, "window", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["enabled"] is True and data["se_7d"] == 80
    assert (data["in_bed_min"], data["bedtime"], data["wake"]) == (495, "22:45", "07:00")
    assert "pauses the shortening" in data["reason"]
    assert [s["in_bed_min"] for s in data["steps"]] == [480, 495, 495]
    assert cli.main(["--home", str(home), "--profile", profile, "window"]) == 0
    text = capsys.readouterr().out
    assert "Sleep window 22:45–07:00 (8 h 15) · last week SE 80 %, sleepy → kept" in text
    assert "pauses the shortening" in text  # this week's reason in full, in the week list
    assert "bipolar disorder" in text and "PMID 23820830" in text
    assert text.rstrip().splitlines()[-1].startswith("Not medical advice.")


def test_cli_window_disabled_says_how_to_opt_in(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ensure_home(home)
    profile = str(write_profile(tmp_path, ""))
    assert cli.main(["--home", str(home), "--profile", profile, "window", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["enabled"] is False and data["steps"] == [] and data["in_bed_min"] is None
    assert cli.main(["--home", str(home), "--profile", profile, "window"]) == 0
    assert "enabled = true" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("table", "place"),
    [
        ("[sleep_window]\nenabled = true\n", "sleep_window.start: required when enabled"),
        ('[sleep_window]\nenabled = "yes"\nstart = 2026-11-09\n', "sleep_window.enabled"),
        ("[sleep_window]\nenabled = true\nbegin = 2026-11-09\n", "sleep_window.begin"),
    ],
)
def test_a_bad_sleep_window_table_names_its_place(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, place: str
) -> None:
    ensure_home(home)
    profile = str(write_profile(tmp_path, table))
    assert cli.main(["--home", str(home), "--profile", profile, "window"]) == 2
    err = capsys.readouterr().err
    assert "me.toml" in err and place in err
