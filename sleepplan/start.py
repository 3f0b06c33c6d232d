"""The program's entry point: the command line, started with the garbage collector paused.

Why the collector is paused, and when it runs again, is told in ``sleepplan.collector``.
"""

from __future__ import annotations

from sleepplan.collector import pause_collector, restore_collector


def run() -> int:
    """``sleepplan``: the command line, started with the collector paused."""
    was_collecting = pause_collector()
    try:
        from sleepplan.cli import main

        return main()
    finally:
        restore_collector(was_collecting)
