"""The sync report in text, JSON or Markdown (the Markdown one is the weekly pull request's body).

Proposals are grouped by kind, each with the links of the facts that support it, so a reviewer
can check a venue update against DBLP and OpenReview in one click.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from catalog.sync.engine import RunStats
from catalog.sync.reconcile import Proposal

Format = Literal["text", "json", "markdown"]
GROUPS: tuple[tuple[str, str], ...] = (
    ("venue", "Venue updates"),
    ("authors", "Authors filled"),
    ("paper-link", "Abstract pages instead of PDF links"),
    ("code-moved", "Moved repositories"),
    ("code-archived", "Archived repositories"),
    ("code-deleted", "Deleted repositories"),
    ("conflict", "Conflicts (not applied)"),
    ("pinned", "Pinned fields (left alone)"),
)


def _show(value: Any) -> str:
    if isinstance(value, dict) and "venue" in value:
        return f"{value['venue']} {value.get('year') or ''}".strip()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _change(p: Proposal) -> str:
    if p.kind in ("venue", "paper-link", "code-moved") or (p.kind == "pinned" and p.old):
        return f"{_show(p.old)} → {_show(p.new)}"
    if p.kind in ("authors",) or (p.kind == "pinned" and p.new):
        return _show(p.new)
    return p.note


def summary(stats: RunStats | None, written: int, applied: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"written": written, "applied": applied}
    if stats is not None:
        doc.update(
            requests=stats.requests,
            seconds=round(stats.seconds, 1),
            out_of_time=stats.out_of_time,
            sources={
                name: {
                    "asked": stats.asked[name],
                    "known": stats.learned[name],
                    "pending": stats.pending[name],
                    **({"stopped": stats.stopped[name]} if name in stats.stopped else {}),
                }
                for name in sorted(set(stats.asked) | set(stats.pending) | set(stats.stopped))
            },
        )
    return doc


def as_json(proposals: Sequence[Proposal], run: dict[str, Any]) -> str:
    items = [
        {
            "kind": p.kind,
            "paper": p.paper_id,
            "field": p.field,
            "old": p.old,
            "new": p.new,
            "applies": p.applies,
            "note": p.note,
            "evidence": [
                {"source": f.source, "url": f.url, "fetched": f.fetched.isoformat()}
                | ({"also": list(f.also)} if f.also else {})
                for f in p.evidence
            ],
        }
        for p in proposals
    ]
    return json.dumps({"run": run, "proposals": items}, indent=2, ensure_ascii=False, default=str)


def as_text(proposals: Sequence[Proposal], run: dict[str, Any]) -> str:
    lines: list[str] = []
    for kind, title in GROUPS:
        chosen = [p for p in proposals if p.kind == kind]
        if not chosen:
            continue
        lines.append(f"{title} ({len(chosen)}):")
        for p in chosen:
            lines.append(f"  {p.paper_id}: {p.field}: {_change(p)}")
            if p.note and _change(p) != p.note:
                lines.append(f"    {p.note}")
            lines += [f"    {f.source}: {' '.join((f.url, *f.also))}" for f in p.evidence]
    lines.append(_tally(proposals, run))
    return "\n".join(lines)


def as_markdown(proposals: Sequence[Proposal], run: dict[str, Any]) -> str:
    lines = ["## Catalog sync", "", _tally(proposals, run), ""]
    for kind, title in GROUPS:
        chosen = [p for p in proposals if p.kind == kind]
        if not chosen:
            continue
        lines += [f"### {title} ({len(chosen)})", "", "| paper | field | change | evidence |"]
        lines.append("| --- | --- | --- | --- |")
        for p in chosen:
            links = ", ".join(
                f"[{f.source}]({f.url})" + "".join(f" [also]({u})" for u in f.also)
                for f in p.evidence
            )
            change = _change(p) + (f" ({p.note})" if p.note and _change(p) != p.note else "")
            lines.append(f"| `{p.paper_id}` | {p.field} | {_cell(change)} | {links} |")
        lines.append("")
    sources = run.get("sources") or {}
    if sources:
        lines += ["<details><summary>Sources asked</summary>", ""]
        lines += [
            "| source | asked | known | still due | stopped |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name, s in sources.items():
            stopped = _cell(s.get("stopped", ""))
            lines.append(f"| {name} | {s['asked']} | {s['known']} | {s['pending']} | {stopped} |")
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _tally(proposals: Sequence[Proposal], run: dict[str, Any]) -> str:
    applies = sum(p.applies for p in proposals)
    verb = "applied" if run.get("applied") else "proposed"
    parts = [f"{applies} change(s) {verb}", f"{len(proposals) - applies} finding(s) reported"]
    if "requests" in run:
        parts.append(f"{run['requests']} request(s) in {run['seconds']} s")
    if run.get("out_of_time"):
        parts.append("budget spent: the next run resumes")
    return "sync: " + ", ".join(parts)


def render(fmt: Format, proposals: Sequence[Proposal], run: dict[str, Any]) -> str:
    if fmt == "json":
        return as_json(proposals, run)
    if fmt == "markdown":
        return as_markdown(proposals, run)
    return as_text(proposals, run)
