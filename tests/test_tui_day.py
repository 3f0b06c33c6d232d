"""The day before the night in the app (design §16): the quick entry, "From today", the flags.

Driven at 80×24 with a test compound of the profile's own whose numbers are known (tmax 1 h,
half-life 5 h, 3 h for smokers, 95 mg a cup), so the levels and cutoffs can be worked out by hand
below, independently of the app's kinetics code.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, OptionList, Static

from sleepplan.store import paths
from sleepplan.store.bundled import bundled_catalog
from sleepplan.store.day_log import read_day_log
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home
from sleepplan.tui.app import SleepPlanApp
from sleepplan.tui.dialogs.day_entry import DayEntryDialog
from sleepplan.tui.screens.settings import SettingsScreen
from sleepplan.tui.screens.tonight import TonightScreen
from sleepplan.tui.widgets.from_today import FromToday
from tests.tui_helpers import make_app, settle

SIZE = (80, 24)
NIGHT = "2026-11-23"  # the app's fixed clock is 18:30 that day, in Berlin

COFFEE = """\
schema_version = 1
name = "coffee"
timezone = "Europe/Berlin"
bedtime = "23:00"
wake = "07:00"
# the user's own note: it must outlast a save

[[routines]]
name = "calm"

[[routines.doses]]
compound = "melatonin"
amount_mg = 0.5

[[custom_compounds]]
id = "test-coffee"
name = "Test coffee"
mechanism = "adenosinergic"
wake_promoting = true
tmax_h = [1.0, 1.0]
half_life_h = [5.0, 5.0]
half_life_when = [
  { condition = "smoker", half_life_h = [3.0, 3.0] },
  { condition = "cyp1a2_inhibitor", half_life_h = [50.0, 50.0] },
]
units = { cup = 95 }
timing = { anchor = "wake", minutes = 0 }
"""


def by_hand(half_life_h: float, tmax_h: float = 1.0) -> tuple[float, float]:
    """Level 7 h after a dose (16:00 → 23:00), and hours until it falls to a quarter of the peak.

    The one-compartment oral curve e^(-ke·t) − e^(-ka·t), with ka found from tmax by bisection.
    """
    ke = math.log(2) / half_life_h
    low, high = ke * 1.000001, 1000.0
    for _ in range(200):  # tmax = ln(ka/ke) / (ka − ke) falls as ka grows
        ka = (low + high) / 2
        low, high = (ka, high) if math.log(ka / ke) / (ka - ke) > tmax_h else (low, ka)

    def level(hours: float) -> float:
        return (math.exp(-ke * hours) - math.exp(-ka * hours)) / (
            math.exp(-ke * tmax_h) - math.exp(-ka * tmax_h)
        )

    low, high = tmax_h, 100.0
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if level(middle) > 0.25 else (low, middle)
    return level(7.0), high


def clock_before_23(hours: float) -> str:
    """The clock time ``hours`` before 23:00, to the minute, rounded down."""
    minutes = math.floor(23 * 60 - hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def coffee_home(home: Path) -> None:
    ensure_home(home)
    (home / "profiles" / "coffee.toml").write_text(COFFEE)


def coffee_app(home: Path) -> SleepPlanApp:
    coffee_home(home)
    return make_app(home, "coffee")


def logged(home: Path) -> list[tuple[str, float, str]]:
    """Tonight's quick entries in the journal: (compound, mg, local clock time)."""
    import datetime as dt

    entries = read_day_log(paths.journal_path(home), "coffee", dt.date.fromisoformat(NIGHT))
    return [
        (item.entry.compound, item.entry.amount_mg, f"{item.entry.at:%H:%M}") for item in entries
    ]


def from_today(app: SleepPlanApp) -> FromToday:
    return app.screen.query_one(FromToday)


def shown(widget: FromToday) -> str:
    return str(widget.render()) if widget.display else ""


def note(app: SleepPlanApp, field: str) -> str:
    line = app.screen.query_one(f"#day-{field}-note", Static)
    return str(line.render()) if line.display else ""


async def open_entry(pilot: Pilot[None]) -> DayEntryDialog:
    await settle(pilot)
    await pilot.press("l")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, DayEntryDialog)
    return dialog


