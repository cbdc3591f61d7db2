"""Run link-check tasks on one event loop, each holding one of its host's slots.

A task is the work for one host (one URL, or a batch such as one arXiv query); it holds one of
its host's slots (`sources.limits`) while it runs. Each host's tasks wait in its own queue and
are run by at most `per_host` workers of that host (a coroutine per slot, not per URL: a run of
3,000 URLs makes a few hundred coroutines, not 3,000 tasks). The run's total (`concurrency`)
bounds requests in flight, in the engine (`Http.send`), not tasks: a task waiting out its
host's Retry-After window or an API's interval holds none of it. Cancelling the run (Ctrl-C)
cancels every running task at once, drops the queued ones and keeps the results already in.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from catalog import collector
from catalog.links.verdict import Result

if TYPE_CHECKING:  # a run the cache answers gets its Outcome here without importing pycurl
    from catalog.sources.http import Http

Job = Callable[[], Awaitable[list[Result]]]


class Task(NamedTuple):
    """Work for one host: a coroutine function returning the results of one or more URLs."""

    host: str
    job: Job
    urls: tuple[str, ...]


class Outcome:
    """A run's results, and whether Ctrl-C cut it short (plain classes, these two: the
    check-links process builds them at start-up, where a dataclass costs ~1.5 ms)."""

    __slots__ = ("interrupted", "results")

    def __init__(self, results: list[Result], interrupted: bool = False) -> None:
        self.results, self.interrupted = results, interrupted


class Scheduler:
    def __init__(self, engine: Http) -> None:
        self.engine = engine

    async def run(
        self, tasks: Iterable[Task], on_result: Callable[[Result], None] | None = None
    ) -> Outcome:
        """Every task's results; on cancellation, those finished so far (`interrupted`)."""
        return await self.run_fed(_once(tasks), on_result)

    async def run_fed(
        self,
        batches: AsyncIterable[Iterable[Task]],
        on_result: Callable[[Result], None] | None = None,
    ) -> Outcome:
        """`run` for tasks that arrive in batches: each starts as soon as it arrives."""
        outcome = Outcome([])
        hosts = self.engine.hosts
        queues: dict[str, deque[Task]] = {}
        workers: dict[str, int] = {}
        running: list[asyncio.Future[None]] = []

        async def work(host: str, queue: deque[Task]) -> None:
            """Run the host's queued tasks one after the other, each in one of its slots."""
            try:
                while queue:
                    task = queue.popleft()
                    state = hosts.take_now(host) or await hosts.acquire(host)
                    try:
                        got = await task.job()
                    except Exception as exc:  # a bug or an odd URL: see _failed
                        got = _failed(task, exc)
                    finally:
                        hosts.release(state)
                    outcome.results.extend(got)
                    if on_result is not None:
                        for result in got:
                            on_result(result)
            finally:
                workers[host] -= 1

        def submit(task: Task) -> None:
            queue = queues.get(task.host)
            if queue is None:
                queue = queues[task.host] = deque()
            queue.append(task)
            if workers.get(task.host, 0) < hosts.per_host:
                workers[task.host] = workers.get(task.host, 0) + 1
                running.append(asyncio.ensure_future(work(task.host, queue)))

        try:
            with collector.spaced():
                async for batch in batches:
                    for task in batch:
                        submit(task)
                await asyncio.gather(*running)
        except asyncio.CancelledError:
            await _cancel(running)
            outcome.interrupted = True
        except BaseException:
            await _cancel(running)
            raise
        return outcome


async def _once(tasks: Iterable[Task]) -> AsyncIterator[Iterable[Task]]:
    yield tasks


async def _cancel(running: list[asyncio.Future[None]]) -> None:
    for future in running:
        future.cancel()
    await asyncio.gather(*running, return_exceptions=True)


def _failed(task: Task, exc: Exception) -> list[Result]:
    """A task that raises still yields one `error` per URL: one bad URL never stops a run."""
    return [Result(url, "error", message=f"internal error: {exc!r}") for url in task.urls]
