"""The front door: argparse subcommands that print text or JSON; no command opens the TUI.

Headless paths never import Textual; the TUI is imported only inside the function that starts it.
Modules only one command needs (check-ins, insights, experiments, reports) are imported inside
that command, so ``sleepplan plan`` loads no more than it uses (design §12).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sleepplan import __version__
from sleepplan.core import timing
from sleepplan.core.amounts import parse_amount
from sleepplan.core.catalog import Catalog, Compound
from sleepplan.core.day import (
    DayEntry,
    cutoffs,
    day_doses,
    day_problem,
    day_warnings,
    morning_of,
    on_the_day,
    parse_amount_text,
    place_item,
)
from sleepplan.core.errors import InputError
from sleepplan.core.interactions import Medications, resolve_medications
from sleepplan.core.planner import (
    NightSettings,
    Plan,
    build_plan,
    person_of,
    plan_for,
    word_for_both_arms,
)
from sleepplan.core.profile import profile_from_data
from sleepplan.core.safety import (
    Intake,
    SafetyContext,
    SafetyWarning,
    check,
    cycling_lookback,
    low_risk_notes,
    plan_warnings,
)
from sleepplan.core.visible import visible
from sleepplan.core.vocabulary import Mechanism, Stage
from sleepplan.output import DISCLAIMER
from sleepplan.output.terminal import json_text, one_way_out
from sleepplan.store import paths
from sleepplan.store.bundled import bundled_catalog, bundled_interactions, example_profiles
from sleepplan.store.clock import current_time, system_zone
from sleepplan.store.files import read_user_file
from sleepplan.store.profiles import (
    LoadedProfile,
    check_name,
    create_profile,
    delete_profile,
    ensure_home,
    list_profiles,
    load_profile,
    profile_path,
    read_profile_text,
    save_profile,
)

if TYPE_CHECKING:
    from sleepplan.core.experiments import ExperimentPlan
    from sleepplan.core.objective import ObjectiveNight
    from sleepplan.store.journal import Journal, LoggedDay

EXPORT_FORMATS = ("csv", "json", "toml", "ics")
STRONG_CYP1A2 = "strong_cyp1a2_inhibitor"
"""The medication class (interactions.toml) that slows caffeine's clearance (design §16)."""


class Context:
    """What every command needs: the home, the chosen profile, the clock, the environment."""

    def __init__(self, args: argparse.Namespace, environ: Mapping[str, str]) -> None:
        self.args = args
        self.environ = environ
        self.home = paths.resolve_home(args.home, environ)
        self.cache = paths.cache_dir(self.home)

    def catalog(self) -> Catalog:
        """The bundled catalog (through the home's cache)."""
        return bundled_catalog(self.cache)

    def now(self) -> dt.datetime:
        """The current instant (``$SLEEPPLAN_NOW`` when set)."""
        return current_time(self.environ)

    def profile(self) -> LoadedProfile:
        """The profile named by ``--profile`` (creating the home on first use).

        A home, ``profiles/`` folder or profile in the home that another user owns or can
        write to is refused before it is read (``paths.UntrustedPath``, exit 2).
        """
        ensure_home(self.home)
        return load_profile(profile_path(self.home, self.args.profile), self.cache)


def _flag(name: str, convert: Callable[[str], Any], value: str) -> Any:
    try:
        return convert(value)
    except (ValueError, OverflowError) as error:
        raise InputError.single(name, "", str(error)) from None


def _print_json(data: object) -> None:
    print(json_text(data))


def tonights_plan(ctx: Context) -> tuple[LoadedProfile, Plan, list[SafetyWarning]]:
    """Build tonight's plan from the profile and the flags."""
    args = ctx.args
    loaded = ctx.profile()
    profile = loaded.profile
    if args.tz:
        _flag("--tz", timing.zone, args.tz)
    zone_name = args.tz or profile.timezone or system_zone()
    bedtime = _flag("--bedtime", timing.parse_clock, args.bedtime) if args.bedtime else None
    wake = _flag("--wake", timing.parse_clock, args.wake) if args.wake else None
    bedtime = bedtime or profile.bedtime
    wake = wake or profile.wake
    if args.night:
        night = _flag("--night", timing.parse_date, args.night)
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
    past = _nights_taken(ctx, profile.name, (dose.compound for dose in plan.doses), night)
    context = dataclasses.replace(context, past_nights=past)
    return loaded, plan, word_for_both_arms(plan, plan_warnings(plan, context))


def slows_caffeine(medications: Medications) -> bool:
    """Whether a medication strongly inhibits CYP1A2 (fluvoxamine), which clears caffeine."""
    return STRONG_CYP1A2 in medications.classes


