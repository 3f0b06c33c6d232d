"""``sleepplan plan``, ``catalog`` and ``check``: tonight's plan, the catalog, a set's warnings.

``plan --json`` is the command whose start is budgeted (design §12): the text view, the
journal and everything a check-in needs are imported only when they are used.
"""

from __future__ import annotations

import argparse
import dataclasses

from sleepplan.cli.context import (
    Context,
    parse_flag,
    print_json,
    safety_context,
    slows_caffeine,
)
from sleepplan.cli.night import day_entries, experiments_on, nights_taken
from sleepplan.core import timing
from sleepplan.core.amounts import parse_amount
from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.interactions import resolve_medications
from sleepplan.core.planner import NightSettings, Plan, build_plan, person_of, word_for_both_arms
from sleepplan.core.safety import Intake, SafetyWarning, check, low_risk_notes, plan_warnings
from sleepplan.core.vocabulary import Mechanism, Stage
from sleepplan.store.bundled import bundled_interactions
from sleepplan.store.clock import system_zone
from sleepplan.store.profiles import LoadedProfile


def tonights_plan(ctx: Context) -> tuple[LoadedProfile, Plan, list[SafetyWarning]]:
    """Build tonight's plan from the profile and the flags."""
    args = ctx.args
    loaded = ctx.profile()
    profile = loaded.profile
    if args.tz:
        parse_flag("--tz", timing.zone, args.tz)
    zone_name = args.tz or profile.timezone or system_zone()
    bedtime = parse_flag("--bedtime", timing.parse_clock, args.bedtime) if args.bedtime else None
    wake = parse_flag("--wake", timing.parse_clock, args.wake) if args.wake else None
    bedtime = bedtime or profile.bedtime
    wake = wake or profile.wake
    if args.night:
        night = parse_flag("--night", timing.parse_date, args.night)
    else:
        night = timing.tonight(timing.in_zone(ctx.now(), zone_name), wake)
    try:
        routine = profile.routine(args.routine)
    except KeyError:
        names = ", ".join(r.name for r in profile.routines) or "none"
        place = "--routine" if args.routine else "default_routine"
        raise InputError.single(
            str(loaded.path), place, f"no routine {args.routine or ''!r} (routines: {names})"
        ) from None
    settings = NightSettings(night, bedtime, wake, profile.dinner, zone_name)
    experiments = experiments_on(ctx, profile.experiments, night)
    context = safety_context(ctx, profile.medications)
    person = person_of(profile, slows_caffeine(context.medications))
    day = day_entries(ctx, loaded, settings)
    # --night is within timing's nights
    plan = build_plan(routine, loaded.catalog, settings, experiments, day, person)
    past = nights_taken(ctx, profile.name, (dose.compound for dose in plan.doses), night)
    context = dataclasses.replace(context, past_nights=past)
    return loaded, plan, word_for_both_arms(plan, plan_warnings(plan, context))


def cmd_plan(ctx: Context) -> int:
    """Print tonight's plan."""
    loaded, plan, warnings = tonights_plan(ctx)
    name = loaded.profile.name
    if ctx.args.json:
        from sleepplan.output import jsonview

        print_json(jsonview.plan_json(plan, warnings, name))
    else:
        from sleepplan.output import textview

        medications = resolve_medications(
            loaded.profile.medications, bundled_interactions(ctx.cache)
        )
        print(textview.plan_text(plan, warnings, name, medications=medications))
    return 0


def cmd_catalog(ctx: Context) -> int:
    """Print the catalog, optionally filtered."""
    from sleepplan.output import jsonview

    args = ctx.args
    compounds = jsonview.all_compounds(ctx.catalog())
    if args.stage:
        stage = Stage(args.stage)
        compounds = [c for c in compounds if stage in c.stages]
    if args.mechanism:
        mechanism = Mechanism(args.mechanism)
        compounds = [c for c in compounds if mechanism in c.mechanisms]  # secondary ones too
    if args.json:
        print_json(jsonview.catalog_json(compounds))
    else:
        from sleepplan.output import textview

        print(textview.catalog_text(compounds))
    return 0


def parse_item(text: str, catalog: Catalog) -> Intake:
    """``id`` or ``id:AMOUNT`` (``melatonin:0.5mg``, ``glycine:3g``) as an intake."""
    name, _, amount_text = text.partition(":")
    compound = catalog.find(name)
    if compound is None:
        raise InputError.single(text, "", catalog.unknown_message(name))
    amount = None
    if amount_text:
        amount = parse_flag(text, parse_amount, amount_text)
    return Intake(compound, amount)


def cmd_check(ctx: Context) -> int:
    """Warnings for any set of compounds with the profile's medications and ``--med``."""
    loaded = ctx.profile()
    items = [parse_item(text, loaded.catalog) for text in ctx.args.items]
    medications = [*loaded.profile.medications, *(ctx.args.med or [])]
    zone = loaded.profile.timezone or system_zone()
    night = timing.tonight(timing.in_zone(ctx.now(), zone), loaded.profile.wake)
    past = nights_taken(ctx, loaded.profile.name, (item.compound for item in items), night)
    context = dataclasses.replace(safety_context(ctx, medications, past), night=night)
    warnings = check(items, context)
    notes = low_risk_notes(items, context)
    if ctx.args.json:
        from sleepplan.output import jsonview

        print_json(jsonview.check_json(items, context.medications, warnings, notes))
    else:
        from sleepplan.output import textview

        print(textview.check_text(items, context.medications, warnings, notes))
    return 0


def plan_arguments(plan: argparse.ArgumentParser) -> None:
    """``sleepplan plan``'s arguments."""
    plan.add_argument(
        "--night", metavar="YYYY-MM-DD", help="the night of this date (default: tonight)"
    )
    plan.add_argument("--routine", metavar="NAME", help="routine in the profile")
    plan.add_argument("--bedtime", metavar="HH:MM", help="override the profile's bedtime")
    plan.add_argument("--wake", metavar="HH:MM", help="override the profile's wake time")
    plan.add_argument("--tz", metavar="ZONE", help="IANA time zone (default: the profile's)")
    plan.add_argument("--json", action="store_true", help="print JSON")
    plan.set_defaults(handler=cmd_plan)


def catalog_arguments(catalog: argparse.ArgumentParser) -> None:
    """``sleepplan catalog``'s arguments."""
    catalog.add_argument("--stage", choices=[stage.value for stage in Stage])
    catalog.add_argument("--mechanism", choices=[m.value for m in Mechanism])
    catalog.add_argument("--json", action="store_true", help="print JSON with sources")
    catalog.set_defaults(handler=cmd_catalog)


def check_arguments(check_cmd: argparse.ArgumentParser) -> None:
    """``sleepplan check``'s arguments."""
    check_cmd.add_argument(
        "items", nargs="+", metavar="ITEM", help="compound id, or id:AMOUNT (melatonin:0.5mg)"
    )
    check_cmd.add_argument(
        "--med", action="append", metavar="CLASS|DRUG", help="a medication (repeatable)"
    )
    check_cmd.add_argument("--json", action="store_true", help="print JSON")
    check_cmd.set_defaults(handler=cmd_check)


ARGUMENTS = {"plan": plan_arguments, "catalog": catalog_arguments, "check": check_arguments}
"""This module's commands, each with the function that adds its arguments."""
