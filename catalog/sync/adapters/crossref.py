"""Crossref's works API, by DOI: the journal (container title), published date and authors.

A DOI Crossref does not know is a 404 with the plain-text body "Resource not found.". arXiv's
own DOIs (10.48550/...) are DataCite's, so they are never asked. The public pool allows five
requests a second, one at a time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from catalog.facts import Fact, Facts
from catalog.model import Paper
from catalog.sources.crossref import CROSSREF
from catalog.sync.adapters import Ctx, Found
from catalog.sync.adapters.common import FRESH_DAYS, SETTLED_DAYS, known
from catalog.sync.transport import Http, SourceStopped

_VENUE_TYPES = {"journal-article", "proceedings-article"}


class Crossref:
    name = "crossref"
    service = CROSSREF
    batch = 1
    interval = CROSSREF.interval
    after: tuple[str, ...] = ("arxiv", "dblp", "semantic-scholar")  # they name DOIs

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.api = CROSSREF.base(ctx.env)

    def key(self, paper: Paper, facts: Facts) -> str | None:
        doi = known(paper, facts, "doi", "doi")
        if doi is None or doi.lower().startswith("10.48550/"):
            return None
        return doi.lower()

    def max_age(self, paper: Paper, facts: Facts) -> int:
        return FRESH_DAYS if self.ctx.is_preprint(paper) else SETTLED_DAYS

    def checked_url(self, key: str) -> str:
        return f"https://doi.org/{key}"

    def ask(self, http: Http, keys: list[str], today: dt.date) -> Found:
        found: Found = {}
        for doi in keys:
            reply = http.request("GET", f"{self.api}/works/{quote(doi, safe='/()-._;:')}")
            if reply.status == 404:
                continue  # "Resource not found."
            if reply.status != 200:
                raise SourceStopped(f"Crossref answered HTTP {reply.status}")
            message = reply.json().get("message")
            if isinstance(message, dict):
                found[doi] = work_facts(message, self.checked_url(doi), today)
        return found


def work_facts(work: dict[str, Any], url: str, today: dt.date) -> list[tuple[str, Fact]]:
    facts: list[tuple[str, Fact]] = []
    published = _date(work.get("published") or work.get("published-print") or work.get("issued"))
    if published:
        facts.append(("published", Fact("crossref", url, today, published)))
    titles = work.get("container-title") or []
    if work.get("type") in _VENUE_TYPES and titles and isinstance(titles[0], str):
        year = published.year if published else None
        facts.append(("venue", Fact("crossref", url, today, {"venue": titles[0], "year": year})))
    authors = []
    for person in work.get("author") or []:
        if not isinstance(person, dict):
            continue
        name = " ".join(
            p for p in (person.get("given"), person.get("family")) if isinstance(p, str)
        )
        name = name or person.get("name") or ""
        if name.strip():
            authors.append(name.strip())
    if authors:
        facts.append(("authors", Fact("crossref", url, today, authors)))
    if isinstance(work.get("DOI"), str):
        facts.append(("doi", Fact("crossref", url, today, work["DOI"].lower())))
    return facts


def _date(field: Any) -> dt.date | None:
    """Crossref's {"date-parts": [[2023, 5, 1]]}, month and day optional."""
    try:
        parts = field["date-parts"][0]
        return dt.date(
            int(parts[0]),
            int(parts[1]) if len(parts) > 1 else 1,
            int(parts[2]) if len(parts) > 2 else 1,
        )
    except (TypeError, KeyError, IndexError, ValueError):
        return None
