"""``sleepplan profile list / new / duplicate / delete / validate``: the home's profiles."""

from __future__ import annotations

import argparse
from pathlib import Path

from sleepplan.cli.context import Context
from sleepplan.core.errors import InputError
from sleepplan.core.visible import visible
from sleepplan.store.bundled import example_profiles
from sleepplan.store.profiles import (
    create_profile,
    delete_profile,
    ensure_home,
    list_profiles,
    load_profile,
    profile_path,
    read_profile_text,
)


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


def profile_arguments(profile: argparse.ArgumentParser) -> None:
    """``sleepplan profile``'s actions and arguments."""
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


ARGUMENTS = {"profile": profile_arguments}
"""This module's command, with the function that adds its arguments."""
