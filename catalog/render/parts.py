"""Exports that outgrow one file: papers.json, papers.bib and sitemap.xml, split into parts.

A static host serves any size, but a 75 MB papers.json (100,000 papers) is one download no
reader wants and no editor opens. So no export file grows past FILE_LIMIT bytes:

- a catalog whose export fits stays one file, byte for byte what it always was;
- beyond it, the parts are `papers-1.json`, `papers-2.json`, ... (`papers-N.bib`,
  `sitemap-N.xml`) in id order, and the entry point keeps its name and becomes an index:
  papers.json lists its `parts` (file, count, first and last id) and holds no `papers`,
  papers.bib is one `@comment` naming the files, sitemap.xml is a sitemaps.org
  <sitemapindex> (each part at most 50,000 URLs, as the protocol requires).

Each part of papers.json is a document like the small one (schema_version, title, count,
papers) plus `part`, `parts` and `total`, one paper per line. docs/exports.md says the same
for people who script against the site. Generators: each file is made, handed to the
writer and dropped, so at most one part is held at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from catalog.render.exports import SCHEMA_VERSION
from catalog.render.urls import page_url

FILE_LIMIT = 4_000_000  # bytes; the site's own limit is 5 MB, this leaves room to grow
SITEMAP_URLS = 50_000  # the sitemaps.org limit per sitemap file
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'

Files = Iterator[tuple[str, str]]  # (file name beside the site's root, its text)


def _size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def split(sizes: Sequence[int], budget: int, most: int | None = None) -> list[range]:
    """Consecutive runs of items whose sizes add up to at most `budget` (an item bigger
    than that alone in its run), each of at most `most` items."""
    runs: list[range] = []
    start, used = 0, 0
    for number, size in enumerate(sizes):
        full = most is not None and number - start >= most
        if number > start and (used + size > budget or full):
            runs.append(range(start, number))
            start, used = number, 0
        used += size
    if start < len(sizes):
        runs.append(range(start, len(sizes)))
    return runs


def papers_json_files(
    title: str,
    ids: Sequence[str],
    record: Callable[[int], dict[str, Any]],
    limit: int | None = None,
) -> Files:
    """papers.json (ids in order; `record(i)` is paper i's record), split when too big."""
    limit = FILE_LIMIT if limit is None else limit
    rows = [json.dumps(record(i), ensure_ascii=False) for i in range(len(ids))]
    sizes = [_size(row) + 2 for row in rows]  # ",\n"
    if sum(sizes) <= limit:  # it may fit: the indented whole is the file it always was
        document = {
            "schema_version": SCHEMA_VERSION,
            "title": title,
            "count": len(ids),
            "papers": [record(i) for i in range(len(ids))],
        }
        whole = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        if _size(whole) <= limit:
            yield "papers.json", whole
            return
    runs = split(sizes, limit - 512 - _size(json.dumps(title, ensure_ascii=False)))
    parts = []
    for number, run in enumerate(runs, start=1):
        name = f"papers-{number}.json"
        head = {
            "schema_version": SCHEMA_VERSION,
            "title": title,
            "count": len(run),
            "part": number,
            "parts": len(runs),
            "total": len(ids),
        }
        opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "papers": [\n'
        yield name, opening + ",\n".join(rows[i] for i in run) + "\n]}\n"
        parts.append({"file": name, "count": len(run), "first": ids[run[0]], "last": ids[run[-1]]})
    index = {
        "schema_version": SCHEMA_VERSION,
        "title": title,
        "count": len(ids),
        "note": "Too many papers for one file: each file under `parts` is a document "
        "like this one whose `papers` are the papers from `first` to `last` (in id order).",
        "parts": parts,
    }
    yield "papers.json", json.dumps(index, ensure_ascii=False, indent=1) + "\n"


def papers_bib_files(ids: Sequence[str], entries: Sequence[str], limit: int | None = None) -> Files:
    """papers.bib (one entry per id, in order), split when too big."""
    limit = FILE_LIMIT if limit is None else limit
    whole = "\n".join(entries)
    if _size(whole) <= limit:
        yield "papers.bib", whole
        return
    runs = split([_size(e) + 1 for e in entries], limit - 1)
    lines = []
    for number, run in enumerate(runs, start=1):
        name = f"papers-{number}.bib"
        yield name, "\n".join(entries[i] for i in run)
        lines.append(f"{name}: {len(run)} entries, {ids[run[0]]} to {ids[run[-1]]}")
    yield (
        "papers.bib",
        (
            f"@comment{{This catalog's {len(ids)} BibTeX entries are too many for one file. "
            f"They are in these {len(runs)} files beside this one, in key order:\n"
            + "\n".join(lines)
            + "\n}\n"
        ),
    )


def sitemap_files(
    site_url: str,
    pages: Iterable[tuple[str, dt.date | None]],
    limit: int | None = None,
    most: int | None = None,
) -> Files:
    """sitemap.xml: every page's absolute address, its lastmod from its papers' dates; a
    <sitemapindex> of sitemap-N.xml when there are more than `most` pages or `limit` bytes."""
    limit = FILE_LIMIT if limit is None else limit
    most = SITEMAP_URLS if most is None else most
    base = page_url(site_url)
    rows, dates = [], []
    for path, lastmod in pages:
        mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        rows.append(f"<url><loc>{xml_escape(base + path)}</loc>{mod}</url>")
        dates.append(lastmod)
    sizes = [_size(row) + 1 for row in rows]
    if len(rows) <= most and sum(sizes) <= limit:
        yield "sitemap.xml", _urlset(rows)
        return
    runs = split(sizes, limit - 256, most)
    index = []
    for number, run in enumerate(runs, start=1):
        name = f"sitemap-{number}.xml"
        yield name, _urlset(rows[i] for i in run)
        known = [d for d in (dates[i] for i in run) if d is not None]
        mod = f"<lastmod>{max(known).isoformat()}</lastmod>" if known else ""
        index.append(f"<sitemap><loc>{xml_escape(base + name)}</loc>{mod}</sitemap>")
    yield (
        "sitemap.xml",
        (f'{_XML}<sitemapindex xmlns="{SITEMAP_NS}">\n' + "\n".join(index) + "\n</sitemapindex>\n"),
    )


def _urlset(rows: Iterable[str]) -> str:
    return f'{_XML}<urlset xmlns="{SITEMAP_NS}">\n' + "\n".join(rows) + "\n</urlset>\n"