def day_entries(ctx: Context, loaded: LoadedProfile, settings: NightSettings) -> list[DayEntry]:
    """The night's day (design §16): the profile's ``[[day]]`` items and the entries logged.

    Loading the profile checked its items against its own times; a ``--bedtime`` or ``--tz``
    that puts one after bedtime is the same error, naming the item. A logged entry after that
    bedtime is left out, said on stderr.
    """
    bedtime, _ = timing.night_bounds(settings.night, settings.bedtime, settings.wake, settings.zone)
    entries = _profile_day(loaded, bedtime, settings.wake, settings.zone)
    entries += _logged_entries(ctx, loaded.profile.name, settings, bedtime)
    return entries


def _profile_day(
    loaded: LoadedProfile, bedtime: dt.datetime, wake: dt.time, zone: str
) -> list[DayEntry]:
    """The profile's ``[[day]]`` items placed on the day before ``bedtime``."""
    entries = []
    for index, item in enumerate(loaded.profile.day):
        compound = loaded.catalog.get(item.compound)
        entry, problem = place_item(item, compound, bedtime, wake, zone)
        if problem is not None:
            field, message = problem
            raise InputError.single(str(loaded.path), f"day[{index}].{field}", message)
        assert entry is not None  # place_item gives an entry or a problem
        entries.append(entry)
    return entries


def _logged_entries(
    ctx: Context, profile_name: str, settings: NightSettings, bedtime: dt.datetime
) -> list[DayEntry]:
    """The quick entries logged for the night that fall on its day."""
    morning = morning_of(bedtime, settings.wake, settings.zone)
    on_day = _logged_on_day(ctx, profile_name, settings.night, morning, bedtime)
    return [logged.entry for logged in on_day]


def _logged_on_day(
    ctx: Context,
    profile_name: str,
    night: dt.date,
    morning: dt.datetime,
    bedtime: dt.datetime,
) -> list[LoggedDay]:
    """The entries logged for a night; one after its bedtime (moved since) is left out, said."""
    found = []
    for logged in logged_day(ctx, profile_name, night):
        problem = day_problem(logged.entry.at, morning, bedtime)
        if problem is not None:
            print(f"note: logged entry #{logged.id} left out: {problem}", file=sys.stderr)
            continue
        found.append(logged)
    return found


def logged_day(ctx: Context, profile_name: str, night: dt.date) -> list[LoggedDay]:
    """The quick daytime entries logged for a night.

    Without a journal there are none, and SQLite is not even imported (design §12).
    """
    path = paths.journal_path(ctx.home)
    if not path.exists():
        return []
    from sleepplan.store.day_log import read_day_log

    return read_day_log(path, profile_name, night)


def _plan_for(
    ctx: Context,
    loaded: LoadedProfile,
    night: dt.date,
    zone: str,
    experiments: Sequence[ExperimentPlan] = (),
    with_logged: bool = True,
) -> Plan | None:
    """``plan_for`` with the night's logged entries and the medications' effect on caffeine.

    ``with_logged=False`` leaves the journal's entries out, for a caller that reads the journal
    only later and needs nothing of the day from the plan.
    """
    profile = loaded.profile
    medications = safety_context(ctx, profile.medications).medications
    logged: list[DayEntry] = []
    if with_logged:
        settings = NightSettings(night, profile.bedtime, profile.wake, profile.dinner, zone)
        bedtime, _ = timing.night_bounds(night, profile.bedtime, profile.wake, zone)
        logged = _logged_entries(ctx, profile.name, settings, bedtime)
    return plan_for(
        profile,
        loaded.catalog,
        night,
        zone,
        logged=logged,
        experiments=experiments,
        cyp1a2_inhibitor=slows_caffeine(medications),
    )


def experiments_on(
    ctx: Context, registrations: Sequence[ExperimentPlan], night: dt.date
) -> list[ExperimentPlan]:
    """Full plans of the experiments with a night on ``night`` (sealed files read only then).

    An experiment whose sealed plan cannot be read is left out, said on stderr: the plan
    is still printed, as the routine without it.
    """
    found = []
    for registration in registrations:
        if not registration.may_include(night):
            continue
        try:
            full = _followed(ctx, registration, strict=True)
        except InputError as error:
            print(f"note: {error.render()}", file=sys.stderr)
            continue
        if full.tonight(night) is not None:
            found.append(full)
    return found


