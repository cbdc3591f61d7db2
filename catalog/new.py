"""`catalog new`: add one paper as a new record, from arXiv or from flags, never overwriting.

Everything is checked before anything is written: the venue, keywords, topics and sections
against the registries, the paper against the existing records by identity, and the finished
record by the same validation `catalog validate` runs. Only then is the file created,
exclusively.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from catalog.catalog import Catalog, papers_dir
from catalog.data_errors import DataErrors, refusal
from catalog.dedupe import find_identity
from catalog.errors import CatalogError
from catalog.identity import identity_keys, normalize_title
from catalog.load import Source
from catalog.model import ID_PATTERN, Links, Paper, Venue
from catalog.records import dump_record
from catalog.registry import Registry
from catalog.render.urls import page_url
from catalog.slug import paper_slug, unique_slug
from catalog.sources.lookup import Found, lookup
from catalog.validate import load_catalog, validate_record
from catalog.writer import record_text, write_record

DEFAULT_VENUE = "arXiv"
_CANDIDATE = ""  # the new paper's id while it is compared: no file can have it


@dataclass
class Draft:
    """What the contributor asked for: flags, possibly filled in from arXiv."""

    title: str | None = None
    year: int | None = None
    paper: str | None = None
    code: str | None = None
    project: str | None = None
    venue: str | None = None
    keywords: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    paper_id: str | None = None

    def fill_from(self, found: Found, venues: Registry[Venue]) -> None:
        """The source's metadata, except where a flag already said otherwise."""
        self.title = self.title or found.title
        self.year = self.year or found.year
        self.paper = self.paper or found.url
        self.authors = self.authors or list(found.authors)
        if self.venue is None and found.venue:
            self.venue = match_venue(found.venue, venues)
            if self.venue is None:
                raise CatalogError(
                    f"{found.source} says the venue is {found.venue!r}, which is not in "
                    "venues.yaml: add it there (or an alias), or give --venue"
                )


@dataclass(frozen=True)
class Created:
    path: Path
    paper_id: str
    text: str


def add_paper(
    data_dir: Path,
    draft: Draft,
    *,
    identifier: str | None = None,
    fetch: Callable[[str], Found] | None = None,
    today: dt.date | None = None,
    dry_run: bool = False,
    catalog: Catalog | None = None,
) -> Created:
    """Check the draft against the catalog in data_dir and create papers/<id>.yaml.

    `identifier` is an identity key (``arxiv:…``, ``doi:…``, ``openreview:…``, ``acl:…``).
    Names are checked before any source is asked, so a typo costs no network round trip.
    `fetch` defaults to `sources.lookup`, its User-Agent naming the catalog's repo_url.
    """
    catalog = catalog or load_catalog(data_dir)
    refused = refusal(catalog.diagnostics, data_dir, "nothing written")
    if refused:  # as `import` does: no source asked, no record added beside broken ones
        raise DataErrors(refused)
    check_names(draft, catalog)
    if identifier:
        contact = catalog.config.repo_url if catalog.config else None
        ask = fetch or (lambda key: lookup(key, contact=contact))
        draft.fill_from(ask(identifier), catalog.venues)
    fields = build_fields(draft, catalog, today or dt.date.today())
    refuse_existing(catalog, find_existing(catalog, fields))
    target_dir = papers_dir(data_dir)
    taken = {p.stem for p in target_dir.glob("*.y*ml")} if target_dir.is_dir() else set()
    if draft.paper_id:
        if not ID_PATTERN.fullmatch(draft.paper_id):
            raise CatalogError(f"--id {draft.paper_id!r}: use only a-z, 0-9 and '-'")
        if draft.paper_id in taken:
            raise CatalogError(
                f"{target_dir / draft.paper_id}.yaml already exists; choose another --id"
            )
        paper_id = draft.paper_id
    else:
        paper_id = unique_slug(paper_slug(fields["title"]), taken)
    path = target_dir / f"{paper_id}.yaml"
    _check_written_form(dump_record(fields), path, catalog)
    text = record_text(fields, str(path))
    if not dry_run and not write_record(path, fields, exclusive=True):
        raise CatalogError(f"{path} appeared while writing; nothing was changed")
    return Created(path, paper_id, text)


def build_fields(draft: Draft, catalog: Catalog, today: dt.date) -> dict[str, Any]:
    """The record's fields with canonical names; every unknown name refused in one message."""
    missing = missing_flags(draft)
    if missing:
        raise CatalogError(
            f"missing {', '.join(missing)} (or give an arXiv id, DOI, OpenReview or ACL id)"
        )
    venue, keywords, topics = check_names(draft, catalog)
    links = {"paper": draft.paper, "code": draft.code, "project": draft.project}
    fields: dict[str, Any] = {
        "title": " ".join((draft.title or "").split()),
        "year": draft.year,
        "venue": venue,
        "links": {k: v for k, v in links.items() if v},
        "keywords": keywords,
        "topics": topics or None,
        "sections": list(dict.fromkeys(draft.sections)) or None,
        "added": today,
        "authors": [" ".join(a.split()) for a in draft.authors if a.strip()] or None,
    }
    return {k: v for k, v in fields.items() if v is not None}


