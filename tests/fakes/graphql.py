"""The GitHub GraphQL fake (`POST /graphql` of the GitHub fake in tests/fakes/apis.py).

Shapes from GitHub's GraphQL docs and public clients' recorded answers: HTTP 200 with `data`
and `errors`; a missing repository is `null` under its alias with a `NOT_FOUND` error whose
`path` is the alias; a renamed one resolves to its new `nameWithOwner`; a spent rate limit is a
`RATE_LIMITED` error with `x-ratelimit-remaining: 0` (still HTTP 200, as documented); a query cut
by resource limits keeps its partial data and adds `RESOURCE_LIMITS_EXCEEDED` errors; an unknown
field is an `undefinedField` validation error and no data; no token or a wrong one is a 401.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import Any

Answer = tuple[int, dict[str, str], bytes]
DOCS = "https://docs.github.com/graphql"
NO_TOKEN = {
    "message": "This endpoint requires you to be authenticated.",
    "documentation_url": f"{DOCS}/guides/forming-calls-with-graphql#authenticating-with-graphql",
}
_STRING = r'"(?:[^"\\]|\\.)*"'
FIELD = re.compile(
    r"(?P<alias>[A-Za-z_]\w*)\s*:\s*repository\(\s*owner\s*:\s*(?P<owner>" + _STRING + r")\s*,"
    r"\s*name\s*:\s*(?P<name>" + _STRING + r")\s*\)\s*\{(?P<fields>[^{}]*)\}"
)
VALUES = {  # a Repository field -> the REST name the fakes' world keeps it under
    "nameWithOwner": "full_name",
    "url": "html_url",
    "stargazerCount": "stargazers_count",
    "isArchived": "archived",
    "pushedAt": "pushed_at",
    "name": "name",
}


def _json(status: int, doc: Any, **headers: str) -> Answer:
    return (
        status,
        {"Content-Type": "application/json; charset=utf-8", **headers},
        json.dumps(doc).encode(),
    )


def graphql_answer(fake: Any, method: str, body: bytes, sent: Mapping[str, str]) -> Answer:
    """What the GitHub fake answers to one POST /graphql (`sent`: the request's headers)."""
    scheme, _, token = (sent.get("Authorization") or "").partition(" ")
    if not token:
        return _json(401, NO_TOKEN)
    if scheme.lower() not in ("bearer", "token") or token not in fake.tokens:
        return _json(
            401, {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"}
        )
    try:
        text = json.loads(body)["query"]
        if method != "POST" or not isinstance(text, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return _json(400, {"message": "Problems parsing JSON", "documentation_url": DOCS})
    with fake._lock:
        if time.monotonic() - fake._window_start >= fake.window:
            fake._window_start, fake._in_window, fake._points_used = time.monotonic(), 0, 0
        limited = fake._points_used >= fake.points
        if limited:
            fake.too_many += 1
        else:
            fake._points_used += 1  # no connection asked: a query costs 1 point
        headers = points_headers(fake)
    if limited:
        said = "API rate limit already exceeded for user ID 1."
        return _json(200, {"errors": [{"type": "RATE_LIMITED", "message": said}]}, **headers)
    fields = list(FIELD.finditer(text))
    if not fields:
        error = {"message": 'Parse error on "}" (RCURLY)', "locations": [{"line": 1, "column": 1}]}
        return _json(200, {"errors": [error]}, **headers)
    if fake.timeout_aliases is not None and len(fields) > fake.timeout_aliases:
        page = b"We couldn't respond to your request in time. Sorry about that."
        return 502, {"Content-Type": "text/plain; charset=utf-8", **headers}, page
    return _json(200, _resolve(fake, text, fields), **headers)


def _resolve(fake: Any, text: str, fields: list[re.Match[str]]) -> dict[str, Any]:
    repos = {k.lower(): v for k, v in fake.world.github.items()}
    renamed = {k.lower(): v.lower() for k, v in fake.world.renamed.items()}
    data: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for index, found in enumerate(fields):
        alias, selection = found.group("alias"), found.group("fields").split()
        start = found.start("alias")
        where = [
            {"line": text.count("\n", 0, start) + 1, "column": start - text.rfind("\n", 0, start)}
        ]
        unknown = [f for f in selection if f not in VALUES]
        if unknown:
            said = f"Field '{unknown[0]}' doesn't exist on type 'Repository'"
            code = {"code": "undefinedField", "typeName": "Repository", "fieldName": unknown[0]}
            return {
                "errors": [
                    {
                        "path": ["query", alias, unknown[0]],
                        "extensions": code,
                        "locations": where,
                        "message": said,
                    }
                ]
            }
        if fake.max_aliases is not None and index >= fake.max_aliases:
            data[alias] = None
            said = "Resource limits for this query exceeded."
            errors.append(
                {
                    "type": "RESOURCE_LIMITS_EXCEEDED",
                    "path": [alias],
                    "locations": where,
                    "message": said,
                }
            )
            continue
        name = f"{json.loads(found.group('owner'))}/{json.loads(found.group('name'))}"
        known = repos.get(name.lower()) or repos.get(renamed.get(name.lower(), ""))
        if known is None:
            data[alias] = None
            said = f"Could not resolve to a Repository with the name '{name}'."
            errors.append(
                {"type": "NOT_FOUND", "path": [alias], "locations": where, "message": said}
            )
            continue
        data[alias] = {f: known.get(VALUES[f]) for f in selection}
    return {"data": data, **({"errors": errors} if errors else {})}


def points_headers(fake: Any) -> dict[str, str]:
    """GraphQL's rate-limit headers (x-ratelimit-resource: graphql), counted in points."""
    reset = int(time.time() + fake.window - (time.monotonic() - fake._window_start))
    return {
        "x-ratelimit-limit": str(fake.points),
        "x-ratelimit-remaining": str(max(0, fake.points - fake._points_used)),
        "x-ratelimit-used": str(fake._points_used),
        "x-ratelimit-reset": str(reset),
        "x-ratelimit-resource": "graphql",
    }
