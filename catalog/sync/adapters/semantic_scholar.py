"""Semantic Scholar's Graph API batch endpoint: id translation and citation counts.

POST /paper/batch with up to 500 ids answers a list in the same order, `null` where the id is
unknown. Its `venue` is often "arXiv" for published papers, so it never decides a venue and is
not kept. An API key (optional) is read from $SEMANTIC_SCHOLAR_API_KEY; the introductory rate
limit is one request a second.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalog.facts import Fact, Facts
from catalog.model import Paper
from catalog.sources.semantic_scholar import SEMANTIC_SCHOLAR
from catalog.sync.adapters import Ctx, Found
from catalog.sync.adapters.common import FRESH_DAYS, known, paper_key
from catalog.sync.transport import Http, SourceStopped

FIELDS = "externalIds,citationCount,url"


class SemanticScholar:
    name = "semantic-scholar"
    service = SEMANTIC_SCHOLAR
    batch = 500
    interval = SEMANTIC_SCHOLAR.interval
    after: tuple[str, ...] = ()

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.api = SEMANTIC_SCHOLAR.base(ctx.env)
        self.key_header = ctx.env.get("SEMANTIC_SCHOLAR_API_KEY")

    def key(self, paper: Paper, facts: Facts) -> str | None:
        arxiv = paper_key(paper, "arxiv")
        if arxiv:
            return f"ARXIV:{arxiv}"
        doi = known(paper, facts, "doi", "doi")
        return f"DOI:{doi}" if doi else None

    def max_age(self, paper: Paper, facts: Facts) -> int:
        return FRESH_DAYS  # citation counts move

    def checked_url(self, key: str) -> str:
        return f"https://api.semanticscholar.org/graph/v1/paper/{key}"

    def ask(self, http: Http, keys: list[str], today: dt.date) -> Found:
        headers = {"x-api-key": self.key_header} if self.key_header else {}
        reply = http.request(
            "POST",
            f"{self.api}/paper/batch",
            params={"fields": FIELDS},
            json_body={"ids": keys},
            headers=headers,
        )
        if reply.status != 200:
            raise SourceStopped(f"Semantic Scholar answered HTTP {reply.status}")
        papers = reply.json()
        if not isinstance(papers, list) or len(papers) != len(keys):
            raise SourceStopped("Semantic Scholar's batch answer does not match the ids asked")
        return {key: paper_facts(p, today) for key, p in zip(keys, papers, strict=True) if p}


def paper_facts(paper: dict[str, Any], today: dt.date) -> list[tuple[str, Fact]]:
    url = paper.get("url") if isinstance(paper.get("url"), str) else None
    url = url or f"https://www.semanticscholar.org/paper/{paper.get('paperId', '')}"
    facts: list[tuple[str, Fact]] = []
    count = paper.get("citationCount")
    if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
        facts.append(("citations", Fact("semantic-scholar", url, today, count)))
    ids = paper.get("externalIds") or {}
    doi = ids.get("DOI")
    if isinstance(doi, str) and not doi.lower().startswith("10.48550/"):
        facts.append(("doi", Fact("semantic-scholar", url, today, doi.lower())))
    if isinstance(ids.get("ArXiv"), str):
        facts.append(("arxiv_id", Fact("semantic-scholar", url, today, ids["ArXiv"])))
    return facts
