"""The catalog's health: what a maintainer should look at, as findings and headline figures.

Nothing here is an error (validate owns those): a keyword used once, a paper without authors,
a preprint nobody re-checked in a year, a link the last check found broken, two records that
look alike without being the same paper. `catalog report` prints it and the stats page shows
its figures. Pure: a Catalog, the facts and a link report in, findings out.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from catalog.catalog import Catalog
from catalog.identity import normalize_title
from catalog.links.verdict import Result

# Finding kinds in report order; the stable contract of `catalog report --format json`.
KINDS = {
    "keyword-near-duplicate": "Keywords that look like one written two ways",
    "keyword-used-once": "Keywords only one paper uses",
    "no-topics": "Papers without a topic",
    "no-authors": "Papers without authors",
    "no-code": "Papers without a code link",
    "unchecked-preprint": "Preprints over a year old whose venue nobody checked lately",
    "broken-link": "Links the last check found broken",
    "duplicate-suspect": "Records that look alike but are not merged",
}
RECHECK_DAYS = 90  # a preprint's venue evidence older than this is due again
SUSPECT_RATIO = 0.9  # title similarity that asks a person (dedupe merges only equal titles)
NEIGHBOURS = 5  # how many sorted neighbours a title is compared with
_STOP = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "with", "via", "lora"})
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, order=True)
class Finding:
    """One thing to look at; `subject` is a paper id, a keyword or a URL."""

    kind: str
    subject: str
    message: str
    path: str = ""
    line: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "message": self.message,
            "file": self.path or None,
            "line": self.line or None,
        }


@dataclass(frozen=True)
class Health:
    findings: list[Finding]
    figures: dict[str, int]

    def by_kind(self) -> dict[str, list[Finding]]:
        groups: dict[str, list[Finding]] = {kind: [] for kind in KINDS}
        for finding in self.findings:
            groups[finding.kind].append(finding)
        return groups

    def as_json(self) -> dict[str, Any]:
        counts = {kind: len(items) for kind, items in self.by_kind().items()}
        return {
            "figures": self.figures,
            "counts": counts,
            "findings": [f.as_json() for f in self.findings],
        }


def check_health(
    catalog: Catalog,
    last_checked: Callable[[str], dt.date | None] = lambda paper_id: None,
    links: Iterable[Result] = (),
    today: dt.date | None = None,
) -> Health:
    """Every finding for the catalog. `last_checked(id)` is the last day a source was asked
    about a paper's venue (from data/facts.yaml); `links` the last link check's results."""
    day = today or dt.date.today()
    findings = [
        *_keyword_findings(catalog),
        *_missing_fields(catalog),
        *_unchecked_preprints(catalog, last_checked, day),
        *_broken(catalog, links),
        *_suspects(catalog),
    ]
    figures = {
        **headline(catalog),
        "keywords_used_once": sum(1 for f in findings if f.kind == "keyword-used-once"),
        "broken_links": sum(1 for f in findings if f.kind == "broken-link"),
    }
    return Health(sorted(findings, key=_order), figures)


def headline(catalog: Catalog) -> dict[str, int]:
    """The figures the stats page shows: cheap counts, no comparisons."""
    papers = catalog.papers
    preprints = _preprint_venues(catalog)
    return {
        "papers": len(papers),
        "with_authors": sum(1 for p in papers if p.authors),
        "with_code": sum(1 for p in papers if p.links.code),
        "with_topics": sum(1 for p in papers if p.topics),
        "preprints": sum(1 for p in papers if p.venue in preprints),
        "keywords": len(catalog.keywords),
    }


def keyword_stem(name: str) -> tuple[str, ...]:
    """A keyword's words, lower-cased, without filler words and common endings."""
    words = []
    for word in _WORD.findall(name.casefold()):
        if word in _STOP:
            continue
        for suffix in _SUFFIXES:
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        words.append(word)
    return tuple(words)


def _keyword_findings(catalog: Catalog) -> list[Finding]:
    users: dict[str, list[str]] = defaultdict(list)
    for paper in catalog.papers:
        for keyword in paper.keywords:
            users[keyword].append(paper.id)
    names = sorted(catalog.keywords.entries)
    registry = str(catalog.data_dir / "keywords.yaml")
    found = []
    for name in names:
        if len(users[name]) == 1:
            message = f"only {users[name][0]} uses {name!r}"
            found.append(Finding("keyword-used-once", name, message, registry))
    stems: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for name in names:
        stems[keyword_stem(name) or (name.casefold(),)].append(name)
    for group in stems.values():
        for a, b in combinations(group, 2):
            message = f"{a!r} and {b!r} read as one keyword: make one an alias of the other"
            found.append(Finding("keyword-near-duplicate", f"{a} / {b}", message, registry))
    return found