def _nights_taken(
    ctx: Context, profile_name: str, compounds: Iterable[Compound], night: dt.date
) -> dict[str, list[dt.date]]:
    """The past nights the cycling budgets of ``compounds`` on ``night`` count."""
    lookback = cycling_lookback(compounds, night)
    if lookback is None:
        return {}  # no compound with a budget: the journal is not even loaded
    from sleepplan.store.journal import read_nights_taken

    return read_nights_taken(paths.journal_path(ctx.home), profile_name, lookback)


def _journal(ctx: Context) -> Journal:
    """The home's journal, opened (and checked) for a command that reads or writes it."""
    from sleepplan.store.journal import Journal

    return Journal(paths.journal_path(ctx.home))


def safety_context(
    ctx: Context, medications: Sequence[str], past_nights: dict[str, list[dt.date]] | None = None
) -> SafetyContext:
    """The bundled interaction data with a user's medications and past nights."""
    data = bundled_interactions(ctx.cache)
    return SafetyContext(
        data, resolve_medications(medications, data), past_nights=past_nights or {}
    )


def cmd_plan(ctx: Context) -> int:
    """Print tonight's plan."""
    loaded, plan, warnings = tonights_plan(ctx)
    name = loaded.profile.name
    if ctx.args.json:
        from sleepplan.output import jsonview

        _print_json(jsonview.plan_json(plan, warnings, name))
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
        _print_json(jsonview.catalog_json(compounds))
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
        amount = _flag(text, parse_amount, amount_text)
    return Intake(compound, amount)


def cmd_check(ctx: Context) -> int:
    """Warnings for any set of compounds with the profile's medications and ``--med``."""
    loaded = ctx.profile()
    items = [parse_item(text, loaded.catalog) for text in ctx.args.items]
    medications = [*loaded.profile.medications, *(ctx.args.med or [])]
    zone = loaded.profile.timezone or system_zone()
    night = timing.tonight(timing.in_zone(ctx.now(), zone), loaded.profile.wake)
    past = _nights_taken(ctx, loaded.profile.name, (item.compound for item in items), night)
    context = dataclasses.replace(safety_context(ctx, medications, past), night=night)
    warnings = check(items, context)
    notes = low_risk_notes(items, context)
    if ctx.args.json:
        from sleepplan.output import jsonview

        _print_json(jsonview.check_json(items, context.medications, warnings, notes))
    else:
        from sleepplan.output import textview

        print(textview.check_text(items, context.medications, warnings, notes))
    return 0


def cmd_checkin(ctx: Context) -> int:
    """Record a morning check-in from a TOML file; print its metrics and scores."""
    from sleepplan.core.checkin import checkin_record, evaluate, parse_checkin, taken_from_plan

    args = ctx.args
    loaded = ctx.profile()
    profile = loaded.profile
    path = Path(args.file)
    night = _flag("--night", timing.parse_date, args.night) if args.night else None
    answers = parse_checkin(read_user_file(path), str(path), night)
    zone = profile.timezone or system_zone()
    if answers.taken is None:
        # Only the evening's doses are used, which the day cannot change; reading the day's
        # entries here would touch a journal before the check-in finds out it may write to it.
        plan = _plan_for(ctx, loaded, answers.night, zone, with_logged=False)
        answers = answers.model_copy(update={"taken": taken_from_plan(plan.doses if plan else ())})
    unknown = [
        (f"taken[{i}].compound", loaded.catalog.unknown_message(dose.compound))
        for i, dose in enumerate(answers.taken or ())
        if dose.compound not in loaded.catalog
    ]
    if unknown:
        raise InputError(str(path), unknown)
    record = checkin_record(evaluate(answers, zone, profile.sleep_need_min, str(path)))
    with _journal(ctx) as journal:
        journal.save(profile.name, record, ctx.now().isoformat(), replace=args.replace)
        recent = journal.recent_mornings(profile.name, record["night"])
    if args.json:
        from sleepplan.output import jsonview

        _print_json(jsonview.checkin_json(record))
    else:
        from sleepplan.output import textview

        print(textview.checkin_text(record, recent, profile.name))
    return 0


