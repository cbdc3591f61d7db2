"""`catalog triage`: the records a pull request adds or changes, flagged for a maintainer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import click

from catalog import output
from catalog.cli_options import require_data_dir
from catalog.errors import EXIT_FINDINGS, EXIT_OK, CatalogError

Format = Literal["text", "json", "markdown", "github"]


def run(data_dir: Path, since: str, max_new: int, fmt: Format) -> int:
    """0 when nothing is flagged, 1 when something is (the data must load cleanly first)."""
    from catalog.diagnostics import format_report
    from catalog.links.collect import changed_records, records_at
    from catalog.sources.lookup import exists
    from catalog.triage import markdown, triage
    from catalog.validate import load_catalog

    require_data_dir(data_dir)
    catalog = load_catalog(data_dir)
    if any(d.severity == "error" for d in catalog.diagnostics):
        raise CatalogError("the data has errors; run `catalog validate` first")
    changed = changed_records(data_dir, since, "--since")
    added = changed - records_at(data_dir, since, "--since")
    contact = catalog.config.repo_url if catalog.config else None
    output.note(f"checking the identifiers of {len(changed)} changed record(s)")
    result = triage(
        catalog, changed, added, lambda keys: exists(keys, contact=contact), max_new=max_new
    )
    if fmt == "markdown":
        click.echo(markdown(result), nl=False)
    elif fmt == "json":
        doc = json.loads(format_report(result.flags, len(result.changed), "json"))
        doc.update(changed=result.changed, added=result.added, unchecked=result.unchecked)
        output.emit_json(doc)
    else:
        report = format_report(result.flags, len(result.changed), fmt)
        if fmt == "text" and output.is_quiet():  # -q: the flags without the summary line
            report = "\n".join(d.text() for d in sorted(result.flags))
        if report:
            click.echo(report)
    return EXIT_FINDINGS if result.flagged else EXIT_OK