def _missing_fields(catalog: Catalog) -> list[Finding]:
    found = []
    has_topics = len(catalog.topics) > 0
    for paper in catalog.papers:
        path, line = _paper_at(catalog, paper.id)
        if has_topics and not paper.topics:
            found.append(Finding("no-topics", paper.id, "no topic", path, line))
        if not paper.authors:
            found.append(Finding("no-authors", paper.id, "no authors", path, line))
        if not paper.links.code:
            found.append(Finding("no-code", paper.id, "no code link", path, line))
    return found


def _preprint_venues(catalog: Catalog) -> set[str]:
    return {name for name, venue in catalog.venues.entries.items() if venue.kind == "preprint"}


def _unchecked_preprints(
    catalog: Catalog, last_checked: Callable[[str], dt.date | None], day: dt.date
) -> list[Finding]:
    preprints = _preprint_venues(catalog)
    found = []
    for paper in catalog.papers:
        if paper.venue not in preprints or paper.year > day.year - 1:
            continue
        last = last_checked(paper.id)
        if last is not None and (day - last).days <= RECHECK_DAYS:
            continue
        since = f"last checked {last.isoformat()}" if last else "never checked"
        message = f"a {paper.year} preprint whose venue was {since}: run `catalog sync`"
        where = _paper_at(catalog, paper.id)
        found.append(Finding("unchecked-preprint", paper.id, message, *where))
    return found


def _broken(catalog: Catalog, results: Iterable[Result]) -> list[Finding]:
    found = []
    for result in results:
        if result.status != "broken":
            continue
        records = [r for r in result.records if r in catalog.sources]
        status = f"HTTP {result.http_status}" if result.http_status else "broken"
        detail = result.message or status
        path, line = _paper_at(catalog, records[0]) if records else ("", 0)
        who = f" ({', '.join(result.records)})" if result.records else ""
        found.append(Finding("broken-link", result.url, f"{detail}{who}", path, line))
    return found


def _suspects(catalog: Catalog) -> list[Finding]:
    """Pairs with near-equal titles, or one code repository under two titles, that dedupe
    left apart. Titles are compared only with their neighbours in sorted order within a block
    of shared first words, so a catalog of 100k similar titles stays linear."""
    grouped = {paper_id for group in catalog.duplicates for paper_id in group.ids}
    papers = [p for p in catalog.papers if p.id not in grouped]
    titles = {p.id: normalize_title(p.title) for p in papers}
    blocks: dict[str, list[str]] = defaultdict(list)
    code: dict[str, list[str]] = defaultdict(list)
    for paper in papers:
        words = [w for w in _WORD.findall(paper.title.casefold()) if w not in _STOP]
        blocks[" ".join(words[:3])].append(paper.id)
        if paper.links.code:
            code[paper.links.code.rstrip("/").casefold()].append(paper.id)
    pairs: dict[tuple[str, str], str] = {}
    for ids in blocks.values():
        ordered = sorted(ids, key=lambda i: titles[i])
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 : i + 1 + NEIGHBOURS]:
                if _similar(titles[a], titles[b]):
                    pairs[(min(a, b), max(a, b))] = "have near-identical titles"
    for ids in code.values():
        if len(ids) <= NEIGHBOURS:  # one repository of a whole series is no suspect
            for a, b in combinations(sorted(ids), 2):
                pairs[(a, b)] = "share a code repository"
    return [
        Finding(
            "duplicate-suspect",
            f"{a} / {b}",
            f"{a} and {b} {why}: the same paper, or two that need telling apart?",
            *_paper_at(catalog, b),
        )
        for (a, b), why in sorted(pairs.items())
    ]


def _similar(a: str, b: str) -> bool:
    return bool(a and b) and difflib.SequenceMatcher(None, a, b).ratio() >= SUSPECT_RATIO


def _paper_at(catalog: Catalog, paper_id: str) -> tuple[str, int]:
    source = catalog.sources.get(paper_id)
    return (source.path, 1) if source else ("", 0)


def _order(finding: Finding) -> tuple[int, str, str]:
    return (list(KINDS).index(finding.kind), finding.subject, finding.message)
