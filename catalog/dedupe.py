"""Find records that are the same paper, and merge them into one (`catalog dedupe --fix`).

Grouping is linear: every id key is hashed once and records sharing one are joined with
union-find. Titles are the last resort: two records whose normalized titles match and whose
years differ by at most one are joined only when they hold no ids of the same kind, since a
shared kind with different values (two arXiv ids) means two papers that happen to share a
name. Same-title papers are compared in (year, id) order, and everything else is
order-free, so the groups never depend on file order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from catalog.catalog import Group
from catalog.diagnostics import Diagnostic
from catalog.identity import (
    TITLE,
    key_kind,
    key_rank,
    link_keys,
    normalize_title,
    title_key,
    url_key,
)
from catalog.model import Links, Paper, Record
from catalog.records import dump_record
from catalog.writer import write_atomic

if TYPE_CHECKING:
    from catalog.catalog import Catalog
    from catalog.load import Source

LINK_SLOTS = ("paper", "code", "project")


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, a: int, b: int) -> int:
        """Join two sets; the smaller index stays the root, so results are deterministic."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        low, high = min(ra, rb), max(ra, rb)
        self.parent[high] = low
        return low


def find_groups(papers: Iterable[Paper]) -> list[Group]:
    """Groups of two or more papers that share an identity, sorted by their first id."""
    ordered = papers if isinstance(papers, Sequence) else list(papers)
    uf = _UnionFind(len(ordered))
    id_keys: list[list[str]] = []
    owner: dict[str, int] = {}
    touched: list[int] = []  # every record joined to another; the rest are singletons
    for i, paper in enumerate(ordered):
        keys = _id_keys(paper.links)
        id_keys.append(keys)
        for key in keys:
            first = owner.setdefault(key, i)
            if first != i:
                uf.union(first, i)
                touched += (first, i)

    kinds: dict[int, frozenset[str]] = {}  # root -> kinds of id its records hold
    for i in touched:
        root = uf.find(i)
        kinds[root] = kinds.get(root, frozenset()).union(map(key_kind, id_keys[i]))

    first_of: dict[str, int] = {}
    same_title: dict[str, list[int]] = {}
    for i, paper in enumerate(ordered):
        norm = normalize_title(paper.title)
        first = first_of.setdefault(norm, i)
        if first != i and norm:
            same_title.setdefault(norm, [first]).append(i)
    for _, members in sorted(same_title.items()):  # a fixed order: joins change kinds
        for i in members:
            root = uf.find(i)
            if root not in kinds:  # a record not joined to any other yet
                kinds[root] = frozenset(map(key_kind, id_keys[i]))
        touched += _join_by_title(ordered, members, uf, kinds)

    components: dict[int, list[int]] = defaultdict(list)
    for i in set(touched):
        components[uf.find(i)].append(i)
    groups = [
        Group(
            _group_key([ordered[i] for i in members], [id_keys[i] for i in members]),
            tuple(sorted(ordered[i].id for i in members)),
        )
        for members in components.values()
        if len(members) > 1
    ]
    groups.sort(key=lambda g: g.ids)
    return groups


def _id_keys(links: Links) -> list[str]:
    """The keys a record's links name, sorted (the hot loop: no dicts, no sets)."""
    keys = []
    for url in (links.paper, links.code, links.project):
        if url:
            key = url_key(url)
            if key is not None and key not in keys:
                keys.append(key)
    if len(keys) > 1:
        keys.sort()
    return keys


def _join_by_title(
    papers: Sequence[Paper],
    members: list[int],
    uf: _UnionFind,
    kinds: dict[int, frozenset[str]],
) -> list[int]:
    """Join same-title papers a year apart at most, unless they hold ids of one kind.

    Linear even when many different papers share a title: the components seen so far are
    filed by year and by the kinds of id they hold, so a paper only visits the files whose
    kinds it lacks. Every entry visited is either stale (dropped), joined, or ends the visit.
    Returns the records it joined.
    """
    joined_records: list[int] = []
    members = sorted(members, key=lambda i: (papers[i].year, papers[i].id))
    filed: dict[int, dict[frozenset[str], list[int]]] = defaultdict(dict)
    for i in members:
        year = papers[i].year
        root = uf.find(i)
        for table in (filed.get(year - 1), filed.get(year)):
            if not table:
                continue
            for held in list(table):
                if held & kinds[root]:
                    continue
                entries = table.pop(held)
                rest: list[int] = []
                for pos, other in enumerate(entries):
                    if other == root or uf.find(other) != other or kinds[other] != held:
                        continue  # this component itself, or an entry outdated by a join
                    joined = uf.union(root, other)
                    kinds[joined] = kinds[root] | kinds[other]
                    joined_records += (root, other)
                    root = joined
                    if held:  # the rest of this file now clash with the kinds just gained
                        rest = entries[pos + 1 :]
                        break
                if rest:
                    table[held] = rest
        filed[year].setdefault(kinds[root], []).append(root)
    return joined_records


