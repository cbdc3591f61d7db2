"""A paper as readers see it everywhere: the record, with data/facts.yaml filling its gaps.

One view feeds every output (paper and list pages, citation tags, the search index, the home
page's data and selection export, papers.json, papers.bib, the feeds), so a DOI or an author
list from the facts shows up in all of them or in none. Human fields win (issue 13): the
record's authors, venue and year are shown as written; facts fill only what the record leaves
empty (no authors, no DOI or arXiv id among its links, a day within its year) and add what only
sources know (abstract, counts, archived). Pure: `catalog sync` fetched the facts; the build
only reads them. When several sources state a field, the most careful one is shown (a
curator's `manual` entry first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from catalog.catalog import Catalog
from catalog.facts import Fact
from catalog.identity import url_key
from catalog.model import Paper

PRIORITY = ("manual", "crossref", "dblp", "openreview", "arxiv", "semantic-scholar", "github")
SHORT_AUTHORS = 3  # list entries show this many, then "et al."


@dataclass(frozen=True)
class Count:
    """A count a source stated (citations, stars), with the day it was fetched."""

    count: int
    fetched: str
    url: str


@dataclass(frozen=True)
class Words:
    """The authors' own words on arXiv (journal_ref, comment), with where and when read."""

    text: str
    fetched: str
    url: str


@dataclass(frozen=True)
class PaperView:
    """What every output says about one paper (see the module docstring for the rules)."""

    paper: Paper
    authors: tuple[str, ...]  # the record's; the facts' when the record has none
    venue_full_name: str
    venue_kind: str  # the registry's kind; "preprint" for a venue it does not know
    arxiv_id: str | None  # from the links (no version), else the facts
    doi: str | None  # from the links, else the facts
    published: dt.date | None  # the day a source says it appeared
    abstract: str | None
    citations: Count | None
    stars: Count | None
    archived: bool
    preprint: str | None  # the arXiv page of a paper published elsewhere
    # A preprint's venue as sync's own rules confirm it from the facts (sources agree, the
    # OpenReview decision is not a rejection, the record does not pin its venue): (name, year).
    accepted_at: tuple[str, int] | None = None
    journal_ref: Words | None = None  # shown as the authors' words: never a venue by itself
    comment: Words | None = None

    @property
    def date(self) -> str:
        """The publication date: the stated day when it falls in the shown year, else the year."""
        year = self.accepted_at[1] if self.accepted_at else self.paper.year
        day = self.published
        return day.isoformat() if day is not None and day.year == year else str(year)


def stated(catalog: Catalog, paper_id: str, name: str) -> Fact | None:
    """The fact shown for a field: the first source in PRIORITY that states a value."""
    by_source = catalog.facts.get(paper_id, name)
    if not by_source:
        return None
    for source in (*PRIORITY, *sorted(by_source)):
        fact = by_source.get(source)
        if fact is not None and fact.value is not None:
            return fact
    return None


def link_ids(paper: Paper) -> tuple[str | None, str | None]:
    """The arXiv id (no version) and DOI the paper's links name: paper link first."""
    arxiv = doi = None
    for url in (paper.links.paper, paper.links.project, paper.links.code):
        key = url_key(url) if url else None
        if key and key.startswith("arxiv:") and arxiv is None:
            arxiv = key.removeprefix("arxiv:")
        elif key and key.startswith("doi:") and doi is None:
            doi = key.removeprefix("doi:")
    return arxiv, doi


def short_authors(authors: list[str] | tuple[str, ...] | None) -> str:
    """`A, B, C et al.`: the first authors, for a list entry."""
    if not authors:
        return ""
    shown = ", ".join(authors[:SHORT_AUTHORS])
    return f"{shown} et al." if len(authors) > SHORT_AUTHORS else shown


def _count(fact: Fact | None) -> Count | None:
    if fact is None:
        return None
    return Count(int(fact.value), fact.fetched.isoformat(), fact.url)


def _words(fact: Fact | None) -> Words | None:
    if fact is None or not isinstance(fact.value, str):
        return None
    return Words(fact.value, fact.fetched.isoformat(), fact.url)


def _text(fact: Fact | None) -> str | None:
    return str(fact.value) if fact is not None else None


