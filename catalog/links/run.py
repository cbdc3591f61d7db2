"""One link check from start to end: select URLs, reuse the cache, check the rest, report."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from catalog.links.cache import LinkCache
from catalog.links.collect import LinkRef, in_shard
from catalog.links.engine import Engine, Scheduler, Settings
from catalog.links.hosts import ARXIV_BATCH, ARXIV_INTERVAL, Strategies
from catalog.links.report import LinkReport
from catalog.links.verdict import EXCLUDED, Result

DAY = 86400.0


@dataclass
class CheckOptions:
    """What to check and how; the defaults are what `catalog check-links` uses."""

    settings: Settings = field(default_factory=Settings)
    cache_path: Path | None = None
    max_age: float = DAY
    exclude: tuple[re.Pattern[str], ...] = ()
    shard: tuple[int, int] | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    arxiv_batch: int = ARXIV_BATCH
    arxiv_interval: float = ARXIV_INTERVAL


def check_links(
    links: Mapping[str, list[LinkRef]],
    options: CheckOptions,
    *,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[Result], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> LinkReport:
    """Check every URL of `links` once (those of one shard, when sharded)."""
    started = time.monotonic()
    urls = sorted(links)
    if options.shard is not None:
        urls = [u for u in urls if in_shard(u, *options.shard)]
    cache = LinkCache.load(options.cache_path) if options.cache_path else None
    notes = []
    if cache is not None and cache.warning:
        notes.append(f"warning: {cache.warning}")
        if warn is not None:
            warn(cache.warning)
    results: list[Result] = []
    to_check: list[str] = []
    for url in urls:
        pattern = next((p for p in options.exclude if p.search(url)), None)
        hit = cache.fresh(url, options.max_age) if cache and pattern is None else None
        if pattern is not None:
            message = f"{EXCLUDED}{pattern.pattern!r}"
            results.append(Result(url, "skipped", message=message))
        elif hit is not None:
            results.append(hit)
        else:
            to_check.append(url)
    if on_start is not None:
        on_start(len(to_check))
    engine = Engine(options.settings)
    try:
        strategies = Strategies(engine, options.env, options.arxiv_batch, options.arxiv_interval)
        checked = Scheduler(engine).run(strategies.tasks(to_check), on_result=on_result)
    finally:
        engine.close()
    if cache is not None:
        cache.update(checked)
        cache.save(options.max_age)
    results.extend(checked)
    with_records = [
        replace(r, records=tuple(sorted({ref.record for ref in links.get(r.url, [])})))
        for r in results
    ]
    return LinkReport(
        with_records,
        {url: list(links[url]) for url in urls},
        int((time.monotonic() - started) * 1000),
        engine.requests_sent,
        notes,
    )
