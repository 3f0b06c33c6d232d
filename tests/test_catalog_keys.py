"""Catalog → routine in fewer keys: typing searches, better matches first, the highlight stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from sleepplan.store.bundled import bundled_catalog
from sleepplan.tui.app import SleepPlanApp
from sleepplan.tui.screens.catalog import (
    COLUMN_WIDTHS,
    CatalogScreen,
    compound_details,
    search_rank,
)
from sleepplan.tui.screens.tonight import TonightScreen
from tests.test_nothing_lost import type_quickly
from tests.tui_helpers import answer, make_app, settle

SIZE = (80, 24)


async def _catalog(pilot: Pilot[None], app: SleepPlanApp) -> CatalogScreen:
    await settle(pilot)
    await pilot.press("k")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CatalogScreen)
    return screen


def _shown(screen: CatalogScreen) -> list[str]:
    return [compound.id for compound in screen.shown]


def _doses(app: SleepPlanApp) -> list[tuple[str, float]]:
    profile = app.workspace.profile
    assert profile is not None
    routine = profile.routine(app.workspace.routine_name)
    return [(dose.compound, dose.amount_mg) for dose in routine.doses]


# -- typing searches ---------------------------------------------------------------------------


async def test_typing_in_the_table_searches_without_slash(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _catalog(pilot, app)
        assert isinstance(app.focused, DataTable)
        await pilot.press(*"glyc")
        await settle(pilot)
        assert screen.query_one("#search", Input).value == "glyc"
        assert _shown(screen)[:2] == ["glycine", "magnesium-glycinate"]
        await pilot.press("enter", "enter")  # to the table, then add the best match
        await settle(pilot)
        assert ("glycine", 3000.0) in _doses(app)


async def test_letters_typed_quickly_after_the_first_are_typed_even_keys(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _catalog(pilot, app)
        type_quickly(app, *"ashw")  # s sorts and h is History, but not inside a search
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)
        assert screen.query_one("#search", Input).value == "ashw"
        assert _shown(screen) == ["ashwagandha"]


async def test_area_keys_still_act_and_capitals_search(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _catalog(pilot, app)
        await pilot.press("s")  # sort, not a search
        await settle(pilot)
        assert screen.sort_column == "mechanism"
        assert screen.query_one("#search", Input).value == ""
        await pilot.press(*"Melat")  # M is not the Morning key
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)
        assert _shown(screen)[0] == "melatonin"
        await pilot.press("escape", "escape")  # leave the field: letters are keys again
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)


async def test_a_new_search_replaces_the_last_one(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _catalog(pilot, app)
        await pilot.press(*"kava", "enter")  # the search leaves for the table
        await settle(pilot)
        await pilot.press(*"zinc")
        await settle(pilot)
        assert screen.query_one("#search", Input).value == "zinc"
        assert _shown(screen) == ["zinc"]


# -- what a search finds, best first -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [("tryptophan", "l-tryptophan"), ("cherry", "tart-cherry")],
)
async def test_names_come_before_aliases(home: Path, query: str, first: str) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _catalog(pilot, app)
        await pilot.press("slash", *query)
        await settle(pilot)
        shown = _shown(screen)
        assert shown[0] == first
        assert len(shown) >= 2  # an alias matched too, and came after


@pytest.mark.parametrize(
    ("query", "stage"),
    [
        ("REM", "rem"),
        ("deep", "slow_wave"),
        ("slow-wave", "slow_wave"),
        ("onset", "sleep_onset"),
        ("sleep onset", "sleep_onset"),
        ("staying asleep", "maintenance"),
    ],
)
async def test_a_search_finds_stages(home: Path, query: str, stage: str) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _catalog(pilot, app)
        screen.query_one("#search", Input).value = query
        await settle(pilot)
        expected = {c.id for c in bundled_catalog() if stage in {s.value for s in c.stages}}
        assert expected <= set(_shown(screen))


def test_a_search_finds_effects_and_mechanisms() -> None:
    catalog = bundled_catalog()
    assert search_rank(catalog.get("modafinil"), "wake-promoting") == 3
    assert search_rank(catalog.get("kava"), "GABAergic") == 3
    assert search_rank(catalog.get("melatonin"), "mel") == 0
    assert search_rank(catalog.get("5-htp"), "tryptophan") == 2
    assert search_rank(catalog.get("melatonin"), "deep") is None
    assert search_rank(catalog.get("l-theanine"), "dopaminergic") == 3  # a secondary one


async def test_the_mechanism_filter_finds_secondary_mechanisms_too(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _catalog(pilot, app)
        screen.query_one("#mechanism", Select).value = "gabaergic"
        await settle(pilot)
        shown = _shown(screen)
        assert {"kava", "l-theanine", "magnesium-glycinate"} <= set(shown)
        assert "melatonin" not in shown
        table = screen.query_one("#compounds", DataTable)
        assert str(table.get_cell("l-theanine", "mechanism")) == "other+"
        assert str(table.get_cell("kava", "mechanism")) == "gabaergic"
        screen.query_one("#mechanism", Select).value = "glutamatergic"
        await settle(pilot)
        assert {"piracetam", "aniracetam", "noopept"} <= set(_shown(screen))
        assert "magnesium-glycinate" not in _shown(screen)


def test_the_mechanism_column_fits_every_word_and_its_plus() -> None:
    from sleepplan.core.vocabulary import Mechanism

    assert max(len(m.value) + 1 for m in Mechanism) <= COLUMN_WIDTHS["mechanism"]


def test_the_details_name_the_secondary_mechanisms() -> None:
    catalog = bundled_catalog()
    details = compound_details(catalog.get("l-theanine")).plain
    assert "Mechanism        other" in details
    assert "gabaergic, serotonergic, dopaminergic (may act these ways too)" in details
    assert "Secondary" not in compound_details(catalog.get("melatonin")).plain


# -- after adding; the details pane -----------------------------------------------------------


async def test_after_adding_the_highlight_stays_on_what_was_added(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _catalog(pilot, app)
        table = screen.query_one("#compounds", DataTable)
        row = _shown(screen).index("taurine")
        table.move_cursor(row=row)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert any(compound == "taurine" for compound, _ in _doses(app))
        assert table.cursor_row == row
        selected = screen.selected()
        assert selected is not None and selected.id == "taurine"


async def test_the_details_pane_shows_a_new_compound_from_its_top(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _catalog(pilot, app)
        pane = screen.query_one("#details-pane", VerticalScroll)
        pane.scroll_end(animate=False)
        await settle(pilot)
        assert pane.scroll_y > 0
        await pilot.press("down")
        await settle(pilot)
        assert pane.scroll_y == 0


# -- amounts with units ------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "mg"), [("50 mcg", 0.05), ("0.5 g", 500.0), ("200mg", 200.0)])
async def test_an_amount_is_typed_with_its_unit(home: Path, typed: str, mg: float) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _catalog(pilot, app)
        await pilot.press(*"apigenin", "enter", "enter")  # no sourced dose: it asks
        await settle(pilot)
        assert screen is not app.screen  # the prompt
        await answer(pilot, typed)
        assert ("apigenin", mg) in _doses(app)


async def test_an_amount_with_an_unknown_unit_is_refused_in_the_prompt(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _catalog(pilot, app)
        await pilot.press(*"apigenin", "enter", "enter")
        await settle(pilot)
        await answer(pilot, "3 spoons")
        assert app.screen is not screen  # still asking
        assert "unknown unit" in str(app.screen.query_one("#problem").render())
        assert not any(c == "apigenin" for c, _ in _doses(app))


async def test_the_palette_opens_the_catalogs_search(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Search the catalog")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)
        assert app.focused is app.screen.query_one("#search", Input)


def test_a_wake_promoting_compound_is_listed_under_a_stage_not_said_to_target_it() -> None:
    catalog = bundled_catalog()
    caffeine = compound_details(catalog.get("caffeine")).plain
    assert "Listed under     Sleep onset" in caffeine and "Targets" not in caffeine
    assert "Targets          Sleep onset" in compound_details(catalog.get("melatonin")).plain
