"""Reading the command line and running one command: the parser, ``main`` and the crash report.

Only the command being run gets a parser, and only its module is imported: building every
command's parser (and importing every command's module) costs more than planning the night
does (design §12). No command opens the app: ``sleepplan`` alone does, through ``cmd_tui``, the
only place that imports Textual.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from sleepplan import __version__
from sleepplan.cli.context import Context
from sleepplan.core.errors import InputError
from sleepplan.output.terminal import one_way_out
from sleepplan.store import paths
from sleepplan.store.profiles import ensure_home

AddArguments = Callable[[argparse.ArgumentParser], None]
"""A function that adds one command's arguments to its parser (and its ``handler``)."""

COMMANDS: dict[str, str] = {
    "plan": "tonight's plan, timed against your bedtime",
    "catalog": "the sourced compound catalog",
    "check": "warnings for a set of compounds (with your medications)",
    "checkin": "record a morning check-in from a file",
    "history": "your check-ins, newest first",
    "insights": "what seems to help you, per compound",
    "experiment": "randomised, blinded self-experiments",
    "export": "export your journal or a night's plan",
    "import": "import a json, toml or csv export",
    "profile": "list, create and validate profiles",
    "tracker": "import your sleep tracker's nights, and list them",
    "window": "the opt-in sleep window (CBT-I sleep restriction), week by week",
    "day": "today's daytime doses (coffee, a morning stack): add, list, remove",
}
"""Every command, with the line ``sleepplan -h`` shows for it."""


def _plan_commands() -> Mapping[str, AddArguments]:
    from sleepplan.cli.plan import ARGUMENTS

    return ARGUMENTS


def _checkin_commands() -> Mapping[str, AddArguments]:
    from sleepplan.cli.checkin import ARGUMENTS

    return ARGUMENTS


def _experiment_commands() -> Mapping[str, AddArguments]:
    from sleepplan.cli.experiment import ARGUMENTS

    return ARGUMENTS


def _transfer_commands() -> Mapping[str, AddArguments]:
    from sleepplan.cli.transfer import ARGUMENTS

    return ARGUMENTS


def _profile_commands() -> Mapping[str, AddArguments]:
    from sleepplan.cli.profile import ARGUMENTS

    return ARGUMENTS


def _tracker_commands() -> Mapping[str, AddArguments]:
    from sleepplan.cli.tracker import ARGUMENTS

    return ARGUMENTS


def _window_commands() -> Mapping[str, AddArguments]:
    from sleepplan.cli.window import ARGUMENTS

    return ARGUMENTS


def _day_commands() -> Mapping[str, AddArguments]:
    from sleepplan.cli.day import ARGUMENTS

    return ARGUMENTS


COMMAND_ARGUMENTS: dict[str, Callable[[], Mapping[str, AddArguments]]] = {
    "plan": _plan_commands,
    "catalog": _plan_commands,
    "check": _plan_commands,
    "checkin": _checkin_commands,
    "history": _checkin_commands,
    "insights": _checkin_commands,
    "experiment": _experiment_commands,
    "export": _transfer_commands,
    "import": _transfer_commands,
    "profile": _profile_commands,
    "tracker": _tracker_commands,
    "window": _window_commands,
    "day": _day_commands,
}
"""Each command's module (as the argument adders it holds), imported when that command runs."""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help formatter, reading the terminal's width without ``shutil``.

    argparse builds a formatter for every argument it adds, and its own imports ``shutil`` (with
    bz2 and lzma) for the width: a cost ``sleepplan plan`` pays for nothing it uses (design §12).
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2  # as argparse does
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` finds it: ``$COLUMNS`` first."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
        return 80


def top_parser() -> argparse.ArgumentParser:
    """The global options and the command's name; the command's own arguments come after."""
    width = max(map(len, COMMANDS)) + 2
    listing = "\n".join(f"  {name:<{width}}{words}" for name, words in COMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="sleepplan",
        description="Plan tonight's sleep-support routine. Not medical advice.",
        epilog=f"commands:\n{listing}\n\n`sleepplan COMMAND -h` shows a command's options.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"sleepplan {__version__}")
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="data folder (default: $SLEEPPLAN_HOME or the platform's user data folder)",
    )
    parser.add_argument(
        "--profile", metavar="NAME|PATH", help="profile name in the home, or a path to a .toml file"
    )
    parser.add_argument(
        "command",
        nargs="?",
        choices=COMMANDS,
        metavar="COMMAND",
        help="one of the commands below; none opens the app",
    )
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def command_parser(name: str) -> argparse.ArgumentParser:
    """The parser of one command's own arguments (``sleepplan NAME …``)."""
    parser = argparse.ArgumentParser(
        prog=f"sleepplan {name}", description=COMMANDS[name], formatter_class=_Formatter
    )
    COMMAND_ARGUMENTS[name]()[name](parser)
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Read the command line: global options and the command, then that command's arguments.

    Only the command being run gets a parser: building one for each of the ten (and their
    actions) costs more than planning the night does (design §12).
    """
    args = top_parser().parse_args(argv)
    if args.command:
        command_parser(args.command).parse_args(args.arguments, namespace=args)
    return args


def cmd_tui(ctx: Context) -> int:
    """Start the terminal app (Textual is imported only here)."""
    from sleepplan.tui.app import SleepPlanApp

    ensure_home(ctx.home)
    app = SleepPlanApp(
        home=ctx.home, profile=ctx.args.profile, now=ctx.now(), settle_heap=True, welcome=True
    )
    app.run()
    return app.return_code or 0  # 1 when the app stopped on an error it could not handle


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the command line; returns the exit code (0 done, 2 bad input, 1 internal error).

    Everything a command prints, its error messages included, leaves through ``one_way_out``;
    the app draws the screen itself.
    """
    environ = os.environ if environ is None else environ
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    ctx = Context(args, environ)
    handler: Callable[[Context], int] = getattr(args, "handler", cmd_tui)
    if handler is cmd_tui:
        return _run(handler, ctx)
    with one_way_out(stdout_is_data=args.command == "export"):  # an export's data on stdout
        return _run(handler, ctx)


def _run(handler: Callable[[Context], int], ctx: Context) -> int:
    """Run one command, turning every way it can fail into a message and an exit code."""
    try:
        return handler(ctx)
    except InputError as error:
        print(error.render(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except Exception as error:  # noqa: BLE001 - the last line of defence: never a raw traceback
        from sleepplan.store.faults import fault_of

        fault = fault_of(error, paths.journal_path(ctx.home))
        if fault is not None:  # the machine refused (permission, space, I/O, a lock): no bug
            print(fault.render(), file=sys.stderr)
            return 1
        where = _write_crash_report(ctx.home)
        print(
            f"sleepplan: internal error ({sys.exc_info()[1]!r}). This is a bug, not your input. "
            f"Details: {where}",
            file=sys.stderr,
        )
        return 1


def _write_crash_report(home: Path) -> str:
    """Write the traceback being handled to the home's logs (else the temp folder); where."""
    import traceback

    from sleepplan.store.faults import write_report

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"sleepplan-error-{stamp}-{os.getpid()}.log"
    return write_report(paths.logs_dir(home), name, traceback.format_exc())
