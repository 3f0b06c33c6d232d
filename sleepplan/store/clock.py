"""The world outside the domain: the current instant and the system's time zone.

Both use the standard library only: pendulum costs tens of milliseconds at start-up, so it is
imported solely as the last resort for finding the system's zone.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from sleepplan.core import timing
from sleepplan.core.errors import InputError

NOW_ENV = "SLEEPPLAN_NOW"
"""ISO 8601 instant used as "now" instead of the clock (for tests and reproducible output)."""
LOCALTIME = Path("/etc/localtime")
"""The systemd-style link into the zoneinfo tree that names the system's zone."""


def current_time(environ: Mapping[str, str]) -> dt.datetime:
    """The current instant, or ``$SLEEPPLAN_NOW`` when it is set (no offset means UTC)."""
    fixed = environ.get(NOW_ENV)
    if not fixed:
        return dt.datetime.now(dt.UTC)
    if _is_date_or_time(fixed):
        # fromisoformat would read a bare date as midnight; an instant needs both parts.
        raise InputError.single(f"${NOW_ENV}", "", "needs a date and a time")
    try:
        parsed = dt.datetime.fromisoformat(fixed)
    except ValueError:
        raise InputError.single(f"${NOW_ENV}", "", f"not an ISO 8601 instant: {fixed!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed


def _is_date_or_time(text: str) -> bool:
    for parse in (dt.date.fromisoformat, dt.time.fromisoformat):
        try:
            parse(text)
        except ValueError:
            continue
        return True
    return False


def system_zone(environ: Mapping[str, str] = os.environ, localtime: Path = LOCALTIME) -> str:
    """The system's IANA zone name, or UTC when it has none.

    ``$TZ`` first, then the zone ``/etc/localtime`` links to; only when neither names a zone
    does it ask pendulum, which knows the rarer places (``/etc/timezone``, Windows, macOS).

    Args:
        environ: Where to read ``TZ``.
        localtime: The ``/etc/localtime`` link.
    """
    candidates = [environ.get("TZ", "").removeprefix(":")]
    try:
        if localtime.is_symlink():
            # The link's own target is the name the user chose (as timedatectl reports it);
            # the resolved path helps when the link goes through another link.
            candidates += [os.readlink(localtime), str(localtime.resolve())]
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop
        pass
    for candidate in candidates:
        name = _zone_name(candidate)
        if name is not None:
            return name
    return _pendulum_zone()


def _zone_name(text: str) -> str | None:
    """The zone a ``TZ`` value or a zoneinfo path names, if ``timing.zone`` knows it."""
    if "zoneinfo/" in text:
        text = text.rpartition("zoneinfo/")[2]
        text = text.removeprefix("posix/")  # the same rules under another folder
    try:
        timing.zone(text)
    except ValueError:
        return None
    return text


def _pendulum_zone() -> str:
    try:
        from pendulum.tz import local_timezone  # the package re-export confuses mypy

        name = str(getattr(local_timezone(), "name", "UTC"))
    except Exception:  # pendulum raises for a misconfigured system; UTC is the answer then
        return "UTC"
    return _zone_name(name) or "UTC"
