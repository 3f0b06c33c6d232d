"""The command line: ``sleepplan COMMAND …`` prints text or JSON; ``sleepplan`` alone opens the app.

One module per command group, each with its commands (``cmd_*``) and their arguments:

- ``main``: the parser (built lazily, one command's at a time), ``main`` and the crash report;
  it imports a command's module only when that command runs, and Textual only for the app.
- ``context``: the ``Context`` every command takes, and the helpers several commands share.
- ``night``: what a night's plan is made of (the day's entries, experiments, past nights).
- ``plan``: ``plan``, ``catalog``, ``check``.
- ``day``: ``day add / list / remove``.
- ``window``: ``window``.
- ``checkin``: ``checkin``, ``history``, ``insights``.
- ``experiment``: ``experiment new / status / report``.
- ``transfer``: ``export``, ``import``.
- ``profile``: ``profile list / new / duplicate / delete / validate``.
- ``tracker``: ``tracker import / list``.

The modules import one way: ``main`` → a command's module → ``night`` → ``context``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sleepplan.cli.main import COMMAND_ARGUMENTS, COMMANDS, command_parser, main, parse_args

if TYPE_CHECKING:
    from sleepplan.cli.plan import cmd_plan as cmd_plan
    from sleepplan.cli.tracker import _ReadProgress as _ReadProgress
    from sleepplan.store.bundled import bundled_catalog as bundled_catalog
    from sleepplan.store.bundled import bundled_interactions as bundled_interactions

__all__ = ["COMMANDS", "COMMAND_ARGUMENTS", "command_parser", "main", "parse_args"]


def __getattr__(name: str) -> Any:
    """Names the tests reach through ``sleepplan.cli``, imported only when asked for.

    ``import sleepplan.cli`` must not import every command (design §12).
    """
    if name == "cmd_plan":
        from sleepplan.cli.plan import cmd_plan

        return cmd_plan
    if name == "_ReadProgress":
        from sleepplan.cli.tracker import _ReadProgress

        return _ReadProgress
    if name in ("bundled_catalog", "bundled_interactions"):
        from sleepplan.store import bundled

        return getattr(bundled, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
