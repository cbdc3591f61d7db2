"""What reference managers read from a paper page: Highwire Press `citation_*` tags.

Zotero's and Google Scholar's readers take the Highwire tags (`citation_title`,
`citation_author`, ...) from a page's <head>; pure functions of a paper's shared view
(the record, with data/facts.yaml filling its gaps: authors, DOI, arXiv id, the day).
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from catalog.catalog import Catalog
from catalog.render.exports import safe_url
from catalog.render.facts_view import PaperView

_VENUE_TAG = {"conference": "citation_conference_title", "workshop": "citation_conference_title",
              "journal": "citation_journal_title"}  # fmt: skip


def pdf_url(view: PaperView) -> str | None:
    """The PDF's address: arXiv's for arXiv papers, the paper link when it names a PDF."""
    if view.arxiv_id:
        return f"https://arxiv.org/pdf/{view.arxiv_id}"
    url = safe_url(view.paper.links.paper)
    return url if url and urlsplit(url).path.lower().endswith(".pdf") else None


def _venue_tag(catalog: Catalog, view: PaperView) -> tuple[str, str] | None:
    """The venue as a conference or journal title; a preprint's as its repository, unless
    the facts confirm where it was published (then that venue's title)."""
    if view.accepted_at:
        entry = catalog.venues.entries.get(view.accepted_at[0])
        tag = _VENUE_TAG.get(entry.kind if entry else "")
        if entry and tag:
            return tag, entry.full_name
    tag = _VENUE_TAG.get(view.venue_kind)
    if tag:
        return tag, view.venue_full_name
    if view.venue_kind == "preprint":
        return "citation_technical_report_institution", view.venue_full_name
    return None


def citation_meta(catalog: Catalog, view: PaperView) -> str:
    """The <meta> tags for one paper page, in the order Google Scholar documents them."""
    paper = view.paper
    tags: list[tuple[str, str]] = [("citation_title", paper.title)]
    tags += [("citation_author", author) for author in view.authors]
    # Google Scholar's form: 2021/06/17, or the year alone when no day is known.
    tags.append(("citation_publication_date", view.date.replace("-", "/")))
    venue = _venue_tag(catalog, view)
    if venue:
        tags.append(venue)
    pdf = pdf_url(view)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    abstract = safe_url(paper.links.paper)
    if abstract and abstract != pdf:
        tags.append(("citation_abstract_html_url", abstract))
    if view.arxiv_id:
        tags.append(("citation_arxiv_id", view.arxiv_id))
    if view.doi:
        tags.append(("citation_doi", view.doi))
    tags += [("citation_keywords", k) for k in paper.keywords]
    return "".join(
        f'<meta name="{name}" content="{escape(value, quote=True)}">\n' for name, value in tags
    )
