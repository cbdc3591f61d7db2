"""What the sources say about a paper, as the pages and exports show it (from data/facts.yaml).

Pure: the facts were fetched by `catalog sync`; the build only reads them. When several sources
state a field, the most careful one is shown (a curator's `manual` entry first).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalog.catalog import Catalog
from catalog.facts import Fact
from catalog.identity import link_keys
from catalog.model import Paper

PRIORITY = ("manual", "crossref", "dblp", "openreview", "arxiv", "semantic-scholar", "github")
SHORT_AUTHORS = 3  # list entries show this many, then "et al."


def stated(catalog: Catalog, paper_id: str, name: str) -> Fact | None:
    """The fact shown for a field: the first source in PRIORITY that states a value."""
    by_source = catalog.facts.get(paper_id, name)
    for source in (*PRIORITY, *sorted(by_source)):
        fact = by_source.get(source)
        if fact is not None and fact.value is not None:
            return fact
    return None


def arxiv_id(catalog: Catalog, paper: Paper) -> str | None:
    key = link_keys(paper.links).get("paper")
    if key and key.startswith("arxiv:"):
        return key.removeprefix("arxiv:")
    fact = stated(catalog, paper.id, "arxiv_id")
    return str(fact.value) if fact else None


def short_authors(authors: list[str] | None) -> str:
    """`A, B, C et al.`: the first authors, for a list entry."""
    if not authors:
        return ""
    shown = ", ".join(authors[:SHORT_AUTHORS])
    return f"{shown} et al." if len(authors) > SHORT_AUTHORS else shown


def _count(fact: Fact | None) -> dict[str, Any] | None:
    if fact is None:
        return None
    return {"count": fact.value, "fetched": fact.fetched.isoformat(), "url": fact.url}


def _words(fact: Fact | None) -> dict[str, Any] | None:
    """The authors' own words on arXiv (journal_ref, comment), with where and when read."""
    if fact is None or not isinstance(fact.value, str):
        return None
    return {"text": fact.value, "fetched": fact.fetched.isoformat(), "url": fact.url}


def paper_facts(catalog: Catalog, paper: Paper) -> dict[str, Any]:
    """Plain values: abstract, published, doi, arxiv_id, citations, stars, archived, preprint,
    and arXiv's journal_ref and comment (the authors' words, shown as such)."""
    abstract = stated(catalog, paper.id, "abstract")
    published = stated(catalog, paper.id, "published")
    doi = stated(catalog, paper.id, "doi")
    archived = stated(catalog, paper.id, "archived")
    venue = catalog.venues.entries.get(paper.venue)
    eprint = arxiv_id(catalog, paper)
    preprint = None
    if eprint and venue is not None and venue.kind != "preprint":
        preprint = f"https://arxiv.org/abs/{eprint}"  # published, and the preprint link kept
    day = published.value if published else None
    return {
        "abstract": str(abstract.value) if abstract else None,
        "published": day.isoformat() if isinstance(day, dt.date) else None,
        "doi": str(doi.value) if doi else None,
        "arxiv_id": eprint,
        "citations": _count(stated(catalog, paper.id, "citations")),
        "stars": _count(stated(catalog, paper.id, "stars")),
        "archived": bool(archived.value) if archived else False,
        "preprint": preprint,
        "journal_ref": _words(stated(catalog, paper.id, "journal_ref")),
        "comment": _words(stated(catalog, paper.id, "comment")),
    }
