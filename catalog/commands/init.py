"""`catalog init [DIR]`: a new, complete catalog that validates, builds and serves at once."""

from __future__ import annotations

from pathlib import Path

import click


def run(
    root: Path,
    title: str | None,
    description: str | None,
    repo_url: str | None,
    site_url: str | None,
    requirement: str | None,
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
    click.echo(f"created {name!r} in {root}: {len(written)} files", err=True)
    for path in written:
        click.echo(str(path))
    click.echo(
        f"next: cd {root} && catalog new --arxiv ID (or catalog import LIST.md), "
        "then catalog build",
        err=True,
    )
    return 0
