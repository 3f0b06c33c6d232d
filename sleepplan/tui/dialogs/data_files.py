"""Export and import from the app: a file prompt, an overwrite question, a toast naming the file.

The same files as ``sleepplan export`` and ``sleepplan import`` (``store/exports.py``). Reading
and writing run in a worker thread; the questions (which file, replace it, replace or keep the
nights already recorded) are dialogs on the UI thread. A mistake (a file of the home, a bad
import) is shown as the command line shows it; a refusal of the machine (permission, full disk,
I/O) is shown as such, naming the path, and leaves every file as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.visible import visible
from sleepplan.store import paths
from sleepplan.store.faults import MachineFault
from sleepplan.tui.dialogs.confirm import ConfirmDialog

# the paths' helpers and what an export holds, importable from here as they always were
from sleepplan.tui.dialogs.data_file_paths import default_export_path as default_export_path
from sleepplan.tui.dialogs.data_file_paths import export_path_problem
from sleepplan.tui.dialogs.data_file_paths import file_slug as file_slug
from sleepplan.tui.dialogs.data_file_paths import import_path_problem as import_path_problem
from sleepplan.tui.dialogs.data_file_paths import machine_fault as machine_fault
from sleepplan.tui.dialogs.data_file_paths import typed_path as typed_path
from sleepplan.tui.dialogs.export_data import EXPORT_KINDS as EXPORT_KINDS
from sleepplan.tui.dialogs.export_data import export_data as export_data
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt

if TYPE_CHECKING:
    from sleepplan.store.exports import ImportBundle
    from sleepplan.tui.app import SleepPlanApp


IMPORT_HINT = "a CSV, JSON or TOML export of sleepplan; ~ is your home folder"


# -- export ---------------------------------------------------------------------------------------


def ask_export(app: SleepPlanApp, kind: str | None = None) -> None:
    """Export the open profile's data: which kind (unless given), which file, then write it."""
    if app.workspace.profile is None:
        app.notify("No profile is open: there is nothing to export.", severity="warning")
        return
    if kind is None:

        def chosen(choice: str | None) -> None:
            if choice in EXPORT_KINDS:
                ask_export(app, choice)

        choices = [(key, export.label) for key, export in EXPORT_KINDS.items()]
        app.push_screen(ChoicePrompt("Export what?", [*choices, ("cancel", "Cancel")]), chosen)
        return
    folder = Path.cwd()
    workspace = app.workspace
    # tonight's doses are named by their night, the rest by today's date
    today = (
        workspace.night if kind == "ics" else timing.in_zone(workspace.now, workspace.zone).date()
    )
    assert workspace.profile is not None
    suggested = default_export_path(workspace.profile.name, kind, today, folder)

    def answered(text: str | None) -> None:
        if text:
            _confirm_then_export(app, kind, typed_path(text, folder))

    app.push_screen(
        TextPrompt(
            f"{EXPORT_KINDS[kind].label}\nWrite to which file? (~ is your home folder)",
            str(suggested),
            partial(export_path_problem, folder=folder),
        ),
        answered,
    )


def _confirm_then_export(app: SleepPlanApp, kind: str, path: Path) -> None:
    """Refuse a file of the home; ask before replacing a file that exists; then export."""
    try:
        paths.check_export_target(app.home, path, force=True)
    except InputError as error:
        app.notify(error.render(), title="Not exported", severity="error", timeout=15)
        return
    if not os.path.lexists(path):
        _run(app, partial(_export, app, kind, path))
        return

    def replace(yes: bool | None) -> None:
        if yes:
            _run(app, partial(_export, app, kind, path))
        else:
            app.notify(f"Nothing exported: {visible(str(path))} is left as it was.")

    app.push_screen(
        ConfirmDialog(f"{path} exists already. Replace it?", "Replace", "Keep it"), replace
    )


def _export(app: SleepPlanApp, kind: str, path: Path) -> None:
    """In a worker: build the export and write it (0600, atomically)."""
    from sleepplan.store import exports

    try:
        data, what = export_data(app.workspace, kind)
        paths.check_export_target(app.home, path, force=True)  # again: it may be a link now
        exports.write_private(path, data)
    except InputError as error:
        app.call_from_thread(_refused, app, "Not exported", error.render())
    except MachineFault as error:
        app.call_from_thread(_refused, app, "Not exported: the machine refused", error.render())
    except OSError as error:
        fault = machine_fault(error, path).render()
        app.call_from_thread(_refused, app, "Not exported: the machine refused", fault)
    else:
        app.call_from_thread(app.notify, f"Exported {what} to {visible(str(path))}", timeout=10)


def _refused(app: SleepPlanApp, title: str, message: str) -> None:
    app.notify(message, title=title, severity="error", timeout=15)


def _run(app: SleepPlanApp, job: Callable[[], None]) -> None:
    """Run a read or write off the UI thread, one at a time."""
    app.run_worker(job, thread=True, group="data-files", exclusive=True)


# -- import ---------------------------------------------------------------------------------------


