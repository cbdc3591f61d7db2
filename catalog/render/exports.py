"""The site's downloads: papers.json, papers.bib and feed.xml, as deterministic strings
(catalog/render/parts.py splits those that outgrow one file).

Pure functions of the Catalog; the site writes them beside its pages. The JSON schema is a
contract for people who script against the site: add fields, never rename or drop them
without bumping SCHEMA_VERSION.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from pydantic_core import PydanticCustomError

from catalog.catalog import Catalog
from catalog.model import Paper, check_url
from catalog.render.facts_view import paper_facts
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


def paper_json(
    catalog: Catalog, paper: Paper, facts: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One paper in papers.json: every field a reader needs, none a maintainer's note
    (`facts`: its paper_facts, when the caller has them)."""
    if facts is None:
        facts = paper_facts(catalog, paper)
    return {
        "id": paper.id,
        "title": paper.title,
        "year": paper.year,
        "venue": paper.venue,
        "venue_full_name": venue_full_name(catalog, paper.venue),
        "keywords": list(paper.keywords),
        "authors": list(paper.authors) if paper.authors else [],
        "links": {
            "paper": safe_url(paper.links.paper),
            "code": safe_url(paper.links.code),
            "project": safe_url(paper.links.project),
        },
        "sections": list(paper.sections),
        "added": paper.added.isoformat(),
        "page": page_path(paper.id),
        **facts,  # abstract, published, doi, counts: data/facts.yaml
    }


def papers_json(catalog: Catalog) -> str:
    """All papers sorted by id, under a versioned envelope."""
    config = catalog.config
    document = {
        "schema_version": SCHEMA_VERSION,
        "title": config.title if config else "",
        "count": len(catalog.papers),
        "papers": [paper_json(catalog, p) for p in sorted(catalog.papers, key=lambda p: p.id)],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def bib_escape(text: str) -> str:
    return " ".join(text.translate(_BIB_ESCAPES).split())


def bib_url(url: str) -> str:
    """Braces and spaces would end or split the field: percent-encode them."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%-._~")


def bibtex_entry(catalog: Catalog, paper: Paper, facts: dict[str, Any] | None = None) -> str:
    """One entry keyed by the paper's id: ids are unique and never change, so keys are stable
    (`facts`: its paper_facts, when the caller has them)."""
    entry = catalog.venues.entries.get(paper.venue)
    kind = _BIB_ENTRY_TYPES.get(entry.kind if entry else "", "misc")
    fields = [("title", bib_escape(paper.title))]
    if paper.authors:
        fields.append(("author", " and ".join(bib_escape(a) for a in paper.authors)))
    fields.append((_BIB_VENUE_FIELDS[kind], bib_escape(venue_full_name(catalog, paper.venue))))
    fields.append(("year", str(paper.year)))
    url = safe_url(paper.links.paper)
    if url:
        fields.append(("url", bib_url(url)))
    if facts is None:
        facts = paper_facts(catalog, paper)
    if facts["doi"]:
        fields.append(("doi", bib_escape(facts["doi"])))
    if kind == "misc" and facts["arxiv_id"]:
        fields += [("eprint", bib_escape(facts["arxiv_id"])), ("archivePrefix", "arXiv")]
    if paper.keywords:
        fields.append(("keywords", bib_escape(", ".join(paper.keywords))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{paper.id},\n{body}\n}}\n"


def papers_bib(catalog: Catalog) -> str:
    return "\n".join(bibtex_entry(catalog, p) for p in sorted(catalog.papers, key=lambda p: p.id))


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
    summaries: dict[str, str] | None = None,
) -> str:
    """An Atom feed of the newest additions (of `papers`, else the whole catalog) at
    `path`feed.xml; absolute links when the config has site_url. Entries carry the authors
    and, where known, the abstract (`summaries`) as their summary."""
    ET.register_namespace("", ATOM_NS)
    config = catalog.config
    site_title = config.title if config else "Catalog"
    feed_title = f"{site_title}: {title}" if title else site_title
    site_url = safe_url(config.site_url) if config else None
    base = page_url(site_url) if site_url else ""
    chosen = newest(catalog.papers if papers is None else papers)
    summaries = summaries or {}

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
        entry = sub(feed, "entry")
        sub(entry, "title", paper.title)
        page = f"{base}{page_path(paper.id)}" if base else None
        sub(entry, "id", page or f"urn:catalog:paper:{paper.id}")
        sub(entry, "link", href=page or page_path(paper.id))
        paper_url = safe_url(paper.links.paper)
        if paper_url:
            sub(entry, "link", href=paper_url, rel="related")
        sub(entry, "updated", f"{paper.added.isoformat()}T00:00:00Z")
        for name in paper.authors or []:
            sub(sub(entry, "author"), "name", name)
        summary = f"{paper.venue} {paper.year}"
        if paper.keywords:
            summary += " · " + ", ".join(paper.keywords)
        abstract = summaries.get(paper.id)
        sub(entry, "summary", f"{summary}. {abstract}" if abstract else summary)
        for keyword in paper.keywords:
            sub(entry, "category", term=keyword)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
