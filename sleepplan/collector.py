"""Python's garbage collector around start-up: paused while the program is built, then resumed.

Starting builds tens of thousands of objects that live as long as the process (modules,
classes, Textual's widgets and styles, the catalog) and next to no garbage. Python's cycle
collector would trace them again and again while they are being made: 50 ms or more, a tenth
of the app's start (design §12). So ``start.run`` pauses the collector before anything else is
imported, and a command turns it back on when it is done. The app turns it back on as soon as
it is constructed, with everything imported so far frozen (``resume_collector``), and once its
plan is shown collects once and freezes what lives on. Reference counting, which frees almost
everything, works throughout.

This module imports nothing of sleepplan's: the entry point and the app both use it, and
neither has to import the other.
"""

from __future__ import annotations

import gc


def pause_collector() -> bool:
    """Pause the cycle collector; whether it was running (give it to ``restore_collector``)."""
    was_collecting = gc.isenabled()
    gc.disable()
    return was_collecting


def restore_collector(was_collecting: bool) -> None:
    """Run the collector again if it ran before ``pause_collector``."""
    if was_collecting:
        gc.enable()


def resume_collector(collect_first: bool = False) -> None:
    """Let the collector run again, never looking at the objects alive now.

    Python's oldest-generation collection walks every object it tracks, and when one falls
    on a keystroke it holds that key for 30 ms or more, twice the budget of design §12.
    Frozen objects are never walked again; the modules, the screens and the data of a
    session are alive for the whole session anyway. The price: a frozen object that later
    becomes garbage is freed only by reference counting, never by the cycle collector.
    ``collect_first`` collects the garbage made so far, so that none of it is kept.
    """
    if collect_first:
        gc.collect()
    gc.freeze()
    gc.enable()
