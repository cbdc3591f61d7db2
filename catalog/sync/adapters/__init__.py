"""One adapter per outside source: what to ask it about a paper, and the facts in its answers."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from catalog.facts import Fact, Facts
from catalog.model import Paper
from catalog.sources.service import Service
from catalog.sync.transport import Http

Found = dict[str, list[tuple[str, Fact]]]  # key asked -> (field, fact) pairs


class Adapter(Protocol):
    """A source: `key` says what to ask about a paper (None: nothing), `ask` asks for a batch."""

    name: str
    service: Service  # where it is (its CATALOG_<NAME>_API) and its published manners
    api: str  # base URL (its host gets the source's pace)
    batch: int  # keys per request
    interval: float  # seconds between requests: the source's published rate limit
    after: tuple[str, ...]  # sources whose facts can give this one something to ask

    def key(self, paper: Paper, facts: Facts) -> str | None: ...

    def max_age(self, paper: Paper, facts: Facts) -> int: ...

    def checked_url(self, key: str) -> str: ...

    def ask(self, http: Http, keys: list[str], today: dt.date) -> Found: ...


@dataclass(frozen=True)
class Ctx:
    """What every adapter needs from its environment: base URLs, tokens, preprint venues."""

    env: Mapping[str, str]
    preprint_venues: frozenset[str]

    def base(self, name: str, default: str) -> str:
        return (self.env.get(name) or default).rstrip("/")

    def is_preprint(self, paper: Paper) -> bool:
        return paper.venue in self.preprint_venues


def default_ctx(preprint_venues: frozenset[str]) -> Ctx:
    return Ctx(dict(os.environ), preprint_venues)