async def fill(pilot: Pilot[None], compound: str, amount: str, time: str) -> None:
    """Type into each field, key by key."""
    for field, text in (("compound", compound), ("amount", amount), ("time", time)):
        box = pilot.app.screen.query_one(f"#day-{field}", Input)
        box.focus()
        box.value = ""
        await pilot.press(*text)
    await pilot.pause()


async def log_coffee(pilot: Pilot[None], amount: str = "2 cups", time: str = "16:00") -> None:
    await open_entry(pilot)
    await fill(pilot, "test coffee", amount, time)
    await pilot.press("enter")
    await settle(pilot)


def test_the_hand_computation_is_the_briefs_example() -> None:
    level, hours = by_hand(5.0)
    assert f"{level:.0%}" == "45%"
    assert clock_before_23(hours) == "11:41"


async def test_a_16_00_coffee_shows_its_level_at_bedtime_and_the_cutoff(home: Path) -> None:
    app = coffee_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not from_today(app).display  # nothing taken today: no block
        await open_entry(pilot)
        await fill(pilot, "test coffee", "2 cups", "16:00")
        assert note(app, "amount") == "2 cups = 190 mg"  # the conversion, as typed
        await pilot.press("enter")
        await settle(pilot)
        assert logged(home) == [("test-coffee", 190.0, "16:00")]
        entries = app.screen.query_one("#day-entries", OptionList)
        level, hours = by_hand(5.0)
        assert f"→ {level:.0%} at bedtime" in str(entries.get_option_at_index(0).prompt)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        block = shown(from_today(app))
        assert f"Test coffee 2 cups = 190 mg at 16:00 → {level:.0%} at bedtime" in block
        assert f"Test coffee: last cup by {clock_before_23(hours)} for a 23:00 bedtime" in block
        assert len(block.splitlines()) == 2  # it fits at 80×24
        warnings = app.workspace.warnings(app.workspace.plan())
        assert "wake_promoting_at_bedtime" in [warning.code for warning in warnings]


async def test_a_time_after_bedtime_is_refused_with_the_reason(home: Path) -> None:
    app = coffee_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot)
        await fill(pilot, "test coffee", "1 cup", "23:30")
        assert "23:30 is after bedtime" in note(app, "time")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DayEntryDialog)  # still open, nothing logged
        assert "after bedtime" in note(app, "time")
        assert logged(home) == []


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("compound", "coffe", "unknown compound 'coffe'"),
        ("amount", "2 mugs", "Test coffee has no unit 'mugs'"),
        ("amount", "lots", "'lots' is not an amount"),
        ("amount", "5000 cups", "amount: Input should be less than or equal to 1000"),
        ("time", "4pm", "HH:MM"),
    ],
)
async def test_invalid_input_is_a_message_in_the_dialog(
    home: Path, field: str, typed: str, message: str
) -> None:
    app = coffee_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot)
        values = {"compound": "test coffee", "amount": "1 cup", "time": "15:00"}
        values[field] = typed
        await fill(pilot, values["compound"], values["amount"], values["time"])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DayEntryDialog)
        assert message in note(app, field)
        assert logged(home) == []


async def test_an_entry_is_removed_from_the_list(home: Path) -> None:
    app = coffee_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await log_coffee(pilot)
        assert len(logged(home)) == 1
        entries = app.screen.query_one("#day-entries", OptionList)
        entries.focus()
        entries.highlighted = 0
        await pilot.press("delete")
        await settle(pilot)
        assert logged(home) == []
        assert str(entries.get_option_at_index(0).prompt) == "None yet tonight"
        await pilot.press("escape")
        await settle(pilot)
        assert not from_today(app).display


async def test_the_smoker_flag_changes_the_cutoff(home: Path) -> None:
    app = coffee_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await log_coffee(pilot)
        await pilot.press("escape")
        await settle(pilot)
        _, usual = by_hand(5.0)
        assert f"last cup by {clock_before_23(usual)}" in shown(from_today(app))
        await pilot.press("comma")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#smoker-flag", Checkbox).value = True
        app.screen.query_one("#apply").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        assert app.workspace.profile is not None and app.workspace.profile.smoker
        level, smoker = by_hand(3.0)
        block = shown(from_today(app))
        assert f"last cup by {clock_before_23(smoker)}" in block
        assert f"→ {level:.0%} at bedtime" in block
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = (home / "profiles" / "coffee.toml").read_text()
        assert "smoker = true" in text and "# the user's own note" in text


