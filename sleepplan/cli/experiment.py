"""``sleepplan experiment new / status / report``: randomised, blinded self-experiments."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sleepplan.cli.context import Context, chosen_objective_nights, journal_records, parse_flag
from sleepplan.cli.night import followed
from sleepplan.core import timing
from sleepplan.core.amounts import parse_amount
from sleepplan.core.errors import InputError
from sleepplan.core.visible import visible
from sleepplan.output import DISCLAIMER
from sleepplan.store import paths
from sleepplan.store.clock import system_zone
from sleepplan.store.profiles import LoadedProfile, save_profile

if TYPE_CHECKING:
    from sleepplan.core.experiments import ExperimentPlan

EXPERIMENT_FLAGS = {"start": "--start", "mid": "--mid", "blocks": "--blocks"}
"""How ``experiment new`` names the fields a registration check refuses."""


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
        start = parse_flag("--start", timing.parse_date, args.start) if args.start else tonight
        others = [followed(ctx, other) for other in profile.experiments]
        dose_a = parse_flag("--dose-a", parse_amount, args.dose_a) if args.dose_a != "0" else 0
        plan = register(
            tonight=tonight,
            others=others,
            places=EXPERIMENT_FLAGS,
            catalog=loaded.catalog,
            compound=compound.id,
            dose_a_mg=dose_a,
            dose_b_mg=parse_flag("--dose-b", parse_amount, args.dose_b),
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
    plan = followed(ctx, _experiment(loaded, args.id), strict=True)
    name = loaded.catalog.get(plan.compound).name
    records = {dt.date.fromisoformat(r["night"]): r for r in journal_records(ctx, profile.name)}
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
    tracked = chosen_objective_nights(ctx, loaded) if plan.primary in OBJECTIVE_PRIMARIES else None
    text = report.experiment_report(plan, records, name, tonight, tracked)
    if args.out:
        exports.write_private(Path(args.out), text.encode("utf-8"))
        print(f"wrote the report to {visible(args.out)}", file=sys.stderr)
    else:
        print(text)
    return 0


def experiment_arguments(experiment: argparse.ArgumentParser) -> None:
    """``sleepplan experiment``'s actions and arguments."""
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


ARGUMENTS = {"experiment": experiment_arguments}
"""This module's command, with the function that adds its arguments."""
