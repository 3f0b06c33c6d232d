"""Experiments' full plans, sealed outside the profile (design §8).

The profile holds an experiment's registration and the SHA-256 of its full plan; the schedule
(which night is which arm) and the seed that draws it live here, in ``HOME/sealed/<sha256>``,
keyed by the hash so renaming or sharing a profile does not matter. Each file is written
atomically and durably, 0600, before the profile that points at it: a crash between the two
leaves an unused sealed file, never a profile pointing at nothing.

The content is JSON, compressed and base64-wrapped, so a glance at the file (``cat``, a file
manager's preview) shows nothing readable. That protects against glances, not against a
determined user: anyone can unwrap it. The real blind is the envelope key held by someone else,
who prepares the envelopes.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import replace
from pathlib import Path

from sleepplan.core.errors import InputError
from sleepplan.core.experiments import ExperimentPlan
from sleepplan.core.validation import dump, validate
from sleepplan.store import faults
from sleepplan.store.files import atomic_write

HEADER = b"sleepplan sealed experiment plan, version 1\n"
MAX_SEALED_BYTES = 1024 * 1024


class SealedPlanMissing(InputError):
    """The sealed plan a profile's experiment points at is not in this home."""


class SealedPlanDamaged(InputError):
    """The sealed file is there but is not the plan the profile registered."""


def sealed_dir(home: Path) -> Path:
    """Where the sealed plans live."""
    return home / "sealed"


def sealed_path(home: Path, sha256: str) -> Path:
    """The sealed file of the plan with this hash."""
    return sealed_dir(home) / f"{sha256}.sealed"


def wrap(plan: ExperimentPlan) -> bytes:
    """The full plan as the sealed file's bytes."""
    content = json.dumps(dump(plan), sort_keys=True, separators=(",", ":")).encode()
    return HEADER + base64.b64encode(zlib.compress(content, 9)) + b"\n"


def unwrap(data: bytes, source: str) -> ExperimentPlan:
    """The full plan from a sealed file's bytes; anything else is ``SealedPlanDamaged``."""
    if not data.startswith(HEADER):
        raise SealedPlanDamaged.single(source, "", "is not a sealed sleepplan plan")
    try:
        content = json.loads(
            zlib.decompress(base64.b64decode(data[len(HEADER) :].strip(), validate=True))
        )
    except (binascii.Error, zlib.error, ValueError):
        raise SealedPlanDamaged.single(source, "", "cannot be unwrapped: it is damaged") from None
    try:
        return validate(ExperimentPlan, content, source)
    except InputError as error:
        raise SealedPlanDamaged(source, error.problems) from None


def seal(home: Path, plan: ExperimentPlan) -> Path:
    """Write a full plan's sealed file (before the profile that points at it); its path."""
    if not plan.intact:
        raise ValueError(f"experiment {plan.id}: only a full, intact plan is sealed")
    path = sealed_path(home, plan.sha256)
    atomic_write(path, wrap(plan))
    return path


def unseal(home: Path, registration: ExperimentPlan) -> ExperimentPlan:
    """The full plan of a profile's experiment, checked against the hash the profile holds.

    An older profile's experiment carries its schedule and is returned as it is. Otherwise
    the sealed file must exist (``SealedPlanMissing``) and hash to the registered SHA-256
    (``SealedPlanDamaged``). The result is the profile's registration with the sealed seed and
    schedule: ``intact`` then says whether the registration was edited since. A file the
    machine will not let sleepplan read is a ``MachineFault``.
    """
    if registration.has_schedule:
        return registration
    path = sealed_path(home, registration.sha256)
    source = str(path)
    followed = f"experiment {registration.id} cannot be followed or analysed"
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SEALED_BYTES + 1)
    except FileNotFoundError:
        raise SealedPlanMissing.single(
            source,
            "",
            f"{followed}: its sealed plan is not in this sleepplan home (was the profile "
            "copied from another home? copy its `sealed` folder too)",
        ) from None
    except OSError as error:
        fault = faults.from_os_error(error, path)
        if fault is not None:
            raise fault from None
        raise
    if len(data) > MAX_SEALED_BYTES:
        raise SealedPlanDamaged.single(source, "", f"{followed}: the file is too large")
    sealed = unwrap(data, source)
    if sealed.digest() != registration.sha256 or sealed.sha256 != registration.sha256:
        raise SealedPlanDamaged.single(
            source,
            "",
            f"{followed}: the sealed plan does not match the hash the profile registered",
        )
    return replace(registration, seed=sealed.seed, schedule=sealed.schedule)


def seal_legacy(home: Path, experiments: tuple[ExperimentPlan, ...]) -> tuple[ExperimentPlan, ...]:
    """Move older profiles' schedules out: seal each intact full plan, keep its registration.

    Call it before saving a profile (the sealed files are written first). A plan whose hash
    no longer matches is left as it is, so the mismatch still shows.
    """
    moved = []
    for plan in experiments:
        if plan.has_schedule and plan.intact:
            seal(home, plan)
            moved.append(plan.registration())
        else:
            moved.append(plan)
    return tuple(moved)
