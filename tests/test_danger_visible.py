"""A danger you cannot miss (issue 19, item 6), at 80×24: on its row, in the header, above the
fold, in the theme's colours and in words; the acknowledgement opens at the danger and records
its moment with the offset; one disclaimer line; the medications the warnings were checked
against."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rich.segment import Segment
from textual.color import Color
from textual.content import Content
from textual.widgets import OptionList, Static

from sleepplan.core import editing
from sleepplan.core.interactions import Severity, resolve_medications
from sleepplan.core.profile import Profile
from sleepplan.core.safety import NOTHING_RECORDED, SafetyWarning
from sleepplan.store.bundled import bundled_interactions
from sleepplan.store.profiles import ensure_home, load_profile
from sleepplan.tui.app import SleepPlanApp
from tests.tui_helpers import NOW, make_app, settle

SIZE = (80, 24)
DOSES = [
    ("magnesium-glycinate", 250),
    ("l-theanine", 200),
    ("melatonin", 0.5),
    ("glycine", 3000),
    ("apigenin", 50),
    ("5-htp", 100),
]
"""Six doses: the most a routine holds before the stack warning, and one more."""

BRAND_KNOWN = not resolve_medications(["Zoloft"], bundled_interactions()).unknown
MEDICATIONS = [
    "sertraline",
    pytest.param(
        "Zoloft", marks=pytest.mark.skipif(not BRAND_KNOWN, reason="brand names not known yet")
    ),
]


def _write_profile(
    home: Path, medications: list[str], doses: list[tuple[str, float]] = DOSES, extra: str = ""
) -> Path:
    ensure_home(home)
    path = home / "profiles" / "example.toml"
    lines = [
        'name = "example"',
        'timezone = "Europe/Berlin"',
        'bedtime = "23:00"',
        'wake = "07:00"',
        "medications = [" + ", ".join(f'"{name}"' for name in medications) + "]",
        'default_routine = "weeknight"',
        "[[routines]]",
        'name = "weeknight"',
    ]
    for compound, amount in doses:
        lines += ["[[routines.doses]]", f'compound = "{compound}"', f"amount_mg = {amount}"]
    path.write_text("\n".join(lines) + "\n" + extra)
    return path


def _rows(app: SleepPlanApp) -> list[str]:
    """The screen's rows as the terminal shows them."""
    update = app.screen._compositor.render_full_update()
    return ["".join(strip.text for strip in line) for line in update.strips]


def _segments(app: SleepPlanApp) -> list[Segment]:
    update = app.screen._compositor.render_full_update()
    return [segment for line in update.strips for strip in line for segment in strip]


def _in_colour(app: SleepPlanApp, segment: Segment, color: str, background: str) -> bool:
    """Whether a segment is drawn in two of the theme's colours (to a rounding)."""
    style = segment.style
    if style is None or style.color is None or style.bgcolor is None:
        return False
    drawn = (style.color.get_truecolor(), style.bgcolor.get_truecolor())
    wanted = [Color.parse(app.theme_variables[name]) for name in (color, background)]
    return all(
        max(abs(a - b) for a, b in zip(got, want.rgb, strict=True)) <= 2
        for got, want in zip(drawn, wanted, strict=True)
    )


def _dose_prompt(app: SleepPlanApp, compound_id: str) -> Content:
    """The row of the dose of ``compound_id`` in Tonight's list."""
    doses = app.screen.query_one("#doses", OptionList)
    routine = app.workspace.profile.routine()  # type: ignore[union-attr]
    index = next(i for i, dose in enumerate(routine.doses) if dose.compound == compound_id)
    prompt = doses.get_option(f"dose:{index}").prompt
    assert isinstance(prompt, Content)
    return prompt


