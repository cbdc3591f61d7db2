"""Hosts that need care: ask their APIs (`catalog.sources`) instead of hammering their pages.

Each strategy turns matching URLs into scheduler tasks and the client's answer into a verdict
on the record's URL. Base URLs come from the clients' services, so tests point them at a local
server with `CATALOG_ARXIV_API`, `CATALOG_DOI_API`, `CATALOG_GITHUB_API`, `CATALOG_GITHUB_WEB`,
`CATALOG_OPENREVIEW_API`, `CATALOG_OPENREVIEW_API_V1` and `CATALOG_IEEE_BASE`.

The clients (`sources.arxiv`, `doi`, `github`, `openreview`, and `identity` behind arXiv's)
are imported, and built, when the first URL of their hosts is met: a run over other hosts
never loads them (a fifth of a cold check's start-up). Which hosts have a strategy is named
here (`GITHUB_HOSTS`...), kept equal to the clients' own tables by tests/test_links_hosts.py.
The arXiv client, which sets the API's interval on the engine, is built at the first URL
saying "arxiv", before any request of that URL.
"""

from __future__ import annotations

import functools
import os
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from catalog.links.check import check, verdict_of
from catalog.links.scheduler import Task
from catalog.links.verdict import Result
from catalog.sources.http import Http, host_key
from catalog.sources.types import Fetched, Status

if TYPE_CHECKING:
    from catalog.sources.arxiv import Answer, ArxivClient
    from catalog.sources.doi import DoiClient
    from catalog.sources.github import GitHubClient
    from catalog.sources.openreview import OpenReviewClient
    from catalog.sources.service import Service

ARXIV_BATCH = 100  # sources.arxiv.BATCH: ids per query
ARXIV_INTERVAL = 3.0  # sources.arxiv.ARXIV.interval: arXiv's terms, one query per 3 s
# The hosts each client reads URLs of (github.repo_of, doi.HOSTS, openreview.note_of)
GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})
DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
OPENREVIEW_HOSTS = frozenset({"openreview.net"})
IEEE_HOST = "ieeexplore.ieee.org"
# hosts with a strategy: only their URLs are parsed further
_SPECIAL_HOSTS = GITHUB_HOSTS | DOI_HOSTS | OPENREVIEW_HOSTS | {IEEE_HOST}
_maybe_arxiv = re.compile("arxiv", re.IGNORECASE).search


@functools.cache
def ieee() -> Service:
    """IEEE Xplore's web site as a service (its base overridable by CATALOG_IEEE_BASE)."""
    from catalog.sources.service import Service

    return Service("IEEE Xplore", "CATALOG_IEEE_BASE", "https://ieeexplore.ieee.org")


def repo_of(url: str) -> tuple[str, str] | None:
    from catalog.sources.github import repo_of as read

    return read(url)


def doi_of(url: str) -> str | None:
    from catalog.sources.doi import doi_of as read

    return read(url)


def note_of(url: str) -> str | None:
    from catalog.sources.openreview import note_of as read

    return read(url)


def rebase(url: str, new_base: str) -> str:
    """The same path and query on another origin (a test server playing the host)."""
    parts = urlsplit(url)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    return new_base.rstrip("/") + tail


