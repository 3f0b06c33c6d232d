"""Hostile text through every output path of the command line, checked at the bytes.

A shared profile, a journal and file names carry the same list of strings that attack a
terminal: escapes that change the title, clear the screen, write the clipboard, open a
hyperlink or swallow what follows (a DANGER warning included), bidi overrides, a C1 CSI, a
forged warning line, and markup. Whatever a command prints, the terminal must receive none of
them as they are; JSON must still parse back to the very same strings.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import tomli_w

from tests.conftest import FIXED_NOW, ROOT

HOSTILE = [
    "Chamomile tea\x1b]8;;",  # an unterminated OSC: a terminal swallows what follows
    "\x1b[2J",  # clear the screen
    "\x1b]0;title\x07",  # set the window title
    "\x1b]52;c;ZXZpbA==\x07",  # write the clipboard (OSC 52)
    "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",  # a hyperlink
    "\u202eevil",  # a bidi override
    "\x9b2J",  # a C1 CSI: clear the screen on terminals that take 8-bit controls
    "\n  ✖ DANGER fake",  # a forged warning line
    "[@click=app.quit]x[/]",  # markup, for anything that would parse it
]
CHAMOMILE = HOSTILE[0]
FORGED = HOSTILE[7]
KEPT = {"\n", "\u200c", "\u200d"}  # line breaks, zero-width (non-)joiners
DANGER = "✖ DANGER   [medication_interaction] 5-HTP with sertraline"
NIGHT = ["--night", "2026-11-23", "--tz", "Europe/Berlin"]
ENV = {"SLEEPPLAN_NOW": FIXED_NOW, "TZ": "Europe/Berlin"}


def run(*args: str, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    """``sleepplan ARGS…`` offline, as ``tests.conftest.run_cli`` does, keeping the raw bytes."""
    return subprocess.run(
        [sys.executable, "-m", "tests.offline", *args],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**os.environ, **ENV},
        timeout=60,
    )


def harmless(output: bytes, *, data: bool = False) -> str:
    """The output as text, asserting it holds nothing a terminal acts on or hides.

    Data (an export) keeps its line breaks, even inside a quoted cell; other output never
    starts a line inside a name.
    """
    text = output.decode("utf-8")  # strict: a lone surrogate could not have been written
    acting = sorted(
        {
            f"U+{ord(char):04X}"
            for char in text
            if char not in KEPT and unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")
        }
    )
    assert acting == [], acting  # no ESC, no C1, no bidi control, no other control
    assert data or FORGED not in text  # no name can start a line of its own
    return text


def compound_data(index: int, text: str) -> dict[str, object]:
    data: dict[str, object] = {
        "id": f"hostile-{index}",
        "name": text,
        "aliases": [f"alias {index} {text}"],
        "mechanism": "gabaergic",
        "timing": {"anchor": "bedtime", "minutes": 30},
        "cautions": [text],
        "notes": text,
    }
    if index == 0:  # an amount above its range: a caution that names it and cites its source
        data["dose_mg"] = {"min": 1, "typical": 2, "max": 4}
        data["sources"] = [
            {"title": f"Source {text}", "url": "https://example.org/x", "supports": ["dose_mg"]}
        ]
    return data


def hostile_profile() -> dict[str, object]:
    """A profile whose every piece of text is hostile; its default routine holds 5-HTP and the
    custom "Chamomile tea\\x1b]8;;", with sertraline among the medications."""
    doses = [{"compound": f"hostile-{i}", "amount_mg": 100} for i in range(len(HOSTILE))]
    return {
        "name": "".join(HOSTILE)[:80],
        "timezone": "Europe/Berlin",
        "medications": ["sertraline", *(f"med {text}" for text in HOSTILE)],
        "default_routine": f"tonight {FORGED}",
        "custom_compounds": [compound_data(i, text) for i, text in enumerate(HOSTILE)],
        "routines": [
            {
                "name": f"tonight {FORGED}",
                "doses": [{"compound": "5-htp", "amount_mg": 100}, *doses],
            },
            *({"name": f"routine {i} {text}"} for i, text in enumerate(HOSTILE)),
        ],
    }


def file_name(text: str) -> str:
    return text.replace("/", "\u2215")  # a name cannot hold a slash; everything else it can


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A home with hostile profile files, and the hostile profile itself under a hostile name."""
    folder = tmp_path_factory.mktemp("hostile")
    home = folder / "home"
    assert run("--home", str(home), "profile", "list").returncode == 0  # creates the home
    profile = folder / f"shared {file_name(''.join(HOSTILE))}.toml"
    profile.write_text(tomli_w.dumps(hostile_profile()))
    for index, text in enumerate(HOSTILE):
        (home / "profiles" / f"{index}{file_name(text)}.toml").write_text(profile.read_text())
    # Not UTF-8: Python reads this name with a lone surrogate standing for the byte.
    (home / "profiles").joinpath(os.fsdecode(b"bad\xff\xfe.toml")).write_text("")
    return home, profile


