"""Which rows of a list are papers already in the catalog, one paper listed twice, or in
conflict: decided by `dedupe.find_identity` over the catalog's papers and the rows together
(the one identity index), so whatever import folds, dedupe would have found.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from catalog.catalog import Catalog
from catalog.dedupe import find_identity
from catalog.diagnostics import Diagnostic
from catalog.identity import url_key
from catalog.importing.cells import plain_text
from catalog.importing.result import ImportResult


@dataclass(frozen=True)
class _Links:
    paper: str
    code: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class _Candidate:
    """A row standing in for a paper while identity is decided (ids no file can have)."""

    id: str
    title: str
    year: int
    links: _Links


def decide(
    rows: list[tuple[int, dict[str, Any], str]],
    catalog: Catalog | None,
    shown: str,
    result: ImportResult,
) -> list[tuple[int, dict[str, Any]]]:
    """Overlaps, repeats and conflicts by the one identity index; returns the rows to write.

    `rows` are (line, record fields, title as listed) in list order."""
    by_id = {f"~row-{line:08d}": (line, fields) for line, fields, _ in rows}
    listed = {line: title for line, _, title in rows}
    candidates = [
        _Candidate(cid, fields["title"], fields["year"], _Links(**fields["links"]))
        for cid, (_, fields) in by_id.items()
    ]
    known = {p.id: p for p in catalog.papers} if catalog else {}
    identity = find_identity([*known.values(), *candidates])
    group_of: dict[str, tuple[str, ...]] = {}
    for group in identity.groups:
        for member in group.ids:
            group_of[member] = group.ids
    key_of = {m: g.key for g in identity.groups for m in g.ids}
    blocked: set[str] = set()
    for conflict in identity.conflicts:
        if not any(i in by_id for i in conflict.ids):
            continue
        members = [m for i in conflict.ids for m in group_of.get(i, (i,))]
        blocked.update(m for m in members if m in by_id)
        _conflict(conflict.key, members, by_id, known, catalog, shown, result)
    folded: dict[str, list[str]] = defaultdict(list)
    kept = []
    for cid, (line, fields) in by_id.items():
        if cid in blocked:
            continue
        same = group_of.get(cid, (cid,))
        existing = [i for i in same if i in known]
        if existing:
            paper = known[existing[0]]
            where = catalog.paper_path(paper.id) if catalog else paper.id
            result.overlaps.append(
                {
                    "line": line,
                    "title": fields["title"],
                    "record": paper.id,
                    "file": where,
                    "key": key_of[cid],
                }
            )
            result.diagnostics.append(
                Diagnostic(
                    shown,
                    line,
                    1,
                    "warning",
                    "import-overlap",
                    f"{plain_text(listed[line])!r} is already in the catalog as {where} "
                    f"({key_of[cid]}); not imported",
                )
            )
            continue
        first = min(i for i in same if i in by_id)
        if first != cid:
            folded[first].append(cid)
            continue
        kept.append((line, fields))
    for first, repeats in folded.items():
        line, fields = by_id[first]
        for cid in repeats:
            other_line, other = by_id[cid]
            name = plain_text(listed[other_line])
            result.diagnostics.extend(_merge_into(fields, other, shown, (other_line, line), name))
    return kept


def _conflict(
    key: str,
    members: list[str],
    by_id: dict[str, tuple[int, dict[str, Any]]],
    known: dict[str, Any],
    catalog: Catalog | None,
    shown: str,
    result: ImportResult,
) -> None:
    rows = sorted({by_id[m][0]: by_id[m][1]["title"] for m in members if m in by_id}.items())
    paths = (
        {catalog.paper_path(m): known[m].title for m in members if m in known} if catalog else {}
    )
    records = sorted(paths.items())
    named = [f"line {line} {title!r}" for line, title in rows]
    named += [f"{path} {title!r}" for path, title in records]
    result.conflicts.append(
        {
            "key": key,
            "rows": [{"line": line, "title": title} for line, title in rows],
            "records": [{"file": path, "title": title} for path, title in records],
        }
    )
    for line, title in rows:
        others = [n for n in named if n != f"line {line} {title!r}"]
        message = (
            f"{title!r} shares {key} with {', '.join(others)}, under another title; "
            "neither is imported"
        )
        problem = Diagnostic(shown, line, 1, "error", "identity-conflict", message,
                             "fix the link that points at the other paper, or give both "
                             "rows the same title if they are one paper")  # fmt: skip
        result.diagnostics.append(problem)
        result.skip(line, title, problem)


def _merge_into(
    kept: dict[str, Any], repeat: dict[str, Any], path: str, lines: tuple[int, int], name: str
) -> list[Diagnostic]:
    """Fold a repeated row into the first: union of sections and keywords, missing links.

    The messages stand at the repeat's line and name the row written there (`name`)."""
    line, first_line = lines
    problems = []
    kept["sections"] = list(dict.fromkeys(kept["sections"] + repeat["sections"]))
    kept["keywords"] = list(dict.fromkeys(kept["keywords"] + repeat["keywords"]))
    for column, url in repeat["links"].items():
        current = kept["links"].get(column)
        if current is None:
            kept["links"][column] = url
        elif column == "paper" and url_key(current) is None and url_key(url) is not None:
            kept["links"]["paper"] = url  # keep the link that says which paper it is
        elif current != url and column != "paper":
            problems.append(
                Diagnostic(
                    path,
                    line,
                    1,
                    "warning",
                    "import-conflict",
                    f"{name!r}: another {column} link {url!r} than line {first_line}; "
                    f"kept {current!r}",
                )
            )
    for key in ("year", "venue"):
        if kept[key] != repeat[key]:
            problems.append(
                Diagnostic(
                    path,
                    line,
                    1,
                    "warning",
                    "import-conflict",
                    f"{name!r}: {key} {repeat[key]!r}, line {first_line} says "
                    f"{kept[key]!r}; kept {kept[key]!r}",
                )
            )
    problems.append(
        Diagnostic(
            path,
            line,
            1,
            "warning",
            "import-repeat",
            f"{name!r} repeats {kept['title']!r} of line {first_line}; merged into one record",
        )
    )
    return problems
