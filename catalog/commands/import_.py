"""`catalog import`: migrate an awesome list's markdown tables into records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from catalog.diagnostics import Format


def run(markdown: Path, data_dir: Path, added: dt.date | None, fmt: Format) -> int:
    """Import the list, print what was written or found; 1 when a row had an error."""
    from catalog.diagnostics import format_report, has_errors
    from catalog.importer import import_list

    result = import_list(markdown, data_dir, added or dt.date.today())
    if fmt == "text":
        for problem in sorted(result.diagnostics):
            click.echo(problem.text())
        click.echo(
            f"{len(result.written)} records written to {data_dir / 'papers'}"
            + (f"; {len(result.overlaps)} already there" if result.overlaps else "")
            + (f"; new keywords: {len(result.new_keywords)}" if result.new_keywords else "")
            + (f"; new venues: {', '.join(result.new_venues)}" if result.new_venues else "")
        )
    else:
        click.echo(format_report(result.diagnostics, 1, fmt))
    return 1 if has_errors(result.diagnostics) else 0
