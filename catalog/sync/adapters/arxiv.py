"""arXiv API: authors, abstract, first version date, DOI of a batch of ids (one `id_list` query).

arXiv asks for no more than one request every three seconds; a batch holds up to 100 ids. It
answers HTTP 200 even for a malformed id: one entry whose id is an `/api/errors` URL.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from catalog.errors import CatalogError
from catalog.facts import Fact, Facts
from catalog.identity import url_key
from catalog.model import Paper
from catalog.sync.adapters import Ctx, Found
from catalog.sync.adapters.common import FRESH_DAYS, SETTLED_DAYS, as_date, fold, paper_key
from catalog.sync.transport import Http, SourceStopped

DEFAULT = "https://export.arxiv.org/api/query"
INTERVAL = 3.0  # arXiv API terms of use: one request every three seconds
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"


class Arxiv:
    name = "arxiv"
    batch = 100
    interval = INTERVAL
    after: tuple[str, ...] = ()

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.api = ctx.base("CATALOG_ARXIV_API", DEFAULT)

    def key(self, paper: Paper, facts: Facts) -> str | None:
        return paper_key(paper, "arxiv")

    def max_age(self, paper: Paper, facts: Facts) -> int:
        return FRESH_DAYS if self.ctx.is_preprint(paper) else SETTLED_DAYS

    def checked_url(self, key: str) -> str:
        return f"https://arxiv.org/abs/{key}"

    def ask(self, http: Http, keys: list[str], today: dt.date) -> Found:
        params = {"id_list": ",".join(keys), "max_results": str(len(keys))}
        reply = http.request("GET", self.api, params=params)
        if reply.status != 200:
            raise SourceStopped(f"the arXiv API answered HTTP {reply.status}")
        return parse_feed(reply.body, today)


def parse_feed(body: bytes, today: dt.date) -> Found:
    """Facts by arXiv id from one Atom answer; an error entry is a CatalogError."""
    if b"<!ENTITY" in body or b"<!DOCTYPE" in body:
        raise CatalogError("the arXiv API's answer declares XML entities; refusing to parse it")
    try:
        feed = ET.fromstring(body)
    except ET.ParseError:
        raise SourceStopped("the arXiv API did not answer with an Atom feed") from None
    found: Found = {}
    for entry in feed.iter(f"{_ATOM}entry"):
        entry_id = _text(entry, f"{_ATOM}id")
        if "/api/errors" in entry_id:
            raise SourceStopped(
                f"the arXiv API refused the query: {fold(_text(entry, f'{_ATOM}summary'))}"
            )
        key = url_key(entry_id)
        if not key or not key.startswith("arxiv:"):
            continue
        arxiv_id = key.removeprefix("arxiv:")
        url = f"https://arxiv.org/abs/{arxiv_id}"
        facts: list[tuple[str, Fact]] = [
            ("arxiv_id", Fact("arxiv", url, today, arxiv_id)),
            ("paper_url", Fact("arxiv", url, today, url)),
        ]
        authors = [
            fold(_text(a, f"{_ATOM}name"))
            for a in entry.findall(f"{_ATOM}author")
            if _text(a, f"{_ATOM}name").strip()
        ]
        if authors:
            facts.append(("authors", Fact("arxiv", url, today, authors)))
        summary = fold(_text(entry, f"{_ATOM}summary"))
        if summary:
            facts.append(("abstract", Fact("arxiv", url, today, summary)))
        published = as_date(_text(entry, f"{_ATOM}published"))
        if published:
            facts.append(("published", Fact("arxiv", url, today, published)))
        doi = _text(entry, f"{_ARXIV}doi").strip()
        if doi:
            facts.append(("doi", Fact("arxiv", url, today, doi)))
        found[arxiv_id] = facts
    return found


def _text(element: ET.Element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "") if child is not None else ""
