"""`catalog import`: migrate an awesome list's markdown tables into records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from catalog import output
from catalog.errors import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from catalog.diagnostics import Format
    from catalog.importer import ImportResult


def run(markdown: Path, data_dir: Path, added: dt.date | None, fmt: Format) -> int:
    """Import the list, print what was written or found; 1 when a row had an error."""
    from catalog.diagnostics import format_report, has_errors
    from catalog.importer import import_list

    with output.progress("import"):
        result = import_list(markdown, data_dir, added or dt.date.today())
    if fmt == "json":
        output.emit_json(as_json(result, data_dir))
    elif fmt == "github":
        click.echo(format_report(result.diagnostics, 1, fmt))
    else:
        for problem in sorted(result.diagnostics):
            click.echo(problem.text())
        output.note(
            f"{len(result.written)} records written to {data_dir / 'papers'}"
            + (f"; {len(result.overlaps)} already there" if result.overlaps else "")
            + (f"; new keywords: {len(result.new_keywords)}" if result.new_keywords else "")
            + (f"; new venues: {', '.join(result.new_venues)}" if result.new_venues else "")
        )
    return EXIT_FINDINGS if has_errors(result.diagnostics) else EXIT_OK


def as_json(result: ImportResult, data_dir: Path) -> dict[str, Any]:
    """Everything the import did: the records written, the rows already in the catalog, the
    registry names it added, and every diagnostic."""
    from catalog.diagnostics import summary

    diagnostics = sorted(result.diagnostics)
    papers = data_dir / "papers"
    return {
        "written": [{"id": i, "file": str(papers / f"{i}.yaml")} for i in result.written],
        "overlaps": [{"line": line, "record": record} for line, record in result.overlaps],
        "new_keywords": result.new_keywords,
        "new_venues": result.new_venues,
        "diagnostics": [d.as_json() for d in diagnostics],
        "summary": summary(diagnostics, 1),
    }
