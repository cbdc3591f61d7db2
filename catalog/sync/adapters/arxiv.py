"""arXiv: authors, abstract, first version date, DOI, journal_ref and comment for a batch of ids.

Asked through the shared client (catalog.sources.arxiv: its Atom parser, arXiv's 3-second
interval, batches of 100, one `id_list` query). An error entry (a malformed id) fails the whole
query. `journal_ref` and `comment` are the authors' words, kept as they are: reconcile reads a
journal_ref as evidence of publication, never as the deciding word (sync/journal_ref.py).
"""

from __future__ import annotations

import datetime as dt

from catalog.facts import Fact, Facts
from catalog.model import Paper
from catalog.sources.arxiv import ARXIV, BATCH, ArxivClient, Feed
from catalog.sync.adapters import Ctx, Found
from catalog.sync.adapters.common import FRESH_DAYS, SETTLED_DAYS, as_date, paper_key
from catalog.sync.transport import Http, SourceStopped


class Arxiv:
    name = "arxiv"
    service = ARXIV
    batch = BATCH
    interval = ARXIV.interval
    after: tuple[str, ...] = ()

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.api = ARXIV.base(ctx.env)

    def key(self, paper: Paper, facts: Facts) -> str | None:
        return paper_key(paper, "arxiv")

    def max_age(self, paper: Paper, facts: Facts) -> int:
        return FRESH_DAYS if self.ctx.is_preprint(paper) else SETTLED_DAYS

    def checked_url(self, key: str) -> str:
        return f"https://arxiv.org/abs/{key}"

    def ask(self, http: Http, keys: list[str], today: dt.date) -> Found:
        client = ArxivClient(http.engine, self.ctx.env, interval=self.interval)
        answer = http.run(client.query(keys))
        if answer.feed is None:
            http.answer(answer.fetched)  # OutOfTime, or why the source stops
            raise SourceStopped(answer.problem or "the arXiv API did not answer")
        if answer.feed.error is not None:
            raise SourceStopped(f"the arXiv API refused the query: {answer.feed.error}")
        return feed_facts(answer.feed, today)


def feed_facts(feed: Feed, today: dt.date) -> Found:
    """Facts by arXiv id from one feed."""
    found: Found = {}
    for arxiv_id, paper in feed.papers.items():
        url = f"https://arxiv.org/abs/{arxiv_id}"
        facts: list[tuple[str, Fact]] = [
            ("arxiv_id", Fact("arxiv", url, today, arxiv_id)),
            ("paper_url", Fact("arxiv", url, today, url)),
        ]
        if paper.authors:
            facts.append(("authors", Fact("arxiv", url, today, list(paper.authors))))
        if paper.summary:
            facts.append(("abstract", Fact("arxiv", url, today, paper.summary)))
        published = as_date(paper.published)
        if published:
            facts.append(("published", Fact("arxiv", url, today, published)))
        if paper.doi:
            facts.append(("doi", Fact("arxiv", url, today, paper.doi)))
        if paper.journal_ref:
            facts.append(("journal_ref", Fact("arxiv", url, today, paper.journal_ref)))
        if paper.comment:
            facts.append(("comment", Fact("arxiv", url, today, paper.comment)))
        found[arxiv_id] = facts
    return found
