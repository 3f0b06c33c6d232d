"""What the commands share: the ``Context`` of a run, reading flags, printing JSON, the journal.

Every command takes a ``Context``; the helpers here are the ones several commands use. The
journal (and SQLite with it) is imported only by the function that opens it (design §12).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.interactions import Medications, resolve_medications
from sleepplan.core.safety import SafetyContext
from sleepplan.output.terminal import json_text
from sleepplan.store import paths
from sleepplan.store.bundled import bundled_catalog, bundled_interactions
from sleepplan.store.clock import current_time
from sleepplan.store.profiles import LoadedProfile, ensure_home, load_profile, profile_path

if TYPE_CHECKING:
    from sleepplan.core.objective import ObjectiveNight
    from sleepplan.store.journal import Journal

STRONG_CYP1A2 = "strong_cyp1a2_inhibitor"
"""The medication class (interactions.toml) that slows caffeine's clearance (design §16)."""


class Context:
    """What every command needs: the home, the chosen profile, the clock, the environment."""

    def __init__(self, args: argparse.Namespace, environ: Mapping[str, str]) -> None:
        self.args = args
        self.environ = environ
        self.home = paths.resolve_home(args.home, environ)
        self.cache = paths.cache_dir(self.home)

    def catalog(self) -> Catalog:
        """The bundled catalog (through the home's cache)."""
        return bundled_catalog(self.cache)

    def now(self) -> dt.datetime:
        """The current instant (``$SLEEPPLAN_NOW`` when set)."""
        return current_time(self.environ)

    def profile(self) -> LoadedProfile:
        """The profile named by ``--profile`` (creating the home on first use).

        A home, ``profiles/`` folder or profile in the home that another user owns or can
        write to is refused before it is read (``paths.UntrustedPath``, exit 2).
        """
        ensure_home(self.home)
        return load_profile(profile_path(self.home, self.args.profile), self.cache)


def parse_flag(name: str, convert: Callable[[str], Any], value: str) -> Any:
    """``convert(value)``; a value it refuses is an ``InputError`` naming the flag."""
    try:
        return convert(value)
    except (ValueError, OverflowError) as error:
        raise InputError.single(name, "", str(error)) from None


def print_json(data: object) -> None:
    """Print ``data`` as the commands' JSON."""
    print(json_text(data))


def plural(number: int, thing: str) -> str:
    """``1 dose``, ``2 doses``."""
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def safety_context(
    ctx: Context, medications: Sequence[str], past_nights: dict[str, list[dt.date]] | None = None
) -> SafetyContext:
    """The bundled interaction data with a user's medications and past nights."""
    data = bundled_interactions(ctx.cache)
    return SafetyContext(
        data, resolve_medications(medications, data), past_nights=past_nights or {}
    )


def slows_caffeine(medications: Medications) -> bool:
    """Whether a medication strongly inhibits CYP1A2 (fluvoxamine), which clears caffeine."""
    return STRONG_CYP1A2 in medications.classes


def open_journal(ctx: Context) -> Journal:
    """The home's journal, opened (and checked) for a command that reads or writes it."""
    from sleepplan.store.journal import Journal

    return Journal(paths.journal_path(ctx.home))


def journal_records(ctx: Context, profile_name: str) -> list[dict[str, Any]]:
    """A profile's check-ins in the journal."""
    with open_journal(ctx) as journal:
        return journal.records(profile_name)


def chosen_objective_nights(ctx: Context, loaded: LoadedProfile) -> dict[dt.date, ObjectiveNight]:
    """The tracker's main sleep of each night, one source per night by the profile's priority."""
    from sleepplan.core.objective import chosen_nights

    profile = loaded.profile
    with open_journal(ctx) as journal:
        return chosen_nights(journal.objective_nights(profile.name), profile.tracker_priority)
