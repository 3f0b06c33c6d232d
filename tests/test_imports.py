"""Our modules import each other one way: no rings, and the layers only point down (design §1).

Read statically with ``ast`` (fast, and nothing is imported): every import of one of our modules
counts, at module level and inside functions and classes alike, since a lazy import still ties
two modules together. Only imports under ``if TYPE_CHECKING:`` are free: they never run.
``from a import b`` names the module ``a.b`` when there is one (else ``a``); the packages above
an imported module are not counted, so a package that imports its own modules lazily is no ring.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import sleepplan

PACKAGE_ROOT = Path(sleepplan.__file__).parent

Graph = Mapping[str, set[str]]

# Which layers a layer may not import (a name forbids the module and everything under it).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "sleepplan.core": (
        "sleepplan.store",
        "sleepplan.tui",
        "sleepplan.cli",
        "sleepplan.output",
        "sleepplan.start",
    ),
    "sleepplan.store": ("sleepplan.tui", "sleepplan.cli"),
    "sleepplan.output": ("sleepplan.tui", "sleepplan.cli"),
}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def module_names(root: Path) -> dict[str, Path]:
    """Every module under the package folder ``root``, by its dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.AST) -> Iterable[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, anywhere in ``tree``."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            pending.extend(node.orelse)  # the body never runs
        else:
            pending.extend(ast.iter_child_nodes(node))


def _known_prefix(name: str, known: set[str]) -> str | None:
    """``name``, or the nearest package above it, if it is one of ours."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def own_imports(module: str, is_package: bool, source: str, known: set[str]) -> set[str]:
    """The modules of ours that ``module`` (whose text is ``source``) imports."""
    deps: set[str] = set()
    for node in _imported(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            # ``from a import b`` is the module ``a.b`` if there is one, else a name of ``a``
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        for target in targets:
            found = _known_prefix(target, known)
            if found is not None and found != module:
                deps.add(found)
    return deps


def import_graph(root: Path) -> dict[str, set[str]]:
    """Each of our modules under ``root`` with the modules of ours it imports."""
    modules = module_names(root)
    known = set(modules)
    return {
        name: own_imports(name, path.name == "__init__.py", path.read_text(), known)
        for name, path in modules.items()
    }


def _strongly_connected(graph: Graph) -> list[list[str]]:
    """Groups of modules that reach each other (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(sorted(group))
    return [group for group in groups if len(group) > 1]


def _shortest_ring(graph: Graph, group: list[str]) -> list[str]:
    """A shortest way from the group's first module back to itself, inside the group."""
    members = set(group)
    start = group[0]
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(graph[node] & members):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if child not in came_from:
                came_from[child] = node
                queue.append(child)
    raise AssertionError(f"{group} is not a ring")  # pragma: no cover


def rings(graph: Graph) -> list[str]:
    """Each import ring, as ``a → b → a`` (and its other members, if more modules share it)."""
    found = []
    for group in _strongly_connected(graph):
        ring = _shortest_ring(graph, group)
        text = " → ".join(ring)
        others = sorted(set(group) - set(ring))
        if others:
            text += f" (the ring also holds {', '.join(others)})"
        found.append(text)
    return found


def layer_breaks(graph: Graph) -> list[str]:
    """Each import that climbs from a lower layer to one above it."""
    found = []
    for module, deps in sorted(graph.items()):
        for layer, forbidden in FORBIDDEN.items():
            if not _under(module, layer):
                continue
            for dep in sorted(deps):
                if any(_under(dep, above) for above in forbidden):
                    found.append(f"{module} imports {dep}")
    return found


# ---- our own package ----


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(PACKAGE_ROOT)


def test_the_walk_sees_our_modules(graph: dict[str, set[str]]) -> None:
    for name in ("sleepplan.core.safety", "sleepplan.store.journal", "sleepplan.store.trackers"):
        assert name in graph
    assert "sleepplan.core.errors" in graph["sleepplan.store.paths"]


def test_no_import_rings(graph: dict[str, set[str]]) -> None:
    found = rings(graph)
    assert not found, "import rings:\n" + "\n".join(found)


def test_layers_only_import_downwards(graph: dict[str, set[str]]) -> None:
    found = layer_breaks(graph)
    assert not found, "imports that climb a layer:\n" + "\n".join(found)


# ---- the checker itself, on small made-up packages ----


def _package(root: Path, files: dict[str, str]) -> Path:
    """A made-up package ``sleepplan`` under ``root`` with ``files`` (paths inside it)."""
    package = root / "sleepplan"
    for name, text in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in path.relative_to(package).parents:
            (package / folder / "__init__.py").touch()
        path.write_text(text)
    return package


RING_CASES = {
    "a ring of two, one side inside a function": (
        {
            "store/faults.py": "def report():\n    from sleepplan.store import paths\n",
            "store/paths.py": "from sleepplan.store.faults import report\n",
        },
        ["sleepplan.store.faults → sleepplan.store.paths → sleepplan.store.faults"],
    ),
    "a ring of three, through a method and a try": (
        {
            "a.py": "import sleepplan.b\n",
            "b.py": "class B:\n    def go(self):\n        from sleepplan import c\n",
            "c.py": "try:\n    from sleepplan.a import thing\nexcept ImportError:\n    pass\n",
        },
        ["sleepplan.a → sleepplan.b → sleepplan.c → sleepplan.a"],
    ),
    "an import under TYPE_CHECKING is free": (
        {
            "app.py": "from sleepplan import screen\n",
            "screen.py": (
                "import typing\n"
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from sleepplan.app import App\n"
                "if typing.TYPE_CHECKING:\n    import sleepplan.app\n"
            ),
        },
        [],
    ),
    "the else of TYPE_CHECKING counts": (
        {
            "app.py": "from sleepplan import screen\n",
            "screen.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    pass\nelse:\n    from sleepplan import app\n"
            ),
        },
        ["sleepplan.app → sleepplan.screen → sleepplan.app"],
    ),
    "a package and its modules, by relative imports": (
        {
            "trackers/__init__.py": "def modules():\n    from . import oura\n",
            "trackers/oura.py": "from . import Progress\nfrom ..core.errors import InputError\n",
            "core/errors.py": "",
        },
        ["sleepplan.trackers → sleepplan.trackers.oura → sleepplan.trackers"],
    ),
    "a shared module breaks that ring": (
        {
            "trackers/__init__.py": "def modules():\n    from sleepplan.trackers import oura\n",
            "trackers/common.py": "Progress = int\n",
            "trackers/oura.py": "from sleepplan.trackers.common import Progress\n",
        },
        [],
    ),
    "a big ring names its other members": (
        {
            "a.py": "from sleepplan import b, c\n",
            "b.py": "from sleepplan import a\n",
            "c.py": "from sleepplan import a\n",
        },
        ["sleepplan.a → sleepplan.b → sleepplan.a (the ring also holds sleepplan.c)"],
    ),
}


@pytest.mark.parametrize(("files", "expected"), RING_CASES.values(), ids=RING_CASES.keys())
def test_rings_are_found_and_named(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    assert rings(import_graph(_package(tmp_path, files))) == expected


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    package = _package(tmp_path, RING_CASES["a package and its modules, by relative imports"][0])
    graph = import_graph(package)
    assert graph["sleepplan.trackers"] == {"sleepplan.trackers.oura"}
    assert graph["sleepplan.trackers.oura"] == {"sleepplan.trackers", "sleepplan.core.errors"}


def test_type_checking_imports_leave_no_edge(tmp_path: Path) -> None:
    package = _package(tmp_path, RING_CASES["an import under TYPE_CHECKING is free"][0])
    assert import_graph(package)["sleepplan.screen"] == set()


def test_a_layer_that_climbs_is_named(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "core/plan.py": "def f():\n    from sleepplan.store import journal\n",
            "core/pure.py": "from sleepplan.core import plan\n",
            "store/journal.py": "import sleepplan.core.pure\n",
            "output/text.py": "from sleepplan.cli.main import run\n",
            "cli/main.py": "from sleepplan.output import text\n",
            "start.py": "from sleepplan import cli\n",
            "core/starter.py": "import sleepplan.start\n",
        },
    )
    assert layer_breaks(import_graph(package)) == [
        "sleepplan.core.plan imports sleepplan.store.journal",
        "sleepplan.core.starter imports sleepplan.start",
        "sleepplan.output.text imports sleepplan.cli.main",
    ]
