"""The site's pages as HTML fragments: pure functions of the Catalog, rendered with Jinja.

Nothing here knows about mkdocs: a page is an address, a title and a fragment of HTML with
links relative to the page's own address. catalog/render/site.py has mkdocs render the
hand-written kinds (home, statistics, the index pages) and puts the generated ones (a page
per paper and per facet value) into the theme's shell itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from catalog.catalog import Catalog
from catalog.health import headline
from catalog.model import Paper
from catalog.render.charts import Bar, bar_chart
from catalog.render.citation import citation_meta
from catalog.render.exports import bibtex_entry, safe_url
from catalog.render.facts_view import PaperView, paper_facts, paper_views, short_authors
from catalog.render.home import browser_data, home_page
from catalog.render.related import related_papers
from catalog.render.views import (
    FACET_TOP,
    HOME_CHUNK,
    LATE_MARKER,
    LINK_LABELS,
    LIST_PAGE,
    PAGE_SIZE,
    ROOT,
    TOP_KEYWORDS,
    TOP_VENUES,
    FacetKind,
    Facets,
    Page,
    by_count,
    facets_of,
    newest_first,
)
from catalog.resources import catalog_templates, templates_dir


@dataclass
class Site:
    """Everything build_pages makes: the pages and what the data files beside them hold."""

    pages: list[Page]
    home_chunks: list[str]  # home/<n>.json after the first, which the home page embeds
    facets: Facets
    order: list[Paper]  # the home page's order
    abstracts: dict[str, str]
    views: dict[str, PaperView]  # each paper as every output shows it (record + facts)


def build_pages(
    catalog: Catalog,
    page_size: int = PAGE_SIZE,
    *,
    chunk: int = HOME_CHUNK,
    list_page: int = LIST_PAGE,
    facet_top: int = FACET_TOP,
    abstracts: dict[str, str] | None = None,
) -> Site:
    """Every page: home browser, stats, the index pages, one per paper and facet value.

    The home page renders its first `page_size` entries (what a reader sees first, and what
    a reader without JavaScript gets beside the facet pages) and embeds the data of the
    first `chunk` papers; the script fetches the other chunks.
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
    pages = [
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
    related = related_papers(papers, lambda p: abstracts.get(p.id, ""))
    by_id = {v["id"]: v for v in views}
    paper_template = env.get_template("paper.html.j2")
    # In id order: the sitemap lists pages in the order given here, and neighbouring ids
    # share prefixes, so it gzips smaller.
    for paper in sorted(papers, key=lambda p: p.id):
        view = by_id[paper.id]
        near = [{"id": i, "title": by_id[i]["title"]} for i in related[paper.id]]
        pages.append(
            Page(
                f"papers/{paper.id}/",
                paper.title,
                paper_template.render(root="../../", paper=view, related=near),
                head=citation_meta(catalog, shared[paper.id]),
                generated=True,
                lastmod=paper.added,
            )
        )
    pages += _facet_pages(env, catalog, facets, views, entries, list_page)
    return Site(pages, chunks, facets, papers, abstracts, shared)


def _facet_pages(
    env: Environment,
    catalog: Catalog,
    facets: Facets,
    views: list[dict[str, Any]],
    entries: list[str],
    list_page: int,
) -> list[Page]:
    """Each facet's index page and one page per value, `list_page` entries a page."""
    listing = env.get_template("listing.html.j2")
    index = env.get_template("index.html.j2")
    pages: list[Page] = []
    for kind in facets.kinds:
        slugs = facets.slugs[kind.facet]
        members: dict[Any, list[int]] = {v: [] for v in slugs}
        for number, view in enumerate(views):
            for value in view["values"][kind.facet]:
                members[value].append(number)
        counts = facets.counts[kind.facet]
        index_entries = [
            {"name": facets.label(kind.facet, value), "slug": slug, "count": counts[value]}
            for value, slug in sorted(slugs.items(), key=lambda kv: _index_order(kind, kv[0]))
        ]
        newest = max((dt.date.fromisoformat(v["added"]) for v in views), default=None)
        pages.append(
            Page(
                f"{kind.folder}/",
                kind.heading,
                index.render(heading=kind.heading, entries=index_entries),
                lastmod=newest,
            )
        )
        feeds = kind.facet in ("venue", "topic")
        for value, slug in slugs.items():
            rows = members[value]
            total = (len(rows) + list_page - 1) // list_page
            lastmod = max(dt.date.fromisoformat(views[i]["added"]) for i in rows)
            for number in range(1, total + 1):
                path = f"{kind.folder}/{slug}/" + (f"page/{number}/" if number > 1 else "")
                root = "../" * path.count("/")
                here = "../../" if number > 1 else ""  # from this page to the value's first
                nav = _pager(here, number, total)
                chunk = rows[(number - 1) * list_page : number * list_page]
                html = listing.render(
                    root=root,
                    kind=kind.singular,
                    folder=kind.folder,
                    name=facets.label(kind.facet, value),
                    detail=_detail(catalog, kind.folder, value),
                    count=len(rows),
                    first=(number - 1) * list_page + 1,
                    last=(number - 1) * list_page + len(chunk),
                    pager=nav,
                    feed=f"{here}feed.xml" if feeds else None,
                    marker=LATE_MARKER,
                )
                late = '<ol class="cf-papers" id="papers">\n' + "\n".join(entries[i] for i in chunk)
                head = "".join(
                    f'<link rel="{rel}" href="{href}">\n'
                    for rel, href in (("prev", nav["prev"]), ("next", nav["next"]))
                    if href
                )
                if feeds:
                    head += (
                        '<link rel="alternate feed" type="application/atom+xml" '
                        f'title="{kind.singular}: {_attr(facets.label(kind.facet, value))}" '
                        f'href="{here}feed.xml">\n'
                    )
                shown = facets.label(kind.facet, value)
                title = f"{kind.singular}: {shown}" + (f" (page {number})" if number > 1 else "")
                pages.append(
                    Page(
                        path,
                        title,
                        html,
                        late=(late + "\n</ol>\n").replace(ROOT, root),
                        head=head,
                        generated=True,
                        skip="papers",
                        lastmod=lastmod,
                    )
                )
    return pages


def _pager(here: str, number: int, total: int) -> dict[str, Any]:
    """Links from page `number` of `total` to the previous and next ones."""

    def href(n: int) -> str:
        return here if n == 1 else f"{here}page/{n}/"

    return {
        "number": number,
        "total": total,
        "prev": href(number - 1) if number > 1 else None,
        "next": href(number + 1) if number < total else None,
    }


def _attr(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def environment(overrides: Path | None = None) -> Environment:
    """The site's templates; a same-named file in the catalog's templates/site/ wins."""
    return Environment(
        loader=FileSystemLoader([*([overrides] if overrides else []), templates_dir() / "site"]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def paper_view(shared: PaperView, facets: Facets, abstract: str) -> dict[str, Any]:
    """What the templates and the home page's data say about a paper (from its shared view)."""
    paper = shared.paper
    links = [
        (label, safe_url(url))
        for label, url in zip(
            LINK_LABELS, (paper.links.paper, paper.links.code, paper.links.project), strict=True
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
        "keywords": [{"name": k, "slug": facets.slugs["keyword"][k]} for k in paper.keywords],
        "topics": [
            {"name": t, "slug": facets.slugs["topic"][t], "title": facets.label("topic", t)}
            for t in values.get("topic", [])
        ],
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


def _index_order(kind: FacetKind, value: Any) -> Any:
    return -value if kind.facet == "year" else str(value).casefold()


def _detail(catalog: Catalog, folder: str, value: Any) -> dict[str, Any]:
    """What a facet page says about its value besides the papers: full name, link, text."""
    detail: dict[str, Any] = {"full_name": None, "url": None, "description": None}
    venue = catalog.venues.entries.get(value) if folder == "venues" else None
    if venue:
        detail.update(full_name=venue.full_name, url=safe_url(venue.url))
    keyword = catalog.keywords.entries.get(value) if folder == "keywords" else None
    if keyword:
        detail["description"] = keyword.description
    topic = catalog.topics.entries.get(value) if folder == "topics" else None
    if topic:
        detail.update(full_name=topic.name, description=topic.description)
    return detail
