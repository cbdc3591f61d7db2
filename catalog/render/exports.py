"""The site's downloads: papers.json, papers.bib and feed.xml, as deterministic strings
(catalog/render/parts.py splits those that outgrow one file).

Pure functions of the Catalog; the site writes them beside its pages. The JSON schema is a
contract for people who script against the site: add fields, never rename or drop them
without bumping SCHEMA_VERSION.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from pydantic_core import PydanticCustomError

from catalog.catalog import Catalog
from catalog.model import Paper, check_url
from catalog.render.facts_view import PaperView, paper_facts, paper_views, view_of
from catalog.render.urls import page_url

SCHEMA_VERSION = 1
FEED_SIZE = 50
ATOM_NS = "http://www.w3.org/2005/Atom"

_BIB_ENTRY_TYPES = {
    "conference": "inproceedings",
    "workshop": "inproceedings",
    "journal": "article",
}
_BIB_VENUE_FIELDS = {"inproceedings": "booktitle", "article": "journal", "misc": "howpublished"}
# LaTeX escapes that keep braces balanced: BibTeX counts every brace, escaped or not.
_BIB_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_BIB_VERBATIM = {"{": "%7B", "}": "%7D", "\\": "%5C", "%": "%25", " ": "%20", "\t": "%09",
                 "\n": "%0A", "\r": "%0D"}  # fmt: skip


def safe_url(url: str | None) -> str | None:
    """The URL when it is absolute http(s), else None: nothing else ever becomes a link."""
    if not url:
        return None
    try:
        return check_url(url)  # the records' own rule, with its fast path
    except PydanticCustomError:
        return None


def page_path(paper_id: str) -> str:
    """A paper's address on the site, relative to the site's root."""
    return f"papers/{paper_id}/"


def venue_full_name(catalog: Catalog, venue: str) -> str:
    entry = catalog.venues.entries.get(venue)
    return entry.full_name if entry else venue


def paper_json(catalog: Catalog, paper: Paper, view: PaperView | None = None) -> dict[str, Any]:
    """One paper in papers.json: every field a reader needs, none a maintainer's note; the
    authors, DOI, arXiv id and dates as the shared view has them (record, facts filling gaps)."""
    view = view or view_of(catalog, paper)
    return {
        "id": paper.id,
        "title": paper.title,
        "year": paper.year,
        "venue": paper.venue,
        "venue_full_name": view.venue_full_name,
        "keywords": list(paper.keywords),
        "authors": list(view.authors),
        "links": {
            "paper": safe_url(paper.links.paper),
            "code": safe_url(paper.links.code),
            "project": safe_url(paper.links.project),
        },
        "sections": list(paper.sections),
        "added": paper.added.isoformat(),
        "page": page_path(paper.id),
        **paper_facts(view),  # abstract, published, doi, counts: data/facts.yaml
    }


def papers_json(catalog: Catalog, views: Mapping[str, PaperView] | None = None) -> str:
    """All papers sorted by id, under a versioned envelope."""
    config = catalog.config
    views = views if views is not None else paper_views(catalog)
    document = {
        "schema_version": SCHEMA_VERSION,
        "title": config.title if config else "",
        "count": len(catalog.papers),
        "papers": [
            paper_json(catalog, p, views[p.id]) for p in sorted(catalog.papers, key=lambda p: p.id)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def bib_escape(text: str) -> str:
    return " ".join(text.translate(_BIB_ESCAPES).split())


def bib_url(url: str) -> str:
    """Braces and spaces would end or split the field: percent-encode them."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%-._~")


def bib_verbatim(text: str) -> str:
    """A DOI or eprint id: biblatex reads these fields verbatim (an escape would stay in the
    value), so only what would end or split the field is percent-encoded, as a DOI URL has it."""
    return "".join(_BIB_VERBATIM.get(c, c) for c in text)