@pytest.mark.parametrize("medication", MEDICATIONS)
async def test_the_danger_marks_its_dose_row_in_words_and_in_the_error_colour(
    home: Path, medication: str
) -> None:
    _write_profile(home, [medication])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = _dose_prompt(app, "5-htp")
        assert "✖ DANGER" in row.plain
        assert len(row.plain) <= 76  # the whole row fits at 80 columns
        mark = row.plain.index("✖ DANGER")
        styles = [str(span.style) for span in row.spans if span.start <= mark < span.end]
        assert any("$text-error" in style for style in styles)
        # every other dose is only in the stack's caution: marked as such, never as a danger
        assert "✖ DANGER" not in _dose_prompt(app, "glycine").plain
        assert "▲ CAUTION" in _dose_prompt(app, "glycine").plain
        # as drawn, on the highlighted row too: the theme's error colours (and in words)
        drawn = [s for s in _segments(app) if "✖ DANGER" in s.text]
        assert drawn and all(_in_colour(app, s, "text-error", "error-muted") for s in drawn)


@pytest.mark.parametrize("medication", MEDICATIONS)
async def test_the_header_says_how_many_dangers(home: Path, medication: str) -> None:
    _write_profile(home, [medication])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "1 danger" in app.sub_title and "1 dangers" not in app.sub_title
        assert "1 danger" in _rows(app)[0]
        app.change(lambda profile, routine: editing.remove_dose(profile, routine, 5))  # 5-HTP
        await settle(pilot)
        assert "danger" not in app.sub_title


def test_the_count_of_dangers_is_in_words() -> None:
    from sleepplan.tui.dialogs.warnings import dangers_label

    def warning(severity: Severity) -> SafetyWarning:
        return SafetyWarning(severity, "code", ("a",), "message")

    assert dangers_label([warning(Severity.DANGER)]) == "✖ 1 danger"
    assert dangers_label([warning(Severity.DANGER)] * 2) == "✖ 2 dangers"
    assert dangers_label([warning(Severity.CAUTION), warning(Severity.INFO)]) == ""


@pytest.mark.parametrize("medication", MEDICATIONS)
async def test_a_line_above_the_fold_counts_the_warnings(home: Path, medication: str) -> None:
    _write_profile(home, [medication])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#warnings-line", Static)
        region = line.region
        assert region.height == 1 and region.bottom <= SIZE[1] - 1  # above the footer
        text = str(line.render())
        assert text.startswith("✖ 1 danger · ▲ ") and "! shows them" in text
        assert "✖ 1 danger" in _rows(app)[region.y]
        # the warnings list itself is below the fold: the line is what tells
        assert app.screen.query_one("#warnings", OptionList).region.y >= SIZE[1]


async def test_the_warnings_key_goes_to_the_warnings(home: Path) -> None:
    _write_profile(home, ["sertraline"])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        panel = app.screen.query_one("#warnings", OptionList)
        assert app.focused is panel and panel.highlighted == 0
        top = panel.region.y
        assert top < SIZE[1] - 1  # scrolled into view
        assert "✖ DANGER" in _rows(app)[top]
        await pilot.press("enter")  # and the first one opens with its sources
        await settle(pilot)
        assert app.screen.__class__.__name__ == "WarningDialog"


async def test_the_palette_goes_to_the_warnings(home: Path) -> None:
    _write_profile(home, ["sertraline"])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"tonight's warnings")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#warnings", OptionList)


async def test_clicking_the_warnings_line_goes_to_the_warnings(home: Path) -> None:
    _write_profile(home, ["sertraline"])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#warnings-line", Static)
        await pilot.click(line, offset=(str(line.render()).index("shows") + 1, 0))
        await settle(pilot)
        assert app.focused is app.screen.query_one("#warnings", OptionList)


async def test_the_warnings_list_shows_severity_in_the_theme_colours(home: Path) -> None:
    _write_profile(home, ["sertraline"])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#warnings", OptionList)
        prompts = [panel.get_option_at_index(i).prompt for i in range(panel.option_count)]
        assert all(isinstance(prompt, Content) for prompt in prompts)
        danger, caution = prompts[0], prompts[1]
        assert isinstance(danger, Content) and isinstance(caution, Content)
        assert danger.plain.startswith(" ✖ DANGER ") and caution.plain.startswith(" ▲ CAUTION ")
        assert any("$error" in str(span.style) for span in danger.spans if span.start == 0)
        assert any("$warning" in str(span.style) for span in caution.spans if span.start == 0)
        drawn = [s for s in _segments(app) if "▲ CAUTION" in s.text]
        assert drawn and all(_in_colour(app, s, "text-warning", "warning-muted") for s in drawn)


