"""The docs stay true: their examples load, their commands parse, their links and paths resolve.

Each page that shows a command or a format is checked here against the code (README.md's set-up
commands are checked by tests/test_readme.py): the profile format's example loads as a profile,
the check-in file's example is a valid check-in, every ``sleepplan …`` line in a ```sh block
parses, the JSON keys docs/json.md names are in each command's output, and every relative link
and every repository path in backticks points at something that exists.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, CONTRIBUTING, *DOCS]
PAGE_IDS = [str(page.relative_to(ROOT)) for page in PAGES]

# Shell operators we cannot parse as arguments; a docs line holding one is skipped (none does
# today, so the count of skipped lines is checked to stay at zero unless a page needs one).
SHELL_OPERATORS = ("|", ">", "<", "&&", ";", "$(")

FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)


def fenced(text: str, language: str) -> list[str]:
    """The bodies of the fenced blocks of ``language`` in a Markdown text, in order."""
    return [body for lang, body in FENCE.findall(text) if lang == language]


def section(text: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    body = text.split(heading + "\n", 1)[1]
    stop = re.search(rf"^#{{1,{len(level)}}} ", body, re.M)
    return body[: stop.start()] if stop else body


# -- the profile format ----------------------------------------------------------------------


def test_the_profile_formats_example_is_a_valid_profile() -> None:
    """A user copies the example profile: every key in it must load, [[day]] included."""
    from sleepplan.store.bundled import bundled_catalog
    from sleepplan.store.profiles import profile_from_bytes

    page = ROOT / "docs" / "profile-format.md"
    example = fenced(section(page.read_text(), "## An example"), "toml")[0]
    profile = profile_from_bytes(example.encode(), str(page), bundled_catalog())
    assert [item.compound for item in profile.day] == ["caffeine"]
    assert profile.routines[0].doses[0].compound == "magnesium-glycinate"
    assert profile.medications == ("ssri",)


# -- the check-in file -------------------------------------------------------------------------


def checkin_example() -> str:
    page = (ROOT / "docs" / "checkin-file.md").read_text()
    return fenced(section(page, "## The format"), "toml")[0]


def test_the_checkin_files_example_is_a_valid_checkin() -> None:
    """The example is read as `sleepplan checkin --from FILE` reads it, and scores as shown."""
    from sleepplan.core.checkin import evaluate, parse_checkin
    from sleepplan.store.bundled import bundled_catalog

    answers = parse_checkin(checkin_example(), "docs/checkin-file.md")
    checkin = evaluate(answers, "Europe/Berlin", 480, "docs/checkin-file.md")
    metrics = checkin.metrics
    # in bed 22:50 → out 07:10 = 500 min; asleep (23:05 → 06:55) − 20 − 10 = 440 min
    assert (metrics.tib_min, metrics.tst_min, metrics.se_pct) == (500, 440, 88.0)
    catalog = bundled_catalog()
    assert all(dose.compound in catalog for dose in answers.taken or ())


def test_every_key_of_the_checkin_example_is_explained_or_self_evident() -> None:
    """Each key the example shows is one the check-in file accepts (a typo would be refused)."""
    from sleepplan.core.checkin import CheckinAnswers

    keys = re.findall(r"^(\w+) =", checkin_example(), re.M)
    assert len(keys) >= 15
    assert set(keys) <= set(CheckinAnswers.model_fields)


# -- commands in ```sh blocks ------------------------------------------------------------------


def sh_commands(text: str) -> tuple[list[list[str]], list[str]]:
    """The ``sleepplan …`` lines of the ```sh blocks as argument lists, and the lines skipped."""
    commands: list[list[str]] = []
    skipped: list[str] = []
    for block in fenced(text, "sh"):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if not words or words[0] != "sleepplan":
                continue
            if any(operator in words for operator in SHELL_OPERATORS):
                skipped.append(line)
                continue
            commands.append(words[1:])
    return commands, skipped


def parse_error(argv: list[str]) -> str | None:
    """What ``sleepplan.cli.parse_args`` says is wrong with ``argv``, or None if it parses."""
    from sleepplan import cli

    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            cli.parse_args(argv)
    except SystemExit as error:
        return stderr.getvalue().strip() or f"exit {error.code}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_command_shown_parses(page: Path) -> None:
    commands, skipped = sh_commands(page.read_text())
    assert skipped == []
    problems = {shlex.join(argv): parse_error(argv) for argv in commands}
    assert {line: error for line, error in problems.items() if error} == {}


def test_the_readme_and_the_docs_show_commands() -> None:
    """The command check above does not pass by finding nothing."""
    assert len(sh_commands(README.read_text())[0]) >= 15
    assert sum(len(sh_commands(page.read_text())[0]) for page in DOCS) >= 15


def test_a_wrong_command_is_caught() -> None:
    text = "```sh\nsleepplan plan --tomorrow    # no such flag\nsleepplan catalog\n```\n"
    commands, _ = sh_commands(text)
    assert commands == [["plan", "--tomorrow"], ["catalog"]]
    assert parse_error(commands[0]) is not None
    assert parse_error(commands[1]) is None
    assert sh_commands("```sh\nsleepplan export --format json > out.json\n```\n")[1]


# -- the JSON page -----------------------------------------------------------------------------

JSON_ROW = re.compile(r"^\| `([a-z ]+ --json)`(?: `(\w+)(\[\])?`)? \| (.+) \|$", re.M)


