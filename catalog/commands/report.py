"""`catalog report`: what a maintainer should look at, as text, JSON or Markdown."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from catalog import output
from catalog.cli_options import require_data_dir
from catalog.errors import EXIT_OK, CatalogError, UsageProblem

if TYPE_CHECKING:
    from catalog.health import Health
    from catalog.links.verdict import Result

Format = Literal["text", "json", "markdown"]
# Sources whose answer settles a preprint's venue (Semantic Scholar's venue never does).
VENUE_SOURCES = ("dblp", "openreview", "crossref", "arxiv", "manual")
MAX_REPORT_BYTES = 50_000_000


def run(data_dir: Path, links_report: Path | None, fmt: Format) -> int:
    """0 with the report printed: findings are for a person to weigh, not failures (like
    `git status`); 1 when the data itself has errors (`catalog validate` says which)."""
    from catalog.health import check_health
    from catalog.validate import load_catalog

    require_data_dir(data_dir)
    catalog = load_catalog(data_dir)
    if any(d.severity == "error" for d in catalog.diagnostics):
        raise CatalogError("the data has errors; run `catalog validate` first")
    results = _link_results(links_report) if links_report else []
    health = check_health(catalog, _venue_checked(data_dir), results)
    if fmt == "json":
        output.emit_json(health.as_json())
    elif fmt == "markdown":
        click.echo(markdown(health), nl=False)
    else:
        click.echo(text(health), nl=False)
    return EXIT_OK


def text(health: Health) -> str:
    lines = []
    for kind, findings in health.by_kind().items():
        for f in findings:
            where = (
                f"{f.path}:{f.line}: " if f.path and f.line else (f"{f.path}: " if f.path else "")
            )
            lines.append(f"{where}{kind}: {f.message}")
    counts = ", ".join(f"{len(v)} {k}" for k, v in health.by_kind().items() if v)
    figures = health.figures
    lines.append(
        f"{figures['papers']} papers: {figures['with_authors']} with authors, "
        f"{figures['with_code']} with code, {figures['with_topics']} with topics; "
        + (counts or "nothing to look at")
    )
    return "\n".join(lines) + "\n"


def markdown(health: Health) -> str:
    """The report as a job summary or an issue body: figures, then one section per kind."""
    from catalog.health import KINDS

    f = health.figures
    lines = [
        "## Catalog health",
        "",
        "| Papers | With authors | With code | With topics | Preprints | Broken links |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {f['papers']} | {f['with_authors']} | {f['with_code']} | {f['with_topics']} "
        f"| {f['preprints']} | {f['broken_links']} |",
    ]
    for kind, findings in health.by_kind().items():
        if not findings:
            continue
        lines += ["", f"### {KINDS[kind]} ({len(findings)})", ""]
        shown = findings[:100]
        lines += [f"- `{_code(x.subject)}`: {_md(x.message)}" for x in shown]
        if len(findings) > len(shown):
            lines.append(f"- … and {len(findings) - len(shown)} more (`catalog report`)")
    if not health.findings:
        lines += ["", "Nothing to look at."]
    return "\n".join(lines) + "\n"


def _venue_checked(data_dir: Path) -> Callable[[str], dt.date | None]:
    """The last day a source said something about each paper's venue (data/facts.yaml)."""
    from catalog.facts import facts_path, load_facts

    facts = load_facts(facts_path(data_dir))

    def last(paper_id: str) -> dt.date | None:
        days = [fact.fetched for fact in facts.get(paper_id, "venue").values()]
        days += [d for s in VENUE_SOURCES if (d := facts.checked(paper_id, s)) is not None]
        return max(days, default=None)

    return last


def _link_results(path: Path) -> list[Result]:
    """The results of a `catalog check-links --format json` report."""
    from catalog.links.report import from_json

    try:
        if not path.is_file():
            raise UsageProblem(f"{path}: no such link report (catalog check-links --format json)")
        if path.stat().st_size > MAX_REPORT_BYTES:
            raise UsageProblem(f"{path}: larger than {MAX_REPORT_BYTES} bytes")
        doc = json.loads(path.read_text(encoding="utf-8"))
        return from_json(doc).results
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UsageProblem(f"{path}: not a check-links JSON report ({exc})") from None


def _code(text: str) -> str:
    return text.replace("`", "'")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")
