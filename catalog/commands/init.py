"""`catalog init [DIR]`: a new, complete catalog that validates, builds and serves at once."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from catalog import output
from catalog.errors import EXIT_OK


def run(
    root: Path,
    title: str | None,
    description: str | None,
    repo_url: str | None,
    site_url: str | None,
    requirement: str | None,
    fmt: Literal["text", "json"] = "text",
) -> int:
    """Write the catalog's files under `root` (refusing if any exists); print what to do next."""
    from catalog.scaffold import Settings, init_catalog

    name = title or f"Awesome {root.resolve().name.replace('-', ' ').replace('_', ' ').title()}"
    settings = Settings(
        title=name,
        description=description or f"A curated list of {name.removeprefix('Awesome ')} papers.",
        repo_url=repo_url,
        site_url=site_url,
        **({"requirement": requirement} if requirement else {}),
    )
    written = init_catalog(root, settings)
    if fmt == "json":
        output.emit_json({"root": str(root), "title": name, "written": [str(p) for p in written]})
        return EXIT_OK
    output.note(f"created {name!r} in {root}: {len(written)} files")
    for path in written:
        click.echo(str(path))
    output.note(
        f"next: cd {root} && catalog new --arxiv ID (or catalog import LIST.md), then catalog build"
    )
    return EXIT_OK
