"""The world outside the domain: the current instant and the system's time zone."""

from __future__ import annotations

from collections.abc import Mapping

import pendulum

from sleepplan.core import timing
from sleepplan.core.errors import InputError

NOW_ENV = "SLEEPPLAN_NOW"
"""ISO 8601 instant used as "now" instead of the clock (for tests and reproducible output)."""


def current_time(environ: Mapping[str, str]) -> pendulum.DateTime:
    """The current instant, or ``$SLEEPPLAN_NOW`` when it is set."""
    fixed = environ.get(NOW_ENV)
    if not fixed:
        return pendulum.now("UTC")
    try:
        parsed = pendulum.parse(fixed)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        raise InputError.single(f"${NOW_ENV}", "", f"not an ISO 8601 instant: {fixed!r}") from None
    if not isinstance(parsed, pendulum.DateTime):
        raise InputError.single(f"${NOW_ENV}", "", "needs a date and a time")
    return parsed


def system_zone() -> str:
    """The system's IANA zone name, or UTC when it has none."""
    from pendulum.tz import local_timezone  # the package re-export confuses mypy

    name = str(getattr(local_timezone(), "name", "UTC"))
    try:
        timing.zone(name)
    except ValueError:
        return "UTC"
    return name
