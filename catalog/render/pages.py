"""The site's pages as HTML fragments: pure functions of the Catalog, rendered with Jinja.

Nothing here knows about mkdocs: a page is an address, a title and a fragment of HTML with
links relative to the page's own address. catalog/render/site.py has mkdocs render the
hand-written kinds (home, statistics, the index pages) and puts the generated ones (a page
per paper and per facet value) into the theme's shell itself.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    Template,
    select_autoescape,
)

from catalog.catalog import LINK_SLOTS, Catalog
from catalog.health import headline
from catalog.model import Paper
from catalog.render.charts import Bar, bar_chart
from catalog.render.citation import citation_meta
from catalog.render.exports import bibtex_entry, safe_url
from catalog.render.facts_view import PaperView, paper_facts, paper_views, short_authors
from catalog.render.home import browser_data, home_page
from catalog.render.listings import facet_pages
from catalog.render.numbers import thousands
from catalog.render.packed import PackedStrings, PackedValues
from catalog.render.related import Related
from catalog.render.views import (
    FACET_TOP,
    HOME_CHUNK,
    LIST_PAGE,
    PAGE_SIZE,
    ROOT,
    TOP_KEYWORDS,
    TOP_VENUES,
    Facets,
    Page,
    Pending,
    by_count,
    facets_of,
    newest_first,
)
from catalog.resources import catalog_templates, templates_dir


@dataclass
class Site:
    """Everything build_pages makes: the pages and what the data files beside them hold."""

    items: list[Page | Pending]  # every page, in the sitemap's order
    home_chunks: list[str]  # home/<n>.json after the first, which the home page embeds
    facets: Facets
    order: list[Paper]  # the home page's order
    abstracts: dict[str, str]
    views: dict[str, PaperView]  # each paper as every output shows it (record + facts)
    bibtex: dict[str, str] = field(default_factory=dict)  # each paper's BibTeX entry, by id

    @property
    def static(self) -> list[Page]:
        """The pages mkdocs renders (home, statistics, the index pages)."""
        return [item for item in self.items if isinstance(item, Page)]

    @property
    def pending(self) -> list[Pending]:
        """The generated pages (one per paper and per facet value), not rendered yet."""
        return [item for item in self.items if isinstance(item, Pending)]

    @property
    def pages(self) -> list[Page]:
        """Every page rendered, in order (for tests and small catalogs: holds them all)."""
        return [item if isinstance(item, Page) else item.make() for item in self.items]


def build_pages(
    catalog: Catalog,
    page_size: int = PAGE_SIZE,
    *,
    chunk: int = HOME_CHUNK,
    list_page: int = LIST_PAGE,
    facet_top: int = FACET_TOP,
    abstracts: dict[str, str] | None = None,
    step: Callable[[str], None] = lambda stage: None,
) -> Site:
    """Every page: home browser, stats, the index pages, one per paper and facet value.

    The home page renders its first `page_size` entries (what a reader sees first, and what
    a reader without JavaScript gets beside the facet pages) and embeds the data of the
    first `chunk` papers; the script fetches the other chunks. Generated pages come back
    as Pending: rendered when the site writes them.
    """
    shared = paper_views(catalog)  # record + data/facts.yaml, for every output
    if abstracts is None:  # what `catalog sync` found (data/facts.yaml)
        abstracts = {i: v.abstract for i, v in shared.items() if v.abstract}
    env = environment(catalog_templates(catalog.data_dir) / "site")
    papers = newest_first(catalog.papers)
    facets = facets_of(papers, catalog)
    views = [paper_view(shared[p.id], facets, abstracts.get(p.id, "")) for p in papers]
    entry = env.get_template("entry.html.j2")
    entries = [entry.render(root=ROOT, p=view) for view in views]
    data = browser_data(views, facets)
    home, chunks = home_page(env, catalog, facets, data, entries, page_size, chunk, facet_top)
    newest = max((p.added for p in papers), default=None)
    items: list[Page | Pending] = [
        home,
        Page(
            "stats/",
            "Statistics",
            env.get_template("stats.html.j2").render(
                total=len(papers), charts=_charts(facets), root="../", health=headline(catalog)
            ),
            lastmod=newest,
        ),
    ]
    step("related papers")
    # Each page asks for its own; given in id order (the loader's), Related's sort is one pass.
    related = Related(catalog.papers, lambda p: abstracts.get(p.id, ""))
    # In id order (Related's order too): the sitemap lists pages in the order given here,
    # and neighbouring ids share prefixes, so it gzips smaller.
    place = {p.id: i for i, p in enumerate(papers)}
    by_id = [place[paper_id] for paper_id in related.ids]
    pages = _PaperPages(
        env.get_template("paper.html.j2"),
        PackedValues((views[i], citation_meta(catalog, shared[papers[i].id])) for i in by_id),
        PackedStrings(views[i]["title"] for i in by_id),
        PackedStrings(papers[i].id for i in by_id),
        related,
    )
    for number, i in enumerate(by_id):
        paper = papers[i]
        make = functools.partial(pages.page, number)
        items.append(Pending(f"papers/{paper.id}/", paper.title, paper.added, make))
    listed = PackedStrings(entries)  # the listings' entries, read by the page writers
    items += facet_pages(env, catalog, facets, views, listed, list_page)
    bibtex = {v["id"]: v["bibtex"] for v in views}
    return Site(items, chunks, facets, papers, abstracts, shared, bibtex)


class _PaperPages:
    """What the paper pages are made from, kept where forked page writers read it without
    copying it (catalog/render/packed.py): each one's view and <meta> tags, the titles, and
    the related papers' index; number n is the n-th paper in id order."""

    def __init__(
        self,
        template: Template,
        records: PackedValues,
        titles: PackedStrings,
        ids: PackedStrings,
        related: Related,
    ) -> None:
        self.template, self.records, self.related = template, records, related
        self.titles, self.ids = titles, ids

    def page(self, number: int) -> Page:
        view, head = self.records[number]
        ids, titles = self.ids, self.titles
        near = [{"id": ids[i], "title": titles[i]} for i in self.related.of_number(number)]
        return Page(
            f"papers/{view['id']}/",
            view["title"],
            self.template.render(root="../../", paper=view, related=near),
            head=head,
            generated=True,
            lastmod=dt.date.fromisoformat(view["added"]),
        )


