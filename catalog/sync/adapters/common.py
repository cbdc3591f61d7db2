"""Helpers the adapters share: a paper's ids from its links and facts, and max ages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalog.facts import Facts
from catalog.identity import link_keys, url_key
from catalog.model import Paper

FRESH_DAYS = 7  # a preprint's publication status, and counts (citations, stars)
SETTLED_DAYS = 180  # bibliographic facts of a published paper rarely change


def paper_key(paper: Paper, kind: str) -> str | None:
    """The paper link's identity key of one kind (`arxiv`, `doi`, `openreview`), if any."""
    key = link_keys(paper.links).get("paper")
    if key and key.startswith(f"{kind}:"):
        return key.removeprefix(f"{kind}:")
    return None


def known(paper: Paper, facts: Facts, kind: str, field: str) -> str | None:
    """An id of `kind` from the record's link, else from what any source said in `field`."""
    own = paper_key(paper, kind)
    if own:
        return own
    for source in sorted(facts.get(paper.id, field)):
        value = facts.value(paper.id, field, source)
        if not isinstance(value, str):
            continue
        if field == "paper_url":
            key = url_key(value)
            if key and key.startswith(f"{kind}:"):
                return key.removeprefix(f"{kind}:")
        else:
            return value
    return None


def as_date(text: Any) -> dt.date | None:
    """`2021-06-17T17:37:18Z` or `2021-06-17` -> a date; anything else -> None."""
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def fold(text: str) -> str:
    return " ".join(text.split())
