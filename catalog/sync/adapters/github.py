"""GitHub REST: a code repository's stars, `archived`, last push, and whether it moved or is gone.

A renamed or transferred repository answers 301 with {"message": "Moved Permanently", "url": ...}
pointing at /repositories/<id>; a deleted (or private) one answers 404 {"message": "Not Found"}.
Without a token GitHub allows 60 requests an hour, with $GITHUB_TOKEN 5,000; every answer says
how many are left (x-ratelimit-remaining), and sync stops asking at zero.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from catalog.facts import Fact, Facts
from catalog.model import Paper
from catalog.sync.adapters import Ctx, Found
from catalog.sync.adapters.common import FRESH_DAYS, as_date
from catalog.sync.transport import Http, Reply, SourceStopped

DEFAULT = "https://api.github.com"
_REPO = re.compile(
    r"https?://(?:www\.)?github\.com/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+?)(?:\.git)?/?"
)


def repo_of(url: str | None) -> str | None:
    """`https://github.com/microsoft/LoRA` -> `microsoft/LoRA` (None for other URLs)."""
    m = _REPO.fullmatch(url or "")
    return f"{m.group(1)}/{m.group(2)}" if m else None


class GitHub:
    name = "github"
    batch = 1
    interval = 0.1  # the hourly quota, not a pace, is GitHub's limit
    after: tuple[str, ...] = ()

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.api = ctx.base("CATALOG_GITHUB_API", DEFAULT)
        token = ctx.env.get("GITHUB_TOKEN")
        self.headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self._checked_quota = False

    def _check_quota(self, http: Http) -> None:
        """GET /rate_limit costs no quota: a spent hour is known before anything is asked."""
        reply = http.request("GET", f"{self.api}/rate_limit", headers=self.headers)
        if reply.status != 200:
            return
        core = (_json(reply).get("resources") or {}).get("core") or {}
        if core.get("remaining") == 0:
            raise SourceStopped(f"GitHub's rate limit is spent until {core.get('reset')}")

    def key(self, paper: Paper, facts: Facts) -> str | None:
        return repo_of(paper.links.code)

    def max_age(self, paper: Paper, facts: Facts) -> int:
        return FRESH_DAYS  # stars move

    def checked_url(self, key: str) -> str:
        return f"https://github.com/{key}"

    def ask(self, http: Http, keys: list[str], today: dt.date) -> Found:
        if not self._checked_quota:
            self._checked_quota = True
            self._check_quota(http)
        found: Found = {}
        for repo in keys:
            reply = self._get(http, f"{self.api}/repos/{repo}")
            moved = False
            if reply.status in (301, 302, 307):
                target = _json(reply).get("url") or reply.headers.get("Location")
                if not isinstance(target, str) or not target.startswith(self.api):
                    continue
                moved = True
                reply = self._get(http, target)
            url = f"https://github.com/{repo}"
            if reply.status == 404:
                found[repo] = [("code_status", Fact("github", url, today, "deleted"))]
            elif reply.status == 200:
                found[repo] = repo_facts(_json(reply), repo, moved, today)
            elif reply.status in (403, 429):
                raise SourceStopped("GitHub's rate limit is spent", found)
            if reply.headers.get("x-ratelimit-remaining") == "0":
                raise SourceStopped("GitHub's rate limit is spent for this hour", found)
        return found

    def _get(self, http: Http, url: str) -> Reply:
        reply = http.request("GET", url, headers=self.headers)
        if reply.status in (403, 429) and reply.headers.get("x-ratelimit-remaining") == "0":
            raise SourceStopped("GitHub's rate limit is spent")
        return reply


def repo_facts(
    data: dict[str, Any], asked: str, moved: bool, today: dt.date
) -> list[tuple[str, Fact]]:
    html_url, full_name = data.get("html_url"), data.get("full_name")
    html = html_url if isinstance(html_url, str) else f"https://github.com/{asked}"
    name = full_name if isinstance(full_name, str) else asked
    moved = (moved or name != asked) and name.lower() != asked.lower()  # case alone: same repo
    facts: list[tuple[str, Fact]] = [
        ("code_status", Fact("github", html, today, "moved" if moved else "ok")),
        ("code_url", Fact("github", html, today, html)),
    ]
    stars = data.get("stargazers_count")
    if isinstance(stars, int) and not isinstance(stars, bool):
        facts.append(("stars", Fact("github", html, today, stars)))
    if isinstance(data.get("archived"), bool):
        facts.append(("archived", Fact("github", html, today, data["archived"])))
    pushed = as_date(data.get("pushed_at"))
    if pushed:
        facts.append(("pushed", Fact("github", html, today, pushed)))
    return facts


def _json(reply: Reply) -> dict[str, Any]:
    try:
        data = reply.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
