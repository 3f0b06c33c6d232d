"""Profiles on disk: find, read and validate them (writing arrives with the app)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError, from_decode_error
from sleepplan.core.profile import Profile, parse_profile
from sleepplan.store import paths
from sleepplan.store.bundled import FIRST_RUN_EXAMPLE, bundled_catalog, example_profiles

MAX_PROFILE_BYTES = 1024 * 1024
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class LoadedProfile:
    """A profile read from a file, with the catalog its doses refer to (bundled + custom)."""

    path: Path
    profile: Profile
    catalog: Catalog


def ensure_home(home: Path) -> None:
    """Create the home (0700) and, on first use, copy in the example profile (0600)."""
    folder = paths.profiles_dir(home)
    first_use = not folder.exists()
    paths.make_private_dir(folder)
    if first_use and not any(folder.glob("*.toml")):
        text = example_profiles()[FIRST_RUN_EXAMPLE]
        paths.write_new_private_file(folder / f"{FIRST_RUN_EXAMPLE}.toml", text.encode("utf-8"))


def list_profiles(home: Path) -> list[Path]:
    """The home's profile files, by name."""
    folder = paths.profiles_dir(home)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.toml"))


def check_name(name: str) -> str:
    """A profile name safe to use as a file name in the profiles folder."""
    if not _SAFE_NAME.match(name) or name.endswith(".toml"):
        raise InputError.single(
            "--profile",
            "",
            f"{name!r} is not a profile name (letters, digits, '-', '_', '.'; no '/')",
        )
    return name


def profile_path(home: Path, name_or_path: str | None) -> Path:
    """The file a ``--profile`` value refers to.

    A value with a slash or ending in ``.toml`` is a path; otherwise it names a profile in the
    home. With no value: the only profile, else the most recently saved one.
    """
    if name_or_path:
        if "/" in name_or_path or name_or_path.endswith(".toml"):
            return Path(name_or_path).expanduser()
        return paths.profiles_dir(home) / f"{check_name(name_or_path)}.toml"
    found = list_profiles(home)
    if not found:
        raise InputError.single(
            str(paths.profiles_dir(home)),
            "",
            "no profiles here; create one with `sleepplan profile new NAME`",
        )
    return max(found, key=lambda path: (path.stat().st_mtime, path.name))


def read_profile_text(path: Path) -> str:
    """A profile file's text; size, encoding and existence problems become ``InputError``."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PROFILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError.single(source, "", "no such file") from None
    except IsADirectoryError:
        raise InputError.single(source, "", "is a folder, not a profile file") from None
    except PermissionError:
        raise InputError.single(source, "", "cannot be read (permission denied)") from None
    if len(data) > MAX_PROFILE_BYTES:
        raise InputError.single(source, "", "is larger than 1 MiB; not a profile")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise from_decode_error(source, data, error) from None


def load_profile(path: Path, catalog: Catalog | None = None) -> LoadedProfile:
    """Read and validate a profile file."""
    text = read_profile_text(path)
    profile, full = parse_profile(text, str(path), catalog or bundled_catalog())
    return LoadedProfile(path, profile, full)
