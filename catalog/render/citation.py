"""What reference managers read from a paper page: identifiers and Highwire `citation_*` tags.

Zotero's and Google Scholar's readers take the Highwire Press tags (`citation_title`,
`citation_author`, ...) from a page's <head>; pure functions of a paper and its venue.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from catalog.identity import url_key
from catalog.model import Paper
from catalog.render.exports import safe_url

_VENUE_TAG = {"conference": "citation_conference_title", "workshop": "citation_conference_title",
              "journal": "citation_journal_title"}  # fmt: skip


@dataclass(frozen=True)
class Identifiers:
    """The ids a reader may search for: arXiv id (no version) and DOI, from the paper's links."""

    arxiv: str | None = None
    doi: str | None = None


def identifiers(paper: Paper) -> Identifiers:
    arxiv = doi = None
    for url in (paper.links.paper, paper.links.project, paper.links.code):
        key = url_key(url) if url else None
        if key and key.startswith("arxiv:") and arxiv is None:
            arxiv = key.removeprefix("arxiv:")
        elif key and key.startswith("doi:") and doi is None:
            doi = key.removeprefix("doi:")
    return Identifiers(arxiv, doi)


def pdf_url(paper: Paper, ids: Identifiers) -> str | None:
    """The PDF's address: arXiv's for arXiv papers, the paper link when it names a PDF."""
    if ids.arxiv:
        return f"https://arxiv.org/pdf/{ids.arxiv}"
    url = safe_url(paper.links.paper)
    return url if url and urlsplit(url).path.lower().endswith(".pdf") else None


def citation_meta(paper: Paper, venue_full_name: str, venue_kind: str | None) -> str:
    """The <meta> tags for one paper page, in the order Google Scholar documents them."""
    ids = identifiers(paper)
    tags: list[tuple[str, str]] = [("citation_title", paper.title)]
    tags += [("citation_author", author) for author in paper.authors or []]
    tags.append(("citation_publication_date", str(paper.year)))
    tag = _VENUE_TAG.get(venue_kind or "")
    if tag:
        tags.append((tag, venue_full_name))
    elif venue_kind == "preprint":
        tags.append(("citation_technical_report_institution", venue_full_name))
    pdf = pdf_url(paper, ids)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    abstract = safe_url(paper.links.paper)
    if abstract and abstract != pdf:
        tags.append(("citation_abstract_html_url", abstract))
    if ids.arxiv:
        tags.append(("citation_arxiv_id", ids.arxiv))
    if ids.doi:
        tags.append(("citation_doi", ids.doi))
    tags += [("citation_keywords", k) for k in paper.keywords]
    return "".join(
        f'<meta name="{name}" content="{escape(value, quote=True)}">\n' for name, value in tags
    )
