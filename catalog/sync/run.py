"""One `catalog sync`: read the catalog and facts, ask what is due, reconcile, maybe write.

Nothing is written until everything is read: the facts lockfile is saved atomically (during a
long run too, so a budget or Ctrl-C loses nothing asked), and each record edit is validated
before its file is replaced.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from catalog.catalog import Catalog
from catalog.diagnostics import has_errors
from catalog.errors import CatalogError
from catalog.facts import Facts, facts_path, save_facts
from catalog.load import Source
from catalog.sync.adapters import Ctx
from catalog.sync.edit import apply_edits
from catalog.sync.engine import Progress, RunStats, Sync, adapters_for
from catalog.sync.reconcile import Proposal, reconcile
from catalog.sync.transport import Deadline, Http
from catalog.validate import load_catalog, validate_record


@dataclass
class Outcome:
    proposals: list[Proposal]
    stats: RunStats | None
    written: list[str] = field(default_factory=list)  # record files edited
    facts: Facts = field(default_factory=Facts)


def reserve(budget: float) -> float:
    """Seconds of the budget kept for the work after the last request: a tenth, at most 10 s."""
    return min(10.0, budget / 10)


GROWTH = 1.5  # the work after the last request, over what reading or the last save took


def wrap_up(budget: float, read: float, saved: float = 0.0) -> float:
    """The reserve, grown to what the work after the last request will likely take here.

    That work (writing and checking the facts, reconciling, the report) costs about what
    reading the catalog cost, or what the last save of the facts took (the same files on the
    same machine under the same load), and a half more: the facts grow after that save (at
    10,000 papers on a busy machine: a 9 s save during the run, 11 s at its end, 1 s to
    reconcile). That is more than the fixed reserve there; never more than half the budget.
    """
    return max(reserve(budget), min(budget / 2, GROWTH * max(read, saved)))


def repo_url(catalog: Catalog) -> str | None:
    """Named in the User-Agent, so a source knows whom to tell about a problem."""
    return catalog.config.repo_url if catalog.config and catalog.config.repo_url else None


def sync(
    data_dir: Path,
    *,
    write: bool = False,
    budget: float | None = None,
    only: Sequence[str] = (),
    sources: Sequence[str] = (),
    ask: bool = True,
    today: dt.date | None = None,
    env: Mapping[str, str] | None = None,
    intervals: Mapping[str, float] | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Run a sync over the catalog in `data_dir`; `ask=False` reconciles the facts as they are.

    The budget counts from here, reading included, and keeps a reserve for what follows the
    last request (saving the facts, reconciling, the report), so the run ends within it: a
    tenth of the budget (at most 10 s), or what reading or the last save took if more
    (`wrap_up`).
    """
    started = time.monotonic()
    deadline = Deadline.after(None if budget is None else budget - reserve(budget))
    catalog = load_catalog(data_dir)
    read = time.monotonic() - started
    if budget is not None:
        deadline.at = started + budget - wrap_up(budget, read)
    if has_errors(catalog.diagnostics):
        first = next(d for d in catalog.diagnostics if d.severity == "error")
        raise CatalogError(f"the data has errors (first: {first.text()}); run `catalog validate`")
    path = facts_path(data_dir)
    facts = catalog.facts  # read (and checked) with the records
    papers = catalog.papers
    if only:
        ids = {p.id for p in papers}
        unknown = [i for i in only if i not in ids]
        if unknown:
            raise CatalogError(f"no paper with id {unknown[0]!r} in {data_dir / 'papers'}")
        papers = [p for p in papers if p.id in set(only)]
    day = today or dt.date.today()
    stats = None
    if ask:
        preprints = frozenset(n for n, v in catalog.venues.entries.items() if v.kind == "preprint")
        ctx = Ctx(dict(env if env is not None else os.environ), preprints)
        adapters = adapters_for(ctx, sources or None)
        for adapter in adapters:
            if intervals and adapter.name in intervals:
                adapter.interval = intervals[adapter.name]
        http = Http(
            [a.service for a in adapters],
            contact=repo_url(catalog),
            env=ctx.env,
            deadline=deadline,
            intervals={a.api: a.interval for a in adapters},
        )
        if not only:
            facts.drop({p.id for p in catalog.papers})

        def save() -> None:
            began = time.monotonic()
            save_facts(path, facts)
            if budget is not None and deadline.at is not None:
                took = time.monotonic() - began
                deadline.at = min(deadline.at, started + budget - wrap_up(budget, read, took))

        run = Sync(papers, facts, adapters, http, ctx, day, save, progress)
        try:
            stats = run.run()
        finally:
            save_facts(path, facts)
            http.close()
    proposals = reconcile(papers, catalog.venues, facts)
    outcome = Outcome(proposals, stats, facts=facts)
    if write:
        outcome.written = write_proposals(catalog, proposals)
    return outcome


def write_proposals(catalog: Catalog, proposals: Sequence[Proposal]) -> list[str]:
    """Apply every applicable proposal to its record, in place; the files edited."""
    by_paper: dict[str, list[Proposal]] = {}
    for proposal in proposals:
        if proposal.applies:
            by_paper.setdefault(proposal.paper_id, []).append(proposal)
    sections = {s.id for s in catalog.config.sections} if catalog.config else None
    written = []
    for paper_id in sorted(by_paper):
        path = Path(catalog.paper_path(paper_id))
        edits = [edit for p in by_paper[paper_id] for edit in p.edits()]

        def check(text: str, path: Path = path) -> None:
            source = Source(str(path), text, yaml.load(text, Loader=yaml.CSafeLoader))
            paper, problems = validate_record(
                source, path, catalog.venues, catalog.keywords, sections
            )
            if paper is None or has_errors(problems):
                shown = problems[0].text() if problems else str(path)
                raise CatalogError(f"the edited record would be invalid ({shown}); not written")

        apply_edits(path, edits, check)
        written.append(str(path))
    return written
