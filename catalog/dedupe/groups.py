"""Which records are one paper: groups of the same paper, and conflicts of identity.

This is the one identity index: `catalog validate`, `dedupe`, `new` and `import` all decide
"same paper?" here, so whatever import folds, dedupe would have found, and the other way round.

Evidence: two records are one paper when they share an id key (arXiv, DOI, ...) *and* their
titles agree (`identity.titles_agree`). The same id under titles that disagree is a
`Conflict`, never a merge: one of the links points at another paper. Titles are the last
resort: two records whose normalized titles match and whose years differ by at most one are
joined only when they hold no ids of the same kind, since a shared kind with different values
(two arXiv ids) means two papers that happen to share a name.

Grouping is linear: every id key is hashed once and records sharing one are joined with
union-find. Records are taken in id order whatever order they come in, so the groups never
depend on file order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Protocol

from catalog.catalog import Conflict, Group
from catalog.identity import (
    TITLE,
    key_kind,
    key_rank,
    normalize_title,
    title_key,
    titles_agree,
    url_key,
)


class _Links(Protocol):
    @property
    def paper(self) -> str: ...
    @property
    def code(self) -> str | None: ...
    @property
    def project(self) -> str | None: ...


class Identified(Protocol):
    """What identity needs of a record: a `Paper`, or an import row standing in for one."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def links(self) -> _Links: ...


@dataclass
class Identity:
    """The verdict on a set of records: groups of the same paper and conflicts of identity."""

    groups: list[Group] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


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


def find_groups(papers: Iterable[Identified]) -> list[Group]:
    """Groups of two or more papers that share an identity, sorted by their first id."""
    return find_identity(papers).groups


def find_identity(papers: Iterable[Identified]) -> Identity:
    """Groups of the same paper and the conflicts between records (both sorted by ids)."""
    ordered = sorted(papers, key=attrgetter("id"))  # already sorted: linear
    uf = _UnionFind(len(ordered))
    id_keys: list[list[str]] = []
    owners: dict[str, list[int]] = {}  # key -> the first record of each title seen with it
    clashes: dict[tuple[int, int], str] = {}
    touched: list[int] = []  # every record joined to another; the rest are singletons
    for i, paper in enumerate(ordered):
        keys = _id_keys(paper.links)
        id_keys.append(keys)
        for key in keys:
            firsts = owners.setdefault(key, [i])
            if firsts[0] == i:
                continue
            for first in firsts:
                if titles_agree(ordered[first].title, paper.title):
                    uf.union(first, i)
                    touched += (first, i)
                    break
            else:  # a title of its own under this id: a conflict with every other title
                for first in firsts:
                    clashes.setdefault((first, i), key)
                firsts.append(i)

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
    result = Identity()
    result.groups = [
        Group(
            _group_key([ordered[i] for i in members], [id_keys[i] for i in members]),
            tuple(sorted(ordered[i].id for i in members)),
        )
        for members in components.values()
        if len(members) > 1
    ]
    result.groups.sort(key=lambda g: g.ids)
    result.conflicts = sorted(
        Conflict(key, (ordered[a].id, ordered[b].id))
        for (a, b), key in clashes.items()
        if uf.find(a) != uf.find(b)  # joined after all (through a third record): one paper
    )
    return result


def _id_keys(links: _Links) -> list[str]:
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
    papers: Sequence[Identified],
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


def _group_key(papers: Sequence[Identified], keys: Sequence[Sequence[str]]) -> str:
    """The strongest id key two or more of the records share, else the earliest title key."""
    counts = Counter(k for ks in keys for k in ks)
    shared = [k for k, n in counts.items() if n > 1]
    if shared:
        return min(shared, key=key_rank)
    first = min(papers, key=lambda p: (p.year, p.id))
    return title_key(first.title, first.year) or f"{TITLE}:"
