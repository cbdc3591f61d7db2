"""GitHub: a code repository's stars, `archived`, last push, and whether it moved or is gone.

With a token ($GITHUB_TOKEN, as the weekly workflow has) sync asks the GraphQL API, 200
repositories a query (catalog.sources.github_graphql says why that size): 10,000 repositories
are 50 queries and 50 of the token's points. GraphQL answers nobody without a token, so
without one sync asks the REST API, one request a repository, through the shared client
(catalog.sources.github), which follows the 301 that a renamed or transferred repository
answers (to /repositories/<id>); a deleted (or private) one is a 404 {"message": "Not Found"}.
REST allows 60 requests an hour without a token: sync asks /rate_limit first (it costs
nothing), stops when none are left, and the rest stay due for the next run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalog.facts import Fact, Facts
from catalog.model import Paper
from catalog.sources.github import GITHUB, GitHubClient, rate_limited
from catalog.sources.github import repo_of as github_repo
from catalog.sources.github_graphql import BATCH, GRAPHQL_PATH, MIN_BATCH, parse_answer, repos_query
from catalog.sync.adapters import Ctx, Found
from catalog.sync.adapters.common import FRESH_DAYS, as_date
from catalog.sync.transport import Http, Reply, SourceStopped


def repo_of(url: str | None) -> str | None:
    """`https://github.com/microsoft/LoRA` -> `microsoft/LoRA` (None for other URLs)."""
    found = github_repo(url) if url else None
    return f"{found[0]}/{found[1]}" if found else None


SPENT = "GitHub's GraphQL rate limit is spent for this hour"


class GitHub:
    name = "github"
    service = GITHUB
    interval = 0.0  # the hourly quota, not a pace, is GitHub's limit (one request at a time)
    after: tuple[str, ...] = ()

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.api = GITHUB.base(ctx.env)
        self.graphql = GITHUB.key(ctx.env) is not None
        self.batch = BATCH if self.graphql else 1
        self.size = BATCH  # GraphQL aliases a query; halved when GitHub's limits cut a batch
        self._checked_quota = False
        self._spent = False

    def key(self, paper: Paper, facts: Facts) -> str | None:
        return repo_of(paper.links.code)

    def max_age(self, paper: Paper, facts: Facts) -> int:
        return FRESH_DAYS  # stars move

    def checked_url(self, key: str) -> str:
        return f"https://github.com/{key}"

    def ask(self, http: Http, keys: list[str], today: dt.date) -> Found:
        client = GitHubClient(http.engine, self.ctx.env)
        if self.graphql:
            return self._ask_graphql(http, client, keys, today)
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

    def _ask_graphql(
        self, http: Http, client: GitHubClient, keys: list[str], today: dt.date
    ) -> Found:
        """One query per `size` repositories; what a query leaves unanswered, again smaller."""
        if self._spent:  # the last answer said no point is left: ask nothing more
            raise SourceStopped(SPENT)
        found: Found = {}
        pending = list(keys)
        while pending:
            chunk, pending = pending[: self.size], pending[self.size :]
            reply = http.request(
                "POST",
                self.api + GRAPHQL_PATH,
                json_body={"query": repos_query(chunk)},
                headers=client.headers,
            )
            if reply.status == 401:
                raise SourceStopped(f"GitHub refused the token ({_message(reply)})", found)
            if reply.status == 403 or rate_limited(reply):
                raise SourceStopped(f"GitHub: {_message(reply)}", found)
            if reply.status in (502, 504):  # GitHub's 10-second limit: ask for fewer at once
                again = chunk
            else:
                answer = parse_answer(chunk, reply.status, _json(reply))
                if answer.rate_limited:
                    raise SourceStopped(f"GitHub: {answer.rate_limited}", found)
                if answer.problem:
                    raise SourceStopped(f"GitHub's GraphQL API: {answer.problem}", found)
                for repo, data in answer.repos.items():
                    found[repo] = graphql_facts(data, repo, today)
                for repo in answer.missing:
                    url = f"https://github.com/{repo}"
                    found[repo] = [("code_status", Fact("github", url, today, "deleted"))]
                again = answer.unanswered
            if again:
                # Progress, or a smaller query next: a cut query of MIN_BATCH that answered
                # nothing ends GitHub's turn (the rest stay due for the next run).
                if len(again) == len(chunk) and len(chunk) <= MIN_BATCH:
                    said = f"GitHub's resource limits cut even a query of {len(chunk)} repositories"
                    raise SourceStopped(said, found)
                self.size = max(MIN_BATCH, min(self.size, len(chunk)) // 2)
                pending = again + pending
            self._spent = reply.headers.get("x-ratelimit-remaining") == "0"
            if self._spent and pending:
                raise SourceStopped(SPENT, found)
        return found


def graphql_facts(data: dict[str, Any], asked: str, today: dt.date) -> list[tuple[str, Fact]]:
    """The GraphQL fields, in the REST names `repo_facts` reads."""
    return repo_facts(
        {
            "full_name": data.get("nameWithOwner"),
            "html_url": data.get("url"),
            "stargazers_count": data.get("stargazerCount"),
            "archived": data.get("isArchived"),
            "pushed_at": data.get("pushedAt"),
        },
        asked,
        today,
    )


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


def _message(reply: Reply) -> str:
    said = _json(reply).get("message")
    return str(said) if said else f"HTTP {reply.status}"


def _json(reply: Reply) -> dict[str, Any]:
    try:
        data = reply.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
