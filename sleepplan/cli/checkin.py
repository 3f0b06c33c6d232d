"""``sleepplan checkin``, ``history`` and ``insights``: the morning diary and what it shows."""

from __future__ import annotations

import argparse
from pathlib import Path

from sleepplan.cli.context import (
    Context,
    chosen_objective_nights,
    journal_records,
    open_journal,
    parse_flag,
    print_json,
)
from sleepplan.cli.night import plan_for_night
from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.visible import visible
from sleepplan.store.clock import system_zone
from sleepplan.store.files import read_user_file


def cmd_checkin(ctx: Context) -> int:
    """Record a morning check-in from a TOML file; print its metrics and scores."""
    from sleepplan.core.checkin import checkin_record, evaluate, parse_checkin, taken_from_plan

    args = ctx.args
    loaded = ctx.profile()
    profile = loaded.profile
    path = Path(args.file)
    night = parse_flag("--night", timing.parse_date, args.night) if args.night else None
    answers = parse_checkin(read_user_file(path), str(path), night)
    zone = profile.timezone or system_zone()
    if answers.taken is None:
        # Only the evening's doses are used, which the day cannot change; reading the day's
        # entries here would touch a journal before the check-in finds out it may write to it.
        plan = plan_for_night(ctx, loaded, answers.night, zone, with_logged=False)
        answers = answers.model_copy(update={"taken": taken_from_plan(plan.doses if plan else ())})
    unknown = [
        (f"taken[{i}].compound", loaded.catalog.unknown_message(dose.compound))
        for i, dose in enumerate(answers.taken or ())
        if dose.compound not in loaded.catalog
    ]
    if unknown:
        raise InputError(str(path), unknown)
    record = checkin_record(evaluate(answers, zone, profile.sleep_need_min, str(path)))
    with open_journal(ctx) as journal:
        journal.save(profile.name, record, ctx.now().isoformat(), replace=args.replace)
        recent = journal.recent_mornings(profile.name, record["night"])
    if args.json:
        from sleepplan.output import jsonview

        print_json(jsonview.checkin_json(record))
    else:
        from sleepplan.output import textview

        print(textview.checkin_text(record, recent, profile.name))
    return 0


def cmd_history(ctx: Context) -> int:
    """The journal's check-ins, newest first."""
    loaded = ctx.profile()
    with open_journal(ctx) as journal:
        stored = journal.history(loaded.profile.name, ctx.args.last)
        tracked = journal.objective_nights(loaded.profile.name) if ctx.args.json else []
    records = [item.record for item in stored]
    if ctx.args.json:
        from sleepplan.output.jsonview import objective_json

        if ctx.args.last:  # the tracker's last N nights, as the check-ins' last N
            dates = sorted({night.night for night in tracked})[-ctx.args.last :]
            tracked = [night for night in tracked if dates and night.night >= dates[0]]
        print_json(
            {
                "profile": loaded.profile.name,
                "checkins": records,
                "objective": [objective_json(night) for night in tracked],
            }
        )
    else:
        from sleepplan.output import textview

        print(textview.history_text(records, loaded.profile.name))
    return 0


def cmd_insights(ctx: Context) -> int:
    """Per compound: nights with vs without, the 95% interval, the verdict."""
    from sleepplan.core.insights import Night, compound_effects
    from sleepplan.core.stage_effects import stage_effects
    from sleepplan.output import report

    loaded = ctx.profile()
    nights = [Night.from_record(r) for r in journal_records(ctx, loaded.profile.name)]
    effects = compound_effects(nights, loaded.catalog, ctx.args.exclude_confounded)
    tracked = chosen_objective_nights(ctx, loaded)
    objective = stage_effects(nights, tracked, loaded.catalog, ctx.args.exclude_confounded)
    if ctx.args.json:
        print_json(report.insights_json(effects, objective))
    else:
        names = {compound.id: compound.name for compound in loaded.catalog}
        print(report.insights_text(effects, names, objective))
    return 0


def _positive_int(text: str) -> int:
    """A count of nights from 1 (``--last``); a count past any journal's size means all."""
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or not digits.strip("0"):
        shown = visible(text if len(text) <= 24 else text[:20] + "…")
        raise argparse.ArgumentTypeError(f"expected a whole number of nights from 1, got {shown!r}")
    # Python refuses to read more than 4300 digits, and SQLite an integer past 2**63 - 1.
    largest = 2**63 - 1
    significant = digits.lstrip("0")
    return largest if len(significant) > 19 else min(int(significant), largest)


def checkin_arguments(checkin: argparse.ArgumentParser) -> None:
    """``sleepplan checkin``'s arguments."""
    checkin.add_argument(
        "--from",
        dest="file",
        required=True,
        metavar="FILE",
        help="check-in TOML file (format: docs/checkin-file.md)",
    )
    checkin.add_argument("--night", metavar="YYYY-MM-DD", help="the night it is about")
    checkin.add_argument(
        "--replace", action="store_true", help="replace the night's check-in if there is one"
    )
    checkin.add_argument("--json", action="store_true", help="print JSON")
    checkin.set_defaults(handler=cmd_checkin)


def history_arguments(history: argparse.ArgumentParser) -> None:
    """``sleepplan history``'s arguments."""
    history.add_argument("--last", type=_positive_int, metavar="N", help="only the last N nights")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.set_defaults(handler=cmd_history)


def insights_arguments(insights: argparse.ArgumentParser) -> None:
    """``sleepplan insights``'s arguments."""
    insights.add_argument(
        "--exclude-confounded",
        action="store_true",
        help="leave out nights with confounders (alcohol, illness, …)",
    )
    insights.add_argument("--json", action="store_true", help="print JSON")
    insights.set_defaults(handler=cmd_insights)


ARGUMENTS = {
    "checkin": checkin_arguments,
    "history": history_arguments,
    "insights": insights_arguments,
}
"""This module's commands, each with the function that adds its arguments."""
