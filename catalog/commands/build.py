"""`catalog build`: validate the data, then write README.md and the site, or check the README."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from catalog.cli_options import require_data_dir

if TYPE_CHECKING:
    from catalog.diagnostics import Format


def run(
    data_dir: Path, readme: Path, site_dir: Path, *, no_site: bool, check: bool, fmt: Format
) -> int:
    """1 when the data has errors or (with check) the README is stale."""
    from catalog.build import build
    from catalog.diagnostics import format_report

    require_data_dir(data_dir)
    result = build(data_dir, readme, None if no_site or check else site_dir, check=check)
    if result.diagnostics:
        click.echo(format_report(result.diagnostics, result.catalog.files_checked, fmt))
    if result.failed:
        click.echo("error: the data has errors; nothing was written", err=True)
        return 1
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if check:
        if result.readme_changed:
            click.echo(result.diff, nl=False)
            click.echo(f"error: {readme} is stale: run `catalog build` and commit it", err=True)
            return 1
        click.echo(f"{readme} is up to date", err=True)
        return 0
    state = "written" if result.readme_changed else "unchanged"
    size = len((result.readme_text or "").encode("utf-8"))
    click.echo(f"{readme}: {state} ({len(result.catalog.papers)} papers, {size} bytes)", err=True)
    if result.site_built:
        click.echo(f"site: built in {site_dir}", err=True)
    return 0
