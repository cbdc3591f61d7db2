"""What a pull request's new papers ask of a maintainer: ids that don't resolve, too many at once.

Machine-written spam adds records whose arXiv ids or DOIs were made up, often many at a time.
Neither is an error in the data (a record can be valid and still fake), so triage flags them as
warnings for a person to judge, in the PR job's summary. Pure: the caller says which records
changed and how to ask the sources whether an identifier exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from catalog.catalog import Catalog
from catalog.diagnostics import Diagnostic
from catalog.identity import identity_keys, key_kind, key_url

MAX_NEW = 10  # more papers than this in one pull request is worth a maintainer's look
CHECKED_KINDS = ("arxiv", "doi", "openreview", "acl")

# identity keys -> key: True (exists), False (the source says no such paper), None (unknown)
Resolver = Callable[[list[str]], Mapping[str, bool | None]]


@dataclass(frozen=True)
class Triage:
    """The flags (warnings at each record's line) and what was looked at."""

    flags: list[Diagnostic]
    changed: list[str]
    added: list[str]
    unchecked: list[str]  # records with no identifier a source can confirm

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def checked_keys(catalog: Catalog, paper_ids: Iterable[str]) -> dict[str, list[str]]:
    """Paper id -> the identity keys of its links that a source can confirm."""
    by_id = {p.id: p for p in catalog.papers}
    found: dict[str, list[str]] = {}
    for paper_id in sorted(paper_ids):
        paper = by_id.get(paper_id)
        if paper is not None:
            keys = identity_keys(paper.links)
            found[paper_id] = [k for k in keys if key_kind(k) in CHECKED_KINDS]
    return found


def triage(
    catalog: Catalog,
    changed: Iterable[str],
    added: Iterable[str],
    resolve: Resolver,
    max_new: int = MAX_NEW,
) -> Triage:
    """Flag changed records whose identifiers the sources deny, and an outsized batch."""
    changed_ids = sorted(set(changed))
    added_ids = sorted(set(added) & set(changed_ids))
    keys = checked_keys(catalog, changed_ids)
    answers = resolve(sorted({k for ks in keys.values() for k in ks}))
    flags: list[Diagnostic] = []
    for paper_id, paper_keys in keys.items():
        for key in paper_keys:
            if answers.get(key) is False:
                flags.append(_warning(catalog, paper_id, "unresolved-id", _denied(key)))
    if len(added_ids) > max_new:
        first = added_ids[0]
        message = (
            f"this pull request adds {len(added_ids)} papers (more than {max_new}): "
            "a maintainer should look at each before merging"
        )
        flags.append(_warning(catalog, first, "many-papers", message, line_of=False))
    unchecked = [paper_id for paper_id, ks in keys.items() if not ks]
    return Triage(sorted(flags), changed_ids, added_ids, unchecked)


def markdown(result: Triage) -> str:
    """The job summary: a short verdict, then each flag with its record."""
    lines = ["### Papers for a maintainer", ""]
    if not result.changed:
        return "\n".join([*lines, "No paper records were added or changed.", ""])
    lines.append(
        f"{len(result.changed)} record(s) changed, {len(result.added)} of them new."
        + (" Nothing to flag." if not result.flagged else "")
    )
    if result.flags:
        lines += ["", "| Record | Flag | Why |", "| --- | --- | --- |"]
        for flag in result.flags:
            where = f"`{flag.path}:{flag.line}`" if flag.line else f"`{flag.path}`"
            lines.append(f"| {where} | {flag.code} | {_cell(flag.message)} |")
    if result.unchecked:
        names = ", ".join(f"`{paper_id}`" for paper_id in result.unchecked)
        lines += ["", f"No identifier a source can confirm (checked by hand): {names}."]
    return "\n".join([*lines, ""])


def _denied(key: str) -> str:
    kind, _, value = key.partition(":")
    where = key_url(key) or key
    return f"{kind} id {value!r} does not resolve ({where} names no paper)"


def _warning(
    catalog: Catalog, paper_id: str, code: str, message: str, *, line_of: bool = True
) -> Diagnostic:
    source = catalog.sources[paper_id]
    line, column = source.locate(("links", "paper")) if line_of else (1, 1)
    return Diagnostic(source.path, line, column, "warning", code, message)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
