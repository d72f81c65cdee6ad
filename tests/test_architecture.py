"""The layers the README's Layout describes hold in the source: no module imports another
that imports it back (directly or round a circle), and nothing imports from a layer above its own.

The graph is read from the source with `ast`, so an import inside a function counts as much
as one at the top of a file: a circle hidden in a function still means that neither module
can be read, tested or replaced without the other. `from X import Y` where `X.Y` is a module
imports `X.Y`; otherwise it imports `X`. A package's `__init__` that Python runs on the way to
a submodule is not counted: ours are empty, except the root's, which is the Python API (a face),
and `schemas`', a leaf with no submodule.

Layers, bottom to top (each may import only from its own layer and those below it):
the shared leaves at the top of the package (`errors`, `resources`, `version`, `schemas`); `lang/`;
`logic/`; `search/`; `machine/`; the faces (`cli/`, the package root, `__main__`).
"""

from __future__ import annotations

import ast
from pathlib import Path

from cli_helpers import REPO

PACKAGE = REPO / "godelmachine"

LAYERS = ["leaves", "lang", "logic", "search", "machine", "faces"]

ALLOWED_CYCLES: set[frozenset[str]] = set()  # none: a circle is a defect, not a debt


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of the package under `root` and the package's modules it imports, at any
    depth of the file (module level, functions, `if TYPE_CHECKING:` blocks)."""
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = resolve(node, name, is_package)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            else:
                continue
            graph[name] |= {t for t in targets if t in files and t != name}
    return graph


def resolve(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The absolute module name of `from X import ...`, relative forms included."""
    if not node.level:
        return node.module or ""
    parts = importer.split(".")
    parts = parts if is_package else parts[:-1]
    parts = parts[:len(parts) - node.level + 1]
    return ".".join(parts + ([node.module] if node.module else []))


def find_cycle(graph: dict[str, set[str]], allowed: set[frozenset[str]] = frozenset()) -> list[str] | None:
    """A circle of imports as a path [a, b, ..., a], or None. An edge a -> b whose pair
    {a, b} is in `allowed` is left out (a known circle, allowed for now)."""
    edges = {a: sorted(b for b in bs if frozenset({a, b}) not in allowed) for a, bs in graph.items()}
    state: dict[str, str] = {}  # "open" while on the current path, "done" once fully explored
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("__main__", "cli"):
        return "faces"
    if parts[1] in LAYERS:
        return parts[1]
    if len(parts) == 2:
        return "leaves"
    raise AssertionError(f"{module}: in no layer; add its folder to LAYERS")


def climbing(graph: dict[str, set[str]]) -> list[str]:
    """Each import from a layer above the importer's, as 'importer -> imported'."""
    return sorted(f"{a} ({layer(a)}) -> {b} ({layer(b)})"
                  for a, bs in graph.items() for b in bs if LAYERS.index(layer(b)) > LAYERS.index(layer(a)))


# -- the package


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert "godelmachine.machine.machine" in graph and "godelmachine.cli.main" in graph
    assert "godelmachine.lang.values" in graph["godelmachine.machine.machine"]
    # an import inside a function counts: the CLI imports the machine only when a command runs
    assert "godelmachine.machine.machine" in graph["godelmachine.cli.main"]


def test_no_module_imports_itself_round_a_circle() -> None:
    cycle = find_cycle(import_graph(), ALLOWED_CYCLES)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_nothing_imports_from_a_layer_above_its_own() -> None:
    upward = climbing(import_graph())
    assert not upward, "imports from a layer above the importer's:\n" + "\n".join(upward)


def test_machine_is_the_machine_only() -> None:
    """The command-line faces (report, plot, export, the run summary) live in cli/, not in machine/."""
    names = {p.stem for p in (PACKAGE / "machine").glob("*.py")}
    assert not names & {"report", "plot", "export", "assumptions", "cli"}


# -- the checks themselves, on small made-up graphs


def test_find_cycle_reports_a_made_up_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
    assert find_cycle({"a": {"b"}, "b": {"a"}}, {frozenset({"a", "b"})}) is None
    assert find_cycle({"a": {"b"}, "b": {"a", "c"}, "c": {"b"}}, {frozenset({"a", "b"})}) == ["b", "c", "b"]


def test_climbing_reports_a_made_up_upward_import() -> None:
    graph = {"godelmachine.lang.values": {"godelmachine.machine.log"},
             "godelmachine.machine.log": {"godelmachine.errors"},
             "godelmachine.cli.main": {"godelmachine.machine.log"}}
    assert climbing(graph) == ["godelmachine.lang.values (lang) -> godelmachine.machine.log (machine)"]


def test_the_graph_reads_every_form_of_import(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("def f():\n    from pkg.sub import b\n")
    (root / "sub" / "__init__.py").write_text("")
    (root / "sub" / "a.py").write_text("from . import b\nfrom .b import X\nimport pkg.c\n")
    (root / "sub" / "b.py").write_text("from ..c import Y\n")
    (root / "c.py").write_text("def g():\n    from pkg.sub.a import Z\n")
    graph = import_graph(root)
    assert graph == {"pkg": {"pkg.sub.b"}, "pkg.sub": set(), "pkg.sub.a": {"pkg.sub.b", "pkg.c"},
                     "pkg.sub.b": {"pkg.c"}, "pkg.c": {"pkg.sub.a"}}
    assert find_cycle(graph) == ["pkg.c", "pkg.sub.a", "pkg.c"]