def environment(overrides: Path | None = None) -> Environment:
    """The site's templates; a same-named file in the catalog's templates/site/ wins.

    `count` writes a number as a reader expects it (6,097)."""
    env = _Environment(
        loader=FileSystemLoader([*([overrides] if overrides else []), templates_dir() / "site"]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["count"] = thousands
    return env


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's `x.name` on the views (plain dicts), without its cost: Jinja tries the
    attribute first and the key only once that raised AttributeError, which is ~1/6 of a
    paper page's rendering. The answer is the same: a dict has no attributes but dict's."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def _bytecode_cache() -> BytecodeCache | None:
    """Jinja's per-user cache of compiled templates (keyed by their source, so an edited or
    overriding template is compiled afresh); None where no temp folder is usable."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


def paper_view(shared: PaperView, facets: Facets, abstract: str) -> dict[str, Any]:
    """What the templates and the home page's data say about a paper (from its shared view)."""
    paper = shared.paper
    links = [
        (label, safe_url(url))
        for label, url in zip(
            LINK_SLOTS, (paper.links.paper, paper.links.code, paper.links.project), strict=True
        )
    ]
    values = {kind.facet: kind.values(paper) for kind in facets.kinds}
    return {
        "id": paper.id,
        "title": paper.title,
        "year": paper.year,
        "venue": paper.venue,
        "venue_slug": facets.slugs["venue"][paper.venue],
        "venue_full_name": shared.venue_full_name,
        "venue_kind": shared.venue_kind,
        "keywords": [facets.chip("keyword", k) for k in paper.keywords],
        "topics": [facets.chip("topic", t) for t in values.get("topic", [])],
        "values": values,
        "links": [(label, url) for label, url in links if url],
        "authors": list(shared.authors),
        "short_authors": short_authors(shared.authors),  # a list entry's first authors
        "added": paper.added.isoformat(),
        "arxiv": shared.arxiv_id,
        "doi": shared.doi,
        "published": shared.published.isoformat() if shared.published else "",
        "abstract": abstract,
        "facts": paper_facts(shared),  # published, citations, stars (with the day), archived
        "bibtex": bibtex_entry(shared),
    }


def _charts(facets: Facets) -> list[dict[str, Any]]:
    years = facets.counts["year"]
    charts = [("Papers per year", "Year", [Bar(str(y), years[y]) for y in sorted(years)])]
    venues = by_count(facets.counts["venue"])[:TOP_VENUES]
    charts.append((f"Top {TOP_VENUES} venues", "Venue", [Bar(v, n) for v, n in venues]))
    if "keyword" in facets.counts:
        top = by_count(facets.counts["keyword"])[:TOP_KEYWORDS]
        charts.append((f"Top {TOP_KEYWORDS} keywords", "Keyword", [Bar(k, n) for k, n in top]))
    if "topic" in facets.counts:
        topics = by_count(facets.counts["topic"])
        bars = [Bar(facets.label("topic", t), n) for t, n in topics]
        charts.append(("Papers per topic", "Topic", bars))
    return [
        {"title": title, "id": f"chart-{n}", "svg": bar_chart(title, bars, label)}
        for n, (title, label, bars) in enumerate(charts)
    ]
