"""One paper's metadata from the source its identifier belongs to, for `catalog new`.

An arXiv id asks the arXiv API, a DOI asks Crossref's works API, an OpenReview id asks the
OpenReview API, an ACL Anthology id reads the Anthology's own BibTeX for that paper. Each
answer becomes a `Found` with the source's own words (its venue is not yet a registry name);
"no such paper" is `NotFound`, anything else a one-line `SourceError`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from catalog.identity import acl_key, arxiv_key, doi_key, key_url, url_key
from catalog.sources.arxiv import ARXIV, BATCH, ArxivClient
from catalog.sources.blocking import run_to_end
from catalog.sources.http import Http
from catalog.sources.openreview import OPENREVIEW, OPENREVIEW_V1, OpenReviewClient
from catalog.sources.request import NotFound, get_json, get_text
from catalog.sources.service import Service, SourceError, open_http

# Crossref's public pool: 5 requests a second, one at a time (its REST API etiquette page).
CROSSREF = Service("the Crossref API", "CATALOG_CROSSREF_API", "https://api.crossref.org", 0.2)
ACL = Service("the ACL Anthology", "CATALOG_ACL_API", "https://aclanthology.org", 1.0)
KINDS = ("arxiv", "doi", "openreview", "acl")
SERVICES = (ARXIV, CROSSREF, OPENREVIEW, OPENREVIEW_V1, ACL)  # every source a lookup may ask
_YEAR = re.compile(r"\b(19[5-9]\d|2\d{3})\b")
_BIB_NAME = re.compile(r"[,{]\s*([A-Za-z_-]+)\s*=\s*")
_NOT_ACCEPTED = re.compile(r"(submitted to|rejected|withdrawn|desk.?reject)", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """What a source says about one paper, in its own words."""

    key: str  # the identity key asked, e.g. ``doi:10.1145/3580305.3599572``
    source: str  # arxiv | crossref | openreview | acl
    url: str  # the page that says it (for evidence) and the record's paper link
    title: str
    year: int | None = None
    authors: tuple[str, ...] = ()
    venue: str | None = None  # as the source names it; None for a preprint or unknown


def identifier_key(text: str, kind: str | None = None) -> str | None:
    """The identity key an arXiv id, DOI, OpenReview or ACL Anthology id, or a URL naming one,
    gives (only kinds a source can be asked about; with `kind`, only that kind)."""
    given = text.strip().strip("<>")
    if "://" in given:
        key = url_key(given)
    elif kind == "openreview":
        key = f"openreview:{given}" if re.fullmatch(r"[A-Za-z0-9_-]{5,}", given) else None
    else:
        key = arxiv_key(given) or doi_key(given) or acl_key(given)
    found = key.partition(":")[0] if key else None
    return key if found in KINDS and (kind is None or found == kind) else None


def lookup(key: str, *, contact: str | None = None, env: Mapping[str, str] | None = None) -> Found:
    """The metadata of the paper `key` names, from synchronous code (one engine per call)."""
    kind = key.partition(":")[0]
    if kind not in KINDS:
        raise SourceError(f"no source to ask about {key!r} (one of {', '.join(KINDS)})")

    async def ask() -> Found:
        async with open_http(SERVICES, contact=contact, env=env, retries=0) as engine:
            return await lookup_async(engine, key, env)

    return run_to_end(ask())


async def lookup_async(engine: Http, key: str, env: Mapping[str, str] | None = None) -> Found:
    kind, _, value = key.partition(":")
    if kind == "arxiv":
        paper = await ArxivClient(engine, env).paper(value)
        return Found(key, "arxiv", paper.abs_url, paper.title, paper.year, tuple(paper.authors))
    if kind == "doi":
        url = f"{CROSSREF.base(env)}/works/{quote(value, safe='/()-._;:<>')}"
        data = await get_json(engine, url, what=CROSSREF.name)
        message = data.get("message") if isinstance(data, dict) else None
        if not isinstance(message, dict):
            raise SourceError(f"{CROSSREF.name} answered without a work for {value}")
        return crossref_work(key, message)
    if kind == "openreview":
        answer = await OpenReviewClient(engine, env).note(value)
        if answer.found == "missing":
            raise NotFound(f"OpenReview has no note with id {value!r}")
        if answer.note is None:
            raise SourceError(f"could not read OpenReview note {value!r} ({answer.found})")
        return openreview_note(key, answer.note)
    url = f"{ACL.base(env)}/{quote(value)}.bib"
    return acl_bibtex(key, await get_text(engine, url, what=ACL.name))


def crossref_work(key: str, work: Mapping[str, Any]) -> Found:
    """A Crossref `message` (works/{doi}): title, authors, container title and year."""
    title = _first(work.get("title"))
    if not title:
        raise SourceError(f"Crossref's record for {key.partition(':')[2]} has no title")
    authors = []
    for person in work.get("author") or ():
        if isinstance(person, dict):
            parts = (person.get("given"), person.get("family"))
            name = " ".join(p for p in parts if isinstance(p, str)) or person.get("name")
            if isinstance(name, str) and name.strip():
                authors.append(" ".join(name.split()))
    year = None
    for name in ("published-print", "published", "issued", "published-online"):
        stamp = work.get(name)
        dates = stamp.get("date-parts") if isinstance(stamp, dict) else None
        if isinstance(dates, list) and dates and isinstance(dates[0], list) and dates[0]:
            first = dates[0][0]
            if isinstance(first, int):
                year = first
                break
    venue = _first(work.get("container-title")) or None
    return Found(key, "crossref", key_url(key) or "", _fold(title), year, tuple(authors), venue)


def openreview_note(key: str, note: Mapping[str, Any]) -> Found:
    """An OpenReview note (API v2 wraps each content field as {"value": ...}, v1 does not).

    Only an accepted paper has a venue: a submission, a rejected or a withdrawn one is given
    none, so nothing can show it as published.
    """
    given = note.get("content")
    content: Mapping[str, Any] = given if isinstance(given, dict) else {}

    def field(name: str) -> Any:
        value = content.get(name)
        return value.get("value") if isinstance(value, dict) else value

    title = field("title")
    if not isinstance(title, str) or not title.strip():
        raise SourceError(f"OpenReview note {key.partition(':')[2]!r} has no title")
    authors = tuple(a for a in field("authors") or () if isinstance(a, str) and a.strip())
    venue = field("venue")
    venueid = field("venueid")
    accepted = (
        isinstance(venue, str)
        and not _NOT_ACCEPTED.search(venue)
        and not (isinstance(venueid, str) and venueid.endswith("_Submission"))
    )
    year = _year(venue) if isinstance(venue, str) else None
    return Found(
        key,
        "openreview",
        key_url(key) or "",
        _fold(title),
        year,
        authors,
        _fold(venue) if accepted and isinstance(venue, str) else None,
    )


def acl_bibtex(key: str, text: str) -> Found:
    """The Anthology's BibTeX for one paper: title, authors (Last, First), booktitle, year."""
    fields = bibtex_fields(text)
    title = _unbrace(fields.get("title", ""))
    if not title:
        raise SourceError(f"the ACL Anthology's BibTeX for {key.partition(':')[2]} has no title")
    authors = tuple(
        _person(a) for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()
    )
    year = int(fields["year"]) if fields.get("year", "").isdigit() else None
    venue = _unbrace(fields.get("booktitle") or fields.get("journal") or "") or None
    return Found(key, "acl", key_url(key) or "", title, year, authors, venue)