def _group_key(papers: Sequence[Paper], keys: Sequence[Sequence[str]]) -> str:
    """The strongest id key two or more of the records share, else the earliest title key."""
    counts = Counter(k for ks in keys for k in ks)
    shared = [k for k, n in counts.items() if n > 1]
    if shared:
        return min(shared, key=key_rank)
    first = min(papers, key=lambda p: (p.year, p.id))
    return title_key(first.title, first.year) or f"{TITLE}:"


class IdentityIndex:
    """Papers already known, looked up by identity: for importing a list into existing data.

    A lookup is what `find_groups` would decide for the pair: a shared id key, else the same
    normalized title a year apart at most with no id of a kind the other also holds.
    """

    def __init__(self, papers: Iterable[Paper] = ()) -> None:
        self._by_key: dict[str, str] = {}
        self._by_title: dict[str, list[tuple[int, str, frozenset[str]]]] = defaultdict(list)
        for paper in sorted(papers, key=attrgetter("id")):
            self.add(paper.id, paper.links, paper.title, paper.year)

    def add(self, paper_id: str, links: Any, title: str, year: int) -> None:
        keys = set(link_keys(links).values())
        for key in keys:
            self._by_key.setdefault(key, paper_id)
        norm = normalize_title(title)
        if norm:
            self._by_title[norm].append((year, paper_id, frozenset(map(key_kind, keys))))

    def match(self, links: Any, title: str, year: int) -> tuple[str, str] | None:
        """(id, shared key) of the known paper this one is, or None when it is new."""
        keys = sorted(set(link_keys(links).values()), key=key_rank)
        for key in keys:
            if key in self._by_key:
                return self._by_key[key], key
        kinds = {key_kind(k) for k in keys}
        norm = normalize_title(title)
        for other_year, paper_id, other_kinds in self._by_title.get(norm, ()) if norm else ():
            if abs(other_year - year) <= 1 and not kinds & other_kinds:
                return paper_id, f"{TITLE}:{norm}:{other_year}"
        return None


# --- validation -------------------------------------------------------------------------


def original_of(papers: Sequence[Paper]) -> Paper:
    """The record that was there first: oldest `added`, then the shortest and first id."""
    return min(papers, key=lambda p: (p.added, len(p.id), p.id))


def duplicate_diagnostics(
    groups: Iterable[Group], papers: Sequence[Paper], sources: Mapping[str, Source]
) -> list[Diagnostic]:
    """One `duplicate-paper` error per re-added record, at its shared link, naming the original."""
    by_id = {p.id: p for p in papers}
    problems = []
    for group in groups:
        members = [by_id[i] for i in group.ids]
        original = original_of(members)
        where = sources[original.id].path
        for paper in members:
            if paper is original:
                continue
            source = sources[paper.id]
            line, column = source.locate(_key_location(paper, group.key))
            problems.append(
                Diagnostic(
                    source.path,
                    line,
                    column,
                    "error",
                    "duplicate-paper",
                    f"same paper as {where} ({group.key})",
                    f"keep one record: merge this one into {where}, or run `catalog dedupe --fix`",
                )
            )
    return problems


def _key_location(paper: Paper, key: str) -> tuple[str, ...]:
    """The field that carries `key` in a record: a link slot, or the title."""
    for slot, slot_key in link_keys(paper.links).items():
        if slot_key == key:
            return ("links", slot)
    return ("title",)


# --- merging ----------------------------------------------------------------------------


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
    title = lead.title
    titles = _distinct(published or ordered, lambda p: normalize_title(p.title))
    if len(titles) > 1:
        result.conflicts.append(f"title: {_listing(published or ordered, lambda p: p.title)}")
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
    notes = list(dict.fromkeys(p.notes.strip() for p in ordered if p.notes and p.notes.strip()))

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
        "sections": _union(p.sections for p in ordered),
        "added": min(p.added for p in ordered),
        "authors": authors_given[0].authors if authors_given else None,
        "notes": "\n\n".join(notes) or None,
    }
    return result


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
    for result, record in plans:
        write_atomic(Path(catalog.paper_path(result.keep)), dump_record(record))
        for paper_id in result.remove:
            Path(catalog.paper_path(paper_id)).unlink(missing_ok=True)
        report.merged.append(result)
    return report


def _drop_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}
