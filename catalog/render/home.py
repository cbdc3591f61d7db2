"""The home page's browser: its HTML, and the data its script filters, in chunks.

The page carries what the first screen needs (the first entries, the facets with their
counts, the data of the first `chunk` papers); the script fetches home/<n>.json for the
others once the reader asks for more than that (a filter, a sort, the end of the list), so
no download grows with the catalog past a chunk, and a reader who only looks fetches none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Environment

from catalog.catalog import LINK_SLOTS, Catalog
from catalog.render.exports import safe_url
from catalog.render.intro import intro_html
from catalog.render.views import (
    _EPOCH,
    FACET_TOP,
    LATE_MARKER,
    ROOT,
    Facets,
    Page,
    by_count,
    embed_json,
)

CITE_FIELDS = ("doi", "arxiv", "published")  # what the selection export adds from the facts


def browser_data(views: list[dict[str, Any]], facets: Facets) -> dict[str, Any]:
    """What the facet script needs to filter and render every entry, in the home page's order.

    Column by column rather than one object per paper: a column of like values gzips far
    better. `values[facet]` holds indexes into `facets[facet]` (a list per paper for the
    multi-valued keyword and topic, one index for venue and year); `added` is in days since
    1970, each as the difference from the one before; `links` are the already-checked
    http(s) URLs per kind, "" where a paper has none; `cite` holds the DOI, arXiv id and
    published day per paper ("" where unknown) for the selection export.
    """
    names: dict[str, list[Any]] = {}
    index: dict[str, dict[Any, int]] = {}
    for kind in facets.kinds:
        values = list(facets.slugs[kind.facet])
        if kind.facet != "year":
            values.sort(key=str)
        names[kind.facet] = values
        index[kind.facet] = {v: i for i, v in enumerate(values)}
    # One pass over the views, each column appended to as it goes (every pass over 100,000
    # view dicts walks hundreds of MB, far from any cache).
    ids: list[str] = []
    titles: list[str] = []
    authors: list[Any] = []
    days: list[int] = []
    multi = [k.facet for k in facets.kinds if k.facet in ("keyword", "topic")]
    single = [k.facet for k in facets.kinds if k.facet not in ("keyword", "topic")]
    chosen: dict[str, list[Any]] = {k.facet: [] for k in facets.kinds}
    links: dict[str, list[str]] = {label: [] for label in LINK_SLOTS}
    cite: dict[str, list[str]] = {name: [] for name in CITE_FIELDS}
    epoch = _EPOCH.toordinal()
    for v in views:
        ids.append(v["id"])
        titles.append(v["title"])
        authors.append(v["authors"])
        days.append(dt.date.fromisoformat(v["added"]).toordinal() - epoch)
        facet_values = v["values"]
        for facet in multi:
            numbers = index[facet]
            chosen[facet].append([numbers[x] for x in facet_values[facet]])
        for facet in single:
            chosen[facet].append(index[facet][facet_values[facet][0]])
        row = dict(v["links"])
        for label, column in links.items():
            column.append(row.get(label, ""))
        for name, column in cite.items():
            column.append(v[name] or "")
    columns: dict[str, Any] = {
        "ids": ids,
        "titles": titles,
        "authors": authors,
        "added": days,
        "values": {k.facet: chosen[k.facet] for k in facets.kinds},
        "links": links,
        "cite": cite,
    }
    return {
        "order": [k.facet for k in facets.kinds],
        "facets": {f: [str(v) for v in values] for f, values in names.items()},
        "slugs": {
            f: [facets.slugs[f][v] for v in values] for f, values in names.items() if f != "year"
        },
        "labels": {f: [facets.label(f, v) for v in names[f]] for f in facets.labels},
        "venueInfo": [[v["venue_full_name"], v["venue_kind"]] for v in _venue_rows(views, names)],
        # Papers per value: the counts while nothing is filtered, before any chunk has come.
        "totals": {f: [facets.counts[f][v] for v in values] for f, values in names.items()},
        "columns": columns,
    }


def _venue_rows(views: list[dict[str, Any]], names: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """One paper view per venue, in the order of names["venue"], for its full name and kind."""
    first: dict[str, dict[str, Any]] = {}
    for view in views:
        first.setdefault(view["venue"], view)
    return [first[v] for v in names["venue"]]


def chunk_of(columns: dict[str, Any], start: int, stop: int) -> dict[str, Any]:
    """Rows start..stop of the columns; `added` as differences from the chunk's first."""
    days = columns["added"][start:stop]
    return {
        "start": start,
        "ids": columns["ids"][start:stop],
        "titles": columns["titles"][start:stop],
        "authors": columns["authors"][start:stop],
        "added": [d - b for d, b in zip(days, [0, *days], strict=False)],
        "values": {f: col[start:stop] for f, col in columns["values"].items()},
        "links": {k: col[start:stop] for k, col in columns["links"].items()},
        "cite": {k: col[start:stop] for k, col in columns["cite"].items()},
    }


def home_page(
    env: Environment,
    catalog: Catalog,
    facets: Facets,
    data: dict[str, Any],
    entries: list[str],
    page_size: int,
    chunk: int,
    facet_top: int = FACET_TOP,
) -> tuple[Page, list[str]]:
    """The home page and the JSON of the chunks after its first."""
    config = catalog.config
    site = {
        "title": config.title if config else "Catalog",
        "description": config.description if config else "",
        "intro": intro_html(config.intro) if config else "",
        "repo_url": safe_url(config.repo_url) if config else None,
    }
    columns = data.pop("columns")
    count = len(columns["ids"])
    starts = list(range(0, count, chunk)) or [0]
    chunks = [chunk_of(columns, s, min(s + chunk, count)) for s in starts]
    header = {**data, "count": count, "chunks": len(chunks), "first": chunks[0]}
    groups = []
    for kind in facets.kinds:
        ordered = by_count(facets.counts[kind.facet])
        if kind.facet == "year":
            ordered = [(y, facets.counts["year"][y]) for y in facets.slugs["year"]]
        labelled = [(v, facets.label(kind.facet, v), n) for v, n in ordered]
        groups.append(
            {
                "facet": kind.facet,
                "title": kind.singular,
                "values": labelled[:facet_top] if kind.facet != "year" else labelled,
                "total": len(ordered),
            }
        )
    years = sorted(facets.counts["year"])
    html = env.get_template("home.html.j2").render(
        site=site,
        count=count,
        page_size=page_size,
        facets=groups,
        years=years,
        marker=LATE_MARKER,
    )
    late = env.get_template("list.html.j2").render(
        entries=[e.replace(ROOT, "") for e in entries[:page_size]], data=embed_json(header)
    )
    newest = max(columns["added"], default=None)
    lastmod = _EPOCH + dt.timedelta(days=newest) if newest is not None else None
    page = Page("", str(site["title"]), html, late=late, skip="papers", lastmod=lastmod)
    return page, [embed_json(c) for c in chunks[1:]]
