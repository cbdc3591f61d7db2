"""`catalog build`: validate the data, then write README.md and the site, or check the README."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from catalog import output
from catalog.cli_options import require_data_dir
from catalog.errors import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from catalog.build import BuildResult
    from catalog.diagnostics import Format


def run(
    data_dir: Path,
    readme: Path | None,
    site_dir: Path | None,
    *,
    check: bool,
    fmt: Format,
) -> int:
    """1 when the data has errors or (with check) the README is stale. `readme` None: no
    README; `site_dir` None: no site (check never builds the site)."""
    from catalog.build import build

    require_data_dir(data_dir)
    with output.progress("build") as shown:
        result = build(data_dir, readme, None if check else site_dir, check=check, step=shown.step)
    status = EXIT_FINDINGS if result.failed or (check and result.readme_changed) else EXIT_OK
    if fmt == "json":
        output.emit_json(as_json(result, check))
    else:
        _print(result, check, fmt)
    return status


def as_json(result: BuildResult, check: bool) -> dict[str, Any]:
    """The whole outcome, clean or not: diagnostics, the README's state, the site, notes."""
    from catalog.diagnostics import summary

    readme: dict[str, Any] | None = None
    if result.readme is not None:
        if result.readme_text is None:
            state = "not rendered"  # the data has errors
        elif check:
            state = "stale" if result.readme_changed else "up to date"
        else:
            state = "written" if result.readme_changed else "unchanged"
        readme = {
            "path": str(result.readme),
            "state": state,
            "bytes": len((result.readme_text or "").encode("utf-8")),
        }
        if check and result.readme_changed:
            readme["diff"] = result.diff
    diagnostics = sorted(result.diagnostics)
    return {
        "ok": not result.failed and not (check and result.readme_changed),
        "diagnostics": [d.as_json() for d in diagnostics],
        "summary": summary(diagnostics, result.catalog.files_checked),
        "papers": len(result.catalog.papers),
        "readme": readme,
        "site": str(result.site_dir) if result.site_built and result.site_dir else None,
        "notes": result.notes,
    }


def _print(result: BuildResult, check: bool, fmt: Format) -> None:
    from catalog.diagnostics import format_report

    if result.diagnostics:
        click.echo(format_report(result.diagnostics, result.catalog.files_checked, fmt))
    if result.failed:
        click.echo("error: the data has errors; nothing was written", err=True)
        return
    for message in result.notes:
        output.note(f"note: {message}")
    readme = result.readme
    if readme is not None and check:
        if result.readme_changed:
            click.echo(result.diff, nl=False)
            click.echo(f"error: {readme} is stale: run `catalog build` and commit it", err=True)
        else:
            output.note(f"{readme} is up to date")
        return
    if readme is not None:
        state = "written" if result.readme_changed else "unchanged"
        size = len((result.readme_text or "").encode("utf-8"))
        output.note(f"{readme}: {state} ({len(result.catalog.papers)} papers, {size} bytes)")
    if result.site_built:
        output.note(f"site: built in {result.site_dir}")
