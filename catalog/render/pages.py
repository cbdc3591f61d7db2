"""The site's pages as HTML fragments: pure functions of the Catalog, rendered with Jinja.

Nothing here knows about mkdocs: a page is a path, a title and a fragment of HTML with
links relative to the page's own address. catalog/render/site.py hands them to the builder.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from catalog.catalog import Catalog
from catalog.model import Paper
from catalog.render.charts import Bar, bar_chart
from catalog.render.exports import bibtex_entry, safe_url, venue_full_name
from catalog.render.urls import unique_slugs
from catalog.resources import catalog_templates, templates_dir

LATE_MARKER = "<!--catalog:late-->"  # where a page's long list goes once it is rendered
PAGE_SIZE = 100  # entries the home page renders and shows at once; "Show more" adds as many
LINK_LABELS = ("paper", "code", "project")  # an entry's links, in this order
# Pages kept out of nav (one per paper and per facet value) would show an empty navigation
# sidebar on wide screens; the tabs above still lead everywhere.
NOT_IN_NAV = ("navigation", "toc")
TOP_VENUES = 15
TOP_KEYWORDS = 20
_EPOCH = dt.date(1970, 1, 1)
# Characters that could end a <script> block or start markup inside embedded JSON.
_JSON_IN_HTML = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


@dataclass(frozen=True)
class Page:
    """One page of the site: its docs-relative .md path, title and HTML.

    `late` is a long list that replaces LATE_MARKER in the finished page: search does not
    index it and the theme never walks through it.
    """

    path: str
    title: str
    html: str
    late: str = ""
    hide: tuple[str, ...] = ("toc",)


@dataclass
class Facets:
    """Each facet's values and their site-relative slugs, in display order."""

    keyword: dict[str, str] = field(default_factory=dict)
    venue: dict[str, str] = field(default_factory=dict)
    year: dict[int, str] = field(default_factory=dict)


def embed_json(value: Any) -> str:
    """JSON safe as raw text in HTML (the home page's <template>): no '<', '>' or '&' survives."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_JSON_IN_HTML)


def newest_first(papers: Iterable[Paper]) -> list[Paper]:
    """The home page's default order: year, then addition date, newest first; then title."""
    by_title = sorted(papers, key=lambda p: (p.title.casefold(), p.id))
    return sorted(by_title, key=lambda p: (p.year, p.added), reverse=True)


def build_pages(catalog: Catalog, page_size: int = PAGE_SIZE) -> list[Page]:
    """Every page: home browser, stats, the three indexes, and one per paper and facet value.

    The home page renders only its first `page_size` entries (what a reader sees first, and
    what a reader without JavaScript gets beside the keyword, venue and year pages); its
    embedded data lets the script render any other entry, which keeps the page small.
    """
    env = _environment(catalog_templates(catalog.data_dir) / "site")
    papers = newest_first(catalog.papers)
    keyword_counts = Counter(k for p in papers for k in p.keywords)
    venue_counts = Counter(p.venue for p in papers)
    year_counts = Counter(p.year for p in papers)
    facets = Facets(
        keyword=unique_slugs(keyword_counts),
        venue=unique_slugs(venue_counts),
        year={y: str(y) for y in sorted(year_counts, reverse=True)},
    )
    ordered = [_paper_view(catalog, p, facets) for p in papers]
    config = catalog.config
    site: dict[str, Any] = {  # the templates' context
        "title": config.title if config else "Catalog",
        "description": config.description if config else "",
        "intro": config.intro if config else "",
        "repo_url": safe_url(config.repo_url) if config else None,
    }
    entry = env.get_template("entry.html.j2")
    entries = env.get_template("list.html.j2")
    pages = [
        Page(
            "index.md",
            site["title"],
            env.get_template("home.html.j2").render(
                site=site,
                count=len(ordered),
                page_size=page_size,
                facets=_facet_lists(keyword_counts, venue_counts, year_counts, facets),
                marker=LATE_MARKER,
            ),
            late=entries.render(
                entries=[entry.render(root="", p=view) for view in ordered[:page_size]],
                data=embed_json(_browser_data(ordered, facets)),
            ),
            hide=("navigation", "toc"),
        ),
        Page(
            "stats.md",
            "Statistics",
            env.get_template("stats.html.j2").render(
                total=len(papers),
                charts=_charts(keyword_counts, venue_counts, year_counts),
            ),
        ),
    ]
    paper_template = env.get_template("paper.html.j2")
    # In id order: the search index and the sitemap list pages in the order given here, and
    # neighbouring ids share prefixes, so both gzip smaller (by 30 KB and 9 KB at 10,000).
    for view in sorted(ordered, key=lambda v: v["id"]):
        pages.append(
            Page(
                f"papers/{view['id']}.md",
                view["title"],
                paper_template.render(root="../../", paper=view),
                hide=NOT_IN_NAV,
            )
        )
    listing = env.get_template("listing.html.j2")
    index = env.get_template("index.html.j2")
    groups: list[tuple[str, str, dict[Any, str], Counter[Any]]] = [
        ("keywords", "Keywords", facets.keyword, keyword_counts),
        ("venues", "Venues", facets.venue, venue_counts),
        ("years", "Years", facets.year, year_counts),
    ]
    # Each facet value's list entries: a paper's entry is rendered once for all its pages.
    by_value: dict[str, dict[Any, list[str]]] = {
        "keywords": {k: [] for k in facets.keyword},
        "venues": {v: [] for v in facets.venue},
        "years": {y: [] for y in facets.year},
    }
    for view in ordered:
        html = entry.render(root="../../", p=view)
        for keyword in view["keywords"]:
            by_value["keywords"][keyword["name"]].append(html)
        by_value["venues"][view["venue"]].append(html)
        by_value["years"][view["year"]].append(html)
    for folder, heading, slugs, counts in groups:
        index_entries = [
            {"name": str(value), "slug": slug, "count": counts[value]}
            for value, slug in sorted(slugs.items(), key=lambda kv: _index_order(folder, kv[0]))
        ]
        pages.append(
            Page(
                f"{folder}/index.md",
                heading,
                index.render(heading=heading, entries=index_entries),
            )
        )
        kind = heading[:-1]
        for value, slug in slugs.items():
            members = by_value[folder][value]
            pages.append(
                Page(
                    f"{folder}/{slug}.md",
                    f"{kind}: {value}",
                    listing.render(
                        root="../../",
                        kind=kind,
                        folder=folder,
                        name=str(value),
                        detail=_detail(catalog, folder, value),
                        count=len(members),
                        marker=LATE_MARKER,
                    ),
                    late=entries.render(entries=members, data=None),
                    hide=NOT_IN_NAV,
                )
            )
    return pages