def ask_import_file(app: SleepPlanApp, question: str, then: Callable[[Path], object]) -> None:
    """Ask which file to import into the open profile (from this folder on), then go on."""
    if app.workspace.profile is None:
        app.notify("No profile is open to import into.", severity="warning")
        return
    folder = Path.cwd()

    def answered(text: str | None) -> None:
        if text:
            then(typed_path(text, folder))

    app.push_screen(
        TextPrompt(question, f"{folder}{os.sep}", partial(import_path_problem, folder=folder)),
        answered,
    )


def ask_import(app: SleepPlanApp) -> None:
    """Import check-ins from a file into the open profile (or the export's own, if chosen)."""
    ask_import_file(
        app,
        f"Import check-ins from which file? ({IMPORT_HINT})",
        lambda path: _run(app, partial(_read, app, path)),
    )


def _read(app: SleepPlanApp, path: Path) -> None:
    """In a worker: read the file; ask which profile when it is another profile's export."""
    from sleepplan.store.exports import read_import

    workspace = app.workspace
    current = workspace.profile.name if workspace.profile else ""
    try:
        bundle = read_import(path)
    except InputError as error:
        app.call_from_thread(_refused, app, "Not imported", error.render())
        return
    except (MachineFault, OSError) as error:
        _import_fault(app, error, path)
        return
    other = bundle.profile_name
    if other and other != current and (paths.profiles_dir(app.home) / f"{other}.toml").is_file():
        app.call_from_thread(_ask_profile, app, path, bundle, other)
        return
    _save(app, path, bundle, current, None)


def _ask_profile(app: SleepPlanApp, path: Path, bundle: ImportBundle, other: str) -> None:
    current = app.workspace.profile.name if app.workspace.profile else ""

    def chosen(choice: str | None) -> None:
        if choice in ("current", "other"):
            name = current if choice == "current" else other
            _run(app, partial(_save, app, path, bundle, name, None))

    app.push_screen(
        ChoicePrompt(
            f"{path.name} is an export of the profile {other}.",
            [
                ("other", f"Import into {other}"),
                ("current", f"Import into the open profile, {current}"),
                ("cancel", "Cancel (import nothing)"),
            ],
        ),
        chosen,
    )


def _save(
    app: SleepPlanApp, path: Path, bundle: ImportBundle, name: str, existing: str | None
) -> None:
    """In a worker: check and score every check-in, then store them in one transaction.

    ``existing`` says what to do with nights the journal has already: ``None`` asks (nothing
    is written until answered), ``"replace"`` or ``"keep"``.
    """
    from sleepplan.store.exports import evaluate_all
    from sleepplan.store.journal import Journal
    from sleepplan.store.profiles import load_profile, profile_path

    workspace = app.workspace
    try:
        if workspace.profile is not None and name == workspace.profile.name:
            profile, catalog = workspace.profile, workspace.catalog
        else:
            loaded = load_profile(profile_path(app.home, name), workspace.cache_dir)
            profile, catalog = loaded.profile, loaded.catalog
        zone = workspace.zone_of(profile)
        records = evaluate_all(
            bundle, str(path), zone, profile.sleep_need_min, lambda cid: cid in catalog
        )
        with Journal(paths.journal_path(app.home)) as journal:
            there = [r["night"] for r in records if journal.has(name, r["night"])]
            if there and existing is None:
                app.call_from_thread(_ask_existing, app, path, bundle, name, there)
                return
            if existing == "keep":
                records = [r for r in records if r["night"] not in there]
            journal.save_many(
                name, records, workspace.now.isoformat(), replace=existing == "replace"
            )
    except InputError as error:
        app.call_from_thread(_refused, app, "Not imported", error.render())
        return
    except (MachineFault, OSError) as error:
        _import_fault(app, error, path)
        return
    kept = f"; {len(there)} recorded already kept as they were" if existing == "keep" else ""
    replaced = f" ({len(there)} replaced)" if existing == "replace" and there else ""
    message = (
        f"Imported {len(records)} check-in{'' if len(records) == 1 else 's'}{replaced} from "
        f"{visible(str(path))} into profile {visible(name)}{kept}"
    )
    app.call_from_thread(_imported, app, message)


def _imported(app: SleepPlanApp, message: str) -> None:
    app.notify(message, timeout=10)
    app.bump()  # History and the check-in read the journal again


def _import_fault(app: SleepPlanApp, error: MachineFault | OSError, path: Path) -> None:
    fault = error if isinstance(error, MachineFault) else machine_fault(error, path)
    app.call_from_thread(_refused, app, "Not imported: the machine refused", fault.render())


def _ask_existing(
    app: SleepPlanApp, path: Path, bundle: ImportBundle, name: str, there: list[str]
) -> None:
    shown = ", ".join(there[:3]) + (f" and {len(there) - 3} more" if len(there) > 3 else "")
    nights = "night has" if len(there) == 1 else "nights have"

    def chosen(choice: str | None) -> None:
        if choice in ("replace", "keep"):
            _run(app, partial(_save, app, path, bundle, name, choice))
        else:
            app.notify("Nothing imported.")

    app.push_screen(
        ChoicePrompt(
            f"{len(there)} {nights} a check-in already in {name} ({shown}).",
            [
                ("keep", "Keep those as they are; import only the other nights"),
                ("replace", "Replace them with the file's"),
                ("cancel", "Cancel (import nothing)"),
            ],
        ),
        chosen,
    )