def bibtex_entry(view: PaperView) -> str:
    """One entry keyed by the paper's id: ids are unique and never change, so keys are stable.

    site/assets/export.js writes the same entries for the home page's selection."""
    paper = view.paper
    kind = _BIB_ENTRY_TYPES.get(view.venue_kind, "misc")
    fields = [("title", bib_escape(paper.title))]
    if view.authors:
        fields.append(("author", " and ".join(bib_escape(a) for a in view.authors)))
    fields.append((_BIB_VENUE_FIELDS[kind], bib_escape(view.venue_full_name)))
    fields.append(("year", str(paper.year)))
    url = safe_url(paper.links.paper)
    if url:
        fields.append(("url", bib_url(url)))
    if view.doi:
        fields.append(("doi", bib_verbatim(view.doi)))
    if kind == "misc" and view.arxiv_id:
        fields += [("eprint", bib_verbatim(view.arxiv_id)), ("archivePrefix", "arXiv")]
    if paper.keywords:
        fields.append(("keywords", bib_escape(", ".join(paper.keywords))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{paper.id},\n{body}\n}}\n"


def papers_bib(catalog: Catalog, views: Mapping[str, PaperView] | None = None) -> str:
    views = views if views is not None else paper_views(catalog)
    return "\n".join(bibtex_entry(views[p.id]) for p in sorted(catalog.papers, key=lambda p: p.id))


def newest(papers: Iterable[Paper], count: int = FEED_SIZE) -> list[Paper]:
    """The latest additions: by `added`, newest first, ties by id for a stable order."""
    by_id = sorted(papers, key=lambda p: p.id)
    return sorted(by_id, key=lambda p: p.added, reverse=True)[:count]


def atom_feed(
    catalog: Catalog,
    papers: Iterable[Paper] | None = None,
    *,
    title: str | None = None,
    path: str = "",
    summaries: Mapping[str, str] | None = None,
    views: Mapping[str, PaperView] | None = None,
) -> str:
    """An Atom feed of the newest additions (of `papers`, else the whole catalog) at
    `path`feed.xml; absolute links when the config has site_url. Entries carry the authors
    (the shared view's: the record's, else the facts'), a link to the DOI and, where known,
    the abstract (`summaries`, else the view's) as their summary."""
    ET.register_namespace("", ATOM_NS)
    config = catalog.config
    site_title = config.title if config else "Catalog"
    feed_title = f"{site_title}: {title}" if title else site_title
    site_url = safe_url(config.site_url) if config else None
    base = page_url(site_url) if site_url else ""
    chosen = newest(catalog.papers if papers is None else papers)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "title", feed_title)
    if config:
        sub(feed, "subtitle", config.description)
    sub(feed, "id", f"{base}{path}" if base else f"urn:catalog:{quote(feed_title)}")
    if base:
        sub(feed, "link", href=f"{base}{path}feed.xml", rel="self")
        sub(feed, "link", href=f"{base}{path}")
    updated = max((p.added for p in chosen), default=None)
    sub(feed, "updated", f"{updated.isoformat() if updated else '1970-01-01'}T00:00:00Z")
    author = sub(feed, "author")
    sub(author, "name", f"{site_title} maintainers")
    for paper in chosen:
        view = views[paper.id] if views is not None else view_of(catalog, paper)
        entry = sub(feed, "entry")
        sub(entry, "title", paper.title)
        page = f"{base}{page_path(paper.id)}" if base else None
        sub(entry, "id", page or f"urn:catalog:paper:{paper.id}")
        sub(entry, "link", href=page or page_path(paper.id))
        paper_url = safe_url(paper.links.paper)
        if paper_url:
            sub(entry, "link", href=paper_url, rel="related")
        if view.doi:
            sub(entry, "link", href=f"https://doi.org/{quote(view.doi, safe='/')}", rel="related")
        sub(entry, "updated", f"{paper.added.isoformat()}T00:00:00Z")
        for name in view.authors:
            sub(sub(entry, "author"), "name", name)
        summary = f"{paper.venue} {paper.year}"
        if paper.keywords:
            summary += " · " + ", ".join(paper.keywords)
        abstract = summaries.get(paper.id) if summaries is not None else view.abstract
        sub(entry, "summary", f"{summary}. {abstract}" if abstract else summary)
        for keyword in paper.keywords:
            sub(entry, "category", term=keyword)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
