"""GitHub REST: a code repository's stars, `archived`, last push, and whether it moved or is gone.

Asked through the shared client (catalog.sources.github), which follows the 301 that a renamed
or transferred repository answers (to /repositories/<id>); a deleted (or private) one is a 404
{"message": "Not Found"}. Without a token GitHub allows 60 requests an hour, with $GITHUB_TOKEN
5,000: sync asks /rate_limit first (it costs nothing) and stops asking when none are left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalog.facts import Fact, Facts
from catalog.model import Paper
from catalog.sources.github import GITHUB, GitHubClient, rate_limited
from catalog.sources.github import repo_of as github_repo
from catalog.sync.adapters import Ctx, Found
from catalog.sync.adapters.common import FRESH_DAYS, as_date
from catalog.sync.transport import Http, Reply, SourceStopped


def repo_of(url: str | None) -> str | None:
    """`https://github.com/microsoft/LoRA` -> `microsoft/LoRA` (None for other URLs)."""
    found = github_repo(url) if url else None
    return f"{found[0]}/{found[1]}" if found else None


class GitHub:
    name = "github"
    service = GITHUB
    batch = 1
    interval = 0.0  # the hourly quota, not a pace, is GitHub's limit
    after: tuple[str, ...] = ()

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.api = GITHUB.base(ctx.env)
        self._checked_quota = False

    def key(self, paper: Paper, facts: Facts) -> str | None:
        return repo_of(paper.links.code)

    def max_age(self, paper: Paper, facts: Facts) -> int:
        return FRESH_DAYS  # stars move

    def checked_url(self, key: str) -> str:
        return f"https://github.com/{key}"

    def ask(self, http: Http, keys: list[str], today: dt.date) -> Found:
        client = GitHubClient(http.engine, self.ctx.env)
        if not self._checked_quota:
            self._checked_quota = True
            reply = http.request("GET", f"{self.api}/rate_limit", headers=client.headers)
            core = (_json(reply).get("resources") or {}).get("core") or {}
            if reply.status == 200 and core.get("remaining") == 0:
                raise SourceStopped(f"GitHub's rate limit is spent until {core.get('reset')}")
        found: Found = {}
        for repo in keys:
            owner, name = repo.split("/", 1)
            fetched, _ = http.run(client.repo(owner, name))
            reply = http.answer(fetched)
            url = f"https://github.com/{repo}"
            if rate_limited(reply):
                raise SourceStopped(f"GitHub: {rate_limited(reply)}", found)
            if reply.status == 404:
                found[repo] = [("code_status", Fact("github", url, today, "deleted"))]
            elif reply.status == 200:
                found[repo] = repo_facts(_json(reply), repo, today)
            if reply.headers.get("x-ratelimit-remaining") == "0":
                raise SourceStopped("GitHub's rate limit is spent for this hour", found)
        return found


def repo_facts(data: dict[str, Any], asked: str, today: dt.date) -> list[tuple[str, Fact]]:
    """A renamed repository answers with its new full name (a case-only change is no move)."""
    html_url, full_name = data.get("html_url"), data.get("full_name")
    html = html_url if isinstance(html_url, str) else f"https://github.com/{asked}"
    name = full_name if isinstance(full_name, str) else asked
    moved = name.lower() != asked.lower()
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
