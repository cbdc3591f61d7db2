"""`catalog check-links`: the CLI over `catalog.links.run`.

Only click is imported at module level; requests, rich and the engine load when the command
runs, so `catalog --help` stays fast.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from catalog.cli_options import DATA_OPTION, require_data_dir, user_errors
from catalog.errors import CatalogError

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """'90', '90s', '15m', '12h', '1d' -> seconds."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not match:
        raise click.BadParameter(f"expected a duration such as 3600, 30m, 12h or 1d, got {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _positive(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None and value <= 0:
        raise click.BadParameter("must be greater than 0")
    return value


def _positive_option(name: str, kind: type, default: float, help: str) -> Any:
    """A number option that must be greater than 0, its default shown in --help."""
    return click.option(
        name, type=kind, default=default, show_default=True, callback=_positive, help=help
    )


@click.command("check-links")
@DATA_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "github"]),
    default="text",
    show_default=True,
    help="Report format (markdown suits $GITHUB_STEP_SUMMARY).",
)
@click.option("--strict", is_flag=True, help="Fail on `error` verdicts too, not only `broken`.")
@_positive_option("--concurrency", int, 64, "Requests in flight at once.")
@_positive_option("--per-host", int, 6, "Requests in flight at once to one host.")
@_positive_option("--timeout", float, 20.0, "Seconds to wait for a connection or an answer.")
@click.option(
    "--deadline",
    type=float,
    default=None,
    callback=_positive,
    help="Seconds one URL's whole check may take: connecting, redirects, retries and waits; "
    "a Retry-After past it is reported, not waited for  [default: 3 x --timeout].",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    help="Retries after a timeout, reset, 5xx or 429.",
)
@_positive_option(
    "--backoff", float, 1.0, "Seconds before the first retry; doubled for each next one."
)
@click.option(
    "--user-agent",
    default=None,
    help="User-Agent header [default: catalog-check-links/VERSION (+repo_url)].",
)
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSON file of recent results: working links are not asked again.",
)
@click.option(
    "--max-age",
    default="1d",
    show_default=True,
    callback=lambda _ctx, _param, value: parse_duration(value),
    help="How long a cached working link is trusted (e.g. 3600, 30m, 12h, 1d).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also check links to private, loopback and link-local addresses.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="REGEX",
    help="Skip URLs matching this regular expression (repeatable).",
)
@click.option(
    "--changed-since",
    metavar="REV",
    help="Only the links of records added or changed since this git revision.",
)
@click.option("--shard", metavar="K/N", help="Check only shard K of N (deterministic split).")
@click.option(
    "--merge",
    "merge_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Check nothing: merge these JSON shard reports into one report.",
)
@user_errors
def check_links(fmt: str, strict: bool, **options: Any) -> None:
    """Check every link of the records: dead (broken) apart from flaky (error) or blocked.

    Each URL is checked once, politely per host, with HEAD then GET and no body downloaded.
    Exit 0 when clean, 1 when a link is broken (with --strict, also on errors), 2 on a usage
    or environment error, 130 on Ctrl-C (after printing the partial report and saving the
    cache; a second Ctrl-C quits at once).
    """
    from catalog.links.report import format_report

    report = _run(**options)
    click.echo(format_report(report, fmt, strict))  # type: ignore[arg-type]
    if report.partial:
        sys.exit(130)
    sys.exit(1 if report.failed(strict) else 0)


def _run(
    *,
    data_dir: Path,
    concurrency: int,
    per_host: int,
    timeout: float,
    deadline: float | None,
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
    from catalog.links.run import CheckOptions
    from catalog.sources.http import Settings
    from catalog.sources.http import user_agent as default_agent
    from catalog.sources.safety import AddressPolicy
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
        deadline=deadline,
        retries=retries,
        backoff=backoff,
        user_agent=user_agent or default_agent(contact, "catalog-check-links"),
        policy=AddressPolicy(allow_private=allow_private),
    )
    options = CheckOptions(
        settings=settings,
        cache_path=cache_path,
        max_age=max_age,
        exclude=patterns,
        shard=shard_spec,
        interruptible=True,
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
