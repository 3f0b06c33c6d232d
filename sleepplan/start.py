"""The program's entry point, and Python's garbage collector around start-up.

Starting builds tens of thousands of objects that live as long as the process (modules,
classes, Textual's widgets and styles, the catalog) and next to no garbage. Python's cycle
collector would trace them again and again while they are being made: 50 ms or more, a tenth
of the app's start (design §12). So ``run`` pauses the collector before anything else is
imported, and a command turns it back on when it is done. The app turns it back on as soon as
it is constructed, with everything imported so far frozen (``resume_collector``), and once its
plan is shown collects once and freezes what lives on. Reference counting, which frees almost
everything, works throughout.
"""

from __future__ import annotations

import gc


def run() -> int:
    """``sleepplan``: the command line, started with the collector paused."""
    was_collecting = gc.isenabled()
    gc.disable()
    try:
        from sleepplan.cli import main

        return main()
    finally:
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
