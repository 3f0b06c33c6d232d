"""The current instant and the system's zone: standard library first, pendulum as a last resort."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.store.clock import current_time, system_zone

# -- current_time -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T18:30:00+01:00", "2026-11-23T18:30:00+01:00"),
        ("2026-11-23T18:30:00Z", "2026-11-23T18:30:00+00:00"),
        ("2026-11-23T18:30", "2026-11-23T18:30:00+00:00"),  # no offset: UTC, as pendulum read it
        ("2026-11-23 18:30:00.250+05:30", "2026-11-23T18:30:00.250000+05:30"),
    ],
)
def test_sleepplan_now_is_an_aware_instant(text: str, expected: str) -> None:
    assert current_time({"SLEEPPLAN_NOW": text}).isoformat() == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", "not an ISO 8601 instant: 'tomorrow'"),
        ("2026-11-23T25:00", "not an ISO 8601 instant: '2026-11-23T25:00'"),
        ("2026-11-23", "needs a date and a time"),
        ("18:30", "needs a date and a time"),
    ],
)
def test_sleepplan_now_refuses_what_is_not_an_instant(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        current_time({"SLEEPPLAN_NOW": text})
    assert caught.value.problems == [("", message)]


def test_without_sleepplan_now_it_is_the_clock_in_utc() -> None:
    before = dt.datetime.now(dt.UTC)
    now = current_time({})
    assert now.utcoffset() == dt.timedelta(0)
    assert timing.seconds_between(before, now) >= 0


# -- system_zone --------------------------------------------------------------------------------


def _link(tmp_path: Path, target: str) -> Path:
    link = tmp_path / "localtime"
    link.symlink_to(target)
    return link


@pytest.mark.parametrize("value", ["America/New_York", ":America/New_York"])
def test_tz_names_the_zone(tmp_path: Path, value: str) -> None:
    link = _link(tmp_path, "/usr/share/zoneinfo/Europe/Berlin")
    assert system_zone({"TZ": value}, link) == "America/New_York"


def test_tz_may_be_a_path_into_the_zoneinfo_tree(tmp_path: Path) -> None:
    assert system_zone({"TZ": "/usr/share/zoneinfo/Asia/Tokyo"}, tmp_path / "none") == "Asia/Tokyo"


@pytest.mark.parametrize(
    "target",
    [
        "/usr/share/zoneinfo/Europe/Berlin",
        "../usr/share/zoneinfo/Europe/Berlin",
        "/var/db/timezone/zoneinfo/Europe/Berlin",  # macOS
        "/usr/share/zoneinfo/posix/Europe/Berlin",
    ],
)
def test_the_localtime_link_names_the_zone(tmp_path: Path, target: str) -> None:
    assert system_zone({}, _link(tmp_path, target)) == "Europe/Berlin"


@pytest.mark.parametrize("tz", ["", "Mars/Olympus", "CET-1CEST,M3.5.0,M10.5.0/3", "../etc/passwd"])
def test_an_unusable_tz_falls_through_to_the_link(tmp_path: Path, tz: str) -> None:
    link = _link(tmp_path, str(tmp_path / "zoneinfo" / "Europe" / "Berlin"))
    assert system_zone({"TZ": tz}, link) == "Europe/Berlin"


def _fallback(monkeypatch: pytest.MonkeyPatch, result: Any) -> list[str]:
    """Make pendulum's local zone return (or raise) ``result``; record that it was asked."""
    import pendulum.tz

    asked: list[str] = []

    def local_timezone() -> Any:
        asked.append("asked")
        if isinstance(result, Exception):
            raise result
        return result

    monkeypatch.setattr(pendulum.tz, "local_timezone", local_timezone)
    return asked


def test_pendulum_is_asked_only_when_neither_names_a_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _fallback(monkeypatch, SimpleNamespace(name="Asia/Kolkata"))
    assert system_zone({"TZ": "Europe/Berlin"}, tmp_path / "none") == "Europe/Berlin"
    assert asked == []
    assert system_zone({"TZ": "garbage"}, tmp_path / "none") == "Asia/Kolkata"
    assert asked == ["asked"]


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (ValueError("Invalid timezone"), "UTC"),  # pendulum raises on a bad /etc/timezone
        (OSError("unreadable"), "UTC"),
        (object(), "UTC"),  # no name at all
        (SimpleNamespace(name="Mars/Olympus"), "UTC"),  # a name timing.zone refuses
        (SimpleNamespace(name="Europe/Berlin"), "Europe/Berlin"),
    ],
)
def test_garbage_everywhere_is_utc_or_the_fallback_never_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, result: Any, expected: str
) -> None:
    _fallback(monkeypatch, result)
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    elsewhere = _link(tmp_path, str(tmp_path / "not-a-zone"))
    for environ, link in [
        ({"TZ": "Mars/Olympus"}, loop),
        ({"TZ": "\x00"}, elsewhere),
        ({"TZ": "../../etc/passwd"}, tmp_path / "missing"),
        ({"TZ": ":"}, tmp_path),
    ]:
        assert system_zone(environ, link) == expected


def test_the_real_system_zone_is_a_known_zone() -> None:
    timing.zone(system_zone())
