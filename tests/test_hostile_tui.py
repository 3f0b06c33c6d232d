"""Hostile strings in every area of the app: shown as written, never acted on, never raw.

A shared profile is untrusted, and so is a journal import. Its names, notes and file names
must neither run as Textual markup (``[@click=app.quit]`` in a cell quits the app when the
cell is clicked, an unbalanced ``[/]`` raised a traceback) nor reach the terminal as control
characters (an escape sequence can retitle the window, write the clipboard or hide a warning).

What reaches the terminal is checked where Textual builds it: the headless driver writes
nothing, so each check renders the whole screen as the real driver would (the compositor's
full update, toasts and dialogs included) and inspects every segment: its text is what the
driver writes between the escape sequences Textual makes from the segment's style. No
segment may carry a hidden character (``core.visible``'s class: C0, C1, bidi and invisible
format controls), a control code or a hyperlink.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import tomli_w
from rich.segment import Segment
from textual.app import App
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList
from textual.widgets._toast import Toast

from sleepplan.core.experiments import make_plan
from sleepplan.core.visible import visible
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home, load_profile, save_profile
from sleepplan.tui.dialogs.confirm import ConfirmDialog
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt
from sleepplan.tui.widgets.tick import Tick
from tests.tui_helpers import make_app, settle

SIZE = (80, 24)
CLICK = "[@click=app.quit]click[/]"
HOSTILE = [CLICK, "[/]zz", "Chamomile tea\u001b]8;;", "\x1b]52;c;ZXZpbA==\x07", "\u202e"]
"""Markup that acts, markup that breaks, an unterminated OSC, an OSC 52 clipboard write, bidi."""
PROFILE_NAME = "hostile [@click=app.quit]p[/] \x1b]0;T\x07"
SECOND_ROUTINE = "[/]zz \x1b]52;c;ZXZpbA==\x07"
QUIT_FILE = "[@click=app.quit]QUIT.toml"


def _hostile_profile() -> dict[str, Any]:
    compounds = [
        {
            "id": f"hostile-{index}",
            "name": name,
            "mechanism": "other",
            "timing": {"anchor": "bedtime", "minutes": 30},
            "aliases": [f"{name} alias"],
            "cautions": [f"{name} caution"],
            "notes": f"{name} note\nsecond \x1b[2J line",
            "sources": [{"title": f"{name} title", "url": f"https://example.org/{name}"}],
        }
        for index, name in enumerate(HOSTILE)
    ]
    doses = [{"compound": f"hostile-{index}", "amount_mg": 10} for index in range(len(HOSTILE))]
    return {
        "schema_version": 1,
        "name": PROFILE_NAME,
        "timezone": "Europe/Berlin",
        "bedtime": "23:00",
        "wake": "07:00",
        "medications": ["sertraline", "[@click=app.quit]med[/] \x1b[2J"],
        "default_routine": CLICK,
        "routines": [
            # 5-HTP with sertraline: a DANGER that no name around it may hide
            {"name": CLICK, "doses": [*doses, {"compound": "5-htp", "amount_mg": 100}]},
            {"name": SECOND_ROUTINE, "doses": [{"compound": "melatonin", "amount_mg": 0.5}]},
        ],
        "custom_compounds": compounds,
        # a key of one's own, drawn in the footer, and a binding that does not exist
        "keymap": {"app.help": "ctrl+\x1b]0;T\x07", f"{CLICK}\x1b]0;T\x07": "z"},
    }


def _write_home(home: Path) -> None:
    """The hostile profile (with an experiment), a hostile file name, and hostile check-ins."""
    ensure_home(home)
    folder = home / "profiles"
    path = folder / "hostile.toml"
    path.write_text(tomli_w.dumps(_hostile_profile()))
    loaded = load_profile(path)
    experiment = make_plan(
        catalog=loaded.catalog,
        compound="hostile-2",
        dose_a_mg=0,
        dose_b_mg=10,
        primary="onset",
        mid=5,
        start=dt.date(2026, 11, 22),
        created_at=dt.datetime(2026, 11, 21),
        seed=3,
        hypothesis=f"{CLICK} \x1b]0;title\x07",
        baseline_nights=0,
        blocks=2,
        block_nights=2,
    )
    save_profile(
        path, dataclasses.replace(loaded.profile, experiments=(experiment,)), loaded.fingerprint
    )
    (folder / QUIT_FILE).write_text((folder / "example.toml").read_text())
    with Journal(home / "journal.sqlite3") as journal:
        for index in range(8):
            taken = [
                {"compound": compound, "amount_mg": 10, "at": None}
                for compound in ("hostile-0", "hostile-2", *HOSTILE)
            ]
            record = {
                "night": (dt.date(2026, 11, 1) + dt.timedelta(days=index)).isoformat(),
                "kss": 3,
                "taken": taken if index % 2 else [],
                "confounders": [],
                "notes": f"{CLICK} \x1b]52;c;ZXZpbA==\x07",
                "metrics": {"tst_min": 420, "se_pct": 90.0},
                "scores": {"morning": 60.0 + index, "onset": 50.0 + 3 * index},
                "flags": [],
            }
            journal.save(PROFILE_NAME, record, "t")


def _screen(app: App[Any]) -> list[str]:
    """Every row of the screen as the terminal would show it; fails on anything hidden in it.

    Checks each segment the compositor hands the driver for a full redraw: the driver writes
    a segment's text verbatim, wrapped in the codes for its style, so a control character or a
    hyperlink in any of them would reach the terminal.
    """
    update = app.screen._compositor.render_full_update()
    rows = []
    for line in update.strips:
        row = []
        for strip in line:
            for segment in strip:
                assert isinstance(segment, Segment)
                assert segment.control is None, segment
                assert visible(segment.text) == segment.text, f"raw control in {segment.text!r}"
                assert segment.style is None or not segment.style.link, segment
                row.append(segment.text)
        rows.append("".join(row))
    return rows


def _shown(app: App[Any]) -> str:
    return "\n".join(_screen(app))


def _toasts(app: App[Any]) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query(Toast)]


async def _click_every_cell(pilot: Pilot[None], table: DataTable[Any]) -> None:
    """Click the start of each cell's text, twice (the second click selects the row)."""
    for row in range(table.row_count):
        for column in range(len(table.columns)):
            table.scroll_visible(top=True, animate=False)
            await pilot.pause()
            cell = table._get_cell_region(Coordinate(row, column))  # where Textual draws it
            offset = (cell.x + 1 - round(table.scroll_x), cell.y - round(table.scroll_y))
            await pilot.click(table, offset=offset)
            await pilot.click(table, offset=offset)
            await settle(pilot)
            assert pilot.app.is_running
            _screen(pilot.app)
            while len(pilot.app.screen_stack) > 1:  # a prompt or dialog the click opened
                await pilot.press("escape")
                await settle(pilot)
            if pilot.app.screen.id != table.screen.id:
                return  # the click opened a profile: done with this table


