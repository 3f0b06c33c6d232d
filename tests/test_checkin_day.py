"""The morning check-in's confounders answered by the day before (issue 22, item 3).

A coffee still at 25% of its peak at bedtime ticks "late caffeine", any alcohol "alcohol" —
the same line the evening's caution draws — and the form says it ticked them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Checkbox, Label

from sleepplan.core import timing
from sleepplan.core.day import NOBODY_SPECIAL, DayEntry, Person, day_confounders, day_doses
from sleepplan.store.bundled import bundled_catalog
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home
from tests.tui_helpers import make_app, settle

BERLIN = timing.zone("Europe/Berlin")
NIGHT = dt.date(2026, 11, 22)  # last night, for the app's fixed clock
BEDTIME = dt.datetime(2026, 11, 22, 23, 0, tzinfo=BERLIN)


def entry(compound: str, mg: float, hour: int, minute: int = 0) -> DayEntry:
    at = dt.datetime(2026, 11, 22, hour, minute, tzinfo=BERLIN)
    return DayEntry(compound, mg, at, f"{mg:g} mg", logged=True)


def answered(*entries: DayEntry, person: Person = NOBODY_SPECIAL) -> set[str]:
    doses = day_doses(entries, bundled_catalog(), BEDTIME, person)
    return day_confounders(doses, BEDTIME, person)


def test_a_coffee_still_high_at_bedtime_is_late_caffeine() -> None:
    assert answered(entry("caffeine", 192, 15)) == {"late_caffeine"}


def test_a_morning_coffee_is_not_late_caffeine() -> None:
    assert answered(entry("caffeine", 96, 7)) == set()


def test_the_same_morning_coffee_is_late_for_someone_who_clears_it_slowly() -> None:
    pregnant = Person(pregnant=True)
    assert answered(entry("caffeine", 96, 7), person=pregnant) == {"late_caffeine"}


def test_any_alcohol_is_the_alcohol_confounder_even_cleared_by_bedtime() -> None:
    assert answered(entry("alcohol", 8000, 12)) == {"alcohol"}
    both = answered(entry("alcohol", 24000, 19, 30), entry("caffeine", 192, 16))
    assert both == {"alcohol", "late_caffeine"}


def test_other_daytime_compounds_answer_nothing() -> None:
    assert answered(entry("modafinil", 200, 8), entry("l-tyrosine", 500, 9)) == set()


def log(home: Path, *entries: DayEntry) -> None:
    ensure_home(home)
    with Journal(home / "journal.sqlite3") as journal:
        for one in entries:
            journal.log_day("example", NIGHT, one, "2026-11-22T12:00:00+01:00")


def ticked(app: object) -> set[str]:
    screen = app.screen  # type: ignore[attr-defined]
    names = ("alcohol", "late_caffeine", "stress")
    return {n for n in names if screen.query_one(f"#confounder-{n}", Checkbox).value}


def day_note(app: object) -> str:
    label = app.screen.query_one("#day-note", Label)  # type: ignore[attr-defined]
    return str(label.render()) if label.display else ""


async def test_the_check_in_ticks_what_the_day_answered_and_says_so(home: Path) -> None:
    log(home, entry("caffeine", 192, 15), entry("alcohol", 16000, 20))
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert ticked(app) == {"alcohol", "late_caffeine"}
        assert day_note(app) == "Ticked from your day: alcohol, late caffeine"
        await pilot.press("4", "tab", "3", "ctrl+s")
        await settle(pilot)
    with Journal(home / "journal.sqlite3") as journal:
        stored = journal.get("example", NIGHT.isoformat())
    assert stored is not None
    assert sorted(stored.record["confounders"]) == ["alcohol", "late_caffeine"]


async def test_a_day_without_entries_ticks_nothing(home: Path) -> None:
    log(home, entry("caffeine", 96, 7, 30))
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert ticked(app) == set()
        assert day_note(app) == ""
