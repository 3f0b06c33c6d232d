"""``sleepplan window``: the opt-in sleep window (CBT-I sleep restriction), week by week."""

from __future__ import annotations

import argparse

from sleepplan.cli.context import Context, journal_records, print_json
from sleepplan.core import timing
from sleepplan.store.clock import system_zone


def cmd_window(ctx: Context) -> int:
    """The sleep window this week and every week's step, from the diary (design §16)."""
    from sleepplan.core.sleep_window import WeekStep, is_on, profile_window
    from sleepplan.output.window import window_json, window_text

    profile = ctx.profile().profile
    settings = profile.sleep_window
    enabled = is_on(settings)
    steps: tuple[WeekStep, ...] = ()
    if enabled:
        zone = profile.timezone or system_zone()
        tonight = timing.tonight(timing.in_zone(ctx.now(), zone), profile.wake)
        records = journal_records(ctx, profile.name)
        steps = profile_window(settings, records, profile.bedtime, profile.wake, tonight)
    if ctx.args.json:
        print_json(window_json(enabled, steps))
    else:
        print(window_text(enabled, steps, settings.start if settings else None))
    return 0


def window_arguments(window: argparse.ArgumentParser) -> None:
    """``sleepplan window``'s arguments."""
    window.add_argument("--json", action="store_true", help="print JSON")
    window.set_defaults(handler=cmd_window)


ARGUMENTS = {"window": window_arguments}
"""This module's command, with the function that adds its arguments."""
