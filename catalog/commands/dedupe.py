"""`catalog dedupe`: find the groups, maybe merge them, print the outcome, return the status."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from catalog import output
from catalog.cli_options import require_data_dir
from catalog.errors import EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from catalog.catalog import Catalog, Group
    from catalog.dedupe.merge import FixReport


def run(data_dir: Path, fmt: Literal["text", "json"], fix: bool) -> int:
    """Report duplicate groups (and merge them with `fix`); return the exit status."""
    from catalog.dedupe.merge import fix_duplicates
    from catalog.validate import load_catalog

    require_data_dir(data_dir)
    catalog = load_catalog(data_dir)
    identity_codes = ("duplicate-paper", "identity-conflict")
    skipped = {d.path for d in catalog.diagnostics if d.code not in identity_codes}
    skipped -= {catalog.paper_path(p.id) for p in catalog.papers}
    if skipped:
        output.warn(f"{len(skipped)} file(s) with errors were not checked; run `catalog validate`")
    groups = catalog.duplicates
    report = fix_duplicates(catalog, groups) if fix and groups else None
    if fmt == "json":
        doc = _as_json(groups, report)
        if catalog.conflicts:  # one id under two titles: never merged, the maintainer decides
            doc["identity_conflicts"] = [
                {"key": c.key, "records": list(c.ids)} for c in catalog.conflicts
            ]
        output.emit_json(doc)
    else:
        lines = _as_text(catalog, groups, report).splitlines()
        if output.is_quiet():
            lines = lines[:-1]  # the summary line
        for c in catalog.conflicts:
            files = ", ".join(catalog.paper_path(i) for i in c.ids)
            lines.append(f"identity conflict ({c.key}): {files}: one id under two titles")
        if lines:
            click.echo("\n".join(lines))
    if catalog.conflicts or skipped:  # files it could not read are findings too
        return EXIT_FINDINGS
    if report is not None:
        return EXIT_FINDINGS if report.conflicts else EXIT_OK
    return EXIT_FINDINGS if groups else EXIT_OK


def _as_json(groups: list[Group], report: FixReport | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"groups": [{"key": g.key, "records": list(g.ids)} for g in groups]}
    if report is not None:
        doc["merged"] = [
            {"key": m.key, "kept": m.keep, "removed": m.remove, "notes": m.notes}
            for m in report.merged
        ]
        doc["conflicts"] = [
            {"key": m.key, "records": [m.keep, *m.remove], "problems": m.conflicts}
            for m in report.conflicts
        ]
    return doc


def _as_text(catalog: Catalog, groups: list[Group], report: FixReport | None) -> str:
    def path(paper_id: str) -> str:
        return catalog.paper_path(paper_id)

    if report is None:
        lines = [f"{g.key}: {', '.join(path(i) for i in g.ids)}" for g in groups]
        records = sum(len(g.ids) for g in groups)
        lines.append(
            f"{len(groups)} duplicate group(s), {records} records"
            if groups
            else f"no duplicates among {len(catalog.papers)} records"
        )
        return "\n".join(lines)
    lines = []
    for m in report.merged:
        removed = ", ".join(path(i) for i in m.remove)
        lines.append(f"merged {removed} into {path(m.keep)} ({m.key})")
        lines += [f"  note: {note}" for note in m.notes]
    for m in report.conflicts:
        files = ", ".join(path(i) for i in [m.keep, *m.remove])
        lines.append(f"conflict ({m.key}): {files}: left unchanged")
        lines += [f"  {problem}" for problem in m.conflicts]
    lines.append(
        f"{len(report.merged)} group(s) merged, {len(report.conflicts)} left with conflicts"
    )
    return "\n".join(lines)
