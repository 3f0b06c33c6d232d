"""The home's profile files as the Profiles area lists them: each read, with its backup."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text

from sleepplan.core.errors import InputError
from sleepplan.core.visible import visible, visible_lines
from sleepplan.store.profiles import check_name, list_profiles, load_profile


@dataclass(frozen=True, slots=True)
class ProfileEntry:
    """A profile file and what reading it gave."""

    path: Path
    name: str
    routines: int
    error: str | None
    backup: Path | None = None
    """For a profile that fails to load: its ``.bak``, when there is one and it loads."""


def name_problem(name: str) -> str | None:
    """Why a profile name is not acceptable, or ``None``."""
    try:
        check_name(name)
    except InputError as error:
        return error.problems[0][1]
    return None


def shown_path(path: Path, home: Path) -> str:
    """A profile's file, relative to the home when it lives there."""
    try:
        return str(path.relative_to(home))
    except ValueError:
        return str(path)


def scan_profiles(home: Path, cache_dir: Path) -> list[ProfileEntry]:
    """Read every profile in the home (off the UI thread): its name, or why it fails to load."""
    entries = []
    for path in list_profiles(home):
        try:
            loaded = load_profile(path, cache_dir)
            entries.append(
                ProfileEntry(path, loaded.profile.name, len(loaded.profile.routines), None)
            )
        except InputError as error:
            entries.append(
                ProfileEntry(path, path.stem, 0, error.render(), loading_backup(path, cache_dir))
            )
    return entries


def loading_backup(path: Path, cache_dir: Path) -> Path | None:
    """A profile's ``.bak`` when there is one and it loads (read off the UI thread)."""
    backup = path.with_name(path.name + ".bak")
    if not backup.is_file():
        return None
    try:
        load_profile(backup, cache_dir)
    except InputError:
        return None
    return backup


def entry_status(entry: ProfileEntry | None) -> str | Text:
    """What the status pane says about the selected profile (or that there is none)."""
    if entry is None:
        return "No profiles yet: press n to create one from an example."
    if entry.error:
        backup = f"b opens its backup ({visible(entry.backup.name)}) · " if entry.backup else ""
        return Text.assemble(
            ("This profile could not be loaded:\n", "bold"),
            visible_lines(entry.error),
            (
                f"\n\nIt has not been changed. enter: what to do · {backup}"
                "e edits it in your $EDITOR, then opens it",
                "dim",
            ),
        )
    return Text.assemble(
        (visible(entry.name), "bold"),
        f" — {entry.routines} routine(s)\n",
        ("enter opens it · u duplicates it", "dim"),
    )