def cmd_history(ctx: Context) -> int:
    """The journal's check-ins, newest first."""
    loaded = ctx.profile()
    with _journal(ctx) as journal:
        stored = journal.history(loaded.profile.name, ctx.args.last)
        tracked = journal.objective_nights(loaded.profile.name) if ctx.args.json else []
    records = [item.record for item in stored]
    if ctx.args.json:
        from sleepplan.output.jsonview import objective_json

        if ctx.args.last:  # the tracker's last N nights, as the check-ins' last N
            dates = sorted({night.night for night in tracked})[-ctx.args.last :]
            tracked = [night for night in tracked if dates and night.night >= dates[0]]
        _print_json(
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
            _flag("--night", timing.parse_date, args.night)
            if args.night
            else timing.tonight(timing.in_zone(ctx.now(), zone), profile.wake)
        )
        experiments = [] if args.daily else experiments_on(ctx, profile.experiments, night)
        plan = _plan_for(ctx, loaded, night, zone, experiments=experiments)
        if plan is None:
            raise InputError.single(str(loaded.path), "routines", "the profile has no routine")
        if args.daily:
            skip, one_off = _experiment_nights_ics(ctx, loaded, night, zone)
            data = exports.export_ics_daily(plan, profile.name, ctx.now(), skip, one_off)
            what = (
                f"daily reminders for {_count(len(plan.doses), 'dose')} and the morning "
                f"check-in, from the night of {night}"
            )
        else:
            data = exports.export_ics(plan, profile.name, ctx.now())
            what = f"{len(plan.doses)} doses for the night of {night}"
    else:
        with _journal(ctx) as journal:
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
        what = f"{_count(len(records), 'check-in')} of profile {profile.name}"
    _write_export(args.out, data, what)
    return 0


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


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
    with _journal(ctx) as journal:
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
        f"{_count(count, 'check-in')} of {_count(len(by_profile), 'profile')} "
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
        with _journal(ctx) as journal:
            journal.save_many(
                name, records, ctx.now().isoformat(), args.replace, objective=bundle.objective
            )
    except BaseException:
        if created is not None:
            created.unlink(missing_ok=True)  # ours: save_profile made it new, under its lock
        raise
    if created is not None:
        print(f"created profile '{visible(name)}' from the export at {visible(str(created))}")
    tracked = f" and {_count(len(bundle.objective), 'tracker night')}" if bundle.objective else ""
    print(f"imported {len(records)} check-ins{tracked} for profile '{visible(name)}'")
    return 0


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
        with _journal(ctx) as journal:
            saved = journal.save_objective(profile.name, nights, ctx.now().isoformat())
    if args.json:
        counts = None if saved is None else dataclasses.asdict(saved)
        _print_json(
            {"nights": [night_json(n) for n in nights], "skipped": skipped, "saved": counts}
        )
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
    found = f"{_count(len(nights), 'night')} found, {_count(len(skipped), 'record')} skipped"
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
    with _journal(ctx) as journal:
        nights = journal.objective_nights(profile.name)
    if ctx.args.json:
        _print_json({"profile": profile.name, "nights": [night_json(n) for n in nights]})
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


def _journal_records(ctx: Context, profile_name: str) -> list[dict[str, Any]]:
    with _journal(ctx) as journal:
        return journal.records(profile_name)


def cmd_insights(ctx: Context) -> int:
    """Per compound: nights with vs without, the 95% interval, the verdict."""
    from sleepplan.core.insights import Night, compound_effects
    from sleepplan.core.stage_effects import stage_effects
    from sleepplan.output import report

    loaded = ctx.profile()
    nights = [Night.from_record(r) for r in _journal_records(ctx, loaded.profile.name)]
    effects = compound_effects(nights, loaded.catalog, ctx.args.exclude_confounded)
    tracked = _chosen_objective_nights(ctx, loaded)
    objective = stage_effects(nights, tracked, loaded.catalog, ctx.args.exclude_confounded)
    if ctx.args.json:
        _print_json(report.insights_json(effects, objective))
    else:
        names = {compound.id: compound.name for compound in loaded.catalog}
        print(report.insights_text(effects, names, objective))
    return 0


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
        night = _flag("--night", timing.parse_date, ctx.args.night)
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
    with _journal(ctx) as journal:
        entry_id = journal.log_day(loaded.profile.name, day.night, entry, ctx.now().isoformat())
    print(
        f"Logged #{entry_id} for the night of {day.night:%a %d %b %Y}: "
        f"{visible(compound.name)}, {visible(amount_text)} at {at:%H:%M}.\n"
    )
    return _day_list(ctx, day)


def _taken_at(ctx: Context, day: NightsDay) -> dt.datetime:
    """When a quick entry was taken: ``--at`` on the night's day, else now; never after bedtime."""
    if ctx.args.at:
        clock = _flag("--at", timing.parse_clock, ctx.args.at)
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
    entries = _profile_day(loaded, day.bedtime, profile.wake, day.zone)
    logged = _logged_on_day(ctx, profile.name, day.night, day.morning, day.bedtime)
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
    if ctx.args.json:
        from sleepplan.output import jsonview

        _print_json(
            jsonview.day_list_json(
                night=day.night,
                zone=day.zone,
                profile_name=profile.name,
                morning=day.morning,
                bedtime=day.bedtime,
                doses=doses,
                ids=ids,
                cutoffs=found,
                warnings=warnings,
            )
        )
    else:
        from sleepplan.output import textview

        print(
            textview.day_text(
                night=day.night,
                profile_name=profile.name,
                morning=day.morning,
                bedtime=day.bedtime,
                doses=doses,
                ids=ids,
                cutoffs=found,
                warnings=warnings,
            )
        )
    return 0


