"""Merge a group of records that are one paper into one (`catalog dedupe --fix`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from catalog.catalog import LINK_SLOTS, Group
from catalog.dedupe.report import original_of
from catalog.identity import normalize_title, titles_agree
from catalog.model import Paper, Record
from catalog.writer import record_text, write_record

if TYPE_CHECKING:
    from catalog.catalog import Catalog


@dataclass
class Merge:
    """One group's merge: the record kept and its new fields, or the conflicts that stop it."""

    key: str
    keep: str
    remove: list[str]
    fields: dict[str, Any] | None
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def merge(group: Group, papers: Sequence[Paper], is_preprint: Callable[[str], bool]) -> Merge:
    """Merge a group's papers into the fields of one record, or report why it can't be done.

    Keeps the union of keywords and sections, a published venue (and its title, year and
    paper link) over arXiv, every link slot any record fills, and the oldest `added`. Two
    different values nothing can choose between (two code URLs, two published venues, two
    author lists) are conflicts: then `fields` is None and nothing may be deleted.
    """
    members = sorted(papers, key=lambda p: p.id)
    keep = original_of(members)
    ordered = [keep, *(p for p in members if p is not keep)]
    published = [p for p in ordered if not is_preprint(p.venue)]
    lead = published[0] if published else keep
    result = Merge(group.key, keep.id, [p.id for p in ordered[1:]], None)

    venues = _distinct(published, lambda p: p.venue)
    if len(venues) > 1:
        result.conflicts.append(f"venue: {_listing(published, lambda p: p.venue)}")
    years = _distinct(published, lambda p: p.year)
    if len(years) > 1:
        result.conflicts.append(f"year: {_listing(published, lambda p: p.year)}")
    # A short name ("LoRA") gives way to the full title; titles that disagree are a conflict.
    candidates = published or ordered
    title = max((p.title for p in candidates), key=lambda t: len(normalize_title(t)))
    if not all(titles_agree(p.title, title) for p in candidates):
        result.conflicts.append(f"title: {_listing(candidates, lambda p: p.title)}")
    year = lead.year if published else min(p.year for p in ordered)

    links: dict[str, str] = {}
    for slot in LINK_SLOTS:
        values = [(p, getattr(p.links, slot)) for p in ordered if getattr(p.links, slot)]
        if not values:
            continue
        if slot == "paper":
            chosen = lead.links.paper
            for p, url in values:
                if url != chosen:
                    result.notes.append(f"links.paper: kept {chosen}, dropped {url} ({p.id})")
            links[slot] = chosen
            continue
        distinct = _distinct(values, lambda pv: _same_url(pv[1]))
        if len(distinct) > 1:
            shown = "; ".join(f"{p.id}: {url}" for p, url in values)
            result.conflicts.append(f"links.{slot}: {shown}")
        links[slot] = values[0][1]

    authors_given = [p for p in ordered if p.authors]
    if len(_distinct(authors_given, lambda p: tuple(a.casefold() for a in p.authors or []))) > 1:
        shown = "; ".join(f"{p.id}: {', '.join(p.authors or [])}" for p in authors_given)
        result.conflicts.append(f"authors: {shown}")
    # Notes are kept as written (indentation, blank lines); only exact repeats are dropped.
    notes = list(dict.fromkeys(p.notes for p in ordered if p.notes and p.notes.strip()))

    if result.conflicts:
        return result
    for p in ordered:
        if normalize_title(p.title) != normalize_title(title):
            result.notes.append(f"title: kept {title!r}, dropped {p.title!r} ({p.id})")
    result.fields = {
        "title": title,
        "year": year,
        "venue": lead.venue,
        "links": links,
        "keywords": _union(p.keywords for p in ordered),
        "topics": _union(p.topics for p in ordered),
        "sections": _union(p.sections for p in ordered),
        "added": min(p.added for p in ordered),
        "authors": authors_given[0].authors if authors_given else None,
        "notes": _joined(notes),
        "pin": _union(p.pin or [] for p in ordered) or None,
    }
    return result


def _joined(notes: list[str]) -> str | None:
    """One record's notes exactly as written; several records' notes one after another."""
    if len(notes) == 1:
        return notes[0]
    return "\n\n".join(n.rstrip("\n") for n in notes) or None


def _distinct(items: Iterable[Any], value: Callable[[Any], Any]) -> list[Any]:
    return list(dict.fromkeys(value(item) for item in items))


def _listing(papers: Iterable[Paper], value: Callable[[Paper], Any]) -> str:
    return "; ".join(f"{p.id}: {value(p)}" for p in papers)


def _union(lists: Iterable[Iterable[str]]) -> list[str]:
    return list(dict.fromkeys(item for items in lists for item in items))


def _same_url(url: str) -> str:
    """Spellings of one URL that are not a real difference: scheme, www., case, slash, .git."""
    text = url.strip().lower().split("#")[0]
    text = text.split("://", 1)[-1].removeprefix("www.")
    return text.rstrip("/").removesuffix(".git")


@dataclass
class FixReport:
    """What `dedupe --fix` did: the merges written and the groups left alone."""

    merged: list[Merge] = field(default_factory=list)
    conflicts: list[Merge] = field(default_factory=list)


def fix_duplicates(catalog: Catalog, groups: Sequence[Group]) -> FixReport:
    """Merge every group without conflicts; write the kept record, then delete the others.

    The kept record is written (atomically) before any file is removed, so a crash midway
    leaves a duplicate behind, never a lost paper. A group with a conflict is not touched.
    """
    by_id = {p.id: p for p in catalog.papers}
    report = FixReport()

    def is_preprint(venue: str) -> bool:
        entry = catalog.venues.entries.get(venue)
        return entry is not None and entry.kind == "preprint"

    plans = []
    for group in groups:
        result = merge(group, [by_id[i] for i in group.ids], is_preprint)
        if result.fields is not None:
            try:
                record = Record.model_validate(_drop_none(result.fields))
            except ValidationError as exc:
                result.conflicts.append(f"merged record is invalid: {exc.errors()[0]['msg']}")
            else:
                plans.append((result, record))
                continue
        report.conflicts.append(result)
    for result, record in plans:  # all checked before any is written: nothing half-done
        record_text(record, catalog.paper_path(result.keep))
    for result, record in plans:
        write_record(Path(catalog.paper_path(result.keep)), record)
        for paper_id in result.remove:
            Path(catalog.paper_path(paper_id)).unlink(missing_ok=True)
        report.merged.append(result)
    return report


def _drop_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}
