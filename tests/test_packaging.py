"""Every package that catalog/ imports is declared in pyproject.toml's dependencies."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from tests.conftest import REPO


def imported_top_level(root: str = "catalog") -> set[str]:
    found = set()
    for path in (REPO / root).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.partition(".")[0])
    return found - {root, "__future__"} - set(sys.stdlib_module_names)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_a_declared_dependency() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        normalized(re.split(r"[<>=!~\[ ;]", dep, maxsplit=1)[0]) for dep in project["dependencies"]
    }
    owners = packages_distributions()
    missing = {
        module: owners.get(module, [module])
        for module in imported_top_level()
        if not {normalized(d) for d in owners.get(module, [module])} & declared
    }
    assert missing == {}


def test_no_installed_tool_folder_is_committed() -> None:
    """node_modules (a folder, or a worktree's symlink to one) and .venv never enter git."""
    import subprocess

    tracked = subprocess.run(
        ["git", "ls-files", "--", "node_modules", ".venv"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert tracked.returncode != 0 or tracked.stdout == "", tracked.stdout
