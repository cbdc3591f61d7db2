"""The facet pages: each facet's index page and one listing per value, `list_page` entries
a page (topics, keywords, venues, years). Pure, like pages.py; the listings come back as
Pending pages, rendered when the site writes them."""

from __future__ import annotations

import datetime as dt
import functools
from array import array
from collections.abc import Sequence
from html import escape
from typing import Any

from jinja2 import Environment

from catalog.catalog import Catalog
from catalog.render.exports import safe_url
from catalog.render.views import LATE_MARKER, ROOT, FacetKind, Facets, Page, Pending


def facet_pages(
    env: Environment,
    catalog: Catalog,
    facets: Facets,
    views: list[dict[str, Any]],
    entries: Sequence[str],
    list_page: int,
) -> list[Page | Pending]:
    """Each facet's index page (rendered now: mkdocs renders it) and its value pages."""
    index = env.get_template("index.html.j2")
    pages: list[Page | Pending] = []
    newest = max((dt.date.fromisoformat(v["added"]) for v in views), default=None)
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
        pages.append(
            Page(
                f"{kind.folder}/",
                kind.heading,
                index.render(heading=kind.heading, entries=index_entries),
                lastmod=newest,
            )
        )
        for value, slug in slugs.items():
            rows = members[value]
            total = (len(rows) + list_page - 1) // list_page
            lastmod = max(dt.date.fromisoformat(views[i]["added"]) for i in rows)
            # an array, not a list: a forked page writer reads it without copying it
            packed = array("q", rows)
            listing = _Listing(env, catalog, facets, kind, value, slug, packed, entries, list_page)
            for number in range(1, total + 1):
                shown = facets.label(kind.facet, value)
                title = f"{kind.singular}: {shown}" + (f" (page {number})" if number > 1 else "")
                make = functools.partial(listing.page, number, total, title, lastmod)
                pages.append(Pending(listing.path(number), title, lastmod, make))
    return pages


class _Listing:
    """One facet value's papers, cut into pages of `list_page` entries."""

    def __init__(
        self,
        env: Environment,
        catalog: Catalog,
        facets: Facets,
        kind: FacetKind,
        value: Any,
        slug: str,
        rows: Sequence[int],
        entries: Sequence[str],
        list_page: int,
    ) -> None:
        self.env, self.catalog, self.facets, self.kind = env, catalog, facets, kind
        self.value, self.slug, self.rows, self.entries = value, slug, rows, entries
        self.list_page = list_page

    def path(self, number: int) -> str:
        return f"{self.kind.folder}/{self.slug}/" + (f"page/{number}/" if number > 1 else "")

    def page(self, number: int, total: int, title: str, lastmod: dt.date | None) -> Page:
        kind, facets, list_page = self.kind, self.facets, self.list_page
        feeds = kind.facet in ("venue", "topic")
        path = self.path(number)
        root = "../" * path.count("/")
        here = "../../" if number > 1 else ""  # from this page to the value's first
        nav = _pager(here, number, total)
        chunk = self.rows[(number - 1) * list_page : number * list_page]
        label = facets.label(kind.facet, self.value)
        html = self.env.get_template("listing.html.j2").render(
            root=root,
            kind=kind.singular,
            folder=kind.folder,
            name=label,
            detail=_detail(self.catalog, kind.folder, self.value),
            count=len(self.rows),
            first=(number - 1) * list_page + 1,
            last=(number - 1) * list_page + len(chunk),
            pager=nav,
            feed=f"{here}feed.xml" if feeds else None,
            marker=LATE_MARKER,
        )
        late = '<ol class="cf-papers" id="papers">\n' + "\n".join(self.entries[i] for i in chunk)
        head = "".join(
            f'<link rel="{rel}" href="{href}">\n'
            for rel, href in (("prev", nav["prev"]), ("next", nav["next"]))
            if href
        )
        if feeds:
            head += (
                '<link rel="alternate feed" type="application/atom+xml" '
                f'title="{kind.singular}: {escape(label, quote=True)}" '
                f'href="{here}feed.xml">\n'
            )
        return Page(
            path,
            title,
            html,
            late=(late + "\n</ol>\n").replace(ROOT, root),
            head=head,
            generated=True,
            skip="papers",
            lastmod=lastmod,
        )


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
