"""From facts to proposals: what the sources say that the hand-written records should change.

Pure: papers, venues and facts in, proposals out. Human fields win: sync only fills what is
missing (authors), moves a preprint to the venue it was published at, swaps a PDF link for the
abstract page and follows a moved repository. Everything else it finds is reported, never
applied: sources that disagree (a conflict), a venue claim that lacks its confirmation, a
deleted or archived repository, and anything a record pins.

Who decides a venue: a curator's `manual` fact alone; otherwise DBLP, Crossref and OpenReview
(an accepted forum) must not disagree, and for venues that review on OpenReview (ICLR-type, no
DOIs) DBLP and OpenReview must both say it. Semantic Scholar's venue is never asked. A forum
OpenReview marks rejected or withdrawn is never shown as accepted at an OpenReview venue.
arXiv's `journal_ref` (the authors' free text, see sync/journal_ref.py) is evidence, never a
decider: it supports the venue the deciders agree on, makes a conflict when it names another,
and alone is reported as an unconfirmed claim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from catalog.facts import Fact, Facts
from catalog.identity import arxiv_pdf_id
from catalog.model import Paper, Venue
from catalog.registry import Registry, normalize
from catalog.sync.adapters.github import repo_of
from catalog.sync.journal_ref import journal_venue

OPENREVIEW_VENUES = frozenset({"ICLR", "TMLR", "COLM"})
VENUE_DECIDERS = ("manual", "dblp", "openreview", "crossref")
AUTHOR_SOURCES = ("manual", "dblp", "crossref", "openreview", "arxiv")  # most careful first
PINNABLE = ("authors", "venue", "year", "links", "links.paper", "links.code")
APPLIED_KINDS = ("venue", "authors", "paper-link", "code-moved")
_OPENREVIEW_PDF = re.compile(r"https?://openreview\.net/pdf\?id=([^&#]+)")


@dataclass(frozen=True)
class Proposal:
    """One change (or finding) for one record, with the facts that support it."""

    # venue | authors | paper-link | code-moved | code-deleted | code-archived | conflict | pinned
    kind: str
    paper_id: str
    field: str  # the record's field: venue, authors, links.paper, links.code
    old: Any
    new: Any
    evidence: tuple[Fact, ...]
    note: str = ""

    @property
    def applies(self) -> bool:
        return self.kind in APPLIED_KINDS

    def edits(self) -> list[tuple[tuple[str, ...], Any]]:
        """(record path, new value) pairs this proposal makes on --write."""
        if not self.applies:
            return []
        if self.kind == "venue":
            out: list[tuple[tuple[str, ...], Any]] = [(("venue",), self.new["venue"])]
            if self.new["year"] != self.old["year"]:
                out.append((("year",), self.new["year"]))
            return out
        return [(tuple(self.field.split(".")), self.new)]


def venue_lookup(venues: Registry[Venue]) -> dict[str, str]:
    """Every spelling a source may use for a registry venue -> its canonical name."""
    names: dict[str, str] = {}
    for name, venue in venues.entries.items():
        for spelling in (name, venue.full_name, *venue.aliases):
            names.setdefault(normalize(spelling), name)
    return names


def reconcile(papers: Iterable[Paper], venues: Registry[Venue], facts: Facts) -> list[Proposal]:
    lookup = venue_lookup(venues)
    kinds = {name: venue.kind for name, venue in venues.entries.items()}
    out: list[Proposal] = []
    for paper in papers:
        pins = set(getattr(paper, "pin", None) or ())
        out += _venue(paper, facts, lookup, kinds, pins)
        out += _authors(paper, facts, pins)
        out += _paper_link(paper, facts, pins)
        out += _code(paper, facts, pins)
    return out


def _pinned(pins: set[str], field: str) -> bool:
    top = field.split(".")[0]
    return field in pins or top in pins or (field == "year" and "venue" in pins)


def _venue(
    paper: Paper, facts: Facts, lookup: dict[str, str], kinds: Mapping[str, str], pins: set[str]
) -> list[Proposal]:
    stated = facts.get(paper.id, "venue")
    claims: dict[str, tuple[str, int | None]] = {}
    unknown: list[Fact] = []
    for source in VENUE_DECIDERS:
        fact = stated.get(source)
        if fact is None:
            continue
        name = lookup.get(normalize(str(fact.value.get("venue", ""))))
        if name is None:
            unknown.append(fact)
        elif kinds.get(name) != "preprint":
            claims[source] = (name, fact.value.get("year"))
    old = {"venue": paper.venue, "year": paper.year}
    evidence = tuple(stated[s] for s in claims)
    decision = facts.get(paper.id, "decision").get("openreview")
    ref = facts.get(paper.id, "journal_ref").get("arxiv")
    authors_say = journal_venue(str(ref.value), lookup, kinds) if ref is not None else None
    if not claims:
        if unknown and kinds.get(paper.venue) == "preprint":
            names = ", ".join(f"{f.source}: {f.value.get('venue')}" for f in unknown)
            note = f"published at a venue not in venues.yaml ({names}); add it to apply"
            return [Proposal("conflict", paper.id, "venue", old, None, tuple(unknown), note)]
        if ref is not None and authors_say is not None and kinds.get(paper.venue) == "preprint":
            new = {"venue": authors_say[0], "year": authors_say[1]}
            note = (
                f"only arXiv's journal_ref says {authors_say[0]} {authors_say[1] or '?'}"
                f" ({ref.value!r}, the authors' words); not applied until DBLP, Crossref or"
                " OpenReview says so"
            )
            return [Proposal("conflict", paper.id, "venue", old, new, (ref,), note)]
        return []
    if "manual" in claims:
        venue, year = claims["manual"]
    else:
        distinct = set(claims.values())
        if len(distinct) > 1:
            note = f"sources disagree ({_claims(claims)})"
            return [Proposal("conflict", paper.id, "venue", old, None, evidence, note)]
        venue, year = distinct.pop()
        if ref is not None and authors_say is not None and authors_say[0] != venue:
            note = f"sources disagree ({_claims(claims)}; arXiv journal_ref: {ref.value!r})"
            return [Proposal("conflict", paper.id, "venue", old, None, (*evidence, ref), note)]
        if ref is not None and authors_say is not None:
            evidence = (*evidence, ref)  # the authors say so too
        if venue in OPENREVIEW_VENUES and decision and decision.value in ("rejected", "withdrawn"):
            note = f"OpenReview says the submission was {decision.value}; not shown as accepted"
            return [Proposal("conflict", paper.id, "venue", old, None, (*evidence, decision), note)]
        if venue in OPENREVIEW_VENUES and not {"dblp", "openreview"} <= set(claims):
            missing = "OpenReview" if "openreview" not in claims else "DBLP"
            note = f"{venue} needs DBLP and OpenReview to agree; {missing} does not say so yet"
            return [Proposal("conflict", paper.id, "venue", old, None, evidence, note)]
    if year is None:
        return [Proposal("conflict", paper.id, "venue", old, None, evidence, "no year given")]
    new = {"venue": venue, "year": year}
    if new == old:
        return []
    if kinds.get(paper.venue) != "preprint":
        note = f"the record says {paper.venue} {paper.year}; left as it is"
        return [Proposal("conflict", paper.id, "venue", old, new, evidence, note)]
    if _pinned(pins, "venue"):
        return [Proposal("pinned", paper.id, "venue", old, new, evidence, "venue is pinned")]
    return [Proposal("venue", paper.id, "venue", old, new, evidence)]


def _claims(claims: Mapping[str, tuple[str, int | None]]) -> str:
    return "; ".join(f"{s}: {v} {y or '?'}" for s, (v, y) in claims.items())


def _family(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parts = re.sub(r"[^A-Za-z\s-]", " ", plain).split()
    return parts[-1].lower() if parts else ""


def _authors(paper: Paper, facts: Facts, pins: set[str]) -> list[Proposal]:
    if paper.authors is not None:
        return []
    stated = facts.get(paper.id, "authors")
    claims = [stated[s] for s in AUTHOR_SOURCES if s in stated and stated[s].value]
    if not claims:
        return []
    if "manual" not in stated:
        shapes = {tuple(_family(n) for n in fact.value) for fact in claims}
        if len(shapes) > 1:
            said = "; ".join(f"{f.source}: {len(f.value)} authors" for f in claims)
            note = f"sources disagree on the authors ({said})"
            return [Proposal("conflict", paper.id, "authors", None, None, tuple(claims), note)]
    best = claims[0]
    if _pinned(pins, "authors"):
        return [
            Proposal("pinned", paper.id, "authors", None, best.value, (best,), "authors are pinned")
        ]
    return [Proposal("authors", paper.id, "authors", None, list(best.value), tuple(claims))]


def _paper_link(paper: Paper, facts: Facts, pins: set[str]) -> list[Proposal]:
    url = paper.links.paper
    if arxiv_pdf_id(url):
        fact = facts.get(paper.id, "paper_url").get("arxiv")
        new = fact.value if fact else None
    else:
        forum = _OPENREVIEW_PDF.fullmatch(url)
        fact = facts.get(paper.id, "decision").get("openreview") if forum else None
        new = f"https://openreview.net/forum?id={forum.group(1)}" if forum and fact else None
    if fact is None or not new or new == url:
        return []
    kind = "pinned" if _pinned(pins, "links.paper") else "paper-link"
    note = "links.paper is pinned" if kind == "pinned" else "the abstract page instead of the PDF"
    return [Proposal(kind, paper.id, "links.paper", url, new, (fact,), note)]


def _code(paper: Paper, facts: Facts, pins: set[str]) -> list[Proposal]:
    status = facts.get(paper.id, "code_status").get("github")
    if status is None or not paper.links.code or repo_of(paper.links.code) is None:
        return []
    old = paper.links.code
    if status.value == "deleted":
        return [
            Proposal(
                "code-deleted", paper.id, "links.code", old, None, (status,), "GitHub answers 404"
            )
        ]
    out = []
    archived = facts.get(paper.id, "archived").get("github")
    if archived is not None and archived.value:
        out.append(
            Proposal(
                "code-archived", paper.id, "links.code", old, old, (archived,), "archived on GitHub"
            )
        )
    moved = facts.get(paper.id, "code_url").get("github")
    if status.value == "moved" and moved is not None and moved.value and moved.value != old:
        if _pinned(pins, "links.code"):
            out.append(
                Proposal(
                    "pinned",
                    paper.id,
                    "links.code",
                    old,
                    moved.value,
                    (moved,),
                    "links.code is pinned",
                )
            )
        else:
            out.append(Proposal("code-moved", paper.id, "links.code", old, moved.value, (moved,)))
    return out
