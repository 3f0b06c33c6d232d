"""Allow ``python -m sleepplan``."""

from sleepplan.cli import main

raise SystemExit(main())
