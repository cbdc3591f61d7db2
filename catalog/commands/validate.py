"""`catalog validate`: check every record and registry, report all problems at file and line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from catalog import collector, output
from catalog.cli_options import require_data_dir
from catalog.errors import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from catalog.diagnostics import Format


def run(data_dir: Path, fmt: Format) -> int:
    """Print the diagnostics in `fmt` (with -q, text has no summary line); 1 on an error."""
    require_data_dir(data_dir)
    collector.skip_teardown()  # validate writes nothing: its process may end without teardown
    from catalog.read_ahead import reading

    # A child parses the files while pydantic is imported here (catalog/read_ahead.py).
    with collector.paused(), reading(data_dir) as reader:  # cycles-free start-up
        from catalog.diagnostics import format_report, has_errors
        from catalog.validate import load_catalog

        catalog = load_catalog(data_dir, reader=reader)
    if fmt == "text" and output.is_quiet():
        report = "\n".join(d.text() for d in sorted(catalog.diagnostics))
    else:
        report = format_report(catalog.diagnostics, catalog.files_checked, fmt)
    if report:
        click.echo(report)
    return EXIT_FINDINGS if has_errors(catalog.diagnostics) else EXIT_OK
