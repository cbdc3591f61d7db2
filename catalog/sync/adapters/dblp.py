"""DBLP's publication search: the venue and year a CS paper was published at, and its authors.

The best source for ICLR, which has no DOIs. DBLP lists arXiv versions as `CoRR` entries of type
"Informal and Other Publications": those are preprints, not venues. DBLP names homonymous authors
with a number (`Wei Chen 0001`), which is not part of the name. It answers overload with 429 and
Retry-After; one request a second keeps clear of that.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from catalog.facts import Fact, Facts
from catalog.identity import normalize_title
from catalog.model import Paper
from catalog.sources.dblp import DBLP
from catalog.sync.adapters import Ctx, Found
from catalog.sync.adapters.common import FRESH_DAYS, SETTLED_DAYS
from catalog.sync.transport import Http, SourceStopped

_HOMONYM = re.compile(r"\s+\d{4}$")
_INFORMAL = "Informal and Other Publications"


class Dblp:
    name = "dblp"
    service = DBLP
    batch = 1
    interval = DBLP.interval
    after: tuple[str, ...] = ()

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.api = DBLP.base(ctx.env)

    def key(self, paper: Paper, facts: Facts) -> str | None:
        return paper.title

    def max_age(self, paper: Paper, facts: Facts) -> int:
        return FRESH_DAYS if self.ctx.is_preprint(paper) else SETTLED_DAYS

    def checked_url(self, key: str) -> str:
        from urllib.parse import urlencode

        return f"https://dblp.org/search?{urlencode({'q': key})}"

    def ask(self, http: Http, keys: list[str], today: dt.date) -> Found:
        found: Found = {}
        for title in keys:
            reply = http.request("GET", self.api, params={"q": title, "format": "json", "h": "10"})
            if reply.status != 200:
                raise SourceStopped(f"DBLP answered HTTP {reply.status}")
            facts = parse_hits(reply.json(), title, today)
            if facts:
                found[title] = facts
        return found


def parse_hits(data: Any, title: str, today: dt.date) -> list[tuple[str, Fact]]:
    """The facts of the best hit whose title is the paper's: a venue hit over a CoRR one."""
    hits = (((data or {}).get("result") or {}).get("hits") or {}).get("hit") or []
    wanted = normalize_title(title)
    venue_hit = preprint_hit = None
    for hit in hits if isinstance(hits, list) else [hits]:
        info = hit.get("info") if isinstance(hit, dict) else None
        if not isinstance(info, dict) or normalize_title(str(info.get("title", ""))) != wanted:
            continue
        if _is_preprint(info):
            preprint_hit = preprint_hit or info
        elif venue_hit is None:
            venue_hit = info
    info = venue_hit or preprint_hit
    if info is None:
        return []
    url = str(info.get("url") or "https://dblp.org/")
    facts: list[tuple[str, Fact]] = []
    authors = _authors(info)
    if authors:
        facts.append(("authors", Fact("dblp", url, today, authors)))
    if venue_hit is not None:
        venue = _venue(info)
        year = int(info["year"]) if str(info.get("year", "")).isdigit() else None
        if venue:
            facts.append(("venue", Fact("dblp", url, today, {"venue": venue, "year": year})))
        if isinstance(info.get("doi"), str):
            facts.append(("doi", Fact("dblp", url, today, info["doi"])))
        ee = info.get("ee")
        if isinstance(ee, list):
            ee = next((e for e in ee if isinstance(e, str)), None)
        if isinstance(ee, str) and ee.startswith("https://"):
            facts.append(("paper_url", Fact("dblp", url, today, ee)))
    return facts


def _is_preprint(info: dict[str, Any]) -> bool:
    return info.get("venue") == "CoRR" or info.get("type") == _INFORMAL


def _venue(info: dict[str, Any]) -> str | None:
    """`ACL (1)` -> `ACL`: DBLP numbers proceedings volumes in the venue name."""
    venue = info.get("venue")
    if isinstance(venue, list):
        venue = venue[0] if venue else None
    if not isinstance(venue, str) or not venue.strip():
        return None
    return re.sub(r"\s*\(\d+\)$", "", venue.strip())


def _authors(info: dict[str, Any]) -> list[str]:
    """DBLP gives one author as an object and several as a list."""
    raw = (info.get("authors") or {}).get("author") or []
    items = raw if isinstance(raw, list) else [raw]
    names = []
    for item in items:
        text = item.get("text") if isinstance(item, dict) else item
        if isinstance(text, str) and text.strip():
            names.append(_HOMONYM.sub("", text.strip()))
    return names
