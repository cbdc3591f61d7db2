"""The GitHub client: a repository's state (renamed, archived, gone) from the REST API.

Unauthenticated, the API allows 60 requests an hour; `GITHUB_TOKEN` raises that. When the
limit is reached the API answers 403 with `X-RateLimit-Remaining: 0` (or 429): `rate_limited`
says so, and callers fall back to the web page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from catalog.sources.http import API_BODY_CAP, Http
from catalog.sources.service import Service
from catalog.sources.types import Fetched, Snapshot

GITHUB = Service(
    "the GitHub API", "CATALOG_GITHUB_API", "https://api.github.com", key_env="GITHUB_TOKEN"
)
GITHUB_WEB = Service("GitHub", "CATALOG_GITHUB_WEB", "https://github.com")
_REPO = re.compile(r"/([A-Za-z0-9](?:[A-Za-z0-9-]*)?)/([A-Za-z0-9._-]+?)(?:\.git)?/?")
_NOT_OWNERS = {
    "about", "apps", "collections", "enterprise", "events", "explore", "features", "login",
    "marketplace", "orgs", "pricing", "settings", "sponsors", "topics", "trending", "users",
}  # fmt: skip


@dataclass(frozen=True)
class Repo:
    full_name: str
    html_url: str
    archived: bool = False
    stars: int | None = None
    description: str | None = None


def repo_of(url: str) -> tuple[str, str] | None:
    """(owner, name) of a github.com repository URL, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in ("github.com", "www.github.com"):
        return None
    match = _REPO.fullmatch(parts.path)
    if match is None or match.group(1).lower() in _NOT_OWNERS:
        return None
    return match.group(1), match.group(2)


def rate_limited(response: Snapshot) -> str | None:
    """Why the API will not answer for now (rate limit, bad token), else None."""
    if response.status == 401:
        return "token refused"
    if response.status == 429 or (
        response.status == 403 and response.headers.get("x-ratelimit-remaining") == "0"
    ):
        return "rate limit reached"
    return None


def parse_repo(response: Snapshot) -> Repo | None:
    """The repository in a 200 answer, or None when the answer is not one."""
    try:
        data = response.json()
        full_name = str(data["full_name"])
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    stars = data.get("stargazers_count")
    return Repo(
        full_name,
        str(data.get("html_url") or f"https://github.com/{full_name}"),
        bool(data.get("archived")),
        stars if isinstance(stars, int) else None,
        str(data["description"]) if isinstance(data.get("description"), str) else None,
    )


class GitHubClient:
    def __init__(self, engine: Http, env: Mapping[str, str] | None = None) -> None:
        self.engine = engine
        self.api = GITHUB.base(env)
        self.headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        token = GITHUB.key(env)
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    async def repo(self, owner: str, name: str) -> tuple[Fetched, Repo | None]:
        """The API's answer about owner/name (redirects of renamed repositories followed)."""
        path = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
        fetched = await self.engine.fetch(
            self.api + path, method="GET", headers=self.headers, body_cap=API_BODY_CAP
        )
        response = fetched.response
        if response is None or fetched.status is not None or response.status != 200:
            return fetched, None
        return fetched, parse_repo(response)