def _day_remove(ctx: Context) -> int:
    """``day remove ID``: remove a logged entry (a profile's ``[[day]]`` item stays there)."""
    loaded = ctx.profile()
    name = loaded.profile.name
    with _journal(ctx) as journal:
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


def cmd_window(ctx: Context) -> int:
    """The sleep window this week and every week's step, from the diary (design §16)."""
    from sleepplan.core.sleep_window import WeekStep, is_on, profile_window
    from sleepplan.output.window import window_json, window_text

    profile = ctx.profile().profile
    settings = profile.sleep_window
    enabled = is_on(settings)
    steps: tuple[WeekStep, ...] = ()
    if enabled:
        zone = profile.timezone or system_zone()
        tonight = timing.tonight(timing.in_zone(ctx.now(), zone), profile.wake)
        records = _journal_records(ctx, profile.name)
        steps = profile_window(settings, records, profile.bedtime, profile.wake, tonight)
    if ctx.args.json:
        _print_json(window_json(enabled, steps))
    else:
        print(window_text(enabled, steps, settings.start if settings else None))
    return 0


def _chosen_objective_nights(ctx: Context, loaded: LoadedProfile) -> dict[dt.date, ObjectiveNight]:
    """The tracker's main sleep of each night, one source per night by the profile's priority."""
    from sleepplan.core.objective import chosen_nights

    profile = loaded.profile
    with _journal(ctx) as journal:
        return chosen_nights(journal.objective_nights(profile.name), profile.tracker_priority)


def _experiment(loaded: LoadedProfile, experiment_id: str | None) -> ExperimentPlan:
    experiments = loaded.profile.experiments
    if not experiments:
        raise InputError.single(
            str(loaded.path),
            "experiments",
            "no experiments yet (start one with `sleepplan experiment new`)",
        )
    if experiment_id is None:
        return experiments[-1]
    for plan in experiments:
        if plan.id == experiment_id:
            return plan
    known = ", ".join(plan.id for plan in experiments)
    raise InputError.single("--id", "", f"no experiment {experiment_id!r} (experiments: {known})")


