"""`catalog check-links`: check the links (catalog.links does the work), print the report.

Nothing heavy is imported at module level, not even click (`catalog.fast_cli` runs this
without it); the HTTP engine (pycurl) and rich load when the command runs, and the engine
only when some link is not answered by the cache. The records' links are read without the
validator (`links.read`): their other fields are `validate`'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog import collector, output
from catalog.cli_errors import require_data_dir
from catalog.errors import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, CatalogError

if TYPE_CHECKING:
    from catalog.links.cache import LinkCache
    from catalog.links.report import Format


def run(fmt: Format, strict: bool, **options: Any) -> int:
    """Check (or, with merge_files, merge shard reports); 1 when a link is broken or a
    record's links could not be read (their errors on stderr).

    130 when Ctrl-C stopped the check: the partial report is printed (marked partial) and the
    cache keeps what was checked.
    """
    from catalog.links.report import format_report

    # the text report (unless -q) and the JSON one end with the run's warnings (a bad cache...):
    # when they reach the same screen as stderr, the report's copy is the one shown
    noted = fmt == "json" or (fmt == "text" and not output.is_quiet())
    report, data_errors = _run(
        warn=None if noted and output.same_stream() else output.warn, **options
    )
    # the cache is written and closed, the reading thread joined: what is left to do at exit
    # is the report's printing, which catalog/entry.py `run` flushes before ending at once
    collector.skip_teardown()
    text = format_report(report, fmt, strict)
    if fmt == "text" and output.is_quiet() and not report.partial:
        # -q: the findings only; the notes (already warned on stderr) and the summary line go,
        # unless the run was cut short, which its summary line says
        text = "\n".join(text.split("\n")[: -1 - len(report.notes)]).rstrip("\n")
    # JSON escapes every control character, so there is no ANSI code for click to strip (a
    # regex pass over the whole report, 1 MB at 3,000 links, when stdout is no terminal)
    if text:
        output.echo(text, color=True if fmt == "json" else None)
    if report.partial:
        return EXIT_INTERRUPTED
    return EXIT_FINDINGS if report.failed(strict) or data_errors else EXIT_OK


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
    warn: Callable[[str], None] | None = output.warn,
) -> Any:
    from catalog.links import report as reports

    if merge_files:
        return reports.merge([_read_report(path) for path in merge_files]), 0

    from catalog.links.cache import LinkCache
    from catalog.links.collect import parse_shard
    from catalog.links.run import CheckOptions
    from catalog.sources.policy import AddressPolicy
    from catalog.sources.settings import Settings

    try:
        patterns = tuple(re.compile(p) for p in exclude)
    except re.error as exc:
        import click  # as the option's own error (fast_cli leaves such a line to click)

        raise click.BadParameter(f"bad regular expression: {exc}", param_hint="--exclude") from None
    try:
        shard_spec = parse_shard(shard) if shard else None
    except ValueError as exc:
        import click

        raise click.BadParameter(str(exc), param_hint="--shard") from None
    require_data_dir(data_dir)
    cache = LinkCache.load(cache_path) if cache_path else None
    links, contact = _links(data_dir, changed_since, cache)
    settings = Settings(
        concurrency=concurrency,
        per_host=per_host,
        timeout=timeout,
        deadline=deadline,
        retries=retries,
        backoff=backoff,
        user_agent=user_agent,
        contact=contact,
        product="catalog-check-links",
        policy=AddressPolicy(allow_private=allow_private),
    )
    options = CheckOptions(
        settings=settings,
        cache_path=cache_path,
        cache=cache,
        max_age=max_age,
        exclude=patterns,
        shard=shard_spec,
        interruptible=True,
        asyncio_tls=False,  # this process is the check: TLS is libcurl's (links.run)
    )
    report = _with_progress(links, options, warn)
    errors = len(getattr(links, "errors", ()))  # a LinkFeed's: records whose links were not read
    if errors:
        report.notes.append(
            f"{errors} error(s) in the records' links (on stderr): those links are not checked"
        )
    return report, errors


def _links(data_dir: Path, changed_since: str | None, cache: LinkCache | None) -> Any:
    """(URL -> its uses, repo_url) from the cache's index when the data folder has not changed
    since it was written; else (a LinkFeed, None): the records' links are read while they are
    checked, and the index is renewed once all are read (when no record's links had errors)."""
    from catalog.links import index as indexes

    now = indexes.signature(data_dir) if cache is not None and not changed_since else None
    if cache is not None and now is not None and indexes.matching(cache.index, data_dir, now):
        assert cache.index is not None
        return cache.index.links, cache.index.contact

    from catalog.links.collect import changed_records
    from catalog.links.feed import LinkFeed

    only = changed_records(data_dir, changed_since) if changed_since else None

    def loaded(feed: LinkFeed) -> None:
        for problem in feed.errors:
            output.echo(problem.text(), err=True)
        if cache is not None and now is not None and not feed.errors:
            cache.remember(indexes.LinkIndex(now, feed.links(), feed.contact))

    feed = LinkFeed(data_dir, only, loaded)
    feed.start()  # a child reads the records while the engine is imported, if a core is free
    return feed, None


def _with_progress(links: Any, options: Any, warn: Callable[[str], None] | None) -> Any:
    """Run the check with a progress bar on stderr (when it is a terminal and not -q)."""
    from catalog.links.run import check_links

    with output.progress("checking links", counted=True) as shown:
        return check_links(
            links,
            options,
            on_start=shown.start,
            on_result=lambda _result: shown.advance(1),
            warn=warn,
        )


def _read_report(path: Path) -> Any:
    from catalog.links.report import from_json

    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CatalogError(f"{path}: not a check-links JSON report ({exc})") from None
