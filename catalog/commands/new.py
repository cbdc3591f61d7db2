"""`catalog new`: add one paper as a new record, from arXiv or from flags."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from catalog import output
from catalog.cli_options import require_data_dir
from catalog.errors import EXIT_OK

if TYPE_CHECKING:
    from catalog.new import Draft


def run(
    data_dir: Path,
    draft: Draft,
    *,
    arxiv_id: str | None,
    dry_run: bool,
    fmt: Literal["text", "json"] = "text",
) -> int:
    """Create the record (or print it with dry_run); CatalogError on a refused paper."""
    from catalog.new import add_paper, missing_flags

    require_data_dir(data_dir)
    if not arxiv_id and missing_flags(draft):
        raise click.UsageError(f"give --arxiv ID, or {', '.join(missing_flags(draft))}")
    created = add_paper(data_dir, draft, arxiv_id=arxiv_id, dry_run=dry_run)
    if fmt == "json":
        output.emit_json(
            {
                "id": created.paper_id,
                "file": str(created.path),
                "written": not dry_run,
                "record": created.text,
            }
        )
    elif dry_run:
        click.echo(created.text, nl=False)
    elif not output.is_quiet():
        click.echo(f"wrote {created.path}")
    return EXIT_OK