def cmd_experiment(ctx: Context) -> int:
    """Experiment new / status / report.

    ``new`` seals the full plan in the home first, then saves the profile with only its
    registration and hash; a blinded plan's envelope key is printed once (or written to
    ``--key-file``). ``status`` says only tonight's instruction; ``report`` waits for the end.
    """
    import secrets

    from sleepplan.core.experiments import OBJECTIVE_PRIMARIES, progress, register
    from sleepplan.output import report
    from sleepplan.store import exports, sealed

    args = ctx.args
    loaded = ctx.profile()
    profile = loaded.profile
    zone = profile.timezone or system_zone()
    tonight = timing.tonight(timing.in_zone(ctx.now(), zone), profile.wake)
    if args.experiment_command == "new":
        compound = loaded.catalog.find(args.compound)
        if compound is None:
            raise InputError.single("--compound", "", loaded.catalog.unknown_message(args.compound))
        if args.key_file:  # before any work: the key never replaces a file
            paths.check_export_target(ctx.home, Path(args.key_file), False)
        start = _flag("--start", timing.parse_date, args.start) if args.start else tonight
        plan = register(
            tonight=tonight,
            others=[_followed(ctx, other) for other in profile.experiments],
            places=EXPERIMENT_FLAGS,
            catalog=loaded.catalog,
            compound=compound.id,
            dose_a_mg=_flag("--dose-a", parse_amount, args.dose_a) if args.dose_a != "0" else 0,
            dose_b_mg=_flag("--dose-b", parse_amount, args.dose_b),
            primary=args.primary,
            mid=args.mid,
            start=start,
            created_at=ctx.now().astimezone(dt.UTC).replace(tzinfo=None),
            # 128 bits: the profile's hash must not let anyone find the seed by trying them all
            seed=args.seed if args.seed is not None else secrets.randbits(128),
            hypothesis=args.hypothesis or "",
            baseline_nights=args.baseline,
            blocks=args.blocks,
            block_nights=args.block_nights,
            blinded=args.blind,
        )
        if any(existing.id == plan.id for existing in profile.experiments):
            raise InputError.single("--start", "", f"an experiment {plan.id!r} exists already")
        # the sealed plans first: a crash before the profile is saved leaves an unused file
        kept = sealed.seal_legacy(ctx.home, profile.experiments)
        sealed.seal(ctx.home, plan)
        updated = dataclasses.replace(profile, experiments=(*kept, plan.registration()))
        save_profile(loaded.path, updated, loaded.fingerprint, catalog=ctx.catalog())
        print(f"Registered experiment {plan.id} in {visible(str(loaded.path))}")
        print(f"SHA-256 {plan.sha256}")
        print(
            f"{len(plan.schedule)} nights, {plan.first_night} to {plan.last_night}: "
            f"{plan.baseline_nights} baseline, {plan.blocks} blocks of {plan.block_nights} "
            f"night(s) per arm, {plan.washout_nights} washout night(s) between arms."
        )
        print(report.instruction(plan, tonight, compound.name))
        if plan.blinded:
            key = report.envelope_key_text(plan, compound.name)
            print()
            if args.key_file:
                exports.write_private(Path(args.key_file), (key + "\n").encode("utf-8"))
                print(
                    f"Wrote the envelope key to {visible(args.key_file)}: hand it to the person "
                    "who prepares the envelopes. sleepplan shows it again only in the report."
                )
            else:
                print(key)
                print(
                    "Hand this key to the person who prepares the envelopes. sleepplan shows "
                    "it again only in the report, once the experiment is complete."
                )
        print("\nResults stay hidden until the plan completes. " + DISCLAIMER)
        return 0
    plan = _followed(ctx, _experiment(loaded, args.id), strict=True)
    name = loaded.catalog.get(plan.compound).name
    records = {dt.date.fromisoformat(r["night"]): r for r in _journal_records(ctx, profile.name)}
    state = progress(plan, records, tonight)
    if args.experiment_command == "status":
        print(report.status_text(plan, state, tonight, name))
        return 0
    if args.out:  # before any work: a report never replaces the journal or a profile
        paths.check_export_target(ctx.home, Path(args.out), args.force)
    if not state.complete:
        raise InputError.single(
            plan.id,
            "",
            f"results stay hidden until the plan completes ({state.nights_to_go} "
            "nights to go); `sleepplan experiment status` shows progress",
        )
    tracked = _chosen_objective_nights(ctx, loaded) if plan.primary in OBJECTIVE_PRIMARIES else None
    text = report.experiment_report(plan, records, name, tonight, tracked)
    if args.out:
        exports.write_private(Path(args.out), text.encode("utf-8"))
        print(f"wrote the report to {visible(args.out)}", file=sys.stderr)
    else:
        print(text)
    return 0


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
            full_plans.append(_followed(ctx, registration, strict=True))
        except InputError as error:
            print(f"note: {error.render()}", file=sys.stderr)
    return exports.experiment_nights(
        loaded.profile, loaded.catalog, full_plans, first, zone, ctx.now()
    )


EXPERIMENT_FLAGS = {"start": "--start", "mid": "--mid", "blocks": "--blocks"}
"""How ``experiment new`` names the fields a registration check refuses."""


def _followed(ctx: Context, registration: ExperimentPlan, strict: bool = False) -> ExperimentPlan:
    """An experiment's full plan from its sealed file; a registration if it cannot be read.

    With ``strict``, a missing or damaged sealed plan is the error it is (exit 2).
    """
    from sleepplan.store import sealed

    try:
        return sealed.unseal(ctx.home, registration)
    except InputError:
        if strict:
            raise
        return registration


def cmd_profile(ctx: Context) -> int:
    """Profile subcommands: list, new, validate."""
    args = ctx.args
    if args.profile_command == "validate":
        loaded = load_profile(Path(args.file))  # checked in full, never from the cache
        doses = sum(len(routine.doses) for routine in loaded.profile.routines)
        print(
            f"{visible(args.file)}: ok — profile '{visible(loaded.profile.name)}', "
            f"{len(loaded.profile.routines)} routine(s), {doses} dose(s)"
        )
        return 0
    ensure_home(ctx.home)
    if args.profile_command == "list":
        for path in list_profiles(ctx.home):
            print(f"{visible(path.stem):<24} {visible(str(path))}")
        return 0
    if args.profile_command == "duplicate":
        source = profile_path(ctx.home, args.source)
        target = create_profile(ctx.home, args.name, read_profile_text(source))
        print(f"created {visible(str(target))} as a copy of {visible(str(source))}")
        return 0
    if args.profile_command == "delete":
        moved = delete_profile(ctx.home, args.name, ctx.now().replace(tzinfo=None))
        print(
            f"moved profile '{visible(args.name)}' to {visible(str(moved))} "
            "(restore it by moving it back)"
        )
        return 0
    examples = example_profiles()
    if args.example not in examples:
        raise InputError.single(
            "--from", "", f"no example {args.example!r} (examples: {', '.join(examples)})"
        )
    target = create_profile(ctx.home, args.name, examples[args.example])
    print(f"created {visible(str(target))} from the {args.example!r} example")
    return 0


