"""``sleepplan day``: the daytime doses before tonight (design §16): add, list, remove."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt

from sleepplan.cli.context import (
    Context,
    open_journal,
    parse_flag,
    print_json,
    safety_context,
    slows_caffeine,
)
from sleepplan.cli.night import logged_on_day, profile_day
from sleepplan.core import timing
from sleepplan.core.day import (
    DayEntry,
    cutoffs,
    day_doses,
    day_problem,
    day_warnings,
    morning_of,
    on_the_day,
    parse_amount_text,
)
from sleepplan.core.errors import InputError
from sleepplan.core.planner import person_of
from sleepplan.core.visible import visible
from sleepplan.output.day_before import DayBefore
from sleepplan.store.clock import system_zone
from sleepplan.store.profiles import LoadedProfile

DAY_MAX_MG = 1_000_000
"""The most a quick entry can be: what a profile's ``[[day]]`` item allows (1 kg)."""


@dataclasses.dataclass(frozen=True)
class NightsDay:
    """The day before a night: from the morning's wake to bedtime, in the profile's zone."""

    night: dt.date
    zone: str
    morning: dt.datetime
    bedtime: dt.datetime


def _nights_day(ctx: Context, loaded: LoadedProfile) -> NightsDay:
    """The day of ``--night`` (default: tonight, at the clock's now) for the profile's times."""
    profile = loaded.profile
    zone = profile.timezone or system_zone()
    if ctx.args.night:
        night = parse_flag("--night", timing.parse_date, ctx.args.night)
    else:
        night = timing.tonight(timing.in_zone(ctx.now(), zone), profile.wake)
    bedtime, _ = timing.night_bounds(night, profile.bedtime, profile.wake, zone)
    return NightsDay(night, zone, morning_of(bedtime, profile.wake, zone), bedtime)


def cmd_day(ctx: Context) -> int:
    """Daytime doses before tonight (design §16): add a quick entry, list the day, remove one."""
    action = ctx.args.day_command or "list"
    if action == "add":
        return _day_add(ctx)
    if action == "remove":
        return _day_remove(ctx)
    return _day_list(ctx)


def _day_add(ctx: Context) -> int:
    """``day add COMPOUND AMOUNT [--at HH:MM] [--night D]``: log it, then show the day."""
    args = ctx.args
    loaded = ctx.profile()
    compound = loaded.catalog.find(args.compound)
    if compound is None:
        raise InputError.single("COMPOUND", "", loaded.catalog.unknown_message(args.compound))
    amount = " ".join(args.amount)
    try:
        amount_mg, amount_text = parse_amount_text(compound, amount)
    except ValueError as error:
        raise InputError.single("AMOUNT", "", str(error)) from None
    if amount_mg > DAY_MAX_MG:
        raise InputError.single(
            "AMOUNT", "", f"{amount!r} is not a plausible amount ({amount_text}; at most 1 kg)"
        )
    day = _nights_day(ctx, loaded)
    at = _taken_at(ctx, day)
    entry = DayEntry(compound.id, amount_mg, at, amount_text, logged=True)
    with open_journal(ctx) as journal:
        entry_id = journal.log_day(loaded.profile.name, day.night, entry, ctx.now().isoformat())
    print(
        f"Logged #{entry_id} for the night of {day.night:%a %d %b %Y}: "
        f"{visible(compound.name)}, {visible(amount_text)} at {at:%H:%M}.\n"
    )
    return _day_list(ctx, day)


def _taken_at(ctx: Context, day: NightsDay) -> dt.datetime:
    """When a quick entry was taken: ``--at`` on the night's day, else now; never after bedtime."""
    if ctx.args.at:
        clock = parse_flag("--at", timing.parse_clock, ctx.args.at)
        at = on_the_day(clock, day.morning, day.zone)
        problem = day_problem(at, day.morning, day.bedtime)
        if problem is not None:
            raise InputError.single("--at", "", problem)
        return at
    at = timing.in_zone(ctx.now(), day.zone).replace(second=0, microsecond=0)
    problem = day_problem(at, day.morning, day.bedtime)
    if problem is None and timing.utc(at) < timing.utc(day.morning):
        problem = (
            f"{at:%H:%M} on {at.date()} is before the day of the night of {day.night} starts "
            f"(waking at {day.morning:%H:%M} on {day.morning.date()})"
        )
    if problem is not None:
        raise InputError.single("--at", "", f"not given, so now ({at:%a %d %b %H:%M}): {problem}")
    return at