def checkin_file(folder: Path, night: str) -> Path:
    path = folder / f"morning {night} {file_name(''.join(HOSTILE))}.toml"
    taken = [{"compound": f"hostile-{i}", "amount_mg": 1} for i in range(len(HOSTILE))]
    data = {"night": night, "kss": 3, "sol_min": 20, "notes": "".join(HOSTILE), "taken": taken}
    path.write_text(tomli_w.dumps(data))
    return path


def test_a_hostile_name_cannot_hide_the_danger_in_the_plan(world: tuple[Path, Path]) -> None:
    home, profile = world
    result = run("--home", str(home), "--profile", str(profile), "plan", *NIGHT)
    assert result.returncode == 0, result.stderr
    text = harmless(result.stdout)
    shown = "Chamomile tea␛]8;;"
    assert shown in text
    assert text.startswith("WARNINGS")
    assert text.index(DANGER) < text.index(shown)
    # the cautions come first too; each shows its hostile text visibly, on its own line
    cautions = [line for line in text.split("\n") if "▲ CAUTION" in line]
    assert any("Unknown medication 'med \\x1b[2J'" in line for line in cautions)
    assert any(line.startswith(f"  ▲ CAUTION  [above_max_dose] {shown}") for line in cautions)
    assert "source: Source Chamomile tea␛]8;;" in text
    last_alarm = max(text.index(line) for line in cautions)
    assert last_alarm < text.index("Night of")
    assert "routine tonight ␊  ✖ DANGER fake" in text
    assert "\\u202eevil" in text and "\\u009b2J" in text
    assert harmless(result.stderr) == ""


