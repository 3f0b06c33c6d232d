"""``sleepplan export`` and ``import``: the journal, a profile or a night's plan, out and back in.

An export never replaces a file of the home, nor any file without ``--force``; an import is
one transaction, and never stores check-ins under a name no profile has.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from sleepplan.cli.context import Context, open_journal, parse_flag, plural
from sleepplan.cli.night import experiments_on, followed, plan_for_night
from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.profile import profile_from_data
from sleepplan.core.visible import visible
from sleepplan.store import paths
from sleepplan.store.clock import system_zone
from sleepplan.store.profiles import (
    LoadedProfile,
    check_name,
    ensure_home,
    list_profiles,
    load_profile,
    profile_path,
    save_profile,
)

EXPORT_FORMATS = ("csv", "json", "toml", "ics")


def cmd_export(ctx: Context) -> int:
    """Write the journal (csv, json), the profile with its journal (toml) or a night (ics).

    Says which profile it exported, on stderr. An export of the journal with no check-in is
    refused rather than written empty; ``--all`` exports every profile's check-ins.
    """
    from sleepplan.core.objective import chosen_nights
    from sleepplan.store import exports

    args = ctx.args
    if args.daily and args.format != "ics":
        raise InputError.single(
            "--daily", "", f"--daily is for --format ics (daily reminders); not {args.format}"
        )
    if args.all and args.format not in ("csv", "json"):
        raise InputError.single(
            "--all",
            "",
            f"--all exports every profile's check-ins as csv or json; {args.format} is one "
            "profile's (name it with --profile)",
        )
    if args.out:
        # before any work: an export never replaces a file of the home, nor any without --force
        paths.check_export_target(ctx.home, Path(args.out), args.force)
    if args.all:
        data, what = _export_all(ctx, args.format)
        _write_export(args.out, data, what)
        return 0
    loaded = ctx.profile()
    profile = loaded.profile
    if args.format == "ics":
        zone = profile.timezone or system_zone()
        night = (
            parse_flag("--night", timing.parse_date, args.night)
            if args.night
            else timing.tonight(timing.in_zone(ctx.now(), zone), profile.wake)
        )
        experiments = [] if args.daily else experiments_on(ctx, profile.experiments, night)
        plan = plan_for_night(ctx, loaded, night, zone, experiments=experiments)
        if plan is None:
            raise InputError.single(str(loaded.path), "routines", "the profile has no routine")
        if args.daily:
            skip, one_off = _experiment_nights_ics(ctx, loaded, night, zone)
            data = exports.export_ics_daily(plan, profile.name, ctx.now(), skip, one_off)
            what = (
                f"daily reminders for {plural(len(plan.doses), 'dose')} and the morning "
                f"check-in, from the night of {night}"
            )
        else:
            data = exports.export_ics(plan, profile.name, ctx.now())
            what = f"{len(plan.doses)} doses for the night of {night}"
    else:
        with open_journal(ctx) as journal:
            records = journal.records(profile.name)
            tracked = journal.objective_nights(profile.name)
        if not records and args.format != "toml":  # the toml export still carries the profile
            raise InputError.single(
                str(loaded.path),
                "",
                f"profile {visible(profile.name)} has no check-ins yet, so there is nothing to "
                f"export and nothing was written (record one with `sleepplan checkin`, or "
                f"export every profile's with --all)",
            )
        text = {
            "json": lambda: exports.export_json(profile.name, records, tracked),
            "csv": lambda: exports.export_csv(
                records, tracked=chosen_nights(tracked, profile.tracker_priority)
            ),
            "toml": lambda: exports.export_toml(profile, records, tracked),
        }[args.format]()
        data = text.encode("utf-8")
        what = f"{plural(len(records), 'check-in')} of profile {profile.name}"
    _write_export(args.out, data, what)
    return 0


def _write_export(out: str | None, data: bytes, what: str) -> None:
    """Write an export to ``out`` (or stdout), saying on stderr what was exported."""
    from sleepplan.store import exports

    if out:
        exports.write_private(Path(out), data)
        print(f"wrote {visible(what)} to {visible(out)}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
        print(f"exported {visible(what)}", file=sys.stderr)


def _export_all(ctx: Context, format_name: str) -> tuple[bytes, str]:
    """Every profile's check-ins in the journal, and what they are.

    JSON: ``{"profiles": [{"profile": NAME, "checkins": [...]}, ...]}``, each entry the
    single-profile export. CSV: the single-profile columns after a ``profile`` column.
    Check-ins of a profile whose file was deleted are the user's too: the profiles are the
    journal's, not the home's files.
    """
    import csv
    import io
    import json

    from sleepplan.core.objective import chosen_nights
    from sleepplan.store import exports

    ensure_home(ctx.home)
    with open_journal(ctx) as journal:
        names = [row[0] for row in journal.db.execute("SELECT DISTINCT profile FROM checkins")]
        by_profile = {name: journal.records(name) for name in sorted(names)}
        tracked = {name: journal.objective_nights(name) for name in by_profile}
    if not by_profile:
        raise InputError.single(
            str(paths.journal_path(ctx.home)),
            "",
            "no profile has check-ins yet, so there is nothing to export and nothing was written",
        )
    count = sum(len(records) for records in by_profile.values())
    what = (
        f"{plural(count, 'check-in')} of {plural(len(by_profile), 'profile')} "
        f"({', '.join(by_profile)})"
    )
    if format_name == "json":
        from sleepplan.output.jsonview import objective_json

        entries = [
            {"profile": name, "checkins": rows}
            | (
                {"objective": [objective_json(n, full=True) for n in tracked[name]]}
                if tracked[name]
                else {}
            )
            for name, rows in by_profile.items()
        ]
        text = json.dumps({"profiles": entries}, indent=2, ensure_ascii=False) + "\n"
        return text.encode("utf-8"), what
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # as export_csv: a row with a lone "\r" has every cell quoted (readers split lines on it)
    quoting = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    # one header for all: dose columns for the night with most doses of any profile
    columns = exports.csv_columns(
        (record for rows in by_profile.values() for record in rows),
        tracked=any(tracked.values()),
    )
    for index, (name, records) in enumerate(by_profile.items()):
        # each profile's tracker nights by the default order: --all reads no profile file
        text = exports.export_csv(records, columns, chosen_nights(tracked[name], ()))
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if index == 0:
            writer.writerow(["profile", *rows[0]])
        for row in rows[1:]:
            cells = [exports.neutralised(name), *row]
            (quoting if any("\r" in cell for cell in cells) else writer).writerow(cells)
    return out.getvalue().encode("utf-8"), what


def _experiment_nights_ics(
    ctx: Context, loaded: LoadedProfile, first: dt.date, zone: str
) -> tuple[dict[str, list[dt.date]], list[Any]]:
    """Experiment nights from ``first`` on, for the daily .ics (see ``exports.experiment_nights``).

    An experiment whose sealed plan cannot be read is left out, said on stderr.
    """
    from sleepplan.store import exports

    full_plans = []
    for registration in loaded.profile.experiments:
        if registration.span()[1] < first:
            continue
        try:
            full_plans.append(followed(ctx, registration, strict=True))
        except InputError as error:
            print(f"note: {error.render()}", file=sys.stderr)
    return exports.experiment_nights(
        loaded.profile, loaded.catalog, full_plans, first, zone, ctx.now()
    )


def cmd_import(ctx: Context) -> int:
    """Import a JSON, TOML or CSV export into the journal, in one transaction."""
    from sleepplan.store import exports

    args = ctx.args
    current = ctx.profile()
    path = Path(args.file)
    bundle = exports.read_import(path)
    # --into, else the export's own profile (JSON, TOML), else the current one (CSV has none)
    name = args.into or bundle.profile_name or current.profile.name
    profile, catalog, created = current.profile, current.catalog, None
    if name != current.profile.name:
        known = [found.stem for found in list_profiles(ctx.home)]
        if name in known:
            other = load_profile(profile_path(ctx.home, name), ctx.cache)
            profile, catalog = other.profile, other.catalog
        elif bundle.profile_data is not None and not args.into:
            # a TOML export carries its profile, which the import creates
            created = paths.profiles_dir(ctx.home) / f"{check_name(name, str(path))}.toml"
            profile, catalog = profile_from_data(bundle.profile_data, str(path), ctx.catalog())
        else:
            # check-ins stored under a name no profile has would be shown by no command
            hint = (
                "choose one of them"
                if args.into
                else "import into one of them with --into NAME, or create it first with "
                "`sleepplan profile new NAME`"
            )
            raise InputError.single(
                "--into" if args.into else str(path),
                "" if args.into else "profile",
                f"no profile {name!r} in {paths.profiles_dir(ctx.home)} (profiles: "
                f"{', '.join(known) or 'none'}); {hint}. Nothing was imported",
            )
    zone = profile.timezone or system_zone()
    records = exports.evaluate_all(
        bundle, str(path), zone, profile.sleep_need_min, lambda cid: cid in catalog
    )
    if created is not None:
        # the profile first: its check-ins must never land under a name no profile has
        save_profile(created, profile)
    try:
        with open_journal(ctx) as journal:
            journal.save_many(
                name, records, ctx.now().isoformat(), args.replace, objective=bundle.objective
            )
    except BaseException:
        if created is not None:
            created.unlink(missing_ok=True)  # ours: save_profile made it new, under its lock
        raise
    if created is not None:
        print(f"created profile '{visible(name)}' from the export at {visible(str(created))}")
    tracked = f" and {plural(len(bundle.objective), 'tracker night')}" if bundle.objective else ""
    print(f"imported {len(records)} check-ins{tracked} for profile '{visible(name)}'")
    return 0


def export_arguments(export: argparse.ArgumentParser) -> None:
    """``sleepplan export``'s arguments."""
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    export.add_argument(
        "--all",
        action="store_true",
        help="every profile's check-ins (csv: a profile column; json: one entry per profile)",
    )
    export.add_argument("--night", metavar="YYYY-MM-DD", help="the night (ics; default tonight)")
    export.add_argument(
        "--daily",
        action="store_true",
        help="ics: every dose and a morning check-in as daily reminders (from the night)",
    )
    export.add_argument("--out", metavar="FILE", help="write to a file (0600) instead of stdout")
    export.add_argument(
        "--force",
        action="store_true",
        help="replace FILE if it exists (never a file of sleepplan's home)",
    )
    export.set_defaults(handler=cmd_export)


def import_arguments(import_cmd: argparse.ArgumentParser) -> None:
    """``sleepplan import``'s arguments."""
    import_cmd.add_argument("file", metavar="FILE")
    import_cmd.add_argument(
        "--replace", action="store_true", help="replace nights that already have a check-in"
    )
    import_cmd.add_argument(
        "--into",
        metavar="NAME",
        help="import into this profile of the home (default: the export's own, else the current)",
    )
    import_cmd.set_defaults(handler=cmd_import)


ARGUMENTS = {"export": export_arguments, "import": import_arguments}
"""This module's commands, each with the function that adds its arguments."""
