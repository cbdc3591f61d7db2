"""Hosts that need care: ask their APIs instead of hammering (or being refused by) pages.

Each strategy turns matching URLs into scheduler tasks. Base URLs come from environment
variables so tests can point them at a local server playing that host:

    CATALOG_ARXIV_API          https://export.arxiv.org/api/query (shared with `catalog new`)
    CATALOG_DOI_API            https://doi.org/api/handles
    CATALOG_GITHUB_API         https://api.github.com
    CATALOG_GITHUB_WEB         https://github.com
    CATALOG_OPENREVIEW_API     https://api2.openreview.net
    CATALOG_OPENREVIEW_API_V1  https://api.openreview.net
    CATALOG_IEEE_BASE          https://ieeexplore.ieee.org
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from catalog.links.engine import Engine, Fetched, Task, host_key, verdict_of
from catalog.links.verdict import Result, Status

DEFAULTS = {
    "CATALOG_ARXIV_API": "https://export.arxiv.org/api/query",
    "CATALOG_DOI_API": "https://doi.org/api/handles",
    "CATALOG_GITHUB_API": "https://api.github.com",
    "CATALOG_GITHUB_WEB": "https://github.com",
    "CATALOG_OPENREVIEW_API": "https://api2.openreview.net",
    "CATALOG_OPENREVIEW_API_V1": "https://api.openreview.net",
    "CATALOG_IEEE_BASE": "https://ieeexplore.ieee.org",
}
API_BODY_CAP = 2_000_000
ARXIV_BATCH = 100
ARXIV_INTERVAL = 3.0  # arXiv's terms: no more than one API request every three seconds

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}
_ARXIV_PATH = re.compile(
    r"/(?:abs|pdf|html)/(\d{4}\.\d{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?(?:\.pdf)?/?",
    re.IGNORECASE,
)
_ARXIV_IN_ID = re.compile(r"/abs/(.+?)(?:v\d+)?$")
_ARXIV_REJECTED = re.compile(r"incorrect id format for (\S+)", re.IGNORECASE)
_GITHUB_REPO = re.compile(r"/([A-Za-z0-9](?:[A-Za-z0-9-]*)?)/([A-Za-z0-9._-]+?)(?:\.git)?/?")
_GITHUB_NOT_OWNERS = {
    "about", "apps", "collections", "enterprise", "events", "explore", "features", "login",
    "marketplace", "orgs", "pricing", "settings", "sponsors", "topics", "trending", "users",
}  # fmt: skip
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}


def base(name: str, env: Mapping[str, str] | None = None) -> str:
    """The base URL for a host's strategy: the environment's override or the real one."""
    value = (env if env is not None else os.environ).get(name) or DEFAULTS[name]
    return value.rstrip("/")


def rebase(url: str, new_base: str) -> str:
    """The same path and query on another origin (a test server playing the host)."""
    parts = urlsplit(url)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    return new_base.rstrip("/") + tail


@dataclass
class Strategies:
    """Splits URLs into tasks: API-backed ones for known hosts, plain checks for the rest."""

    engine: Engine
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    arxiv_batch: int = ARXIV_BATCH
    arxiv_interval: float = ARXIV_INTERVAL
    _github_api_off: threading.Event = field(default_factory=threading.Event)
    _github_off_reason: str = "GitHub API not usable"

    def tasks(self, urls: Iterable[str]) -> list[Task]:
        tasks: list[Task] = []
        arxiv: dict[str, list[str]] = {}
        for url in urls:
            arxiv_id = arxiv_id_of(url)
            if arxiv_id is not None:
                arxiv.setdefault(arxiv_id, []).append(url)
                continue
            tasks.append(self._task_for(url))
        if arxiv:
            api = base("CATALOG_ARXIV_API", self.env)
            all_urls = tuple(u for group in arxiv.values() for u in group)
            tasks.append(Task(host_key(api), lambda: self._arxiv(api, arxiv), all_urls))
        return tasks

    def _task_for(self, url: str) -> Task:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        job: Callable[[], Result] | None = None
        key = host
        if host in ("github.com", "www.github.com"):
            repo = _GITHUB_REPO.fullmatch(parts.path)
            if repo and repo.group(1).lower() not in _GITHUB_NOT_OWNERS:
                owner, name = repo.group(1), repo.group(2)
                key = host_key(base("CATALOG_GITHUB_API", self.env))
                job = lambda: self.github(url, owner, name)  # noqa: E731
        elif host in _DOI_HOSTS and parts.path.strip("/"):
            doi = unquote(parts.path.strip("/"))
            key = host_key(base("CATALOG_DOI_API", self.env))
            job = lambda: self.doi(url, doi)  # noqa: E731
        elif host == "openreview.net" and parts.path.rstrip("/") in ("/forum", "/pdf"):
            ids = parse_qs(parts.query).get("id")
            if ids and ids[0].strip():
                key = host_key(base("CATALOG_OPENREVIEW_API", self.env))
                note = ids[0].strip()
                job = lambda: self.openreview(url, note)  # noqa: E731
        elif host == "ieeexplore.ieee.org":
            key = host_key(base("CATALOG_IEEE_BASE", self.env))
            job = lambda: self.ieee(url)  # noqa: E731
        if job is None:
            return Task(host, lambda: [self.engine.check(url)], (url,))
        chosen = job
        return Task(key, lambda: [chosen()], (url,))

    # -- arXiv -----------------------------------------------------------------------------

    def _arxiv(self, api: str, groups: dict[str, list[str]]) -> list[Result]:
        """Ask the export API for many ids at once, one request every `arxiv_interval`."""
        ids = sorted(groups)
        results: list[Result] = []
        last_request = 0.0
        for start in range(0, len(ids), self.arxiv_batch):
            batch = ids[start : start + self.arxiv_batch]
            while batch:
                pause = last_request + self.arxiv_interval - time.monotonic()
                if last_request and pause > 0:
                    time.sleep(pause)
                started = last_request = time.monotonic()
                query = urlencode({"id_list": ",".join(batch), "max_results": str(len(batch))})
                fetched = self.engine.fetch(
                    f"{api}?{query}",
                    method="GET",
                    body_cap=API_BODY_CAP,
                    min_pause=self.arxiv_interval,  # a retry is a request too
                )
                found, problem, rejected = _arxiv_answer(fetched, batch)
                elapsed = int((time.monotonic() - started) * 1000)
                if rejected is not None:
                    # One id arXiv finds malformed fails the whole query: that id is broken,
                    # and the others are asked again without it.
                    shared: dict[str, Any] = {"attempts": fetched.attempts, "elapsed_ms": elapsed}
                    status = fetched.response.status if fetched.response else None
                    for url in groups[rejected]:
                        results.append(Result(url, "broken", status, url, str(problem), **shared))
                    batch = [arxiv_id for arxiv_id in batch if arxiv_id != rejected]
                    continue
                for arxiv_id in batch:
                    for url in groups[arxiv_id]:
                        results.append(
                            _arxiv_result(
                                url, arxiv_id, found, problem, fetched, elapsed, len(batch)
                            )
                        )
                break
        return results

    # -- GitHub ----------------------------------------------------------------------------

    def github(self, url: str, owner: str, name: str) -> Result:
        """Ask the API about the repository: renamed, archived or gone."""
        if self._github_api_off.is_set():
            return self._github_page(url, self._github_off_reason)
        started = time.monotonic()
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        token = self.env.get("GITHUB_TOKEN")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        api = base("CATALOG_GITHUB_API", self.env)
        fetched = self.engine.fetch(
            f"{api}/repos/{owner}/{name}", method="GET", headers=headers, body_cap=API_BODY_CAP
        )
        response = fetched.response
        if response is None:
            return _api_failure(url, fetched, started)
        if response.status in (401, 403, 429) and (
            response.status != 403 or response.headers.get("x-ratelimit-remaining") == "0"
        ):
            why = "rate limit reached" if response.status != 401 else "token refused"
            self._github_off_reason = f"GitHub API {why}; set GITHUB_TOKEN"
            self._github_api_off.set()
            return self._github_page(url, self._github_off_reason)
        if response.status == 404:
            said = f"GitHub has no repository {owner}/{name} (deleted, or private)"
            return _answered(fetched, started, url, said, status="broken")
        if response.status != 200:
            return verdict_of(fetched, started, url=url)
        try:
            repo = json.loads(response.body)
            full_name = str(repo["full_name"])
        except (ValueError, KeyError, TypeError):
            return verdict_of(fetched, started, url=url, status="error", message="bad API answer")
        html = str(repo.get("html_url") or f"https://github.com/{full_name}")
        warning = "repository is archived (read-only)" if repo.get("archived") else None
        if full_name.lower() != f"{owner}/{name}".lower():
            return verdict_of(
                fetched,
                started,
                url=url,
                status="redirected",
                final_url=html,
                suggestion=html,
                message=f"repository moved to {full_name}",
                warning=warning,
            )
        return _answered(fetched, started, url, "HTTP 200", warning=warning)

    def _github_page(self, url: str, why: str) -> Result:
        web = base("CATALOG_GITHUB_WEB", self.env)
        result = self.engine.check(rebase(url, web))
        return _as(url, result, note=f"{why}; checked the page")

    # -- doi.org ---------------------------------------------------------------------------

    def doi(self, url: str, doi: str) -> Result:
        """Is the DOI registered? Asks doi.org's handle API; never follows to the publisher."""
        started = time.monotonic()
        api = base("CATALOG_DOI_API", self.env)
        fetched = self.engine.fetch(
            f"{api}/{quote(doi, safe='/')}", method="GET", body_cap=API_BODY_CAP
        )
        response = fetched.response
        if response is None:
            return _api_failure(url, fetched, started)
        code = _json_field(response.body, "responseCode")
        if response.status == 404 or code == 100:
            return _answered(fetched, started, url, f"DOI {doi} is not registered", status="broken")
        if response.status == 200 and code in (1, 200):
            said = "DOI registered (publisher not contacted)"
            return _answered(fetched, started, url, said)
        return verdict_of(fetched, started, url=url)

    # -- OpenReview ------------------------------------------------------------------------

    def openreview(self, url: str, note: str) -> Result:
        """Ask the API for the note; v2 first, then v1 for older venues.

        OpenReview's 403 can be real: a JSON ForbiddenError means the note exists but is not
        public, so readers cannot open the link either.
        """
        started = time.monotonic()
        last: Fetched | None = None
        for name in ("CATALOG_OPENREVIEW_API", "CATALOG_OPENREVIEW_API_V1"):
            api = base(name, self.env)
            fetched = self.engine.fetch(
                f"{api}/notes?{urlencode({'id': note})}", method="GET", body_cap=API_BODY_CAP
            )
            last = fetched
            response = fetched.response
            if response is None:
                return _api_failure(url, fetched, started)
            if response.status == 200 and _json_field(response.body, "notes"):
                return _answered(fetched, started, url, "HTTP 200")
            if response.status == 403 and _json_field(response.body, "name") == "ForbiddenError":
                said = f"OpenReview note {note} is not public (403 ForbiddenError)"
                return _answered(fetched, started, url, said, status="broken")
            if response.status not in (200, 404):
                return verdict_of(fetched, started, url=url)
        assert last is not None
        said = f"OpenReview has no note {note}"
        return _answered(last, started, url, said, status="broken")

    # -- IEEE Xplore -----------------------------------------------------------------------

    def ieee(self, url: str) -> Result:
        """IEEE Xplore answers scripts with 418 or 403: that is `blocked`, never `broken`."""
        result = _as(url, self.engine.check(rebase(url, base("CATALOG_IEEE_BASE", self.env))))
        if result.status == "blocked":
            said = f"IEEE Xplore turns scripts away (HTTP {result.http_status}); not verified"
            return _with(result, message=said)
        return result