def bibtex_fields(text: str) -> dict[str, str]:
    """`name = "value"`, `name = {value}` and `name = 2023` pairs of the first entry."""
    fields: dict[str, str] = {}
    i = text.find("{") + 1
    if i == 0:
        return fields
    while True:
        m = _BIB_NAME.search(text, i)
        if m is None:
            return fields
        start = m.end()
        if start < len(text) and text[start] in '{"':
            end = _value_end(text, start)
            fields.setdefault(m.group(1).lower(), " ".join(text[start + 1 : end].split()))
            end += 1
        else:
            end = start
            while end < len(text) and text[end] not in ",}\n":
                end += 1
            fields.setdefault(m.group(1).lower(), text[start:end].strip())
        i = end


def _value_end(text: str, start: int) -> int:
    """Where a braced or quoted BibTeX value that opens at `start` closes (braces nest)."""
    depth = 0
    for j in range(start + 1 if text[start] == '"' else start, len(text)):
        char = text[j]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and text[start] == "{":
                return j
        elif char == '"' and text[start] == '"' and depth <= 0:
            return j
    return len(text)


def _person(name: str) -> str:
    """BibTeX's "Hu, Edward J." -> "Edward J. Hu"; a name without a comma stays as it is."""
    last, sep, first = _unbrace(name).partition(",")
    return " ".join(f"{first} {last}".split()) if sep else " ".join(last.split())


def _unbrace(text: str) -> str:
    return " ".join(text.replace("{", "").replace("}", "").split())


def _first(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0].strip()
    return value.strip() if isinstance(value, str) else ""


def _year(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def _fold(text: str) -> str:
    return " ".join(text.split())


def exists(
    keys: list[str], *, contact: str | None = None, env: Mapping[str, str] | None = None
) -> dict[str, bool | None]:
    """Whether each paper a key names exists at its source: True, False (the source says
    there is no such paper), None (it could not be asked). arXiv ids go in batches."""

    async def ask() -> dict[str, bool | None]:
        async with open_http(SERVICES, contact=contact, env=env, retries=1) as engine:
            return await exists_async(engine, keys, env)

    return run_to_end(ask()) if keys else {}


async def exists_async(
    engine: Http, keys: list[str], env: Mapping[str, str] | None = None
) -> dict[str, bool | None]:
    answers: dict[str, bool | None] = {}
    arxiv_ids = [k.partition(":")[2] for k in keys if k.startswith("arxiv:")]
    client = ArxivClient(engine, env)
    pending = list(arxiv_ids)
    while pending:
        batch, pending = pending[:BATCH], pending[BATCH:]
        feed = (await client.query(batch)).feed
        rejected = feed.rejected.lower() if feed and feed.rejected else None
        if rejected is not None and rejected in {i.lower() for i in batch}:
            # One malformed id fails arXiv's whole query: it is no paper; ask for the rest.
            answers[f"arxiv:{rejected}"] = False
            pending = [i for i in batch if i.lower() != rejected] + pending
            continue
        for ident in batch:
            known = feed is not None and feed.error is None
            answers[f"arxiv:{ident}"] = (ident.lower() in feed.listed) if known and feed else None

    async def one(key: str) -> None:
        try:
            await lookup_async(engine, key, env)
        except NotFound:
            answers[key] = False
        except SourceError:
            answers[key] = None
        else:
            answers[key] = True

    await asyncio.gather(*(one(k) for k in keys if not k.startswith("arxiv:")))
    return answers
