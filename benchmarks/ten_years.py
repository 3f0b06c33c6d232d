"""Ten years of nightly check-ins: generate them, import them, export them, and time it.

``python benchmarks/ten_years.py [HOME]`` builds HOME (default: a temp folder) with 3,650
check-ins written through the real import path (`sleepplan import`), then times each export
format and a re-import. The home it leaves behind is the one the start-up benchmark uses.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sleepplan.cli import main

NIGHTS = 3650
COMPOUNDS = ["melatonin", "magnesium-glycinate", "l-theanine", "glycine", "apigenin"]


def morning(night: dt.date, rng: random.Random) -> dict[str, Any]:
    """One plausible check-in, as a JSON export holds it."""
    sol, waso = rng.randint(5, 60), rng.randint(0, 60)
    taken = [
        {
            "compound": c,
            "amount_mg": {"melatonin": 0.5, "glycine": 3000}.get(c, 200.0),
            "at": f"{night.isoformat()}T22:{rng.randint(0, 59):02d}:00+01:00",
        }
        for c in rng.sample(COMPOUNDS, rng.randint(0, 3))
    ]
    return {
        "night": night.isoformat(),
        "in_bed": f"{night.isoformat()}T22:45:00+01:00",
        "tried_sleep": f"{night.isoformat()}T23:00:00+01:00",
        "sol_min": sol,
        "awakenings": rng.randint(1, 4) if waso else 0,
        "waso_min": waso,
        "final_wake": f"{(night + dt.timedelta(days=1)).isoformat()}T06:50:00+01:00",
        "out_of_bed": f"{(night + dt.timedelta(days=1)).isoformat()}T07:05:00+01:00",
        "quality": rng.randint(1, 5),
        "getting_to_sleep": rng.randrange(0, 101, 5),
        "sleep_quality": rng.randrange(0, 101, 5),
        "waking_up": rng.randrange(0, 101, 5),
        "feel_now": rng.randrange(0, 101, 5),
        "kss": rng.randint(1, 9),
        "effects": rng.sample(["vivid_dreams", "headache", "grogginess"], rng.randint(0, 1)),
        "confounders": rng.sample(["alcohol", "stress", "late_caffeine"], rng.randint(0, 1)),
        "taken": taken,
        "notes": "",
    }


def build_home(home: Path, nights: int = NIGHTS, seed: int = 7) -> float:
    """Write ``nights`` check-ins into ``home`` through `sleepplan import`; returns seconds."""
    rng = random.Random(seed)
    first = dt.date(2016, 11, 23)
    data = {
        "profile": "example",
        "checkins": [morning(first + dt.timedelta(days=i), rng) for i in range(nights)],
    }
    home.parent.mkdir(parents=True, exist_ok=True)
    source = home.parent / f"{home.name}-generated.json"
    source.write_text(json.dumps(data))
    started = time.perf_counter()
    code = main(["--home", str(home), "import", str(source)])
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"import failed with exit code {code}")
    return elapsed


def main_benchmark() -> None:
    """Build the home, then time every export and a re-import with --replace."""
    home = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "home"
    print(f"import of {NIGHTS} nights: {build_home(home):.2f} s  (home: {home})")
    for fmt in ("json", "csv", "toml"):
        out = home.parent / f"ten-years.{fmt}"
        started = time.perf_counter()
        main(["--home", str(home), "export", "--format", fmt, "--out", str(out)])
        exported = time.perf_counter() - started
        started = time.perf_counter()
        main(["--home", str(home), "import", str(out), "--replace"])
        imported = time.perf_counter() - started
        size = out.stat().st_size / 1024 / 1024
        print(f"{fmt:>4}: export {exported:.2f} s ({size:.1f} MiB), import {imported:.2f} s")


if __name__ == "__main__":
    main_benchmark()
