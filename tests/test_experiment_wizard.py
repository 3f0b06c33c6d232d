"""The experiment wizard at 80x24: bad answers refused in their field, the registration and
its hash before confirming, the envelope key shown once, then never again."""

from __future__ import annotations

import errno
import re
import stat
from pathlib import Path

import pytest
from textual.widgets import Button, Checkbox, Input, Static

from sleepplan.store import sealed
from sleepplan.store.profiles import load_profile
from sleepplan.tui.dialogs.prompt import TextPrompt
from sleepplan.tui.screens.experiment_wizard import EnvelopeKeyScreen, ExperimentWizard
from tests.tui_helpers import make_app, settle

SIZE = (80, 24)


def fill(wizard: ExperimentWizard, **answers: str) -> None:
    for widget_id, value in answers.items():
        wizard.query_one(f"#wizard-{widget_id}", Input).value = value


async def test_the_wizard_refuses_bad_answers_in_their_field(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, ExperimentWizard)
        assert wizard.query_one("#experiment-wizard").region.right <= 80
        before = (home / "profiles" / "example.toml").read_bytes()
        # it starts on a compound the routine has, and completes over the catalog's names
        compound = wizard.query_one("#wizard-compound", Input)
        assert compound.value == "Magnesium glycinate"  # the example routine's first dose
        fill(wizard, compound="", **{"dose-b": "0.5mg"})
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert compound.has_class("error") and compound.has_focus
        assert "type the compound to test" in str(wizard.query_one("#wizard-problem").render())
        await pilot.press(*"ashwa")
        await settle(pilot)
        await pilot.press("right")  # accepts the suggestion
        assert compound.value == "Ashwagandha"
        fill(wizard, compound="melatonin", **{"dose-b": "0.5mg", "mid": "0"})
        await pilot.press("ctrl+r")
        await settle(pilot)
        mid = wizard.query_one("#wizard-mid", Input)
        assert mid.has_class("error") and mid.has_focus
        problem = str(wizard.query_one("#wizard-problem").render())
        assert "Minimal difference:" in problem and "above 0 and at most 50" in problem
        fill(wizard, mid="5", start="2026-11-01")
        await pilot.press("ctrl+r")
        await settle(pilot)
        start = wizard.query_one("#wizard-start", Input)
        assert start.has_class("error") and not mid.has_class("error")
        assert "First night:" in str(wizard.query_one("#wizard-problem").render())
        fill(wizard, start="2026-11-23", compound="no-such-thing")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert wizard.query_one("#wizard-compound", Input).has_class("error")
        assert not wizard.query_one("#wizard-review").display
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ExperimentWizard)
    assert (home / "profiles" / "example.toml").read_bytes() == before
    assert not sealed.sealed_dir(home).exists()


async def test_a_blinded_experiment_registered_from_the_palette(home: Path, tmp_path: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"New experiment", "enter")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, ExperimentWizard)
        fill(wizard, compound="melatonin", **{"dose-b": "1 mg", "blocks": "2", "baseline": "1"})
        wizard.query_one("#wizard-blind", Checkbox).value = True
        await pilot.press("ctrl+r")
        await settle(pilot)
        review = str(wizard.query_one("#wizard-review", Static).render())
        assert wizard.plan is not None and f"SHA-256 {wizard.plan.sha256}" in review
        assert "Blinded" in review and "envelope" not in review.lower().replace(
            "numbered envelopes", ""
        )
        sha = wizard.plan.sha256
        wizard.query_one("#wizard-confirm", Button).press()
        await settle(pilot)
        key_screen = app.screen
        assert isinstance(key_screen, EnvelopeKeyScreen)
        key_text = str(key_screen.query_one("#envelope-key-text").render())
        assert "envelope   1: arm" in key_text
        assert "Hand this key to someone else" in str(key_screen.query_one("Static").render())
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        target = tmp_path / "key.txt"
        app.screen.query_one("#answer", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert "Saved to" in str(key_screen.query_one("#envelope-key-problem").render())
        assert any(str(target) in str(n.message) for n in app._notifications)  # a toast too
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, EnvelopeKeyScreen)
        await pilot.press("t")
        await settle(pilot)
        assert "envelope   1: arm" not in str(app.screen.query_one("#experiment-tonight").render())
    assert "envelope   1: arm" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = (home / "profiles" / "example.toml").read_text()
    assert sha in text and not re.search(r"\barm\b|schedule|envelope", text)
    registration = load_profile(home / "profiles" / "example.toml").profile.experiments[-1]
    assert sealed.unseal(home, registration).intact


async def test_a_full_disk_is_said_and_the_key_stays(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sleepplan.store import exports

    def full_disk(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(exports, "write_private", full_disk)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(EnvelopeKeyScreen("ENVELOPE KEY\n  envelope   1: arm A", "x"))
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        target = tmp_path / "key.txt"
        app.screen.query_one("#answer", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        problem = str(app.screen.query_one("#envelope-key-problem").render())
        assert "Not saved:" in problem and "No space left on device" in problem
        assert str(target) in problem and "damaged" not in problem
        assert isinstance(app.screen, EnvelopeKeyScreen)
    assert not target.exists()
