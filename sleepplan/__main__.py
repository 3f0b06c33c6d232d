"""Allow ``python -m sleepplan``."""

from sleepplan.start import run

raise SystemExit(run())