def view_of(
    catalog: Catalog, paper: Paper, accepted: dict[str, tuple[str, int]] | None = None
) -> PaperView:
    """The view of one paper (paper_views makes them all; a build makes them once).
    `accepted`: the preprints' confirmed venues, if already asked for."""
    venue = catalog.venues.entries.get(paper.venue)
    kind = venue.kind if venue else "preprint"
    arxiv, doi = link_ids(paper)
    has_facts = paper.id in catalog.facts.papers
    if has_facts:
        arxiv = arxiv or _text(stated(catalog, paper.id, "arxiv_id"))
        doi = doi or _text(stated(catalog, paper.id, "doi"))
    authors: tuple[str, ...] = tuple(paper.authors or ())
    if not authors and has_facts and "authors" not in (paper.pin or []):
        fact = stated(catalog, paper.id, "authors")
        authors = tuple(str(a) for a in fact.value) if fact else ()
    published = stated(catalog, paper.id, "published") if has_facts else None
    day = published.value if published else None
    archived = stated(catalog, paper.id, "archived") if has_facts else None
    if accepted is None:
        accepted = _accepted(catalog, [paper] if _may_be_accepted(catalog, paper) else [])
    return PaperView(
        paper=paper,
        authors=authors,
        venue_full_name=venue.full_name if venue else paper.venue,
        venue_kind=kind,
        arxiv_id=arxiv,
        doi=doi,
        published=day if isinstance(day, dt.date) else None,
        abstract=_text(stated(catalog, paper.id, "abstract")) if has_facts else None,
        citations=_count(stated(catalog, paper.id, "citations")) if has_facts else None,
        stars=_count(stated(catalog, paper.id, "stars")) if has_facts else None,
        archived=bool(archived.value) if archived else False,
        # published, and the preprint link kept
        preprint=f"https://arxiv.org/abs/{arxiv}" if arxiv and kind != "preprint" else None,
        accepted_at=accepted.get(paper.id),
        journal_ref=_words(stated(catalog, paper.id, "journal_ref")) if has_facts else None,
        comment=_words(stated(catalog, paper.id, "comment")) if has_facts else None,
    )


def readme_stars(catalog: Catalog) -> dict[str, Count]:
    """Each paper's GitHub stars, for the README's Code cells (only the facts it needs)."""
    out = {}
    for paper_id in catalog.facts.papers:
        count = _count(stated(catalog, paper_id, "stars"))
        if count is not None:
            out[paper_id] = count
    return out


def paper_views(catalog: Catalog) -> dict[str, PaperView]:
    """Every paper's view, by id (sync's venue rules asked once for all the preprints)."""
    accepted = _accepted(catalog, [p for p in catalog.papers if _may_be_accepted(catalog, p)])
    return {paper.id: view_of(catalog, paper, accepted) for paper in catalog.papers}


def _may_be_accepted(catalog: Catalog, paper: Paper) -> bool:
    venue = catalog.venues.entries.get(paper.venue)
    return (venue is None or venue.kind == "preprint") and bool(
        catalog.facts.get(paper.id, "venue")
    )


def _accepted(catalog: Catalog, papers: list[Paper]) -> dict[str, tuple[str, int]]:
    """Where each of these preprints was published, when sync's rules would apply it on
    --write (those rules live in catalog/sync/reconcile.py and nowhere else; it is imported
    only when some preprint has venue facts, so a build never loads sync's network side
    otherwise)."""
    if not papers:
        return {}
    from catalog.sync.reconcile import reconcile

    return {
        proposal.paper_id: (str(proposal.new["venue"]), int(proposal.new["year"]))
        for proposal in reconcile(papers, catalog.venues, catalog.facts)
        if proposal.kind == "venue" and proposal.field == "venue"
    }


def paper_facts(view: PaperView) -> dict[str, Any]:
    """The facts' part of papers.json: abstract, published, doi, arxiv_id, citations, stars,
    archived, preprint, and arXiv's journal_ref and comment (the authors' words, dated)."""

    def count(value: Count | Words | None) -> dict[str, Any] | None:
        return None if value is None else vars(value).copy()

    return {
        "abstract": view.abstract,
        "published": view.published.isoformat() if view.published else None,
        "doi": view.doi,
        "arxiv_id": view.arxiv_id,
        "citations": count(view.citations),
        "stars": count(view.stars),
        "archived": view.archived,
        "preprint": view.preprint,
        "journal_ref": count(view.journal_ref),
        "comment": count(view.comment),
    }
