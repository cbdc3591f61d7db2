"""The arXiv client: the export API's Atom feed, read once, for `catalog new` and check-links.

arXiv's terms ask for one request every three seconds (`ARXIV.interval`, applied by the engine
to every request, retries included) and allow many ids per query (`id_list`, batches of 100).
The API answers HTTP 200 even for failures: a malformed id gives one entry whose id is under
`/api/errors` (and fails the whole query), an unknown id is just missing from the feed.
Ids are read by `catalog.identity`, the one arXiv id parser; the feed by `parse_feed`, the one
Atom parser (defusedxml: no DTDs, no entities).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from catalog.identity import arxiv_key, url_key
from catalog.sources.blocking import run_to_end
from catalog.sources.http import API_BODY_CAP, Http
from catalog.sources.service import Service, SourceError
from catalog.sources.types import Fetched

if TYPE_CHECKING:  # the XML parser is imported by the first answer read: a link check
    from xml.etree.ElementTree import Element  # without arXiv URLs never needs it

ARXIV = Service("the arXiv API", "CATALOG_ARXIV_API", "https://export.arxiv.org/api/query", 3.0)
API_ENV = ARXIV.env
BATCH = 100
HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_REJECTED = re.compile(r"incorrect id format for (\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class ArxivPaper:
    """One entry of the feed: what a record (or the facts lockfile) needs from arXiv."""

    arxiv_id: str
    title: str
    year: int
    authors: list[str]
    published: str = ""  # YYYY-MM-DD of the first version
    summary: str = ""
    doi: str | None = None
    journal_ref: str | None = None  # the authors' free-text reference of the published version
    comment: str | None = None  # the authors' comment ("10 pages; accepted at ...")

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"


@dataclass
class Feed:
    """What one answer says: the papers it lists, or the API's refusal."""

    papers: dict[str, ArxivPaper] = field(default_factory=dict)  # id (no version) -> paper
    listed: set[str] = field(default_factory=set)  # every id with an entry, complete or not
    error: str | None = None  # the text of an error entry
    rejected: str | None = None  # the asked id that the error names as malformed


class FeedError(ValueError):
    """The body is not an Atom feed we will read."""


def parse_arxiv_id(text: str) -> str:
    """`2106.09685`, `arXiv:2106.09685v2` or an abs/pdf URL -> `2106.09685` (no version)."""
    given = text.strip()
    key = url_key(given) if "://" in given else arxiv_key(given.rstrip("/").removesuffix(".pdf"))
    if key is None or not key.startswith("arxiv:"):
        raise SourceError(
            f"{text!r} is not an arXiv id (expected e.g. 2106.09685 or https://arxiv.org/abs/...)"
        )
    return key.removeprefix("arxiv:")


def arxiv_id_of(url: str) -> str | None:
    """The arXiv id an arxiv.org abs/pdf/html URL names (no version), else None."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    if host not in HOSTS:
        return None
    key = url_key(url)
    return key.removeprefix("arxiv:") if key and key.startswith("arxiv:") else None


def parse_feed(body: bytes, asked: Iterable[str] = ()) -> Feed:
    """Read an API answer; raises FeedError when it is not a plain Atom feed."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(body, forbid_dtd=True)
    except DefusedXmlException:
        raise FeedError("answered with a DTD or XML entities; refusing to read it") from None
    except (ParseError, ValueError, RecursionError):
        first = body.decode("utf-8", "replace").strip().splitlines()[:1]
        said = f": {first[0][:80]!r}" if first else ""
        raise FeedError(f"did not answer with an Atom feed{said}") from None
    if root.tag != f"{_ATOM}feed":
        raise FeedError("did not answer with an Atom feed")
    feed = Feed()
    ours = {arxiv_id.lower(): arxiv_id for arxiv_id in asked}
    for entry in root.iter(f"{_ATOM}entry"):
        entry_id = _text(entry, "id")
        if "/api/errors" in entry_id:
            said = _fold(_text(entry, "summary")) or entry_id.rsplit("#", 1)[-1]
            named = _REJECTED.search(said)
            feed.error = said
            feed.rejected = ours.get(named.group(1).lower()) if named else None
            return feed
        key = url_key(entry_id.strip())
        if key and key.startswith("arxiv:"):
            arxiv_id = key.removeprefix("arxiv:")
            feed.listed.add(arxiv_id)
            paper = _paper(entry, arxiv_id)
            if paper is not None:
                feed.papers[arxiv_id] = paper
    return feed


