"""No import cycles inside the `catalog` package, counting every import statement.

Function-level and TYPE_CHECKING imports count too: a cycle hidden inside a function still
ties two modules together (and breaks the day someone moves the import up).
"""

from __future__ import annotations

import ast
from pathlib import Path

import catalog

PACKAGE = Path(catalog.__file__).parent


def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The package's modules that `name` imports, wherever in the file the import stands."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import mod` imports the submodule; `from mod import name` the module.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
            # Importing pkg.sub runs pkg/__init__.py first: an edge to every enclosing package
            # the importer is not itself inside (those have already started running).
            parent = target.rpartition(".")[0]
            while parent:
                if parent in modules and not f"{name}.".startswith(f"{parent}."):
                    found.add(parent)
                parent = parent.rpartition(".")[0]
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    paths = module_names(root)
    modules = set(paths)
    return {name: imports_of(name, path, modules) for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path [a, b, ..., a], or None; iterative DFS, deterministic order."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(graph[start])))]
        trail = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                trail.pop()
                state[node] = 2
            elif state.get(child) == 1:
                return [*trail[trail.index(child) :], child]
            elif not state.get(child):
                state[child] = 1
                trail.append(child)
                stack.append((child, iter(sorted(graph.get(child, ())))))
    return None


def test_the_package_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def _runtime_catalog_imports(module: str) -> list[str]:
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    return [
        node.module or ""
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        and (getattr(node, "module", "") or "").startswith("catalog")
    ]


def test_the_catalog_container_imports_no_stage_at_run_time() -> None:
    """Only catalog.layout (plain names that import nothing of catalog) at run time."""
    assert set(_runtime_catalog_imports("catalog.py")) <= {"catalog.layout"}
    assert _runtime_catalog_imports("layout.py") == []


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg.b import thing\n")
    (pkg / "b.py").write_text("def thing():\n    from pkg import c\n")
    (pkg / "c.py").write_text("from . import a\n")
    assert find_cycle(import_graph(pkg)) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]
    (pkg / "c.py").write_text("import os\n")
    assert find_cycle(import_graph(pkg)) is None


def test_the_cycle_finder_sees_a_cycle_through_a_package_init(tmp_path: Path) -> None:
    """`from pkg.sub.x import y` runs pkg/sub/__init__.py, which may import back."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg.sub.x import thing\n")
    (pkg / "sub" / "__init__.py").write_text("from pkg.sub.y import other\n")
    (pkg / "sub" / "x.py").write_text("thing = 1\n")
    (pkg / "sub" / "y.py").write_text("from pkg import a\n")
    assert find_cycle(import_graph(pkg)) == ["pkg.a", "pkg.sub", "pkg.sub.y", "pkg.a"]
    (pkg / "sub" / "__init__.py").write_text("")
    assert find_cycle(import_graph(pkg)) is None