def documented_keys() -> list[tuple[str, str | None, bool, set[str]]]:
    """docs/json.md's table: (command, inner key or None, whether a list, the keys named)."""
    text = (ROOT / "docs" / "json.md").read_text()
    return [
        (command, inner or None, bool(is_list), set(re.findall(r"`(\w+)`", keys)))
        for command, inner, is_list, keys in JSON_ROW.findall(text)
    ]


def test_the_json_page_names_each_commands_keys(tmp_path: Path) -> None:
    """Each key docs/json.md names is in the JSON the command prints, on a home with a night."""
    home = tmp_path / "json-home"
    checkin_file = tmp_path / "checkin.toml"
    checkin_file.write_text(checkin_example())
    run = {
        "checkin --json": ["checkin", "--from", str(checkin_file), "--json"],
        "plan --json": ["plan", "--json"],
        "check --json": ["check", "5-htp", "--med", "sertraline", "--json"],
        "catalog --json": ["catalog", "--json"],
        "day --json": ["day", "--json"],
        "window --json": ["window", "--json"],
        "history --json": ["history", "--json"],
        "insights --json": ["insights", "--json"],
        "tracker list --json": ["tracker", "list", "--json"],
    }
    rows = documented_keys()
    assert {command for command, *_ in rows} == set(run)
    morning = {"SLEEPPLAN_NOW": "2026-11-24T08:00:00+01:00"}  # the morning after the example
    outputs: dict[str, Any] = {}
    for command, argv in run.items():  # the check-in first: the others read its night
        result = run_cli("--home", str(home), *argv, env=morning)
        assert result.returncode == 0, (command, result.stderr)
        outputs[command] = json.loads(result.stdout)
    missing = {}
    for command, inner, is_list, keys in rows:
        data = outputs[command]
        if inner is not None:
            data = data[inner][0] if is_list else data[inner]
        if keys - set(data):
            missing[f"{command} {inner or ''}".strip()] = sorted(keys - set(data))
    assert missing == {}


def test_the_json_table_is_read() -> None:
    rows = documented_keys()
    assert len(rows) >= 12
    assert ("plan --json", "doses", True) in {row[:3] for row in rows}


# -- links and paths ---------------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    kept = "".join(
        char
        for char in heading.strip().lower()
        if char in " -_" or unicodedata.category(char)[0] in "LN"
    )
    return kept.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of a Markdown page (repeated headings get -1, -2, … as on GitHub)."""
    found: set[str] = set()
    text = FENCE.sub("", page.read_text())
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.M):
        name, number = slug(heading), 0
        while (f"{name}-{number}" if number else name) in found:
            number += 1
        found.add(f"{name}-{number}" if number else name)
    return found


def broken_links(page: Path) -> list[str]:
    """The relative links of ``page`` whose file, or whose heading, does not exist."""
    broken = []
    text = FENCE.sub("", page.read_text())
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto: — not ours to check offline
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        missing_anchor = bool(anchor) and resolved.suffix == ".md"
        if not resolved.exists() or (missing_anchor and anchor not in anchors(resolved)):
            broken.append(target)
    return broken


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_is_caught(tmp_path: Path) -> None:
    (tmp_path / "there.md").write_text("# There\n\n## Some place, here\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n[ok](there.md) [ok](there.md#some-place-here) [ok](#page) [web](https://x.org)\n"
        "[gone](missing.md) [no anchor](there.md#elsewhere) ![img](pic.svg)\n"
    )
    assert broken_links(page) == ["missing.md", "there.md#elsewhere", "pic.svg"]


def test_anchors_follow_githubs_rule() -> None:
    assert slug("Exit codes: your mistake or the machine's fault") == (
        "exit-codes-your-mistake-or-the-machines-fault"
    )
    assert slug("What helps you: insights and experiments") == (
        "what-helps-you-insights-and-experiments"
    )
    assert slug("The profile format (version 1)") == "the-profile-format-version-1"


REPO_PATH = re.compile(r"`((?:sleepplan|benchmarks|tests|scripts|docs)/[\w./*-]+)`")


def missing_paths(text: str) -> list[str]:
    """Repository paths in backticks that name nothing (a module may also be a package now)."""
    missing = []
    for name in REPO_PATH.findall(text):
        if "*" in name:
            found = bool(list(ROOT.glob(name)))
        else:
            path = ROOT / name
            found = path.exists() or (path.suffix == ".py" and path.with_suffix("").is_dir())
        if not found:
            missing.append(name)
    return missing


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_repository_path_named_exists(page: Path) -> None:
    assert missing_paths(page.read_text()) == []


def test_a_missing_path_is_caught() -> None:
    text = "`sleepplan/core/safety.py` `docs/*.svg` `sleepplan/core/nowhere.py` `tests/no.py`"
    assert missing_paths(text) == ["sleepplan/core/nowhere.py", "tests/no.py"]


# -- what the README and CONTRIBUTING promise --------------------------------------------------


def test_the_readme_says_not_medical_advice_before_anything_else() -> None:
    readme = README.read_text()
    assert "not medical advice" in readme.split("## Set up", 1)[0]


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {target.partition("#")[0] for target in LINK.findall(README.read_text())}
    assert {f"docs/{page.name}" for page in DOCS} <= linked


def test_contributing_repeats_the_readmes_two_setup_commands() -> None:
    readme_setup = fenced(section(README.read_text(), "## Set up"), "sh")
    contributing_setup = fenced(section(CONTRIBUTING.read_text(), "## Set up"), "sh")
    assert len(readme_setup) == 2
    assert contributing_setup[:2] == readme_setup
