"""The site's shared vocabulary: a page, the facets and their values, and the constants
pages.py and home.py both use (a module of its own so neither imports the other)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from catalog.catalog import Catalog
from catalog.model import Paper
from catalog.render.urls import unique_slugs

LATE_MARKER = "<!--catalog:late-->"  # where a page's long list goes once it is rendered
PAGE_SIZE = 30  # entries the home page renders and shows at once; "Show more" adds as many
HOME_CHUNK = 500  # papers per file of the home page's data (the first is in the page)
LIST_PAGE = 200  # entries per keyword, venue, year or topic page
FACET_TOP = 10  # values a facet shows before "Show all"
ROOT = "\x01root\x01"  # stands for a page's way back to the site root in shared markup
TOP_VENUES = 15
TOP_KEYWORDS = 20
_EPOCH = dt.date(1970, 1, 1)
_DAYS_BY_YEAR = 10_000_000  # more than any date's ordinal: year * this + day sorts by both
# Characters that could end a <script> block or start markup inside embedded JSON.
_JSON_IN_HTML = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


@dataclass(frozen=True, slots=True)
class Page:
    """One page: its address ('' or ending in '/'), title, HTML and how it is made.

    `late` is a long list that replaces LATE_MARKER in the finished page (mkdocs' search and
    templates never walk through it); `head` goes into <head>; `generated` pages are put into
    the theme's shell by site.py rather than rendered one by one through mkdocs.
    """

    path: str
    title: str
    html: str
    late: str = ""
    head: str = ""
    generated: bool = False
    skip: str = "content"  # the id the skip link leads to
    lastmod: dt.date | None = None

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


@dataclass(frozen=True, slots=True)
class Pending:
    """A generated page not rendered yet: its address, title and date, and how to make it.

    The site writes generated pages one at a time as it makes them (at 100,000 papers they
    hold ~2 GB of HTML), so it never holds them all; the sitemap and the search need only
    their addresses and titles."""

    path: str
    title: str
    lastmod: dt.date | None
    make: Callable[[], Page]


@dataclass(frozen=True)
class FacetKind:
    """A facet of the home browser and the folder of pages it gets, one per value."""

    facet: str  # data-facet and URL parameter
    folder: str
    heading: str
    singular: str
    values: Callable[[Paper], list[Any]]


def topics_of(paper: Paper) -> list[str]:
    return list(paper.topics)


FACET_KINDS = (
    FacetKind("topic", "topics", "Topics", "Topic", topics_of),
    FacetKind("keyword", "keywords", "Keywords", "Keyword", lambda p: list(p.keywords)),
    FacetKind("venue", "venues", "Venues", "Venue", lambda p: [p.venue]),
    FacetKind("year", "years", "Years", "Year", lambda p: [p.year]),
)


@dataclass
class Facets:
    """Each facet's values with their paper counts and slugs, in display order."""

    kinds: list[FacetKind] = field(default_factory=list)
    counts: dict[str, Counter[Any]] = field(default_factory=dict)
    slugs: dict[str, dict[Any, str]] = field(default_factory=dict)
    labels: dict[str, dict[Any, str]] = field(default_factory=dict)  # shown instead of values
    _chips: dict[tuple[str, Any], dict[str, str]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def label(self, facet: str, value: Any) -> str:
        return self.labels.get(facet, {}).get(value, str(value))

    def chip(self, facet: str, value: Any) -> dict[str, str]:
        """A value as the templates link it (name, slug, title): one dict per value, shared
        by every paper that has it (read only), not one per paper and value."""
        key = (facet, value)
        chip = self._chips.get(key)
        if chip is None:
            slug = self.slugs[facet][value]
            chip = {"name": value, "slug": slug, "title": self.label(facet, value)}
            self._chips[key] = chip
        return chip


def embed_json(value: Any) -> str:
    """JSON safe as raw text in HTML (the home page's <template>): no '<', '>' or '&' survives.

    One str.replace per character rather than str.translate: translate looks every
    character up in a dict, ~10x slower on the home page's megabytes of data."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _JSON_IN_HTML:
        text = text.replace(char, escaped)
    return text


def newest_first(papers: Iterable[Paper]) -> list[Paper]:
    """The home page's default order: year, then addition date, newest first; then title.

    One sort of plain tuples made once per paper (newest first as one negated number):
    no key function called from the sort and no second pass."""
    listed = list(papers)
    keyed = sorted(
        (-(p.year * _DAYS_BY_YEAR + p.added.toordinal()), p.title.casefold(), p.id, i)
        for i, p in enumerate(listed)
    )
    return [listed[k[3]] for k in keyed]


def facets_of(papers: list[Paper], catalog: Catalog | None = None) -> Facets:
    """The facets that have values (topics only once papers carry them).

    A topic's value is its id, which is its page's name (the README links topics/<id>/);
    it shows as the registry's name. Counted in one pass over the papers, with one dict
    per facet; only the values (a few hundred) are sorted."""
    topics: dict[Any, int] = {}
    keywords: dict[Any, int] = {}
    venues: dict[Any, int] = {}
    years: dict[Any, int] = {}
    for p in papers:
        for t in p.topics:
            topics[t] = topics.get(t, 0) + 1
        for k in p.keywords:
            keywords[k] = keywords.get(k, 0) + 1
        venues[p.venue] = venues.get(p.venue, 0) + 1
        years[p.year] = years.get(p.year, 0) + 1
    counted = {"topic": topics, "keyword": keywords, "venue": venues, "year": years}
    facets = Facets()
    for kind in FACET_KINDS:
        if kind.facet in counted:
            counts: Counter[Any] = Counter(counted[kind.facet])
        else:  # a kind this pass does not know: its own values, paper by paper
            counts = Counter(v for p in papers for v in kind.values(p))
        if not counts and kind.facet not in ("year", "venue"):  # every paper has those two,
            continue  # so they are facets even of a catalog with no papers yet
        facets.kinds.append(kind)
        facets.counts[kind.facet] = counts
        if kind.facet == "year":
            facets.slugs["year"] = {y: str(y) for y in sorted(counts, reverse=True)}
        elif kind.facet == "topic":
            facets.slugs["topic"] = {t: t for t in sorted(counts)}
            entries = catalog.topics.entries if catalog is not None else {}
            facets.labels["topic"] = {t: entries[t].name if t in entries else t for t in counts}
        else:
            facets.slugs[kind.facet] = unique_slugs(counts)
    return facets


def by_count(counts: Counter[Any]) -> list[tuple[Any, int]]:
    """Most papers first, then by name."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]).casefold()))
