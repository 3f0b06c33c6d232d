"""Insights over 3,650 nights × 30 compounds (design §12: ≤ 100 ms).

``python benchmarks/insights.py [RUNS]``: writes ten years of nightly check-ins taking 30 of the
catalog's compounds (a seeded random subset each night; the stack grows over the years, so
chronic compounds have nights before they started) into a temp home through the real import
path (`sleepplan import` of a JSON export), then times what `sleepplan insights` does, RUNS
times each: reading the journal (open, then every record), and the insights themselves (the
records as nights, then every compound's effect) — the part the budget is about.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import random
import tempfile
from pathlib import Path
from typing import Any

from common import FIXED_NOW, runs_from_argv, summary, time_calls
from ten_years import morning

from sleepplan.cli import main as cli
from sleepplan.core.catalog import Catalog
from sleepplan.core.insights import Night, compound_effects
from sleepplan.store import paths
from sleepplan.store.bundled import bundled_catalog
from sleepplan.store.journal import Journal

NIGHTS = 3650
COMPOUNDS = 30
NEW_COMPOUND_EVERY = 100
"""Compound k is first taken on night k · 100."""
BUDGET_MS = 100
PROFILE = "example"


def night_record(
    night: dt.date, index: int, compounds: list[str], catalog: Catalog, rng: random.Random
) -> dict[str, Any]:
    """One check-in as a JSON export holds it, taking a random subset of the started compounds."""
    record = morning(night, rng)
    started = compounds[: 1 + index // NEW_COMPOUND_EVERY]
    record["taken"] = [
        {
            "compound": compound_id,
            "amount_mg": (dose.typical if (dose := catalog.get(compound_id).dose_mg) else 100.0),
            "at": f"{night.isoformat()}T22:{rng.randint(0, 59):02d}:00+01:00",
        }
        for compound_id in rng.sample(started, rng.randint(0, len(started)))
    ]
    return record


def build_home(home: Path, seed: int = 30) -> list[str]:
    """Import ten years of check-ins with 30 compounds into ``home``; returns the compound ids."""
    rng = random.Random(seed)
    catalog = bundled_catalog()
    compounds = rng.sample([compound.id for compound in catalog], COMPOUNDS)
    first = dt.date(2016, 11, 23)
    data = {
        "profile": PROFILE,
        "checkins": [
            night_record(first + dt.timedelta(days=i), i, compounds, catalog, rng)
            for i in range(NIGHTS)
        ],
    }
    source = home.parent / "thirty-compounds.json"
    source.write_text(json.dumps(data))
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli(["--home", str(home), "import", str(source)])
    if code != 0:
        raise SystemExit(f"import failed with exit code {code}")
    return compounds


def read_records(journal_file: Path) -> list[dict[str, Any]]:
    """What `sleepplan insights` reads: every record of the profile, oldest first."""
    with Journal(journal_file) as journal:
        return journal.records(PROFILE)


def main() -> None:
    runs = runs_from_argv(50)
    os.environ.setdefault("SLEEPPLAN_NOW", FIXED_NOW)
    home = Path(tempfile.mkdtemp()) / "home"
    compounds = build_home(home)
    journal_file = paths.journal_path(home)
    catalog = bundled_catalog()
    records = read_records(journal_file)
    doses = sum(len(r["taken"]) for r in records)
    effects = compound_effects([Night.from_record(r) for r in records], catalog)
    print(
        f"{len(records)} nights, {len(compounds)} compounds, {doses} doses; "
        f"{len(effects)} effects, {sum(e.ci95 is not None for e in effects)} with an interval"
    )

    nights = [Night.from_record(r) for r in records]

    def insights() -> None:  # what `sleepplan insights` does once it has the records
        compound_effects([Night.from_record(r) for r in records], catalog)

    def open_journal() -> None:
        Journal(journal_file).close()

    print(summary("insights (records to effects)", time_calls(insights, runs), BUDGET_MS))
    print(
        summary(
            "  of which compound_effects",
            time_calls(lambda: compound_effects(nights, catalog), runs),
        )
    )
    print(
        summary(
            "journal read (open + records)", time_calls(lambda: read_records(journal_file), runs)
        )
    )
    print(summary("  of which open", time_calls(open_journal, runs)))


if __name__ == "__main__":
    main()
