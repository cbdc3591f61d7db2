"""GitHub's GraphQL API: many repositories' stars and state in one query (a token is required).

One `repository(owner:, name:)` field per repository, each under an alias (`r0`, `r1`, ...), asks
for a few scalars only. What GitHub documents (docs.github.com, "Rate limits and query limits for
the GraphQL API") and why BATCH is 200:

- node limit: 500,000 nodes a call, `first`/`last` 1-100 on connections. We ask no connection:
  a repository and its scalars are one node, so 200 aliases are 200 nodes.
- primary rate limit: points an hour (5,000 for a user's token, 1,000 for an Actions
  `GITHUB_TOKEN`); a query's cost is its connections' requests / 100, at least 1. With no
  connection every query costs 1 point, however many aliases: 10,000 repositories are 50.
- secondary limits: 2,000 points a minute (a query without mutations is 1), no more than 100
  concurrent requests, 60 s of GraphQL CPU time per minute, 10 s per request (then 502/504).
  Sync asks one query at a time, so none of these binds.
- "other resource limits", undisclosed: a query that asks for "thousands of objects" may end
  with partial data and a `RESOURCE_LIMITS_EXCEEDED` error. Public clients report it at ~120
  aliases with a fine-grained token and higher for an Actions token; so we ask 200 (a fraction
  of "thousands", 50 queries for 10,000 repositories) and, when GitHub answers part of a batch
  or times out, ask the rest again in halves, down to MIN_BATCH.

Answers are HTTP 200 with `data` and `errors`: a missing repository is `"r3": null` with a
`NOT_FOUND` error whose `path` is `["r3"]`; a renamed or transferred one resolves to its new
`nameWithOwner`; a spent rate limit is a `RATE_LIMITED` error (and `x-ratelimit-remaining: 0`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

GRAPHQL_PATH = "/graphql"
BATCH = 200
MIN_BATCH = 25
FIELDS = ("nameWithOwner", "url", "stargazerCount", "isArchived", "pushedAt")
_RETRY_SMALLER = frozenset({"RESOURCE_LIMITS_EXCEEDED", "TIMEOUT"})


def alias(index: int) -> str:
    return f"r{index}"


def repos_query(repos: Sequence[str]) -> str:
    """The query for `owner/name` repositories, one aliased field per line (r0 on line 2)."""
    selection = " ".join(FIELDS)
    lines = ["query {"]
    for index, repo in enumerate(repos):
        owner, name = repo.split("/", 1)
        lines.append(
            f"  {alias(index)}: repository(owner: {json.dumps(owner)}, name: {json.dumps(name)})"
            f" {{ {selection} }}"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


@dataclass
class BatchAnswer:
    """One answer, by repository asked (`owner/name`)."""

    repos: dict[str, dict[str, Any]] = field(default_factory=dict)  # found (maybe renamed)
    missing: list[str] = field(default_factory=list)  # NOT_FOUND: deleted, or private
    refused: list[str] = field(default_factory=list)  # another error of its own (blocked...)
    unanswered: list[str] = field(default_factory=list)  # cut by resource limits: ask again
    rate_limited: str | None = None  # the whole query was refused for the rate limit
    problem: str | None = None  # the whole query failed (a bad query, a bad answer)


def parse_answer(asked: Sequence[str], status: int, body: Any) -> BatchAnswer:
    """Read a GraphQL answer to `repos_query(asked)`."""
    answer = BatchAnswer()
    if not isinstance(body, dict):
        answer.problem = f"HTTP {status}: the answer is not a GraphQL response"
        return answer
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    by_alias: dict[str, dict[str, Any]] = {}
    whole: list[dict[str, Any]] = []
    for error in errors:
        path = error.get("path")
        if isinstance(path, list) and len(path) == 1 and isinstance(path[0], str):
            by_alias[path[0]] = error
        else:
            whole.append(error)
    for error in whole:
        if error.get("type") == "RATE_LIMITED":
            answer.rate_limited = str(error.get("message") or "rate limit exceeded")
            return answer
    data = body.get("data")
    if not isinstance(data, dict):
        said = next((str(e.get("message")) for e in whole if e.get("message")), None)
        answer.problem = said or f"HTTP {status}: no data in the answer"
        return answer
    cut = any(e.get("type") in _RETRY_SMALLER for e in whole)
    for index, repo in enumerate(asked):
        key = alias(index)
        value = data.get(key)
        own = by_alias.get(key)
        if isinstance(value, dict) and isinstance(value.get("nameWithOwner"), str):
            answer.repos[repo] = value
        elif own is not None and own.get("type") == "NOT_FOUND":
            answer.missing.append(repo)
        elif own is not None and own.get("type") not in _RETRY_SMALLER:
            answer.refused.append(repo)
        elif own is not None or cut or key not in data:
            answer.unanswered.append(repo)
        else:
            answer.refused.append(repo)  # null without a word: nothing to learn
    if whole and not cut and not answer.repos and not answer.missing:
        answer.problem = str(whole[0].get("message") or "the query was refused")
    return answer
