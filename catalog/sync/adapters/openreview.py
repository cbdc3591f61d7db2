"""OpenReview API v2: whether a forum's submission was accepted, and where.

A note's `content.venueid.value` is the venue's group (`ICLR.cc/2024/Conference`) once accepted,
and a submission group otherwise (`.../Submission`, `.../Rejected_Submission`,
`.../Withdrawn_Submission`, `.../Desk_Rejected_Submission`); `content.venue.value` is the label
shown ("ICLR 2024 poster", "Submitted to ICLR 2024"). An unknown id is a 404 whose JSON names a
`NotFoundError`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from catalog.facts import Fact, Facts
from catalog.model import Paper
from catalog.sources.openreview import OPENREVIEW, OpenReviewClient
from catalog.sync.adapters import Ctx, Found
from catalog.sync.adapters.common import FRESH_DAYS, SETTLED_DAYS, known
from catalog.sync.transport import Http, SourceStopped

_YEAR = re.compile(r"(?:19|20)\d\d")
_GROUP_NAMES = {
    "NeurIPS.cc": "NeurIPS",
    "ICLR.cc": "ICLR",
    "ICML.cc": "ICML",
    "colmweb.org": "COLM",
}


class OpenReview:
    name = "openreview"
    service = OPENREVIEW
    batch = 1
    interval = 1.0  # no published number; it throttles bursts
    after: tuple[str, ...] = ("dblp",)  # DBLP's `ee` of an ICLR paper is its forum

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.api = OPENREVIEW.base(ctx.env)

    def key(self, paper: Paper, facts: Facts) -> str | None:
        return known(paper, facts, "openreview", "paper_url")

    def max_age(self, paper: Paper, facts: Facts) -> int:
        settled = facts.value(paper.id, "decision", "openreview") in (
            "accepted",
            "rejected",
            "withdrawn",
        )
        return SETTLED_DAYS if settled else FRESH_DAYS

    def checked_url(self, key: str) -> str:
        return f"https://openreview.net/forum?id={key}"

    def ask(self, http: Http, keys: list[str], today: dt.date) -> Found:
        found: Found = {}
        client = OpenReviewClient(http.engine, self.ctx.env)
        for note_id in keys:
            answer = http.run(client.note(note_id))  # API v2, then v1 for older venues
            if answer.found == "unknown":
                http.answer(answer.fetched)
                raise SourceStopped(f"OpenReview could not answer about {note_id}")
            if answer.found == "found" and answer.note is not None:
                found[note_id] = note_facts(answer.note, self.checked_url(note_id), today)
            # missing: {"name": "NotFoundError"} from both APIs; forbidden: not public
        return found


def decision(venueid: str, venue_label: str) -> str:
    """accepted | submitted | rejected | withdrawn, from a note's venueid (and label)."""
    last = venueid.rsplit("/", 1)[-1]
    if "Withdrawn" in last or venue_label.startswith("Withdrawn"):
        return "withdrawn"
    if "Rejected" in last or "Reject" in venue_label:
        return "rejected"
    if last.endswith("Submission") or venue_label.startswith("Submitted to") or not venueid:
        return "submitted"
    return "accepted"


def note_facts(note: dict[str, Any], url: str, today: dt.date) -> list[tuple[str, Fact]]:
    content = note.get("content") or {}

    def value(name: str) -> Any:
        field = content.get(name)
        return field.get("value") if isinstance(field, dict) else field

    venueid = value("venueid") if isinstance(value("venueid"), str) else ""
    label = value("venue") if isinstance(value("venue"), str) else ""
    verdict = decision(venueid, label)
    facts: list[tuple[str, Fact]] = [("decision", Fact("openreview", url, today, verdict))]
    authors = value("authors")
    if isinstance(authors, list) and authors and all(isinstance(a, str) for a in authors):
        facts.append(("authors", Fact("openreview", url, today, authors)))
    group = venueid.split("/", 1)[0]
    year = _YEAR.search(venueid) or _YEAR.search(label)
    name = _GROUP_NAMES.get(group, group.split(".", 1)[0]) if group else None
    if name:
        venue = {"venue": name, "year": int(year.group(0)) if year else None}
        if verdict == "accepted":  # a rejected submission's venueid names no venue it is in
            facts.append(("venue", Fact("openreview", url, today, venue)))
    abstract = value("abstract")
    if isinstance(abstract, str) and abstract.strip():
        facts.append(("abstract", Fact("openreview", url, today, " ".join(abstract.split()))))
    return facts