def cmd_tui(ctx: Context) -> int:
    """Start the terminal app (Textual is imported only here)."""
    from sleepplan.tui.app import SleepPlanApp

    ensure_home(ctx.home)
    app = SleepPlanApp(
        home=ctx.home, profile=ctx.args.profile, now=ctx.now(), settle_heap=True, welcome=True
    )
    app.run()
    return app.return_code or 0  # 1 when the app stopped on an error it could not handle


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
    COMMAND_ARGUMENTS[name](parser)
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


def _plan_arguments(plan: argparse.ArgumentParser) -> None:
    plan.add_argument(
        "--night", metavar="YYYY-MM-DD", help="the night of this date (default: tonight)"
    )
    plan.add_argument("--routine", metavar="NAME", help="routine in the profile")
    plan.add_argument("--bedtime", metavar="HH:MM", help="override the profile's bedtime")
    plan.add_argument("--wake", metavar="HH:MM", help="override the profile's wake time")
    plan.add_argument("--tz", metavar="ZONE", help="IANA time zone (default: the profile's)")
    plan.add_argument("--json", action="store_true", help="print JSON")
    plan.set_defaults(handler=cmd_plan)


def _catalog_arguments(catalog: argparse.ArgumentParser) -> None:
    catalog.add_argument("--stage", choices=[stage.value for stage in Stage])
    catalog.add_argument("--mechanism", choices=[m.value for m in Mechanism])
    catalog.add_argument("--json", action="store_true", help="print JSON with sources")
    catalog.set_defaults(handler=cmd_catalog)


def _check_arguments(check_cmd: argparse.ArgumentParser) -> None:
    check_cmd.add_argument(
        "items", nargs="+", metavar="ITEM", help="compound id, or id:AMOUNT (melatonin:0.5mg)"
    )
    check_cmd.add_argument(
        "--med", action="append", metavar="CLASS|DRUG", help="a medication (repeatable)"
    )
    check_cmd.add_argument("--json", action="store_true", help="print JSON")
    check_cmd.set_defaults(handler=cmd_check)


def _checkin_arguments(checkin: argparse.ArgumentParser) -> None:
    checkin.add_argument(
        "--from",
        dest="file",
        required=True,
        metavar="FILE",
        help="check-in TOML file (format in the README)",
    )
    checkin.add_argument("--night", metavar="YYYY-MM-DD", help="the night it is about")
    checkin.add_argument(
        "--replace", action="store_true", help="replace the night's check-in if there is one"
    )
    checkin.add_argument("--json", action="store_true", help="print JSON")
    checkin.set_defaults(handler=cmd_checkin)


def _history_arguments(history: argparse.ArgumentParser) -> None:
    history.add_argument("--last", type=_positive_int, metavar="N", help="only the last N nights")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.set_defaults(handler=cmd_history)


def _insights_arguments(insights: argparse.ArgumentParser) -> None:
    insights.add_argument(
        "--exclude-confounded",
        action="store_true",
        help="leave out nights with confounders (alcohol, illness, …)",
    )
    insights.add_argument("--json", action="store_true", help="print JSON")
    insights.set_defaults(handler=cmd_insights)


def _window_arguments(window: argparse.ArgumentParser) -> None:
    window.add_argument("--json", action="store_true", help="print JSON")
    window.set_defaults(handler=cmd_window)


def _day_arguments(day: argparse.ArgumentParser) -> None:
    day_commands = day.add_subparsers(dest="day_command", metavar="ACTION")
    add = day_commands.add_parser("add", help="log a dose taken today", formatter_class=_Formatter)
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
        formatter_class=_Formatter,
    )
    listed.add_argument(
        "--night", metavar="YYYY-MM-DD", default=argparse.SUPPRESS, help="default: tonight"
    )
    listed.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    remove = day_commands.add_parser(
        "remove", help="remove a logged dose by its id", formatter_class=_Formatter
    )
    remove.add_argument("entry_id", type=int, metavar="ID", help="as `sleepplan day` shows it")
    day.add_argument("--night", metavar="YYYY-MM-DD", help="default: tonight")
    day.add_argument("--json", action="store_true", help="print JSON")
    day.set_defaults(handler=cmd_day, at=None)