def test_plan_json_escapes_and_parses_back_to_the_same_strings(world: tuple[Path, Path]) -> None:
    home, profile = world
    result = run("--home", str(home), "--profile", str(profile), "plan", *NIGHT, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(harmless(result.stdout))
    assert data["profile"] == hostile_profile()["name"]
    assert data["routine"] == f"tonight {FORGED}"
    names = [dose["name"] for dose in data["doses"] if dose["compound"] != "5-htp"]
    assert sorted(names) == sorted(HOSTILE)
    assert data["warnings"][0]["severity"] == "danger"
    messages = " ".join(warning["message"] for warning in data["warnings"])
    assert all(repr(f"med {text}") in messages for text in HOSTILE)


def test_check_prints_the_danger_first_and_every_name_visibly(world: tuple[Path, Path]) -> None:
    home, profile = world
    items = [f"hostile-{i}" for i in range(len(HOSTILE))]
    args = ["--home", str(home), "--profile", str(profile), "check", *items, "5-htp"]
    result = run(*args, "hostile-0:100mg", "--med", "\x1b]0;pwned\x07")
    assert result.returncode == 0, result.stderr
    text = harmless(result.stdout)
    assert text.startswith(f"WARNINGS (14)\n  {DANGER}")
    checking = text.index("Checking:")
    assert text.rindex("▲ CAUTION", 0, checking) > text.index(DANGER)
    assert "▲ CAUTION" not in text[checking:]
    assert "Chamomile tea␛]8;; 100 mg" in text[checking:]
    medications = next(line for line in text.split("\n") if line.startswith("Medications:"))
    assert "med ␊  ✖ DANGER fake, " in medications and medications.endswith(", ␛]0;pwned␇")
    as_json = run(*args, "--json")
    data = json.loads(harmless(as_json.stdout))
    assert data["medications"]["unknown"] == [f"med {text}" for text in HOSTILE]


def test_checkin_history_and_insights_show_the_journal_visibly(
    world: tuple[Path, Path], tmp_path: Path
) -> None:
    _, profile = world
    base = ["--home", str(tmp_path / "home"), "--profile", str(profile)]
    for night in ("2026-11-20", "2026-11-21"):
        recorded = run(*base, "checkin", "--from", str(checkin_file(tmp_path, night)))
        assert recorded.returncode == 0, recorded.stderr
        text = harmless(recorded.stdout)
        assert "(profile Chamomile tea␛]8;;␛[2J␛]0;title␇" in text
    as_json = run(*base, "checkin", "--from", str(checkin_file(tmp_path, "2026-11-22")), "--json")
    assert json.loads(harmless(as_json.stdout))["record"]["notes"] == "".join(HOSTILE)
    history = run(*base, "history")
    assert "2026-11-22" in harmless(history.stdout)
    history_json = json.loads(harmless(run(*base, "history", "--json").stdout))
    assert [c["notes"] for c in history_json["checkins"]] == ["".join(HOSTILE)] * 3
    assert history_json["profile"] == hostile_profile()["name"]
    insights = harmless(run(*base, "insights").stdout)
    assert "Chamomile tea␛]8;;" in insights and "\\u202eevil" in insights
    assert "[@click=app.quit]x[/]" in insights  # plain text to a terminal: shown as it is
    insights_json = json.loads(harmless(run(*base, "insights", "--json").stdout))
    assert len(insights_json["compounds"]) == len(HOSTILE)


def test_experiment_new_and_status_show_names_and_paths_visibly(
    world: tuple[Path, Path], tmp_path: Path
) -> None:
    home, profile = world
    mine = tmp_path / f"mine {file_name(HOSTILE[2])}.toml"
    mine.write_bytes(profile.read_bytes())
    base = ["--home", str(home), "--profile", str(mine), "experiment"]
    new = run(
        *base,
        "new",
        "--compound",
        "hostile-0",
        "--dose-b",
        "2mg",
        "--primary",
        "onset",
        "--mid",
        "5",
        "--hypothesis",
        "".join(HOSTILE),
        "--start",
        "2026-11-23",
        "--seed",
        "7",
        "--blind",
    )
    assert new.returncode == 0, new.stderr
    text = harmless(new.stdout)
    assert "mine ␛]0;title␇.toml" in text and "of Chamomile tea␛]8;;" in text
    status = run(*base, "status")
    assert status.returncode == 0, status.stderr
    assert "(Chamomile tea␛]8;;)" in harmless(status.stdout)


def test_profile_list_and_validate_show_file_names_visibly(world: tuple[Path, Path]) -> None:
    home, profile = world
    listed = run("--home", str(home), "profile", "list")
    assert listed.returncode == 0, listed.stderr
    text = harmless(listed.stdout)
    assert "bad\\udcff\\udcfe" in text  # a name that is not UTF-8, shown, not a crash
    assert "7␊  ✖ DANGER fake" in text
    valid = run("--home", str(home), "profile", "validate", str(profile))
    assert valid.returncode == 0, valid.stderr
    text = harmless(valid.stdout)
    assert "ok — profile 'Chamomile tea␛]8;;␛[2J" in text and "shared Chamomile tea␛" in text


def test_the_error_path_names_a_hostile_file_visibly(world: tuple[Path, Path]) -> None:
    home, profile = world
    bad = profile.with_name(f"bad {file_name(''.join(HOSTILE))}.toml")
    bad.write_text('name = "x"\nbedtime = \n')
    for args in (["profile", "validate", str(bad)], ["--profile", str(bad), "plan"]):
        result = run("--home", str(home), *args)
        assert result.returncode == 2
        assert harmless(result.stdout) == ""
        assert "bad Chamomile tea␛]8;;␛[2J" in harmless(result.stderr)
    surrogate = profile.with_name("import.json")
    surrogate.write_text('{"checkins": [{"night": "2026-11-23", "notes": "a \\ud800 b"}]}')
    refused = run("--home", str(home), "--profile", str(profile), "import", str(surrogate))
    assert refused.returncode == 2
    assert "\\ud800" in harmless(refused.stderr)  # a lone surrogate cannot get in


@pytest.fixture
def journal(world: tuple[Path, Path], tmp_path: Path) -> list[str]:
    """The global options of a home whose journal holds one hostile check-in."""
    _, profile = world
    options = ["--home", str(tmp_path / "home"), "--profile", str(profile)]
    path = checkin_file(tmp_path, "2026-11-19")
    recorded = run(*options, "checkin", "--from", str(path))
    assert recorded.returncode == 0, recorded.stderr
    return options


def test_an_export_to_a_file_or_pipe_passes_byte_for_byte(
    journal: list[str], tmp_path: Path
) -> None:
    for form in ("csv", "json", "toml"):
        out = tmp_path / f"export.{form}"
        written = run(*journal, "export", "--format", form, "--out", str(out))
        assert written.returncode == 0, written.stderr
        piped = run(*journal, "export", "--format", form)
        assert piped.returncode == 0, piped.stderr
        assert piped.stdout == out.read_bytes()  # a backup: unchanged, hostile bytes and all
    assert "\u202eevil".encode() in piped.stdout


def test_an_export_shown_on_a_terminal_is_made_visible(journal: list[str]) -> None:
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "tests.offline", *journal, "export", "--format", "csv"]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=terminal, stderr=subprocess.PIPE, env={**os.environ, **ENV}
    ) as process:
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the program closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0
    os.close(controller)
    shown = b"".join(chunks).replace(b"\r\n", b"\n")  # the terminal's own line endings
    text = harmless(shown, data=True)
    assert "Chamomile tea␛]8;;" in text
