"""`catalog sync` asking GitHub: GraphQL with a token (200 repositories a query), REST without."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from catalog.facts import facts_path, load_facts
from catalog.sources.github_graphql import BATCH, MIN_BATCH, parse_answer, repos_query
from catalog.sync.run import sync
from tests.fakes import papers as make
from tests.fakes.apis import Fakes, World, serve_fakes

TODAY = dt.date(2026, 12, 1)
TOKEN = "ghp_test"


def with_code(catalog_dir: Any, count: int) -> list[str]:
    """`count` records with a code repository each; their owner/name."""
    names = []
    for i in range(count):
        name = f"lab{i}/adapter-{i}"
        catalog_dir.add(
            f"paper-{i:03d}",
            title=f"Adapter Study {i}",
            links={"paper": f"https://example.org/{i}", "code": f"https://github.com/{name}"},
        )
        names.append(name)
    return names


@contextmanager
def github(world: World, **fake: Any) -> Iterator[Fakes]:
    with serve_fakes(world, github_tokens=frozenset({TOKEN})) as fakes:
        for name, value in fake.items():
            setattr(fakes.servers["github"], name, value)
        yield fakes


def run(catalog_dir: Any, fakes: Fakes, token: str | None = TOKEN) -> Any:
    env = {**fakes.env, **({"GITHUB_TOKEN": token} if token else {})}
    return sync(catalog_dir.path, env=env, today=TODAY, sources=["github"])


def paths(fakes: Fakes) -> list[str]:
    return [path for _, path, _ in fakes.servers["github"].log]


def aliases(fakes: Fakes) -> list[int]:
    """How many repositories each GraphQL query asked."""
    bodies = [json.loads(body)["query"] for _, path, body in fakes.servers["github"].log]
    return [q.count("repository(") for q in bodies]


def test_with_a_token_one_graphql_query_asks_many_repositories(catalog_dir: Any) -> None:
    moved = catalog_dir.add(
        "moved",
        title="Moved Adapters",
        links={"paper": "https://example.org/m", "code": "https://github.com/microsoft/LoRA"},
    )
    catalog_dir.add(
        "gone",
        title="Gone Adapters",
        links={"paper": "https://example.org/g", "code": "https://github.com/someone/gone"},
    )
    names = with_code(catalog_dir, 5)
    world = World()
    make.repo(world, "microsoft/LoRA-2", 101, 10500, archived=True)
    world.renamed["microsoft/LoRA"] = "microsoft/LoRA-2"
    for i, name in enumerate(names):
        make.repo(world, name, 200 + i, 10 * i)
    with github(world) as fakes:
        outcome = sync(
            catalog_dir.path,
            env={**fakes.env, "GITHUB_TOKEN": TOKEN},
            today=TODAY,
            sources=["github"],
            write=True,
        )
        assert paths(fakes) == ["/graphql"] and aliases(fakes) == [7]
        assert fakes.too_many == 0
    stats = outcome.stats
    assert stats is not None and stats.requests == 1 and stats.asked["github"] == 7
    found = {(p.kind, p.paper_id) for p in outcome.proposals}
    assert {("code-moved", "moved"), ("code-archived", "moved"), ("code-deleted", "gone")} <= found
    assert "  code: https://github.com/microsoft/LoRA-2\n" in moved.read_text()
    facts = load_facts(facts_path(catalog_dir.path))
    assert facts.value("moved", "stars", "github") == 10500
    assert facts.value("moved", "archived", "github") is True
    assert facts.value("moved", "code_url", "github") == "https://github.com/microsoft/LoRA-2"
    assert facts.value("gone", "code_status", "github") == "deleted"
    assert facts.value("paper-004", "stars", "github") == 40
    assert facts.value("paper-004", "pushed", "github") == dt.date(2024, 11, 2)
    assert all(facts.checked(f"paper-{i:03d}", "github") == TODAY for i in range(5))


def test_without_a_token_sync_asks_rest_one_repository_a_request(catalog_dir: Any) -> None:
    names = with_code(catalog_dir, 3)
    world = World()
    for i, name in enumerate(names):
        make.repo(world, name, 200 + i, i)
    with github(world) as fakes:
        outcome = run(catalog_dir, fakes, token=None)
        assert paths(fakes) == ["/rate_limit", *sorted(f"/repos/{n}" for n in names)]
        assert fakes.too_many == 0
    assert outcome.stats.asked["github"] == 3
    assert load_facts(facts_path(catalog_dir.path)).value("paper-002", "stars", "github") == 2


def test_a_batch_is_the_documented_size(catalog_dir: Any) -> None:
    names = with_code(catalog_dir, BATCH + 30)
    world = World()
    for i, name in enumerate(names):
        make.repo(world, name, 1000 + i, i)
    with github(world) as fakes:
        outcome = run(catalog_dir, fakes)
        assert aliases(fakes) == [BATCH, 30]
    assert outcome.stats.learned["github"] == BATCH + 30


def test_a_query_cut_by_resource_limits_is_asked_again_in_halves(catalog_dir: Any) -> None:
    names = with_code(catalog_dir, 60)
    world = World()
    for i, name in enumerate(names):
        make.repo(world, name, 1000 + i, i)
    with github(world, max_aliases=40) as fakes:
        outcome = run(catalog_dir, fakes)
        # 40 answered of 60, the other 20 again at half the size; nothing asked twice after
        assert aliases(fakes) == [60, 20]
        assert fakes.too_many == 0
    assert outcome.stats.learned["github"] == 60 and not outcome.stats.stopped
    facts = load_facts(facts_path(catalog_dir.path))
    assert facts.value("paper-059", "stars", "github") == 59


def test_resource_limits_that_answer_nothing_stop_github_and_keep_it_due(catalog_dir: Any) -> None:
    with_code(catalog_dir, 40)
    with github(World(), max_aliases=0) as fakes:
        outcome = run(catalog_dir, fakes)
        assert aliases(fakes) == [40, MIN_BATCH]  # half, at least MIN_BATCH; then it stops
    assert "resource limits" in outcome.stats.stopped["github"]
    assert outcome.stats.pending["github"] == 40
    assert load_facts(facts_path(catalog_dir.path)).checked("paper-000", "github") is None


def test_a_timed_out_query_is_asked_again_smaller(catalog_dir: Any) -> None:
    names = with_code(catalog_dir, 50)
    world = World()
    for i, name in enumerate(names):
        make.repo(world, name, 1000 + i, i)
    with github(world, timeout_aliases=30) as fakes:
        outcome = run(catalog_dir, fakes)
        counts = aliases(fakes)
    assert counts[-2:] == [25, 25] and set(counts[:-2]) == {50}  # the 502s (retried), then halves
    assert outcome.stats.learned["github"] == 50


def test_a_spent_graphql_rate_limit_stops_github_and_keeps_what_it_learned(
    catalog_dir: Any,
) -> None:
    names = with_code(catalog_dir, BATCH + 5)
    world = World()
    for i, name in enumerate(names):
        make.repo(world, name, 1000 + i, i)
    with github(world, points=1) as fakes:
        outcome = run(catalog_dir, fakes)
        assert aliases(fakes) == [BATCH]  # the last point; remaining 0: no query after it
        assert fakes.too_many == 0
    assert "rate limit" in outcome.stats.stopped["github"]
    assert outcome.stats.learned["github"] == BATCH and outcome.stats.pending["github"] == 5
    with github(world, points=0) as fakes:
        outcome = run(catalog_dir, fakes)
        assert fakes.too_many == 1  # the answer that says so: a RATE_LIMITED error, HTTP 200
    assert "rate limit already exceeded" in outcome.stats.stopped["github"]
    assert outcome.stats.pending["github"] == 5


def test_a_refused_token_stops_github_with_a_clear_reason(catalog_dir: Any) -> None:
    with_code(catalog_dir, 2)
    with github(World()) as fakes:
        outcome = run(catalog_dir, fakes, token="wrong")
    assert outcome.stats.stopped["github"] == "GitHub refused the token (Bad credentials)"
    assert outcome.stats.pending["github"] == 2


def test_the_answer_reader_on_githubs_shapes() -> None:
    asked = ["a/b", "c/old", "x/gone", "y/cut"]
    query = repos_query(asked)
    assert query.splitlines()[1].startswith('  r0: repository(owner: "a", name: "b") {')
    body = {
        "data": {
            "r0": {"nameWithOwner": "a/b", "url": "https://github.com/a/b", "stargazerCount": 1},
            "r1": {"nameWithOwner": "c/new", "url": "https://github.com/c/new"},
            "r2": None,
            "r3": None,
        },
        "errors": [
            {"type": "NOT_FOUND", "path": ["r2"], "message": "Could not resolve to a Repository"},
            {"type": "RESOURCE_LIMITS_EXCEEDED", "path": ["r3"], "message": "Resource limits"},
        ],
    }
    answer = parse_answer(asked, 200, body)
    assert (
        set(answer.repos) == {"a/b", "c/old"} and answer.repos["c/old"]["nameWithOwner"] == "c/new"
    )
    assert (answer.missing, answer.unanswered, answer.problem) == (["x/gone"], ["y/cut"], None)
    limited = parse_answer(asked, 200, {"errors": [{"type": "RATE_LIMITED", "message": "spent"}]})
    assert limited.rate_limited == "spent"
    invalid = {"errors": [{"path": ["query", "r0", "uri"], "message": "Field 'uri' doesn't exist"}]}
    assert parse_answer(asked, 200, invalid).problem == "Field 'uri' doesn't exist"
    assert parse_answer(asked, 502, None).problem is not None