def _environment(overrides: Path) -> Environment:
    """The site's templates; a same-named file in the catalog's templates/site/ wins."""
    return Environment(
        loader=FileSystemLoader([overrides, templates_dir() / "site"]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def _paper_view(catalog: Catalog, paper: Paper, facets: Facets) -> dict[str, Any]:
    links = [
        (label, safe_url(url))
        for label, url in zip(
            LINK_LABELS, (paper.links.paper, paper.links.code, paper.links.project), strict=True
        )
    ]
    return {
        "id": paper.id,
        "title": paper.title,
        "year": paper.year,
        "venue": paper.venue,
        "venue_slug": facets.venue[paper.venue],
        "venue_full_name": venue_full_name(catalog, paper.venue),
        "keywords": [{"name": k, "slug": facets.keyword[k]} for k in paper.keywords],
        "links": [(label, url) for label, url in links if url],
        "authors": list(paper.authors or []),
        "added": paper.added.isoformat(),
        "bibtex": bibtex_entry(catalog, paper),
    }


def _facet_lists(
    keywords: Counter[str], venues: Counter[str], years: Counter[int], facets: Facets
) -> list[dict[str, Any]]:
    """The home page's facet columns: keyword and venue by count, years newest first."""
    return [
        {"facet": "keyword", "title": "Keyword", "values": _by_count(keywords)},
        {"facet": "venue", "title": "Venue", "values": _by_count(venues)},
        {"facet": "year", "title": "Year", "values": [(y, years[y]) for y in facets.year]},
    ]


def _by_count(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most papers first, then by name."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))


def _browser_data(views: list[dict[str, Any]], facets: Facets) -> dict[str, Any]:
    """What the facet script needs to filter and render every entry, in the home page's order.

    Column by column rather than one object per paper: a column of like values gzips far
    better, and the home page carries this for every paper. `venue`, `year` and `keywords`
    hold indexes into `facets` (whose keyword and venue pages are at `slugs`); `added` is in
    days since 1970, the first absolute and each next one as the difference from the one
    before (near zero in this order); `links` are the already-checked http(s) URLs per kind,
    "" where a paper has none.
    """
    keywords = sorted(facets.keyword)
    venues = sorted(facets.venue)
    years = list(facets.year)
    k_index = {k: i for i, k in enumerate(keywords)}
    v_index = {v: i for i, v in enumerate(venues)}
    y_index = {y: i for i, y in enumerate(years)}
    days = [(dt.date.fromisoformat(v["added"]) - _EPOCH).days for v in views]
    links = [dict(v["links"]) for v in views]
    return {
        "facets": {"keyword": keywords, "venue": venues, "year": [str(y) for y in years]},
        "slugs": {
            "keyword": [facets.keyword[k] for k in keywords],
            "venue": [facets.venue[v] for v in venues],
        },
        "ids": [v["id"] for v in views],
        "titles": [v["title"] for v in views],
        "venue": [v_index[v["venue"]] for v in views],
        "year": [y_index[v["year"]] for v in views],
        "added": [day - before for day, before in zip(days, [0, *days], strict=False)],
        "keywords": [[k_index[k["name"]] for k in v["keywords"]] for v in views],
        "links": [[label, [row.get(label, "") for row in links]] for label in LINK_LABELS],
    }


def _charts(
    keywords: Counter[str], venues: Counter[str], years: Counter[int]
) -> list[dict[str, str]]:
    per_year = [Bar(str(y), years[y]) for y in sorted(years)]
    top_venues = [Bar(v, n) for v, n in _by_count(venues)[:TOP_VENUES]]
    top_keywords = [Bar(k, n) for k, n in _by_count(keywords)[:TOP_KEYWORDS]]
    return [
        {"title": "Papers per year", "svg": bar_chart("Papers per year", per_year)},
        {"title": f"Top {TOP_VENUES} venues", "svg": bar_chart("Top venues", top_venues)},
        {"title": f"Top {TOP_KEYWORDS} keywords", "svg": bar_chart("Top keywords", top_keywords)},
    ]


def _index_order(folder: str, value: Any) -> Any:
    return -value if folder == "years" else str(value).casefold()


def _detail(catalog: Catalog, folder: str, value: Any) -> dict[str, Any]:
    """What a facet page says about its value besides the papers: full name, link, text."""
    detail: dict[str, Any] = {"full_name": None, "url": None, "description": None}
    venue = catalog.venues.entries.get(value) if folder == "venues" else None
    if venue:
        detail.update(full_name=venue.full_name, url=safe_url(venue.url))
    keyword = catalog.keywords.entries.get(value) if folder == "keywords" else None
    if keyword:
        detail["description"] = keyword.description
    return detail