@pytest.mark.parametrize("medication", MEDICATIONS)
async def test_the_acknowledgement_opens_at_the_danger_sentence(
    home: Path, medication: str
) -> None:
    _write_profile(home, [medication])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "AcknowledgeDialog"
        dialog = app.screen.query_one(".dialog")
        box = dialog.content_region
        rows = _rows(app)[box.y : box.bottom]
        shown = [row[box.x : box.right].strip() for row in rows]
        first = next(line for line in shown if line)
        assert first.startswith("✖ DANGER") and "5-HTP with" in first
        assert dialog.scroll_y == 0
        # the choice is in view too, and Enter alone still never acknowledges
        assert any("I have read this" in line for line in shown)
        assert app.focused is not None and app.focused.id == "cancel"


async def test_tonight_has_one_disclaimer_line(home: Path) -> None:
    _write_profile(home, ["sertraline"])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        scope = app.screen.query_one("#scope", Static)
        text = str(scope.render())
        assert text.count("\n") == 0 and scope.size.height == 1
        assert "medical advice" in text
        assert NOTHING_RECORDED not in text  # an interaction is recorded: never "nothing"


async def test_nothing_recorded_is_said_only_when_nothing_is(home: Path) -> None:
    _write_profile(home, [], doses=[("glycine", 3000)])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        scope = app.screen.query_one("#scope", Static)
        text = str(scope.render())
        assert text.startswith(NOTHING_RECORDED) and text.count("medical advice") == 1
        app.change(lambda profile, routine: editing.remove_dose(profile, routine, 0))
        await settle(pilot)
        # no doses: there is no set to have found nothing about
        text = str(app.screen.query_one("#scope", Static).render())
        assert NOTHING_RECORDED not in text and "medical advice" in text


@pytest.mark.parametrize("medication", MEDICATIONS)
async def test_the_acknowledgement_records_its_moment_with_the_offset(
    home: Path, medication: str
) -> None:
    # an acknowledgement written before this one carried a date only: it still loads, kept
    old = '[[acknowledgements]]\ncode = "interaction"\ncompounds = ["x"]\nat = 2026-01-05\n'
    path = _write_profile(home, [medication], extra=old)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.click("#acknowledge")
        await settle(pilot)
        assert not app.workspace.dirty
    saved = load_profile(path).profile
    kept, added = saved.acknowledgements
    assert kept.at == dt.datetime(2026, 1, 5)
    assert added.at is not None and added.at.utcoffset() == dt.timedelta(hours=1)  # Berlin
    assert added.at == NOW and "2026-11-23T18:30:00+01:00" in path.read_text()


def test_an_acknowledgement_without_an_offset_is_refused() -> None:
    warning = SafetyWarning(Severity.DANGER, "interaction", ("a", "b"), "message")
    with pytest.raises(ValueError, match="offset"):
        editing.acknowledge(Profile(name="p"), [("r", warning)], dt.datetime(2026, 11, 23))
    at = dt.datetime(2026, 11, 23, 18, 30, 5, 123, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    (ack,) = editing.acknowledge(Profile(name="p"), [("r", warning)], at).acknowledgements
    assert ack.at == at.replace(microsecond=0) and ack.at.utcoffset() == dt.timedelta(hours=-5)


@pytest.mark.parametrize("medication", MEDICATIONS)
async def test_tonight_says_which_medications_were_checked(home: Path, medication: str) -> None:
    _write_profile(home, [medication, "mystery-pill"])
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#checked-against", Static)
        text = str(line.render())
        assert f"checked against {medication}" in text and "SSRI" in text
        assert "not checked" in text and "mystery-pill" in text
        assert line.region.height > 0 and line.region.bottom <= SIZE[1] - 1  # above the fold
        # the unknown name in the warning colour as well as in words
        start = text.index("not checked")
        rendered = line.render()
        assert isinstance(rendered, Content)
        styles = [str(s.style) for s in rendered.spans if s.start <= start < s.end]
        assert any("$text-warning" in style for style in styles)
