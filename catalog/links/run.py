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
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from catalog.links.cache import LinkCache
from catalog.links.collect import LinkRef, in_shard
from catalog.links.feed import LinkFeed
from catalog.links.report import LinkReport
from catalog.links.verdict import EXCLUDED, Result

if TYPE_CHECKING:
    import asyncio

    from catalog.links.scheduler import Outcome
    from catalog.sources.settings import Settings

T = TypeVar("T")
DAY = 86400.0
ARXIV_BATCH = 100
ARXIV_INTERVAL = 3.0  # arXiv's terms: one API request every three seconds (sources.arxiv)


class CheckOptions:
    """What to check and how; the defaults are what `catalog check-links` uses.

    A plain class, not a dataclass: a dataclass' methods are compiled at every start-up."""

    __slots__ = (
        "arxiv_batch",
        "arxiv_interval",
        "asyncio_tls",
        "cache",
        "cache_path",
        "env",
        "exclude",
        "interruptible",
        "max_age",
        "settings",
        "shard",
    )  # fmt: skip

    def __init__(
        self,
        settings: Settings | None = None,  # None: Settings()
        cache_path: Path | None = None,
        max_age: float = DAY,
        exclude: tuple[re.Pattern[str], ...] = (),
        shard: tuple[int, int] | None = None,
        env: Mapping[str, str] | None = None,  # None: os.environ, as it is now
        arxiv_batch: int = ARXIV_BATCH,
        arxiv_interval: float = ARXIV_INTERVAL,
        interruptible: bool = False,  # Ctrl-C gives a partial report (the CLI sets it)
        cache: LinkCache | None = None,  # already loaded (the CLI reads its index first)
        asyncio_tls: bool = True,  # False: asyncio loaded without TLS (see _import_asyncio)
    ) -> None:
        if settings is None:
            from catalog.sources.settings import Settings

            settings = Settings()
        self.settings = settings
        self.cache_path = cache_path
        self.max_age = max_age
        self.exclude = exclude
        self.shard = shard
        self.env: Mapping[str, str] = dict(os.environ) if env is None else env
        self.arxiv_batch = arxiv_batch
        self.arxiv_interval = arxiv_interval
        self.interruptible = interruptible
        self.cache = cache
        self.asyncio_tls = asyncio_tls