def _experiment_arguments(experiment: argparse.ArgumentParser) -> None:
    from sleepplan.core.experiments import MID_MINUTES, OBJECTIVE_PRIMARIES

    experiment_commands = experiment.add_subparsers(
        dest="experiment_command", metavar="ACTION", required=True
    )
    new_exp = experiment_commands.add_parser("new", help="register a new experiment")
    new_exp.add_argument("--compound", required=True)
    new_exp.add_argument("--dose-b", required=True, metavar="AMOUNT", help="arm B, e.g. 0.5mg")
    new_exp.add_argument(
        "--dose-a", default="0", metavar="AMOUNT", help="arm A (default 0: none or placebo)"
    )
    new_exp.add_argument(
        "--primary",
        required=True,
        choices=["onset", "maintenance", "next_morning", "morning", *OBJECTIVE_PRIMARIES],
        help="a check-in score, or a tracker measure in minutes (latency and WASO: fewer is "
        "better)",
    )
    new_exp.add_argument(
        "--mid",
        required=True,
        type=float,
        metavar="N",
        help="minimal important difference: score points, or minutes for a tracker measure "
        f"({MID_MINUTES[0]:g}–{MID_MINUTES[1]:g})",
    )
    new_exp.add_argument("--hypothesis", metavar="TEXT")
    new_exp.add_argument("--baseline", type=int, default=7, metavar="NIGHTS")
    new_exp.add_argument("--blocks", type=int, default=4)
    new_exp.add_argument("--block-nights", type=int, default=2, metavar="NIGHTS")
    new_exp.add_argument("--blind", action="store_true", help="numbered envelopes, guesses")
    new_exp.add_argument("--seed", type=int, help="randomisation seed (default: random)")
    new_exp.add_argument("--start", metavar="YYYY-MM-DD", help="first night (default tonight)")
    new_exp.add_argument(
        "--key-file", metavar="FILE", help="blinded: write the envelope key here, not on screen"
    )
    for action in ("status", "report"):
        sub = experiment_commands.add_parser(action, help=f"an experiment's {action}")
        sub.add_argument("--id", help="experiment id (default: the latest)")
        if action == "report":
            sub.add_argument("--out", metavar="FILE", help="write the Markdown report here")
            sub.add_argument(
                "--force", action="store_true", help="replace FILE if it exists (never in the home)"
            )
    experiment.set_defaults(handler=cmd_experiment)


def _export_arguments(export: argparse.ArgumentParser) -> None:
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


def _import_arguments(import_cmd: argparse.ArgumentParser) -> None:
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


def _profile_arguments(profile: argparse.ArgumentParser) -> None:
    profile_commands = profile.add_subparsers(
        dest="profile_command", metavar="ACTION", required=True
    )
    profile_commands.add_parser("list", help="the home's profiles")
    new = profile_commands.add_parser("new", help="create a profile from an example")
    new.add_argument("name")
    new.add_argument(
        "--from",
        dest="example",
        default="example",
        metavar="EXAMPLE",
        help="example to start from (example, deep-sleep, rem-wbtb, stay-asleep)",
    )
    duplicate = profile_commands.add_parser("duplicate", help="copy a profile under a new name")
    duplicate.add_argument("source", metavar="NAME|PATH")
    duplicate.add_argument("name", metavar="NEW_NAME")
    delete = profile_commands.add_parser("delete", help="move a profile to the home's trash")
    delete.add_argument("name")
    validate = profile_commands.add_parser("validate", help="check a profile file")
    validate.add_argument("file")
    profile.set_defaults(handler=cmd_profile)


def _tracker_arguments(tracker: argparse.ArgumentParser) -> None:
    tracker_commands = tracker.add_subparsers(
        dest="tracker_command", metavar="ACTION", required=True
    )
    imported = tracker_commands.add_parser(
        "import", help="import exports of Apple Health, Fitbit, Oura, Garmin, Withings, …"
    )
    imported.add_argument("files", nargs="+", metavar="FILE")
    from sleepplan.core.objective import SOURCES

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


COMMAND_ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "plan": _plan_arguments,
    "catalog": _catalog_arguments,
    "check": _check_arguments,
    "checkin": _checkin_arguments,
    "history": _history_arguments,
    "insights": _insights_arguments,
    "experiment": _experiment_arguments,
    "export": _export_arguments,
    "import": _import_arguments,
    "profile": _profile_arguments,
    "tracker": _tracker_arguments,
    "window": _window_arguments,
    "day": _day_arguments,
}
"""Each command's arguments, added to its own parser when that command runs."""


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
    with one_way_out(stdout_is_data=handler is cmd_export):
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
