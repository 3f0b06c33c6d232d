"""``sleepplan tracker import / list``: sleep-tracker exports into the journal (design §15)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sleepplan.cli.context import Context, open_journal, plural, print_json
from sleepplan.core.visible import visible
from sleepplan.store.clock import system_zone

if TYPE_CHECKING:
    from sleepplan.core.objective import ObjectiveNight


class _ReadProgress:
    """A progress line on the terminal for a tracker file that takes longer than a second."""

    def __init__(
        self,
        name: str,
        stream: Any = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        import time

        from sleepplan.output.terminal import VisibleWriter

        stream = sys.stderr if stream is None else stream
        # "\r" redraws the line: written to the terminal itself, the name made visible here
        self.stream = stream.stream if isinstance(stream, VisibleWriter) else stream
        self.clock = clock or time.monotonic
        self.started = self.clock()
        self.name = visible(name)
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        """Show how far the file is read, once a second has passed (only on a terminal)."""
        if not self.shown and self.clock() - self.started < 1.0:
            return
        if not self.stream.isatty():
            return
        share = f"{100 * done // total}%" if total > 0 else f"{done // (1024 * 1024)} MiB"
        self.stream.write(f"\rreading {self.name}: {share}")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        """End the progress line, if one was shown."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _tracker_nights(
    ctx: Context, zone: str, priority: Sequence[str]
) -> tuple[list[ObjectiveNight], list[dict[str, str]]]:
    """Every night and skipped record of the files named, read whole before anything is saved.

    A file that is not an export, or is damaged, is an ``InputError`` naming it; the machine
    refusing a read is a ``MachineFault`` naming it.
    """
    from sleepplan.core.objective import ObjectiveNight
    from sleepplan.store import faults, trackers
    from sleepplan.store.files import read_user_bytes

    nights: list[ObjectiveNight] = []
    skipped: list[dict[str, str]] = []
    for name in ctx.args.files:
        path = Path(name)
        read_user_bytes(path, 0)  # missing, a folder, unreadable: said plainly, exit 2
        progress = _ReadProgress(name)
        try:
            for item in trackers.read_export(path, zone, ctx.args.source, progress, priority):
                if isinstance(item, ObjectiveNight):
                    nights.append(item)
                else:
                    skipped.append({"file": name, "record": item.record, "reason": item.reason})
        except OSError as error:
            fault = faults.from_os_error(error, path)
            if fault is None:
                raise
            raise fault from None
        finally:
            progress.finish()
    return nights, skipped


def _minutes_text(minutes: float | None) -> str:
    """Minutes as ``7 h 05``, or a dash when the tracker does not say."""
    if minutes is None:
        return "–"
    whole = round(minutes)
    return f"{whole // 60} h {whole % 60:02d}"


def _device_cell(device: str | None, width: int = 18) -> str:
    shown = visible(device) if device else "–"
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def cmd_tracker(ctx: Context) -> int:
    """Import sleep-tracker exports into the journal, or list the nights imported (design §15)."""
    if ctx.args.tracker_command == "list":
        return _tracker_list(ctx)
    return _tracker_import(ctx)


def _tracker_import(ctx: Context) -> int:
    """``tracker import``: what the files hold, then what was added, replaced or unchanged."""
    from sleepplan.core.objective import night_json

    args = ctx.args
    profile = ctx.profile().profile
    zone = profile.timezone or system_zone()
    nights, skipped = _tracker_nights(ctx, zone, profile.tracker_priority)
    nights.sort(key=lambda n: (n.night, n.nap, n.source))
    saved = None
    if not args.dry_run and nights:
        with open_journal(ctx) as journal:
            saved = journal.save_objective(profile.name, nights, ctx.now().isoformat())
    if args.json:
        counts = None if saved is None else dataclasses.asdict(saved)
        print_json({"nights": [night_json(n) for n in nights], "skipped": skipped, "saved": counts})
        return 0
    if nights:
        print(f"{'night':<11} {'source':<16} {'device':<18} {'asleep':>7} {'deep':>7} {'REM':>7}")
    for night in nights:
        print(
            f"{night.night.isoformat():<11} {night.source:<16} {_device_cell(night.device):<18} "
            f"{_minutes_text(night.asleep_min):>7} {_minutes_text(night.deep_min):>7} "
            f"{_minutes_text(night.rem_min):>7}" + ("  nap" if night.nap else "")
        )
    for item in skipped:
        print(
            f"skipped {visible(item['file'])}, {visible(item['record'])}: {visible(item['reason'])}"
        )
    found = f"{plural(len(nights), 'night')} found, {plural(len(skipped), 'record')} skipped"
    if args.dry_run:
        print(f"{found}; nothing was written (--dry-run)")
    elif saved is None:
        print(f"{found}; nothing to import")
    else:
        print(
            f"{found}; for profile '{visible(profile.name)}': {saved.added} added, "
            f"{saved.replaced} replaced, {saved.unchanged} unchanged (already imported)"
        )
    return 0


def _tracker_list(ctx: Context) -> int:
    """``tracker list``: the tracker nights stored, by night; ``*`` marks the one gone by."""
    from sleepplan.core.objective import chosen_nights, night_json

    profile = ctx.profile().profile
    with open_journal(ctx) as journal:
        nights = journal.objective_nights(profile.name)
    if ctx.args.json:
        print_json({"profile": profile.name, "nights": [night_json(n) for n in nights]})
        return 0
    if not nights:
        print(
            f"No tracker nights yet for profile {visible(profile.name)}. Import an export "
            "with `sleepplan tracker import FILE`."
        )
        return 0
    chosen = {id(n) for n in chosen_nights(nights, profile.tracker_priority).values()}
    print(
        f"  {'night':<11} {'source':<16} {'device':<18} {'asleep':>7} {'deep':>7} {'REM':>7} "
        f"{'latency':>7} {'WASO':>7}"
    )
    for night in nights:
        mark = "*" if id(night) in chosen else " "
        print(
            f"{mark} {night.night.isoformat():<11} {night.source:<16} "
            f"{_device_cell(night.device):<18} {_minutes_text(night.asleep_min):>7} "
            f"{_minutes_text(night.deep_min):>7} {_minutes_text(night.rem_min):>7} "
            f"{_minutes_text(night.latency_min):>7} {_minutes_text(night.waso_min):>7}"
            + ("  nap" if night.nap else "")
        )
    print("* the night sleepplan goes by ([trackers] priority in the profile)")
    return 0


def tracker_arguments(tracker: argparse.ArgumentParser) -> None:
    """``sleepplan tracker``'s actions and arguments."""
    from sleepplan.core.objective import SOURCES

    tracker_commands = tracker.add_subparsers(
        dest="tracker_command", metavar="ACTION", required=True
    )
    imported = tracker_commands.add_parser(
        "import", help="import exports of Apple Health, Fitbit, Oura, Garmin, Withings, …"
    )
    imported.add_argument("files", nargs="+", metavar="FILE")
    imported.add_argument(
        "--source",
        metavar="NAME",
        help=f"the tracker that wrote the files: {', '.join(SOURCES)} (default: told from "
        "their content)",
    )
    imported.add_argument(
        "--dry-run", action="store_true", help="show what the files hold; write nothing"
    )
    imported.add_argument("--json", action="store_true", help="print JSON")
    listed = tracker_commands.add_parser("list", help="the tracker nights in the journal")
    listed.add_argument("--json", action="store_true", help="print JSON")
    tracker.set_defaults(handler=cmd_tracker)


ARGUMENTS = {"tracker": tracker_arguments}
"""This module's command, with the function that adds its arguments."""
