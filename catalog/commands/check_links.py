"""`catalog check-links`: check the links (catalog.links does the work), print the report.

Only click is imported at module level; requests, rich and the engine load when the command
runs, so `catalog --help` stays fast.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from catalog.cli_options import require_data_dir
from catalog.errors import CatalogError

if TYPE_CHECKING:
    from catalog.links.report import Format


def run(fmt: Format, strict: bool, **options: Any) -> int:
    """Check (or, with merge_files, merge shard reports); 1 when a link is broken."""
    from catalog.links.report import format_report

    report = _run(**options)
    click.echo(format_report(report, fmt, strict))
    return 1 if report.failed(strict) else 0


def _run(
    *,
    data_dir: Path,
    concurrency: int,
    per_host: int,
    timeout: float,
    retries: int,
    backoff: float,
    user_agent: str | None,
    cache_path: Path | None,
    max_age: float,
    allow_private: bool,
    exclude: tuple[str, ...],
    changed_since: str | None,
    shard: str | None,
    merge_files: tuple[Path, ...],
) -> Any:
    from catalog.links import report as reports

    if merge_files:
        return reports.merge([_read_report(path) for path in merge_files])

    from catalog.links.collect import changed_records, collect, parse_shard
    from catalog.links.engine import Settings
    from catalog.links.engine import user_agent as default_agent
    from catalog.links.run import CheckOptions
    from catalog.links.safety import AddressPolicy
    from catalog.validate import load_catalog

    try:
        patterns = tuple(re.compile(p) for p in exclude)
    except re.error as exc:
        raise click.BadParameter(f"bad regular expression: {exc}", param_hint="--exclude") from None
    try:
        shard_spec = parse_shard(shard) if shard else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--shard") from None
    require_data_dir(data_dir)
    catalog = load_catalog(data_dir)
    invalid = sum(1 for d in catalog.diagnostics if d.severity == "error")
    if invalid:
        click.echo(
            f"warning: {invalid} error(s) in the data; links of invalid records are not checked "
            "(run `catalog validate`)",
            err=True,
        )
    only = changed_records(data_dir, changed_since) if changed_since else None
    links = collect(catalog, only)
    contact = catalog.config.repo_url if catalog.config else None
    settings = Settings(
        concurrency=concurrency,
        per_host=per_host,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        user_agent=user_agent or default_agent(contact),
        policy=AddressPolicy(allow_private=allow_private),
    )
    options = CheckOptions(
        settings=settings,
        cache_path=cache_path,
        max_age=max_age,
        exclude=patterns,
        shard=shard_spec,
    )
    return _with_progress(links, options)


def _with_progress(links: Any, options: Any) -> Any:
    """Run the check with a rich progress bar on stderr when stderr is a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from catalog.links.run import check_links

    console = Console(stderr=True)

    def warn(message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    if not console.is_terminal:
        return check_links(links, options, warn=warn)
    with Progress(
        TextColumn("checking links"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        bar = progress.add_task("links", total=None)
        return check_links(
            links,
            options,
            on_start=lambda total: progress.update(bar, total=total),
            on_result=lambda _result: progress.advance(bar),
            warn=warn,
        )


def _read_report(path: Path) -> Any:
    from catalog.links.report import from_json

    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CatalogError(f"{path}: not a check-links JSON report ({exc})") from None
