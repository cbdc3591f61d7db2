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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from catalog.catalog import Catalog
from catalog.identity import normalize_title

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
    facts: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]] | None = None,
    broken_links: Iterable[Mapping[str, Any]] = (),
    today: dt.date | None = None,
) -> Health:
    """Every finding for the catalog; `facts` is data/facts.yaml, `broken_links` the last
    check's broken results (check-links' JSON `results` with status broken)."""
    day = today or dt.date.today()
    facts = facts or {}
    findings = [
        *_keyword_findings(catalog),
        *_missing_fields(catalog),
        *_unchecked_preprints(catalog, facts, day),
        *_broken(catalog, broken_links),
        *_suspects(catalog),
    ]
    papers = catalog.papers
    preprints = _preprint_venues(catalog)
    figures = {
        "papers": len(papers),
        "with_authors": sum(1 for p in papers if p.authors),
        "with_code": sum(1 for p in papers if p.links.code),
        "with_topics": sum(1 for p in papers if getattr(p, "topics", None)),
        "preprints": sum(1 for p in papers if p.venue in preprints),
        "keywords": len(catalog.keywords),
        "keywords_used_once": sum(1 for f in findings if f.kind == "keyword-used-once"),
        "broken_links": sum(1 for f in findings if f.kind == "broken-link"),
    }
    return Health(sorted(findings, key=_order), figures)


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
    has_topics = bool(getattr(catalog, "topics", None))
    for paper in catalog.papers:
        path, line = _paper_at(catalog, paper.id)
        if has_topics and not getattr(paper, "topics", None):
            found.append(Finding("no-topics", paper.id, "no topic", path, line))
        if not paper.authors:
            found.append(Finding("no-authors", paper.id, "no authors", path, line))
        if not paper.links.code:
            found.append(Finding("no-code", paper.id, "no code link", path, line))
    return found


def _preprint_venues(catalog: Catalog) -> set[str]:
    return {name for name, venue in catalog.venues.entries.items() if venue.kind == "preprint"}


def _unchecked_preprints(
    catalog: Catalog, facts: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]], day: dt.date
) -> list[Finding]:
    preprints = _preprint_venues(catalog)
    found = []
    for paper in catalog.papers:
        if paper.venue not in preprints or paper.year > day.year - 1:
            continue
        checked = [_date(e.get("fetched")) for e in facts.get(paper.id, {}).get("venue", ())]
        last = max((d for d in checked if d is not None), default=None)
        if last is not None and (day - last).days <= RECHECK_DAYS:
            continue
        since = f"last checked {last.isoformat()}" if last else "never checked"
        message = f"a {paper.year} preprint whose venue was {since}: run `catalog sync`"
        where = _paper_at(catalog, paper.id)
        found.append(Finding("unchecked-preprint", paper.id, message, *where))
    return found


def _broken(catalog: Catalog, results: Iterable[Mapping[str, Any]]) -> list[Finding]:
    found = []
    for result in results:
        if result.get("status") != "broken":
            continue
        url = str(result.get("url", ""))
        records = [str(r) for r in result.get("records", ()) if isinstance(r, str | int)]
        detail = str(result.get("detail") or result.get("message") or "broken")
        paper_id = records[0] if records else ""
        path, line = _paper_at(catalog, paper_id) if paper_id in catalog.sources else ("", 0)
        who = f" ({', '.join(records)})" if records else ""
        found.append(Finding("broken-link", url, f"{detail}{who}", path, line))
    return found


def _suspects(catalog: Catalog) -> list[Finding]:
    """Pairs with near-equal titles, or one code repository under two titles, that dedupe
    left apart. Candidates come from shared title words, so this stays near-linear."""
    grouped = {paper_id for group in catalog.duplicates for paper_id in group.ids}
    papers = [p for p in catalog.papers if p.id not in grouped]
    titles = {p.id: normalize_title(p.title) for p in papers}
    blocks: dict[str, list[str]] = defaultdict(list)
    for paper in papers:
        words = [w for w in _WORD.findall(paper.title.casefold()) if w not in _STOP]
        blocks["t:" + " ".join(words[:3])].append(paper.id)
        if paper.links.code:
            blocks["c:" + paper.links.code.rstrip("/").casefold()].append(paper.id)
    pairs: set[tuple[str, str]] = set()
    for key, ids in blocks.items():
        for a, b in combinations(sorted(ids), 2):
            if key.startswith("c:") or _similar(titles[a], titles[b]):
                pairs.add((a, b))
    found = []
    for a, b in sorted(pairs):
        same_code = any(a in ids and b in ids for k, ids in blocks.items() if k.startswith("c:"))
        why = "share a code repository" if same_code else "have near-identical titles"
        message = f"{a} and {b} {why}: the same paper, or two that need telling apart?"
        found.append(Finding("duplicate-suspect", f"{a} / {b}", message, *_paper_at(catalog, b)))
    return found


def _similar(a: str, b: str) -> bool:
    return bool(a and b) and difflib.SequenceMatcher(None, a, b).ratio() >= SUSPECT_RATIO


def _paper_at(catalog: Catalog, paper_id: str) -> tuple[str, int]:
    source = catalog.sources.get(paper_id)
    return (source.path, 1) if source else ("", 0)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _order(finding: Finding) -> tuple[int, str, str]:
    return (list(KINDS).index(finding.kind), finding.subject, finding.message)
