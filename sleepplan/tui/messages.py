"""Messages workers post when slow work finishes, named for what happened."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.message import Message

from sleepplan.core.errors import InputError
from sleepplan.core.profile import Profile
from sleepplan.store.profiles import Fingerprint, LoadedProfile


class ProfileLoaded(Message):
    """A profile was read and validated (with the nights each compound was taken)."""

    def __init__(
        self, loaded: LoadedProfile, past_nights: dict[str, list[dt.date]] | None = None
    ) -> None:
        super().__init__()
        self.loaded = loaded
        self.past_nights = past_nights or {}


class ProfileFailed(Message):
    """A profile could not be loaded; nothing was changed on disk."""

    def __init__(self, path: Path, error: InputError) -> None:
        super().__init__()
        self.path = path
        self.error = error


class ProfileSaved(Message):
    """A profile was written durably."""

    def __init__(self, path: Path, profile: Profile, fingerprint: Fingerprint) -> None:
        super().__init__()
        self.path = path
        self.profile = profile
        self.fingerprint = fingerprint


class ProfileConflict(Message):
    """The file changed on disk since it was loaded; nothing was written."""

    def __init__(self, path: Path, profile: Profile, error: InputError) -> None:
        super().__init__()
        self.path = path
        self.profile = profile
        self.error = error


class SaveFailed(Message):
    """Saving failed; the file on disk is the previous version."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__()
        self.path = path
        self.reason = reason