class Strategies:
    """Splits URLs into tasks: API-backed ones for known hosts, plain checks for the rest."""

    def __init__(
        self,
        engine: Http,
        env: Mapping[str, str] | None = None,  # None: os.environ, as it is now
        arxiv_batch: int = ARXIV_BATCH,
        arxiv_interval: float = ARXIV_INTERVAL,
    ) -> None:
        self.engine = engine
        self.env = dict(os.environ) if env is None else env
        self.arxiv_batch, self.arxiv_interval = arxiv_batch, arxiv_interval
        self._github_off: str | None = None  # why the GitHub API is not asked any more

    # -- the clients, each built (and its module imported) when first needed -----------------

    @functools.cached_property
    def arxiv(self) -> ArxivClient:
        from catalog.sources.arxiv import ArxivClient

        return ArxivClient(self.engine, self.env, interval=self.arxiv_interval)

    @functools.cached_property
    def github_api(self) -> GitHubClient:
        from catalog.sources.github import GitHubClient

        return GitHubClient(self.engine, self.env)

    @functools.cached_property
    def doi_api(self) -> DoiClient:
        from catalog.sources.doi import DoiClient

        return DoiClient(self.engine, self.env)

    @functools.cached_property
    def openreview_api(self) -> OpenReviewClient:
        from catalog.sources.openreview import OpenReviewClient

        return OpenReviewClient(self.engine, self.env)

    def _arxiv_id(self, url: str) -> str | None:
        """The arXiv paper `url` names, the client built first (its interval set on the
        engine before any URL saying "arxiv" is asked)."""
        from catalog.sources.arxiv import arxiv_id_of

        self.arxiv  # noqa: B018 - built now, for its side effect on the engine
        return arxiv_id_of(url)

    def split(self, urls: Iterable[str]) -> tuple[list[Task], list[str]]:
        """Tasks for the URLs that are no arXiv papers, and the arXiv ones (to batch)."""
        tasks: list[Task] = []
        arxiv: list[str] = []
        for url in urls:
            # every arXiv host name holds "arxiv": the others skip parsing the URL for it
            if _maybe_arxiv(url) is not None and self._arxiv_id(url) is not None:
                arxiv.append(url)
            else:
                tasks.append(self._task_for(url))
        return tasks, arxiv

    def tasks(self, urls: Iterable[str]) -> list[Task]:
        tasks, papers = self.split(urls)
        arxiv: dict[str, list[str]] = {}
        for url in papers:
            arxiv_id = self._arxiv_id(url)
            assert arxiv_id is not None
            arxiv.setdefault(arxiv_id, []).append(url)
        if arxiv:
            all_urls = tuple(u for group in arxiv.values() for u in group)
            tasks.append(Task(host_key(self.arxiv.api), lambda: self._arxiv(arxiv), all_urls))
        return tasks

    def _task_for(self, url: str) -> Task:
        host = host_key(url)
        name = host.split(":", 1)[0]
        if name not in _SPECIAL_HOSTS:  # most URLs: a plain check
            return Task(host, functools.partial(_checked, self.engine, url), (url,))
        job: Callable[[], Awaitable[Result]] | None = None
        key = host
        repo = repo_of(url) if name in GITHUB_HOSTS else None
        doi = doi_of(url) if name in DOI_HOSTS else None
        note = note_of(url) if name in OPENREVIEW_HOSTS else None
        if repo is not None:
            key = host_key(self.github_api.api)
            job = lambda: self.github(url, *repo)  # noqa: E731
        elif doi is not None:
            key = host_key(self.doi_api.api)
            job = lambda: self.doi(url, doi)  # noqa: E731
        elif note is not None:
            key = host_key(self.openreview_api.apis[0])
            job = lambda: self.openreview(url, note)  # noqa: E731
        elif host == IEEE_HOST:
            key = ieee().host(self.env)
            job = lambda: self.ieee(url)  # noqa: E731
        if job is None:
            return Task(host, functools.partial(_checked, self.engine, url), (url,))
        return Task(key, lambda: _one(job()), (url,))

    # -- arXiv -------------------------------------------------------------------------------

    async def _arxiv(self, groups: dict[str, list[str]]) -> list[Result]:
        """Many ids per query, one query per interval; a malformed id is dropped and re-asked."""
        ids = sorted(groups)
        results: list[Result] = []
        for start in range(0, len(ids), self.arxiv_batch):
            batch = ids[start : start + self.arxiv_batch]
            while batch:
                started = time.monotonic()
                answer = await self.arxiv.query(batch)
                fetched, feed = answer.fetched, answer.feed
                shared: dict[str, Any] = {"attempts": fetched.attempts, "elapsed_ms": _ms(started)}
                code = fetched.response.status if fetched.response else None
                if feed is not None and feed.rejected is not None:
                    # One id arXiv finds malformed fails the whole query: that id is broken,
                    # and the others are asked again without it.
                    said = f"arXiv refuses the id: {feed.error}"
                    for url in groups[feed.rejected]:
                        results.append(Result(url, "broken", code, url, said, **shared))
                    batch = [arxiv_id for arxiv_id in batch if arxiv_id != feed.rejected]
                    continue
                for arxiv_id in batch:
                    for url in groups[arxiv_id]:
                        results.append(_arxiv_result(url, arxiv_id, answer, len(batch), shared))
                break
        return results

    # -- GitHub ------------------------------------------------------------------------------

    async def github(self, url: str, owner: str, name: str) -> Result:
        """Ask the API about the repository: renamed, archived or gone."""
        if self._github_off is not None:
            return await self._github_page(url, self._github_off)
        started = time.monotonic()
        fetched, repo = await self.github_api.repo(owner, name)
        response = fetched.response
        if response is None or fetched.status is not None:
            return _api_failure(url, fetched, started)
        from catalog.sources.github import rate_limited

        limited = rate_limited(response)
        if limited is not None:
            self._github_off = f"GitHub API {limited}; set GITHUB_TOKEN"
            return await self._github_page(url, self._github_off)
        if response.status == 404:
            said = f"GitHub has no repository {owner}/{name} (deleted, or private)"
            return _answered(fetched, started, url, said, status="broken")
        if response.status != 200:
            return verdict_of(fetched, started, url=url)
        if repo is None:
            return verdict_of(fetched, started, url=url, status="error", message="bad API answer")
        warning = "repository is archived (read-only)" if repo.archived else None
        if repo.full_name.lower() != f"{owner}/{name}".lower():
            return verdict_of(
                fetched,
                started,
                url=url,
                status="redirected",
                final_url=repo.html_url,
                suggestion=repo.html_url,
                message=f"repository moved to {repo.full_name}",
                warning=warning,
            )
        return _answered(fetched, started, url, "HTTP 200", warning=warning)

    async def _github_page(self, url: str, why: str) -> Result:
        from catalog.sources.github import GITHUB_WEB

        result = await check(self.engine, rebase(url, GITHUB_WEB.base(self.env)))
        return result._replace(url=url, message=f"{result.message}; {why}; checked the page")

    # -- doi.org -----------------------------------------------------------------------------

    async def doi(self, url: str, doi: str) -> Result:
        """Is the DOI registered? Never follows to the publisher."""
        started = time.monotonic()
        fetched, registered = await self.doi_api.handle(doi)
        if fetched.response is None or fetched.status is not None:
            return _api_failure(url, fetched, started)
        if registered is False:
            return _answered(fetched, started, url, f"DOI {doi} is not registered", status="broken")
        if registered:
            return _answered(fetched, started, url, "DOI registered (publisher not contacted)")
        return verdict_of(fetched, started, url=url)

    # -- OpenReview --------------------------------------------------------------------------

    async def openreview(self, url: str, note: str) -> Result:
        """A JSON ForbiddenError is real (the note is not public); a bare 403 is a wall."""
        started = time.monotonic()
        answer = await self.openreview_api.note(note)
        fetched = answer.fetched
        if answer.found == "found":
            return _answered(fetched, started, url, "HTTP 200")
        if answer.found == "forbidden":
            said = f"OpenReview note {note} is not public (403 ForbiddenError)"
            return _answered(fetched, started, url, said, status="broken")
        if answer.found == "missing":
            said = f"OpenReview has no note {note}"
            return _answered(fetched, started, url, said, status="broken")
        if fetched.response is None or fetched.status is not None:
            return _api_failure(url, fetched, started)
        return verdict_of(fetched, started, url=url)

    # -- IEEE Xplore -------------------------------------------------------------------------

    async def ieee(self, url: str) -> Result:
        """IEEE Xplore answers scripts with 418 or 403: that is `blocked`, never `broken`."""
        result = (await check(self.engine, rebase(url, ieee().base(self.env))))._replace(url=url)
        if result.status == "blocked":
            said = f"IEEE Xplore turns scripts away (HTTP {result.http_status}); not verified"
            return result._replace(message=said)
        return result


