"""What validation says about identity: a re-added paper, or one id under two titles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from catalog.catalog import Conflict, Group
from catalog.diagnostics import Diagnostic
from catalog.identity import link_keys
from catalog.model import Paper

if TYPE_CHECKING:
    from catalog.load import Source


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


def conflict_diagnostics(
    conflicts: Iterable[Conflict], papers: Sequence[Paper], sources: Mapping[str, Source]
) -> list[Diagnostic]:
    """One `identity-conflict` error per pair, at the later record's link, naming both titles."""
    by_id = {p.id: p for p in papers}
    problems = []
    for conflict in conflicts:
        first, second = sorted((by_id[i] for i in conflict.ids), key=lambda p: (p.added, p.id))
        source = sources[second.id]
        line, column = source.locate(_key_location(second, conflict.key))
        problems.append(
            Diagnostic(
                source.path,
                line,
                column,
                "error",
                "identity-conflict",
                f"{conflict.key} is also {sources[first.id].path} ({first.title!r}), "
                f"but this record is {second.title!r}",
                "one link points at another paper: fix it; if they are one paper, "
                "give both the same title",
            )
        )
    return problems