def arxiv_id_of(url: str) -> str | None:
    """The arXiv id (no version) an abs/pdf/html URL names, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in _ARXIV_HOSTS:
        return None
    match = _ARXIV_PATH.fullmatch(parts.path)
    return match.group(1) if match else None


def _arxiv_answer(fetched: Fetched, batch: list[str]) -> tuple[set[str], str | None, str | None]:
    """The ids an API answer lists, why the answer could not be used, and the id of the batch
    that arXiv refused as malformed (its error entry fails the whole query)."""
    response = fetched.response
    if response is None:
        return set(), None, None
    if response.status not in (200, 400):
        return set(), f"the arXiv API answered HTTP {response.status}", None
    body = response.body
    if response.truncated or b"<!ENTITY" in body or b"<!DOCTYPE" in body:
        return set(), "the arXiv API's answer was not a plain Atom feed", None
    try:
        feed = ET.fromstring(body)
    except ET.ParseError:
        if response.status != 200:
            return set(), f"the arXiv API answered HTTP {response.status}", None
        return set(), "the arXiv API did not answer with an Atom feed", None
    found: set[str] = set()
    for entry in feed.iter(f"{_ATOM}entry"):
        node = entry.find(f"{_ATOM}id")
        text = (node.text or "").strip() if node is not None else ""
        if "/api/errors" in text:
            summary = entry.find(f"{_ATOM}summary")
            said = " ".join((summary.text or "").split()) if summary is not None else ""
            said = said or text.rsplit("#", 1)[-1]
            named = _ARXIV_REJECTED.search(said)
            ours = {arxiv_id.lower(): arxiv_id for arxiv_id in batch}
            rejected = ours.get(named.group(1).lower()) if named else None
            if rejected is not None:
                return set(), f"arXiv refuses the id: {said}", rejected
            return set(), f"the arXiv API refused the query: {said}", None
        match = _ARXIV_IN_ID.search(text)
        if match:
            found.add(match.group(1).lower())
    if response.status != 200:
        return set(), f"the arXiv API answered HTTP {response.status}", None
    return found, None, None


def _arxiv_result(
    url: str,
    arxiv_id: str,
    found: set[str],
    problem: str | None,
    fetched: Fetched,
    elapsed: int,
    batch: int,
) -> Result:
    shared: dict[str, Any] = {"attempts": fetched.attempts, "elapsed_ms": elapsed}
    if fetched.response is None:
        status: Status = "skipped" if fetched.status == "skipped" else "error"
        return Result(url, status, message=f"arXiv API: {fetched.message}", **shared)
    if problem:
        return Result(url, "error", fetched.response.status, message=problem, **shared)
    if arxiv_id.lower() in found:
        message = f"listed by the arXiv API (batch of {batch})"
        return Result(url, "ok", 200, url, message, **shared)
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


def _json_field(body: bytes, name: str) -> object:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data.get(name) if isinstance(data, dict) else None


def _as(url: str, result: Result, note: str | None = None) -> Result:
    """A result reported under the record's URL (the request went to an API or a stand-in)."""
    message = f"{result.message}; {note}" if note else result.message
    return _with(result, url=url, message=message)


def _with(result: Result, **changes: Any) -> Result:
    from dataclasses import replace

    return replace(result, **changes)