def refuse_existing(catalog: Catalog, existing: list[str]) -> None:
    """A paper already listed is a CatalogError naming its record and its page on the site."""
    if not existing:
        return
    where = ", ".join(catalog.paper_path(paper_id) for paper_id in existing)
    site = catalog.config.site_url if catalog.config else None
    page = f"; its page: {page_url(site, 'papers', existing[0])}" if site else ""
    raise CatalogError(
        f"this paper is already in the catalog as {where} "
        f"(id {', '.join(existing)}){page}; edit that record instead"
    )


def listed(catalog: Catalog, key: str, title: str | None = None) -> list[str]:
    """Ids of records that carry identity `key`, or (when given) the same normalized title."""
    wanted = normalize_title(title) if title else None
    found = []
    for paper in catalog.papers:
        if key in identity_keys(paper.links) or (wanted and normalize_title(paper.title) == wanted):
            found.append(paper.id)
    return found


def match_venue(name: str, venues: Registry[Venue]) -> str | None:
    """A source's venue words ("ICLR 2024 poster", "Proceedings of the 2023 Conference on
    Empirical Methods…") -> a registry name, or None when no entry is clearly meant."""
    words = " ".join(name.split())
    short = re.split(r"[\s'’]*(?:\d{2,4}\b|\(|,)", words, maxsplit=1)[0].strip()
    for attempt in (words, short):
        canonical = venues.canonical(attempt) if attempt else None
        if canonical:
            return canonical
    folded = words.casefold()
    for canonical, venue in venues.entries.items():
        if venue.kind != "preprint" and venue.full_name.casefold() in folded:
            return canonical
    return None


def find_existing(catalog: Catalog, fields: dict[str, Any]) -> list[str]:
    """Ids of records that are the same paper, by the rules `catalog dedupe` groups with."""
    links = Links.model_construct(**fields["links"])
    candidate = Paper.model_construct(**{**fields, "links": links, "id": _CANDIDATE})
    identity = find_identity([*catalog.papers, candidate])
    for conflict in identity.conflicts:
        if _CANDIDATE in conflict.ids:
            other = next(i for i in conflict.ids if i != _CANDIDATE)
            title = next(p.title for p in catalog.papers if p.id == other)
            raise CatalogError(
                f"{conflict.key} is already {catalog.paper_path(other)} ({title!r}), "
                f"under another title than {fields['title']!r}; check the link"
            )
    for group in identity.groups:
        if _CANDIDATE in group.ids:
            return [paper_id for paper_id in group.ids if paper_id != _CANDIDATE]
    return []


def missing_flags(draft: Draft) -> list[str]:
    """The flags a record needs that neither the contributor nor arXiv has given."""
    needed = [("--title", draft.title), ("--year", draft.year), ("--paper", draft.paper)]
    return [flag for flag, value in needed if value in (None, "")]


def check_names(draft: Draft, catalog: Catalog) -> tuple[str, list[str], list[str]]:
    """Canonical venue, keywords and topics; every unknown name (and section) refused in one
    message."""
    problems: list[str] = []
    venue = _canonical(catalog.venues, draft.venue or DEFAULT_VENUE, "venue", problems)
    keywords = [_canonical(catalog.keywords, k, "keyword", problems) for k in draft.keywords]
    topics = [_canonical(catalog.topics, t, "topic", problems) for t in draft.topics]
    known_sections = {s.id for s in catalog.config.sections} if catalog.config else set()
    for section in draft.sections:
        if section not in known_sections:
            problems.append(
                f"unknown section {section!r} (one of {', '.join(sorted(known_sections))})"
            )
    if problems or venue is None:
        raise CatalogError("; ".join(problems))
    return (
        venue,
        list(dict.fromkeys(k for k in keywords if k)),
        list(dict.fromkeys(t for t in topics if t)),
    )


def _canonical(registry: Registry[Any], name: str, what: str, problems: list[str]) -> str | None:
    canonical = registry.canonical(name)
    if canonical is None:
        hint = registry.unknown_hint(name, what)
        problems.append(f"unknown {what} {name!r} ({hint})")
    return canonical


def _check_written_form(text: str, path: Path, catalog: Catalog) -> None:
    """Validate the exact text about to be written, as `catalog validate` will read it."""
    source = Source(str(path), text, yaml.load(text, Loader=yaml.CSafeLoader))
    sections = {s.id for s in catalog.config.sections} if catalog.config else None
    _, problems = validate_record(
        source, path, catalog.venues, catalog.keywords, sections, catalog.topics
    )
    if problems:
        first = problems[0]
        raise CatalogError(
            f"the new record would not be valid: {first.message}"
            + (f" (hint: {first.hint})" if first.hint else "")
        )
