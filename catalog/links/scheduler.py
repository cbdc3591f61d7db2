"""Run link-check tasks on one event loop: `concurrency` at once, the host's slots per host.

A task is the work for one host (one URL, or a batch such as one arXiv query); it holds one of
its host's slots (`sources.limits`) and one of the run's. Cancelling the run (Ctrl-C) cancels
every queued and running task at once and keeps the results already in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from catalog.links.verdict import Result
from catalog.sources.http import Http

Job = Callable[[], Awaitable[list[Result]]]


@dataclass
class Task:
    """Work for one host: a coroutine function returning the results of one or more URLs."""

    host: str
    job: Job
    urls: tuple[str, ...]


@dataclass
class Outcome:
    results: list[Result]
    interrupted: bool = False


class Scheduler:
    def __init__(self, engine: Http) -> None:
        self.engine = engine

    async def run(
        self, tasks: Iterable[Task], on_result: Callable[[Result], None] | None = None
    ) -> Outcome:
        """Every task's results; on cancellation, those finished so far (`interrupted`)."""
        outcome = Outcome([])
        gate = asyncio.Semaphore(max(1, self.engine.settings.concurrency))
        hosts = self.engine.hosts

        async def one(task: Task) -> None:
            state = await hosts.acquire(task.host)
            try:
                async with gate:
                    got = await _guarded(task)
            finally:
                hosts.release(state)
            outcome.results.extend(got)
            if on_result is not None:
                for result in got:
                    on_result(result)

        running = [asyncio.ensure_future(one(task)) for task in tasks]
        try:
            await asyncio.gather(*running)
        except asyncio.CancelledError:
            for future in running:
                future.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            outcome.interrupted = True
        return outcome


async def _guarded(task: Task) -> list[Result]:
    """A task that raises still yields one `error` per URL: one bad URL never stops a run."""
    try:
        return await task.job()
    except Exception as exc:  # a bug or an odd URL; report it, keep checking the rest
        return [Result(url, "error", message=f"internal error: {exc!r}") for url in task.urls]
