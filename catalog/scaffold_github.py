"""A new catalog's .github/: the workflows and forms this repository runs, made the catalog's.

One source, no second copy: `catalog init` reads the files under this repository's .github/
(packaged in the wheel as catalog/_github) and applies the marks they carry for it. What only
makes sense where the tool itself is developed (its lint and test jobs, `pip install -e .`, the
Node tooling of package.json) is marked, as is what names this catalog:

- a line `# catalog-init: drop` (or `<!-- catalog-init: drop -->`) up to the next
  `catalog-init: end` line: left out of a new catalog;
- a line `# catalog-init: next-line TEXT`: the line after it becomes TEXT (at that line's
  indentation), with `{title}` replaced by the new catalog's title escaped for a
  double-quoted YAML string (any title then reads back as written).

The marks themselves never reach the new catalog.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from catalog.errors import CatalogError

SHIPPED = (  # what a new catalog gets of .github/, relative to it
    "workflows/pr.yml",
    "workflows/links.yml",
    "workflows/pages.yml",
    "workflows/suggest.yml",
    "workflows/sync.yml",
    "ISSUE_TEMPLATE/config.yml",
    "ISSUE_TEMPLATE/suggest-paper.yml",
    "pull_request_template.md",
)
_MARK = re.compile(r"^\s*(?:#|<!--)\s*catalog-init:\s*(drop|end|next-line)\b ?(.*?)\s*(?:-->)?$")


def github_files(source: Path, title: str) -> dict[str, str]:
    """Path in the new catalog -> content, for every file of SHIPPED under `source`."""
    return {
        f".github/{name}": for_a_catalog((source / name).read_text(encoding="utf-8"), title, name)
        for name in SHIPPED
    }


def for_a_catalog(text: str, title: str, name: str = "<text>") -> str:
    """`text` with its catalog-init marks applied (see the module's docstring)."""
    out: list[str] = []
    dropping = False
    replacement: str | None = None
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        mark = _MARK.match(line)
        if mark:
            kind, rest = mark.groups()
            if kind == "drop" and not dropping and replacement is None:
                dropping = True
            elif kind == "end" and dropping:
                dropping = False
            elif kind == "next-line" and not dropping and replacement is None and rest:
                replacement = rest.replace("{title}", json.dumps(title, ensure_ascii=False)[1:-1])
            else:
                raise CatalogError(f"{name}:{number}: a misplaced catalog-init mark")
            continue
        if dropping:
            continue
        if replacement is not None:
            indent = line[: len(line) - len(line.lstrip())]
            line, replacement = f"{indent}{replacement}\n", None
        out.append(line)
    if dropping or replacement is not None:
        raise CatalogError(f"{name}: a catalog-init mark without its end")
    return "".join(out).rstrip("\n") + "\n"  # a block dropped at the end leaves no blank line