async def test_a_cyp1a2_inhibitor_among_the_medications_lengthens_the_half_life(
    home: Path,
) -> None:
    coffee_home(home)
    path = home / "profiles" / "coffee.toml"
    path.write_text(
        COFFEE.replace('wake = "07:00"\n', 'wake = "07:00"\nmedications = ["fluvoxamine"]\n')
    )
    app = make_app(home, "coffee")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.workspace.cyp1a2_inhibitor()
        await log_coffee(pilot)
        await pilot.press("escape")
        await settle(pilot)
        plan = app.workspace.plan()
        assert plan is not None and plan.person.cyp1a2_inhibitor
        level, hours = by_hand(50.0)
        block = shown(from_today(app))
        assert f"→ {level:.0%} at bedtime" in block
        # a quarter of the peak only ~100 h later: even a cup at waking is too much
        assert hours > 16 and "even a cup at waking (07:00)" in block


async def test_every_day_adds_a_day_item_to_the_profile_kept_on_save(home: Path) -> None:
    app = coffee_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot)
        await fill(pilot, "test coffee", "1 cup", "08:00")
        app.screen.query_one("#day-every", Checkbox).value = True
        app.screen.query_one("#day-log").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert logged(home) == []  # not a quick entry: an item of the profile
        profile = app.workspace.profile
        assert profile is not None and len(profile.day) == 1
        item = profile.day[0]
        assert (item.compound, item.amount, item.unit) == ("test-coffee", 1.0, "cup")
        rows = str(app.screen.query_one("#day-entries", OptionList).get_option_at_index(0).prompt)
        assert rows.startswith("08:00 Test coffee 1 cup = 95 mg →") and "every day" in rows
        await pilot.press("escape", "ctrl+s")
        await settle(pilot)
        text = (home / "profiles" / "coffee.toml").read_text()
        assert text.startswith(COFFEE)  # every line as written, comment included
        assert '[[day]]\ncompound = "test-coffee"' in text and 'at = "08:00"' in text


async def test_the_palette_opens_the_quick_entry(home: Path) -> None:
    app = coffee_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")  # from another area too
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Log a daytime dose")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DayEntryDialog)


async def test_caffeine_is_preselected_when_the_catalog_has_it(home: Path) -> None:
    ensure_home(home)
    text = COFFEE
    if "caffeine" not in bundled_catalog():  # until the catalog has it: the profile's own
        text = COFFEE.replace('"test-coffee"', '"caffeine"').replace("Test coffee", "Caffeine")
    (home / "profiles" / "coffee.toml").write_text(text)
    app = make_app(home, "coffee")
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot)
        assert app.screen.query_one("#day-compound", Input).value == "Caffeine"
        assert app.screen.query_one("#day-amount", Input).has_focus


async def test_a_journal_held_locked_is_reported_as_a_lock_not_damage(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coffee_home(home)
    journal = paths.journal_path(home)
    Journal(journal).close()
    other_copy = sqlite3.connect(journal, isolation_level=None)
    other_copy.execute("BEGIN IMMEDIATE")  # another copy, in the middle of a save
    monkeypatch.setattr("sleepplan.store.journal.BUSY_TIMEOUT_MS", 100)
    app = make_app(home, "coffee")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await log_coffee(pilot)
            said = note(app, "time")
            assert isinstance(app.screen, DayEntryDialog)
            assert "busy" in said and str(journal) in said
            assert "damaged" not in said
    finally:
        other_copy.execute("ROLLBACK")
        other_copy.close()
    assert sorted(path.name for path in home.iterdir() if "damaged" in path.name) == []
    assert logged(home) == []


async def test_entries_that_cannot_be_read_say_why_on_tonight(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_: object) -> list[object]:
        raise MachineFault("journal.sqlite3", "Permission denied", "Check the file's permissions")

    monkeypatch.setattr("sleepplan.tui.daytime_doses.read_day_log", refused)
    app = coffee_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        block = shown(from_today(app))
        assert "journal.sqlite3: Permission denied" in block
        assert "damaged" not in block