async def _checked(engine: Http, url: str) -> list[Result]:
    """`check`, as a task's job (its body here: one coroutine less per URL)."""
    started = time.monotonic()
    return [verdict_of(await engine.fetch(url), started)]


async def _one(result: Awaitable[Result]) -> list[Result]:
    return [await result]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _arxiv_result(
    url: str, arxiv_id: str, answer: Answer, batch: int, shared: dict[str, Any]
) -> Result:
    fetched, feed = answer.fetched, answer.feed
    response = fetched.response
    if feed is None and (response is None or fetched.status is not None):
        status: Status = "skipped" if fetched.status == "skipped" else "error"
        return Result(url, status, message=f"arXiv API: {fetched.message}", **shared)
    code = response.status if response is not None else None
    if feed is None:
        return Result(url, "error", code, message=str(answer.problem), **shared)
    if feed.error is not None:
        return Result(
            url, "error", code, message=f"the arXiv API refused the query: {feed.error}", **shared
        )
    if arxiv_id in feed.listed:
        return Result(url, "ok", 200, url, f"listed by the arXiv API (batch of {batch})", **shared)
    return Result(url, "broken", 200, url, f"arXiv has no paper {arxiv_id}", **shared)


def _answered(fetched: Fetched, started: float, url: str, message: str, **extra: Any) -> Result:
    """What an API's answer says about the record's URL itself (which it names as final)."""
    return verdict_of(fetched, started, url=url, final_url=url, message=message, **extra)


def _api_failure(url: str, fetched: Fetched, started: float) -> Result:
    """No answer from an API: that says nothing about the link itself, so never `broken`."""
    status = "skipped" if fetched.status == "skipped" else "error"
    host = host_key(fetched.url)
    return verdict_of(
        fetched, started, url=url, status=status, message=f"{host}: {fetched.message}"
    )
