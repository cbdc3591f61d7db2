"""One link check from start to end: select URLs, reuse the cache, check the rest, report.

The network part runs on one event loop through the shared HTTP engine (`catalog.sources`);
nothing of it is imported when the cache answers every URL. With `interruptible`, the first
Ctrl-C cancels what is queued and in flight, and the run returns a partial report (the cache
is saved with what was checked); a second Ctrl-C exits at once with status 130.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from catalog.links.cache import LinkCache
from catalog.links.collect import LinkRef, in_shard
from catalog.links.report import LinkReport
from catalog.links.verdict import EXCLUDED, Result

if TYPE_CHECKING:
    import asyncio

    from catalog.links.scheduler import Outcome
    from catalog.sources.settings import Settings

DAY = 86400.0
ARXIV_BATCH = 100
ARXIV_INTERVAL = 3.0  # arXiv's terms: one API request every three seconds (sources.arxiv)


def _default_settings() -> Settings:
    from catalog.sources.settings import Settings

    return Settings()


@dataclass
class CheckOptions:
    """What to check and how; the defaults are what `catalog check-links` uses."""

    settings: Settings = field(default_factory=_default_settings)
    cache_path: Path | None = None
    max_age: float = DAY
    exclude: tuple[re.Pattern[str], ...] = ()
    shard: tuple[int, int] | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    arxiv_batch: int = ARXIV_BATCH
    arxiv_interval: float = ARXIV_INTERVAL
    interruptible: bool = False  # Ctrl-C gives a partial report (the CLI sets it)
    cache: LinkCache | None = None  # already loaded (the CLI reads its index first)


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
    cache = options.cache
    if cache is None and options.cache_path is not None:
        cache = LinkCache.load(options.cache_path)
    notes = []
    if cache is not None and cache.warning:
        notes.append(f"warning: {cache.warning}")
        if warn is not None:
            warn(cache.warning)
    results: list[Result] = []
    to_check: list[str] = []
    now = time.time()
    for url in urls:
        pattern = (
            next((p for p in options.exclude if p.search(url)), None) if options.exclude else None
        )
        hit = cache.fresh(url, options.max_age, now) if cache and pattern is None else None
        if pattern is not None:
            message = f"{EXCLUDED}{pattern.pattern!r}"
            results.append(Result(url, "skipped", message=message))
        elif hit is not None:
            results.append(hit)
        else:
            to_check.append(url)
    if on_start is not None:
        on_start(len(to_check))
    checked: list[Result] = []
    sent = 0
    interrupted = False
    if to_check:
        import asyncio

        outcome, sent = asyncio.run(_check(to_check, options, on_result))
        checked, interrupted = outcome.results, outcome.interrupted
    if cache is not None and (checked or cache.warning or cache.changed or not cache.path.exists()):
        cache.update(checked)
        try:
            cache.save(options.max_age)
        except OSError as exc:  # the report still counts; the next run checks again
            said = f"cannot write cache {cache.path} ({exc.strerror or exc})"
            notes.append(f"warning: {said}")
            if warn is not None:
                warn(said)
    results.extend(checked)
    if interrupted:
        notes.append(f"interrupted: {len(checked)} of {len(to_check)} links checked before Ctrl-C")
    with_records = [
        replace(r, records=tuple(sorted({ref.record for ref in links.get(r.url, [])})))
        for r in results
    ]
    return LinkReport(
        with_records,
        {url: list(links[url]) for url in urls},
        int((time.monotonic() - started) * 1000),
        sent,
        notes,
        interrupted,
    )


async def _check(
    urls: list[str], options: CheckOptions, on_result: Callable[[Result], None] | None
) -> tuple[Outcome, int]:
    import asyncio

    from catalog.links.hosts import Strategies
    from catalog.links.scheduler import Scheduler
    from catalog.sources.http import Http

    engine = Http(options.settings)
    async with engine:
        strategies = Strategies(engine, options.env, options.arxiv_batch, options.arxiv_interval)
        scheduler = Scheduler(engine)
        run = asyncio.ensure_future(scheduler.run(strategies.tasks(urls), on_result))
        if options.interruptible:
            _on_ctrl_c(run)
        outcome = await run
    return outcome, engine.requests_sent


def _on_ctrl_c(run: asyncio.Future[Outcome]) -> None:
    """First Ctrl-C: cancel the run (it returns what it has). Second: exit now, 130.

    The asyncio form of `catalog.interrupt.graceful_stop`: a plain signal handler would only
    run between two callbacks of the loop, and could not cancel what is waiting in it.
    """
    import asyncio

    from catalog.errors import EXIT_INTERRUPTED
    from catalog.interrupt import INTERRUPTED

    if threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    pressed = 0

    def handler() -> None:
        nonlocal pressed
        pressed += 1
        if pressed > 1:
            sys.stderr.write(f"{INTERRUPTED}\n")
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)
        sys.stderr.write("stopping: cancelling the checks (Ctrl-C again to quit at once)\n")
        sys.stderr.flush()
        run.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, handler)
    except (NotImplementedError, RuntimeError):  # not on this platform or loop
        return
    run.add_done_callback(lambda _: loop.remove_signal_handler(signal.SIGINT))