def _paper(entry: Element, arxiv_id: str) -> ArxivPaper | None:
    title = _fold(_text(entry, "title"))
    published = _text(entry, "published").strip()
    if not title or not re.match(r"\d{4}-\d\d-\d\d", published):
        return None
    authors = [
        _fold(_text(author, "name"))
        for author in entry.findall(f"{_ATOM}author")
        if _text(author, "name").strip()
    ]
    return ArxivPaper(
        arxiv_id,
        title,
        int(published[:4]),
        authors,
        published[:10],
        _fold(_text(entry, "summary")),
        _fold(_text(entry, "doi", _ARXIV)) or None,
        _fold(_text(entry, "journal_ref", _ARXIV)) or None,
        _fold(_text(entry, "comment", _ARXIV)) or None,
    )


def _text(element: Element, tag: str, namespace: str = _ATOM) -> str:
    child = element.find(f"{namespace}{tag}")
    return (child.text or "") if child is not None else ""


def _fold(text: str) -> str:
    """arXiv hard-wraps titles: fold every run of whitespace into one space."""
    return " ".join(text.split())


@dataclass
class Answer:
    """One query: the engine's outcome, and the feed when there is one."""

    fetched: Fetched
    feed: Feed | None = None
    problem: str | None = None  # why the answer cannot be used


class ArxivClient:
    """Asks the export API; every request through one engine, so the interval holds."""

    def __init__(
        self, engine: Http, env: Mapping[str, str] | None = None, *, interval: float | None = None
    ) -> None:
        self.engine = engine
        self.api = ARXIV.base(env)
        engine.hosts.set_interval(self.api, ARXIV.interval if interval is None else interval)

    async def query(self, ids: list[str]) -> Answer:
        """One request for up to BATCH ids."""
        params = urlencode({"id_list": ",".join(ids), "max_results": str(len(ids))})
        fetched = await self.engine.fetch(
            f"{self.api}?{params}", method="GET", body_cap=API_BODY_CAP
        )
        response = fetched.response
        if response is None or fetched.status is not None:
            return Answer(fetched, problem=fetched.message)
        if response.status not in (200, 400):
            return Answer(fetched, problem=f"the arXiv API answered HTTP {response.status}")
        if response.truncated:
            return Answer(fetched, problem="the arXiv API's answer was too large")
        try:
            feed = parse_feed(response.body, ids)
        except FeedError as exc:
            if response.status != 200:
                return Answer(fetched, problem=f"the arXiv API answered HTTP {response.status}")
            return Answer(fetched, problem=f"the arXiv API {exc}")
        if feed.error is None and response.status != 200:
            return Answer(fetched, problem=f"the arXiv API answered HTTP {response.status}")
        return Answer(fetched, feed)

    async def paper(self, arxiv_id: str) -> ArxivPaper:
        """One paper; a SourceError naming the cause when arXiv has none or cannot answer."""
        answer = await self.query([arxiv_id])
        if answer.feed is None:
            response = answer.fetched.response
            if response is None or answer.fetched.status is not None:
                said = answer.fetched.message
                raise SourceError(f"could not reach the arXiv API at {self.api} ({said})")
            later = " (try again later)" if response.status in (429, 503) else ""
            raise SourceError(f"{answer.problem}{later}")
        if answer.feed.error is not None:
            raise SourceError(f"the arXiv API refused id {arxiv_id!r}: {answer.feed.error}")
        found = answer.feed.papers.get(arxiv_id.lower())
        if found is None:
            raise SourceError(f"arXiv has no paper with id {arxiv_id}")
        return found


def fetch_arxiv(
    arxiv_id: str, *, contact: str | None = None, env: Mapping[str, str] | None = None
) -> ArxivPaper:
    """One paper, from synchronous code (`catalog new`); SourceError on any failure.

    No retry: a contributor at a terminal is told "try again later" at once.
    """
    from catalog.sources.service import open_http

    async def ask() -> ArxivPaper:
        async with open_http([ARXIV], contact=contact, env=env, retries=0) as engine:
            return await ArxivClient(engine, env).paper(arxiv_id)

    return run_to_end(ask())
