"""`catalog import`: move an awesome list's papers (tables or lists) into records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from catalog import output
from catalog.diagnostics import counted

if TYPE_CHECKING:
    from catalog.diagnostics import Format
    from catalog.importing import ImportResult


def run(
    markdown: Path,
    data_dir: Path,
    added: dt.date | None,
    fmt: Format,
    *,
    dry_run: bool = False,
    sections: str = "add",
    section_map: dict[str, str] | None = None,
) -> int:
    """Import, print what was (or would be) written, found again, in conflict or skipped.

    0 when written (warnings allowed), 1 when rows are in error or conflict (what could be
    written is written), 2 when nothing in the file was recognized."""
    from catalog.diagnostics import format_report
    from catalog.importing import import_list

    with output.progress("import"):
        result = import_list(
            markdown,
            data_dir,
            added or dt.date.today(),
            dry_run=dry_run,
            sections=sections,  # type: ignore[arg-type]
            section_map=section_map,
        )
    if fmt == "json":
        output.emit_json(as_json(result))
    elif fmt == "github":
        report = format_report(result.diagnostics, 1, fmt)
        if report:
            click.echo(report)
    else:
        echo_diagnostics(result)
        output.note(summary_line(result, data_dir))
    return result.exit_code()


def echo_diagnostics(result: ImportResult) -> None:
    """Every diagnostic of the import, one compiler-style line each, in file order."""
    for problem in sorted(result.diagnostics):
        click.echo(problem.text())


def summary_line(result: ImportResult, data_dir: Path) -> str:
    verb = "would be written" if result.dry_run else "written"
    parts = [f"{counted(len(result.written), 'record')} {verb} to {data_dir / 'papers'}"]
    if result.overlaps:
        parts.append(f"{len(result.overlaps)} already there")
    if result.conflicts:
        parts.append(counted(len(result.conflicts), "identity conflict"))
    if result.skipped:
        lines = ", ".join(str(s["line"]) for s in result.skipped)
        parts.append(f"{counted(len(result.skipped), 'row')} skipped (lines {lines})")
    if result.new_sections:
        parts.append(f"new sections: {', '.join(result.new_sections)}")
    if result.new_keywords:
        parts.append(f"new keywords: {len(result.new_keywords)}")
    if result.new_venues:
        parts.append(f"new venues: {', '.join(result.new_venues)}")
    if result.dry_run:
        parts.append("nothing written (--dry-run)")
    return "; ".join(parts)


def as_json(result: ImportResult) -> dict[str, Any]:
    """Everything the import did (or would do): the records written, the rows already in the
    catalog, the identity conflicts, every skipped row, the names it added, every diagnostic."""
    from catalog.diagnostics import summary

    diagnostics = sorted(result.diagnostics)
    return {
        "dry_run": result.dry_run,
        "written": result.written,
        "overlaps": result.overlaps,
        "conflicts": result.conflicts,
        "skipped": result.skipped,
        "new_sections": result.new_sections,
        "new_keywords": result.new_keywords,
        "new_venues": result.new_venues,
        "diagnostics": [d.as_json() for d in diagnostics],
        "summary": summary(diagnostics, 1),
    }
