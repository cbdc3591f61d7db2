"""Turn one `Entry` of a list into a record's fields, or say at its line why it cannot be.

The year comes from a Year/Date column, else the venue cell (`NeurIPS 2024`), else a year
heading above the row, else an ACL Anthology id's (its proceedings' year), else the year a
list item prints after its authors or at its end, else the arXiv id (2106.09685 is 2021: a
venue dated only by it gets a warning, as that year may be the preprint's). Titles lose their
HTML and an ALL-CAPS or all-lower title is recased (the listed form kept in `notes`); arXiv
PDF links become abstract pages. Venue and keyword names stay as spelled: `registries`
resolves them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from pydantic_core import PydanticCustomError

from catalog.catalog import LINK_SLOTS
from catalog.diagnostics import Diagnostic
from catalog.identity import arxiv_pdf_id, url_key
from catalog.importing.cells import (
    YEAR_ONLY,
    is_none,
    plain_text,
    recase_title,
    split_authors,
    split_venue_year,
    year_in,
)
from catalog.importing.formats import Entry
from catalog.importing.links import find_links
from catalog.importing.venues import venue_kind
from catalog.model import check_url

_ANTHOLOGY = re.compile(
    r"^https?://(?:www\.)?(?:aclanthology\.org|aclweb\.org/anthology)/"
    r"(?:(?P<year>(?:19|20)\d{2})\.[a-z]|[A-Z](?P<short>\d{2})-\d{4})",
    re.IGNORECASE,
)
_ANTHOLOGY_FINDINGS = re.compile(r"/(?:19|20)\d{2}\.findings-(?P<conference>[a-z]+)\.", re.I)
_KEYWORD_SPLIT = re.compile(r"[;；]")


def abs_url(url: str) -> str:
    """An arXiv PDF link as its abstract page: `/pdf/2106.09685v2.pdf` -> `/abs/2106.09685v2`."""
    ident = arxiv_pdf_id(url)
    return f"https://arxiv.org/abs/{ident}" if ident else url


def anthology_year(url: str) -> int | None:
    """The year of an ACL Anthology paper's proceedings, from its id: `2021.acl-long.378` ->
    2021, `P19-1001` -> 2019 (older ids: a letter and the year's last two digits)."""
    found = _ANTHOLOGY.match(url)
    if found is None:
        return None
    if found["year"]:
        return int(found["year"])
    short = int(found["short"])
    return (1900 if short >= 50 else 2000) + short


def anthology_findings(url: str) -> str | None:
    """The conference of an ACL Anthology Findings paper, from its id: `2024.findings-acl.12`
    -> `ACL Findings`, so a row whose venue says only `Findings` names whose."""
    found = _ANTHOLOGY_FINDINGS.search(url) if _ANTHOLOGY.match(url) else None
    return f"{found['conference'].upper()} Findings" if found else None


def arxiv_year(url: str) -> int | None:
    """The year an arXiv id was issued: `2106.09685` -> 2021, `cs/0309136` -> 2003."""
    key = url_key(url) or ""
    if not key.startswith("arxiv:"):
        return None
    digits = key.removeprefix("arxiv:").rsplit("/", 1)[-1][:2]
    if not digits.isdigit():
        return None
    yy = int(digits)
    return (1900 if yy >= 91 else 2000) + yy


def url_of(cell: str) -> str | None:
    """The URL a cell holds: `[Link](url)`, a bare URL, or None for `-`, `N/A` and empty."""
    if is_none(cell):
        return None
    links = find_links(cell)
    return links[0].url if links else cell.strip()


def split_keywords(cell: str) -> list[str]:
    """`A; B；C` (or `A, B` when no semicolon) -> names, without `#`, badges or emphasis."""
    text = plain_text(cell)
    parts = _KEYWORD_SPLIT.split(text) if _KEYWORD_SPLIT.search(text) else text.split(",")
    return [k for k in (p.strip(" #`.") for p in parts) if k and not is_none(k)]


def entry_fields(
    entry: Entry, path: str, section_of: Callable[[str], str], added: dt.date
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The record fields of an entry (None when it cannot be imported) and what was noticed."""
    problems: list[Diagnostic] = []
    cells = entry.cells
    listed = plain_text(cells.get("title", "")).strip(" .")

    def report(
        severity: str, message: str, hint: str | None = None, code: str | None = None
    ) -> None:
        if code is None:
            code = "bad-row" if severity == "error" else "bad-url" if hint else "import-mismatch"
        problems.append(Diagnostic(path, entry.line, 1, severity, code, message, hint))  # type: ignore[arg-type]

    if not listed or is_none(listed):
        report("error", "row has no title; not imported")
        return None, problems
    title = recase_title(listed)
    notes = [f"Title as listed: {listed}"] if title != listed else []
    links: dict[str, str] = {}
    for slot in LINK_SLOTS:
        url = url_of(cells.get(slot, ""))
        if url is None:
            continue
        try:
            links[slot] = abs_url(check_url(url))
        except PydanticCustomError as exc:
            fixed = (exc.context or {}).get("hint")
            if not fixed:
                report("error", f"{listed!r}: {slot} link {url!r} is not an http(s) URL; "
                       "not imported")  # fmt: skip
                return None, problems
            report("warning", f"{listed!r}: {slot} link {url!r} is malformed; imported as "
                   f"{fixed!r}", fixed)  # fmt: skip
            links[slot] = abs_url(fixed)
    if "paper" not in links:
        report("error", f"{listed!r}: no paper link; not imported",
               "give the row a link to the paper (arXiv, OpenReview, DOI, PDF)")  # fmt: skip
        return None, problems

    venue, venue_year, venue_note = split_venue_year(cells.get("venue", ""))
    year_cell = cells.get("year", "")
    year = year_in(year_cell) if year_cell else None
    if year_cell and year is None and not is_none(year_cell, strict=True):
        report("error", f"{listed!r}: year {plain_text(year_cell)!r} is not a year; not imported")
        return None, problems
    if year is not None and venue_year is not None and not YEAR_ONLY.match(plain_text(year_cell)):
        year = venue_year  # a full date is the preprint's; the venue's year is publication's
    if year is not None and venue_year is not None and year != venue_year:
        report("warning", f"{listed!r}: the Year column says {year}, the venue "
               f"{plain_text(cells['venue'])!r} says {venue_year}; kept {year}")  # fmt: skip
    printed = cells.get("listed_year")  # the year a list item prints after its authors
    year = year or venue_year or entry.year_hint or anthology_year(links["paper"])
    year = year or (int(printed) if printed else None)
    dated_by_arxiv = year is None and venue is not None and venue_kind(venue) != "preprint"
    year = year or arxiv_year(links["paper"])
    if dated_by_arxiv and year is not None:
        report("warning", f"{listed!r}: {plain_text(cells['venue'])!r} is listed without a "
               f"year; kept {year}, the arXiv id's, which may be the preprint's",
               "check it, or run `catalog sync`: it reads the published year from DBLP and "
               "Crossref", "undated-venue")  # fmt: skip
    if year is None:
        report("error", f"{listed!r}: no year in a Year or Date column, in the venue, under a "
               "year heading or in an arXiv id; not imported")  # fmt: skip
        return None, problems
    if venue is None:
        if not (url_key(links["paper"]) or "").startswith("arxiv:"):
            report("error", f"{listed!r}: no venue, and the paper is not on arXiv; not imported",
                   "add a Venue column (or `Venue 2024` after the title)")  # fmt: skip
            return None, problems
        venue = "arXiv"  # an unnamed venue of an arXiv link is the preprint
    if venue is not None and venue.casefold() == "findings":
        if found := anthology_findings(links["paper"]):
            venue = found
        else:
            report("warning", f"{listed!r}: the venue {venue!r} names no conference; imported "
                   "as listed", "name whose Findings in the record: ACL, EMNLP, NAACL or EACL "
                   "Findings", "ambiguous-venue")  # fmt: skip
    if venue_note:
        notes.append(f"Listed as: {plain_text(cells['venue'])}")
    fields: dict[str, Any] = {
        "title": title,
        "year": year,
        "venue": venue,  # as listed: registries.venue_names resolves it (NIPS -> NeurIPS)
        "links": links,
        "keywords": split_keywords(cells.get("keywords", "")),
        "sections": [section_of(entry.heading)],
        "added": added,
    }
    authors = split_authors(cells.get("authors", "")) if "authors" in cells else []
    if authors:
        fields["authors"] = authors
    if notes:
        fields["notes"] = "\n".join(notes)
    return fields, problems