async def test_hostile_names_are_shown_literally_and_never_act_in_any_area(home: Path) -> None:
    _write_home(home)
    app = make_app(home, profile="hostile")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.workspace.profile is not None
        # Tonight: every name as written, the danger shown, nothing raw
        shown = _shown(app)
        for name in HOSTILE[:4]:
            assert visible(name) in shown
        assert "\\u202e" in shown
        assert visible(PROFILE_NAME) in str(app.screen.query_one("HeaderTitle").render())
        assert "^␛]0;T␇ Help" in shown  # the profile's own key for help, in the footer
        assert any(f"unknown bindings: {CLICK}␛]0;T␇" in toast for toast in _toasts(app))
        # the routine's name is a link to pick another: it opens the list, never app.quit
        controls = app.screen.query_one("#night-controls")
        routine_at = str(controls.render()).index(CLICK)
        await pilot.click(controls, offset=(routine_at + 18, 0))  # on the name's "click"
        await settle(pilot)
        assert app.is_running and app.screen.__class__.__name__ == "ChoicePrompt"
        choices = _shown(app)
        assert CLICK in choices and visible(SECOND_ROUTINE) in choices
        await pilot.press("escape", "r")
        await settle(pilot)
        assert any(visible(SECOND_ROUTINE) in toast for toast in _toasts(app))
        _screen(app)
        await pilot.press("r")
        await settle(pilot)
        doses = app.screen.query_one("#doses", OptionList)
        doses.scroll_visible(top=True, animate=False)
        await settle(pilot)
        for line in range(doses.size.height):  # each dose's row, clicked on its name
            await pilot.click(doses, offset=(10, line))
            await settle(pilot)
            assert app.is_running
        warnings = app.screen.query_one("#warnings", OptionList)
        warnings.focus()
        await settle(pilot)
        assert "✖ DANGER" in _shown(app)  # scrolled to: a name before it hid nothing
        for index in range(warnings.option_count):
            warnings.focus()
            warnings.highlighted = index
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.__class__.__name__ == "WarningDialog"
            _screen(app)
            await pilot.press("escape")
            await settle(pilot)
        # saving asks to acknowledge the danger, naming the routine as written
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "AcknowledgeDialog"
        assert CLICK in _shown(app)
        await pilot.press("escape")
        await settle(pilot)
        # the command palette lists the routines and compounds by name
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"click")
        await settle(pilot)
        assert CLICK in _shown(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "TonightScreen"

        # Catalog: every row clicked, its details shown, adding one asks its amount
        await pilot.press("k")
        await settle(pilot)
        compounds = app.screen.query_one("#compounds", DataTable)
        search = app.screen.query_one("#search")
        await pilot.click(search)
        await pilot.press(*"hostile", "enter")
        await settle(pilot)
        assert compounds.row_count == len(HOSTILE)
        details = []
        for row in range(compounds.row_count):
            compounds.move_cursor(row=row)
            await settle(pilot)
            details.append(str(app.screen.query_one("#details").render()))
            _screen(app)
        assert "Chamomile tea␛]8;; caution" in "\n".join(details)
        assert "second ␛[2J line" in "\n".join(details)
        await _click_every_cell(pilot, compounds)
        assert app.is_running

        # Morning: what was taken, by name; saving it
        await pilot.press("m")
        await settle(pilot)
        morning = "\n".join(
            str(tick.label) for tick in app.screen.query("#taken Tick").results(Tick)
        )
        assert CLICK in morning and "[/]zz" in morning
        # last night was the experiment's arm A (none): the check-in follows it, not the routine
        assert "Chamomile tea␛]8;;" not in morning
        _screen(app)

        # History: every cell of every table clicked
        await pilot.press("h")
        await settle(pilot)
        effects = app.screen.query_one("#effects", DataTable)
        nights = app.screen.query_one("#nights", DataTable)
        assert effects.row_count and nights.row_count == 8
        names = [str(effects.get_row_at(row)[0]) for row in range(effects.row_count)]
        assert CLICK in names and "\\u202e" in names
        assert "␛]52;c;ZXZpbA==␇" in str(nights.get_row_at(0)[5])
        await _click_every_cell(pilot, effects)
        await _click_every_cell(pilot, nights)
        experiments = str(app.screen.query_one("#experiments").render())
        assert "Chamomile tea␛]8;;" in experiments

        # Profiles: the hostile file name as written; clicking it opens it, nothing else
        await pilot.press("p")
        await settle(pilot)
        table = app.screen.query_one("#profile-table", DataTable)
        rows = [str(table.get_row_at(row)[1]) for row in range(table.row_count)]
        assert "[@click=app.quit]QUIT" in rows
        assert "[@click=app.quit]QUIT" in _shown(app)
        await _click_every_cell(pilot, table)
        assert app.is_running
        _screen(app)


async def test_a_profile_naming_an_unknown_hostile_compound_shows_its_error(home: Path) -> None:
    ensure_home(home)
    text = (home / "profiles" / "example.toml").read_text()
    unknown = text.replace('compound = "melatonin"', 'compound = "[/]zz\\u001b]0;T\\u0007"', 1)
    (home / "profiles" / "unknown.toml").write_text(unknown)
    app = make_app(home, profile="unknown")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.is_running
        toasts = "\n".join(_toasts(app))
        assert "[/]zz" in toasts and "Profile not loaded" in toasts
        _screen(app)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        assert "'[/]zz\\x1b]0;T\\x07'" in str(app.screen.query_one("#profile-status").render())
        _screen(app)
    assert app.return_code in (None, 0)


LONG = "Not saved: it was changed on disk since it was opened. " + " ".join(
    f"part{index}" for index in range(40)
)


async def test_a_long_dialog_message_wraps_instead_of_being_cut(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialogs: list[ModalScreen[Any]] = [
            ConfirmDialog(LONG, "Reload", "Keep"),
            ChoicePrompt(LONG, [("a", f"choice {LONG}"), ("b", "cancel")]),
            TextPrompt(LONG, "x", lambda answer: f"problem {LONG}"),
        ]
        for dialog in dialogs:
            app.push_screen(dialog)
            await settle(pilot)
            if isinstance(dialog, TextPrompt):
                await pilot.press("enter")  # the check's problem is shown under the field
                await settle(pilot)
            words = _shown(app).split()
            for word in LONG.split():
                assert word in words, word
            app.pop_screen()
            await settle(pilot)


async def test_opening_another_profile_after_the_morning_refills_its_taken_doses(
    home: Path,
) -> None:
    # The morning form refills "taken" when another profile opens; its old ticks were still
    # leaving as the new ones (with the same ids) came in, and the app stopped with a traceback.
    ensure_home(home)
    folder = home / "profiles"
    text = (folder / "example.toml").read_text()
    (folder / "other.toml").write_text(text.replace('name = "example"', 'name = "other"'))
    app = make_app(home, profile="example")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        app.open_profile(str(folder / "other.toml"))
        await settle(pilot)
        assert app.is_running
        assert app.workspace.profile is not None and app.workspace.profile.name == "other"
        ticks = list(app.screen.query("#taken Tick").results(Tick))
        assert len(ticks) == 3 and all(tick.value for tick in ticks)