def _day_list(ctx: Context, day: NightsDay | None = None) -> int:
    """``day [list] [--night D] [--json]``: the day's entries, levels at bedtime, cutoffs."""
    loaded = ctx.profile()
    profile = loaded.profile
    day = day or _nights_day(ctx, loaded)
    entries = profile_day(loaded, day.bedtime, profile.wake, day.zone)
    logged = logged_on_day(ctx, profile.name, day.night, day.morning, day.bedtime)
    ids_of = {id(item.entry): item.id for item in logged}
    # day_doses keeps time order, which is this one: each dose lines up with its entry
    ordered = sorted([*entries, *(item.entry for item in logged)], key=lambda e: timing.utc(e.at))
    person = person_of(
        profile, slows_caffeine(safety_context(ctx, profile.medications).medications)
    )
    doses = day_doses(ordered, loaded.catalog, day.bedtime, person)
    ids = [ids_of.get(id(entry)) for entry in ordered]
    found = cutoffs((dose.compound for dose in doses), day.bedtime, day.morning, person)
    warnings = day_warnings(doses, day.bedtime, person)
    shown = DayBefore(
        day.night, day.zone, profile.name, day.morning, day.bedtime, doses, ids, found, warnings
    )
    if ctx.args.json:
        from sleepplan.output import jsonview

        print_json(jsonview.day_list_json(shown))
    else:
        from sleepplan.output import textview

        print(textview.day_text(shown))
    return 0


def _day_remove(ctx: Context) -> int:
    """``day remove ID``: remove a logged entry (a profile's ``[[day]]`` item stays there)."""
    loaded = ctx.profile()
    name = loaded.profile.name
    with open_journal(ctx) as journal:
        removed = journal.unlog_day(name, ctx.args.entry_id)
    if removed is None:
        raise InputError.single(
            "ID",
            "",
            f"no logged entry #{ctx.args.entry_id} for profile {name!r} "
            "(`sleepplan day list` shows the day's entries with their ids)",
        )
    entry = removed.entry
    found = loaded.catalog.find(entry.compound)
    print(
        f"Removed #{removed.id}: {visible(found.name if found else entry.compound)}, "
        f"{visible(entry.amount_text)} at {entry.at:%H:%M} on {entry.at:%a %d %b %Y}."
    )
    return 0


def day_arguments(day: argparse.ArgumentParser) -> None:
    """``sleepplan day``'s actions and arguments."""
    # each action's help reads the terminal's width as the command's own does
    formatter = day.formatter_class
    day_commands = day.add_subparsers(dest="day_command", metavar="ACTION")
    add = day_commands.add_parser("add", help="log a dose taken today", formatter_class=formatter)
    add.add_argument("compound", metavar="COMPOUND", help="catalog id or name (caffeine)")
    add.add_argument(
        "amount",
        nargs="+",
        metavar="AMOUNT",
        help="in mg or g, or in the compound's units: 95mg, 2 cups, 1.5 uk_unit",
    )
    add.add_argument("--at", metavar="HH:MM", help="when it was taken (default: now)")
    # SUPPRESS: a value given before the action (`day --night D add`) is not reset
    add.add_argument(
        "--night",
        metavar="YYYY-MM-DD",
        default=argparse.SUPPRESS,
        help="the night it comes before (default: tonight)",
    )
    listed = day_commands.add_parser(
        "list",
        help="the day's doses, their levels at bedtime and the cutoffs (the default)",
        formatter_class=formatter,
    )
    listed.add_argument(
        "--night", metavar="YYYY-MM-DD", default=argparse.SUPPRESS, help="default: tonight"
    )
    listed.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    remove = day_commands.add_parser(
        "remove", help="remove a logged dose by its id", formatter_class=formatter
    )
    remove.add_argument("entry_id", type=int, metavar="ID", help="as `sleepplan day` shows it")
    day.add_argument("--night", metavar="YYYY-MM-DD", help="default: tonight")
    day.add_argument("--json", action="store_true", help="print JSON")
    day.set_defaults(handler=cmd_day, at=None)


ARGUMENTS = {"day": day_arguments}
"""This module's command, with the function that adds its arguments."""