def check_links(
    links: Mapping[str, list[LinkRef]] | LinkFeed,
    options: CheckOptions,
    *,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[Result], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> LinkReport:
    """Check every URL of `links` once (those of one shard, when sharded).

    `links` is the mapping of URLs to their uses, or a `LinkFeed` that reads the records while
    the check runs (its mapping is known once it has read them all).
    """
    started = time.monotonic()
    cache = options.cache
    if cache is None and options.cache_path is not None:
        cache = LinkCache.load(options.cache_path)
    notes = []
    if cache is not None and cache.warning:
        notes.append(f"warning: {cache.warning}")
        if warn is not None:
            warn(cache.warning)
    chosen = _Selection(options, cache)
    checked: list[Result] = []
    sent = 0
    interrupted = False
    if isinstance(links, LinkFeed):
        work = _check_fed(links, chosen, options, on_start, on_result)
        outcome, sent = _run(work, tls=options.asyncio_tls)
        checked, interrupted = outcome.results, outcome.interrupted
        uses: Mapping[str, list[LinkRef]] = links.links()
    else:
        uses = links
        to_check = chosen.take(uses, uses)
        if on_start is not None:
            on_start(len(to_check))
        if to_check:
            outcome, sent = _run(_check(to_check, options, on_result), tls=options.asyncio_tls)
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
    results = chosen.results + checked
    if interrupted:
        notes.append(
            f"interrupted: {len(checked)} of {len(chosen.to_check)} links checked before Ctrl-C"
        )
    urls = [u for u in sorted(uses) if chosen.wanted(u)]
    return LinkReport(
        [r if r.records else _with_records(r, uses.get(r.url, ())) for r in results],
        {url: list(uses[url]) for url in urls},
        int((time.monotonic() - started) * 1000),
        sent,
        notes,
        interrupted,
    )


def _run(work: Coroutine[Any, Any, T], *, tls: bool = True) -> T:
    """`asyncio.run(work)`, its main task returning nothing: on its way out, Python 3.11's
    `asyncio.run` formats the main task, result and all (restoring the SIGINT handler), and
    3,000 results take ~50 ms to format for nothing."""
    from catalog.collector import paused

    with paused():  # ~100 modules, no garbage: no collection while they load
        _import_asyncio(tls=tls)
    import asyncio

    box: list[T] = []

    async def main() -> None:
        box.append(await work)

    asyncio.run(main())
    return box[0]


def _import_asyncio(*, tls: bool) -> None:
    """Import asyncio; without `tls`, as if Python had no `ssl` module (its own TLS
    transports then refuse to work in this process).

    For a process that is one check (the CLI: `CheckOptions.asyncio_tls` False): the engine's
    TLS is libcurl's, and asyncio's ssl support (ssl.py and its enums) is a tenth of what a
    cold check imports before its first request. A process that imported asyncio or ssl
    already keeps them as they are."""
    if tls or "asyncio" in sys.modules or "ssl" in sys.modules:
        import asyncio

        return
    sys.modules["ssl"] = None  # type: ignore[assignment]  # `import ssl` raises ImportError
    try:
        import asyncio  # noqa: F401
    finally:
        if sys.modules.get("ssl", ...) is None:
            del sys.modules["ssl"]  # `import ssl` works again: asyncio's modules keep None


def _with_records(result: Result, refs: Sequence[LinkRef]) -> Result:
    records = _records(refs)
    return result if records == result.records else result.with_records(records)


def _records(refs: Sequence[LinkRef]) -> tuple[str, ...]:
    """The ids of the records that use a URL, sorted."""
    if len(refs) == 1:  # most URLs have one use: no set, no sort
        return (refs[0].record,)
    return tuple(sorted({ref.record for ref in refs}))


class _Selection:
    """Which URLs need a request: not those of other shards, those excluded (skipped), or
    those the cache answers; the results of the ones that need none."""

    def __init__(self, options: CheckOptions, cache: LinkCache | None) -> None:
        self.options, self.cache = options, cache
        self.now = time.time()
        self.results: list[Result] = []
        self.to_check: list[str] = []

    def wanted(self, url: str) -> bool:
        return self.options.shard is None or in_shard(url, *self.options.shard)

    def take(
        self, urls: Iterable[str], uses: Mapping[str, list[LinkRef]] | None = None
    ) -> list[str]:
        """Those of `urls` to check (in sorted order), the others' results kept (a cached
        one naming its records at once when `uses` is the whole mapping)."""
        fresh: list[str] = []
        exclude, cache, max_age = self.options.exclude, self.cache, self.options.max_age
        sharded = self.options.shard is not None
        for url in sorted(urls):
            if sharded and not self.wanted(url):
                continue
            pattern = next((p for p in exclude if p.search(url)), None) if exclude else None
            hit = None
            if cache and pattern is None:
                records = _records(uses[url]) if uses is not None else ()
                hit = cache.fresh(url, max_age, self.now, records)
            if pattern is not None:
                self.results.append(
                    Result(url, "skipped", message=f"{EXCLUDED}{pattern.pattern!r}")
                )
            elif hit is not None:
                self.results.append(hit)
            else:
                fresh.append(url)
        self.to_check.extend(fresh)
        return fresh


async def _check(
    urls: list[str], options: CheckOptions, on_result: Callable[[Result], None] | None
) -> tuple[Outcome, int]:

    from catalog.links.hosts import Strategies
    from catalog.links.scheduler import Scheduler
    from catalog.sources.http import Http

    engine = Http(options.settings)
    async with engine:
        strategies = Strategies(engine, options.env, options.arxiv_batch, options.arxiv_interval)
        scheduler = Scheduler(engine)
        outcome = await _scheduled(scheduler.run(strategies.tasks(urls), on_result), options)
    return outcome, engine.requests_sent


async def _check_fed(
    feed: LinkFeed,
    chosen: _Selection,
    options: CheckOptions,
    on_start: Callable[[int], None] | None,
    on_result: Callable[[Result], None] | None,
) -> tuple[Outcome, int]:
    """Check the feed's URLs as it reads them (on a worker thread); arXiv's last, batched."""
    import asyncio

    from catalog.links.scheduler import Outcome

    if chosen.cache is None or not chosen.cache.entries:
        # No cache to answer: the engine will be needed. Imported now, before the records are
        # read on the feed's thread, it is not slowed down by the reading (GIL), and the first
        # request goes out as soon as the first URLs are read.
        from catalog.collector import paused

        with paused():  # no garbage while pycurl and the engine load: no collection
            import catalog.links.hosts  # noqa: F401

    loop = asyncio.get_running_loop()
    arrived: asyncio.Queue[list[str] | None] = asyncio.Queue()

    def emit(urls: list[str]) -> None:  # on the feed's thread
        loop.call_soon_threadsafe(arrived.put_nowait, urls)

    reading = loop.run_in_executor(None, feed.read, emit)
    reading.add_done_callback(lambda _: arrived.put_nowait(None))
    try:
        first: list[str] = []
        while not first:  # until some URL needs a request: the cache may answer them all
            urls = await arrived.get()
            if urls is None:  # nothing to ask: no engine, no pycurl
                await _finish(feed, reading, chosen, on_start)
                return Outcome([]), 0
            first = chosen.take(urls)
        return await _fed_run(feed, reading, arrived, first, chosen, options, on_start, on_result)
    finally:
        feed.stop()
        await asyncio.gather(reading, return_exceptions=True)


async def _fed_run(
    feed: LinkFeed,
    reading: asyncio.Future[None],
    arrived: asyncio.Queue[list[str] | None],
    first: list[str],  # the first URLs that need a request
    chosen: _Selection,
    options: CheckOptions,
    on_start: Callable[[int], None] | None,
    on_result: Callable[[Result], None] | None,
) -> tuple[Outcome, int]:

    from catalog.links.hosts import Strategies
    from catalog.links.scheduler import Scheduler, Task
    from catalog.sources.http import Http

    settings = options.settings
    if settings.contact is None and feed.contact is not None:
        settings = settings._replace(contact=feed.contact)
    engine = Http(settings)
    async with engine:
        strategies = Strategies(engine, options.env, options.arxiv_batch, options.arxiv_interval)

        async def batches() -> AsyncIterator[list[Task]]:
            held: list[str] = []  # arXiv's: one batched query after the rest is read
            fresh: list[str] | None = first  # already taken (not answered by the cache)
            while fresh is not None:
                plain, arxiv = strategies.split(fresh)
                held += arxiv
                yield plain
                urls = await arrived.get()
                fresh = None if urls is None else chosen.take(urls)
            await _finish(feed, reading, chosen, on_start)
            if held:
                yield strategies.tasks(held)

        outcome = await _scheduled(Scheduler(engine).run_fed(batches(), on_result), options)
    return outcome, engine.requests_sent


async def _finish(
    feed: LinkFeed,
    reading: asyncio.Future[None],
    chosen: _Selection,
    on_start: Callable[[int], None] | None,
) -> None:
    """Everything is read: a loading error is raised here; the caller's `loaded` runs."""
    await reading
    if feed.loaded is not None:
        feed.loaded(feed)
    if on_start is not None:
        on_start(len(chosen.to_check))


async def _scheduled(work: Coroutine[Any, Any, Outcome], options: CheckOptions) -> Outcome:
    """Run the scheduler's work as a task Ctrl-C can cancel (when the run is interruptible)."""
    import asyncio

    run = asyncio.ensure_future(work)
    if options.interruptible:
        _on_ctrl_c(run)
    return await run


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
