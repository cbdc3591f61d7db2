"""`catalog new`: add one paper as a new record, from arXiv or from flags."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from catalog.cli_options import require_data_dir

if TYPE_CHECKING:
    from catalog.new import Draft


def run(data_dir: Path, draft: Draft, *, arxiv_id: str | None, dry_run: bool) -> int:
    """Create the record (or print it with dry_run); CatalogError on a refused paper."""
    from catalog.new import add_paper, missing_flags

    require_data_dir(data_dir)
    if not arxiv_id and missing_flags(draft):
        raise click.UsageError(f"give --arxiv ID, or {', '.join(missing_flags(draft))}")
    created = add_paper(data_dir, draft, arxiv_id=arxiv_id, dry_run=dry_run)
    if dry_run:
        click.echo(created.text, nl=False)
    else:
        click.echo(f"wrote {created.path}")
    return 0
