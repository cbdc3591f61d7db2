"""Time `catalog sync` on a synthetic catalog against local fakes that answer in 100 ms.

    .venv/bin/python benchmarks/sync_bench.py [-n 10000] [--budget 60] [--latency 0.1]

The fakes (tests/fakes/apis.py) enforce each source's published limit (arXiv one request per
3 s, Semantic Scholar and DBLP 1/s, Crossref 5/s, GitHub REST 60 an hour without a token,
GitHub GraphQL 5,000 points an hour with one) and count every refusal (429, RATE_LIMITED).
Runs of the real CLI, each in a fresh process, with $GITHUB_TOKEN set (GraphQL, as the weekly
workflow runs) unless --github rest:

1. first run with --budget (the issue's 10 minutes, scaled down): 0 answers of 429, stops
   within 10 s of its budget;
2. second run, same budget: resumes, asking nothing the first run already asked;
3. steady state: every fact fresh except the counts (citations, stars), no budget:
   target <= 50 requests in all and <= 2 minutes; with --github both (the default) once with
   the token and once without (REST: 60 repositories an hour, the rest stay due);
4. the floor: the same run again, when nothing is due (reading, reconciling, saving; 0 requests).

Peak memory (max RSS of the sync processes) target: <= 500 MB. CPU time is the sync process's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synth import write_catalog
from catalog.facts import Fact, facts_path, load_facts, save_facts
from catalog.sync.adapters import Ctx
from catalog.sync.engine import adapters_for
from catalog.validate import load_catalog
from tests.fakes import papers as make
from tests.fakes.apis import World, serve_fakes
from tests.fakes.graphql import FIELD

TOKEN = "ghp_bench"


def world_for(data: Path) -> World:
    """What the fakes know: every arXiv id; DBLP hits for every title (a third published at
    ICML); Semantic Scholar counts; each code repository (1 in 50 renamed, 1 in 100 gone)."""
    catalog = load_catalog(data)
    world = World()
    for i, paper in enumerate(catalog.papers):
        arxiv_id = paper.links.paper.rsplit("/", 1)[1].removesuffix(".pdf").split("v")[0]
        make.arxiv(world, arxiv_id, paper.title, ["Ada Lovelace", "Alan Turing"])
        make.dblp(
            world,
            paper.title,
            ["Ada Lovelace", "Alan Turing"],
            "CoRR",
            paper.year,
            f"journals/corr/abs-{i}",
        )
        if i % 3 == 0:
            make.dblp(
                world,
                paper.title,
                ["Ada Lovelace", "Alan Turing"],
                "ICML",
                paper.year,
                f"conf/icml/P{i}",
            )
        make.s2(world, f"ARXIV:{arxiv_id}", i % 500, ArXiv=arxiv_id)
        code = paper.links.code
        if code:
            name = code.removeprefix("https://github.com/")
            if i % 100 == 7:
                continue  # deleted
            if i % 50 == 3:
                world.renamed[name] = f"{name}-renamed"
                name = f"{name}-renamed"
            make.repo(world, name, 1000 + i, i % 900)
    return world


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(
    data: Path, env: dict[str, str], *args: str, token: str = ""
) -> tuple[float, float, dict[str, Any]]:
    """Wall seconds, CPU seconds and the JSON report's `run` of one `catalog sync`."""
    start, used = time.monotonic(), cpu()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "catalog",
            "sync",
            "--data",
            str(data),
            "--format",
            "json",
            "-q",
            *args,
        ],
        env={**os.environ, **env, "GITHUB_TOKEN": token},
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed, used = time.monotonic() - start, cpu() - used
    if done.returncode != 0:
        raise SystemExit(f"sync failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, used, json.loads(done.stdout)["run"]


def asked_keys(fakes: object) -> Counter[str]:
    """Every (source, key) the fakes were asked, to find anything asked twice."""
    keys: Counter[str] = Counter()
    for name, server in fakes.servers.items():  # type: ignore[attr-defined]
        for _method, path, body in list(server.log):
            query = parse_qs(urlsplit(path).query)
            if name == "arxiv":
                keys.update(f"arxiv:{i}" for i in query.get("id_list", [""])[0].split(","))
            elif name == "dblp":
                keys[f"dblp:{query.get('q', [''])[0]}"] += 1
            elif name == "s2" and body:
                keys.update(f"s2:{i}" for i in json.loads(body)["ids"])
            elif name == "github" and urlsplit(path).path == "/graphql":
                query = json.loads(body)["query"]
                for found in FIELD.finditer(query):
                    owner, repo = json.loads(found["owner"]), json.loads(found["name"])
                    keys[f"github:/repos/{owner}/{repo}"] += 1
            elif name == "github" and "/repositories/" not in path:
                keys[f"github:{urlsplit(path).path}"] += 1
            else:
                keys[f"{name}:{path}"] += 1
    return keys


def make_steady(data: Path, today: dt.date) -> None:
    """Every source asked yesterday about everything it can be asked, counts a week ago."""
    catalog = load_catalog(data)
    path = facts_path(data)
    facts = load_facts(path)
    preprints = frozenset(n for n, v in catalog.venues.entries.items() if v.kind == "preprint")
    for adapter in adapters_for(Ctx({}, preprints)):
        old = adapter.name in ("semantic-scholar", "github")
        day = today - dt.timedelta(days=8 if old else 1)
        for paper in catalog.papers:
            key = adapter.key(paper, facts)
            if key:
                facts.mark_checked(paper.id, adapter.name, adapter.checked_url(key), day)
        if adapter.name == "github":
            for paper in catalog.papers:
                if paper.links.code:
                    facts.put(paper.id, "stars", Fact("github", paper.links.code, day, 1))
    save_facts(path, facts)


def per_source(run: dict[str, Any]) -> str:
    parts = []
    for name, s in run["sources"].items():
        stopped = f" (stopped: {s['stopped']})" if "stopped" in s else ""
        parts.append(f"{name} {s['asked']} asked/{s['pending']} due{stopped}")
    return "  per source: " + ", ".join(parts)


@click.command()
@click.option("-n", "papers", default=10_000, show_default=True)
@click.option("--budget", default=60.0, show_default=True, help="Seconds (the issue: 600).")
@click.option("--latency", default=0.1, show_default=True)
@click.option(
    "--github",
    "mode",
    type=click.Choice(["both", "graphql", "rest"]),
    default="both",
    show_default=True,
    help="graphql: with $GITHUB_TOKEN; rest: without; both: the runs with, a steady state without.",
)
def main(papers: int, budget: float, latency: float, mode: str) -> None:
    token = "" if mode == "rest" else TOKEN
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        write_catalog(data, papers, duplicates=0)
        world = world_for(data)
        print(
            f"catalog: {papers} papers; fakes answer in {latency * 1000:.0f} ms;"
            f" GitHub {'GraphQL (token)' if token else 'REST (no token)'}",
            flush=True,
        )
        with serve_fakes(world, latency=latency, github_tokens=frozenset({TOKEN})) as fakes:
            took, used, run = run_cli(data, fakes.env, "--budget", str(budget), token=token)
            print(
                f"first run (--budget {budget:g}s): {took:.1f} s in all (sync {run['seconds']} s,"
                f" CPU {used:.1f} s), {run['requests']} requests, {fakes.too_many} refused (429),"
                f" out of time: {run['out_of_time']}; over budget: {took - budget:+.1f} s"
            )
            print(per_source(run), flush=True)
            time.sleep(3.1)  # arXiv's interval: the next process starts its own pace
            took, used, run = run_cli(data, fakes.env, "--budget", str(budget), token=token)
            again = [k for k, c in asked_keys(fakes).items() if c > 1 and "rate_limit" not in k]
            print(
                f"second run (--budget {budget:g}s): {took:.1f} s (CPU {used:.1f} s),"
                f" {run['requests']} requests, {fakes.too_many} refused so far;"
                f" asked again: {len(again)} {sorted(again)[:3]}"
            )
            print(per_source(run), flush=True)
            tokens = {"both": [TOKEN, ""], "graphql": [TOKEN], "rest": [""]}[mode]
            for steady_token in tokens:
                make_steady(data, dt.date.today())
                fakes.servers["github"].new_window()  # a week later: GitHub's quota is back
                time.sleep(3.1)
                before = fakes.requests
                took, used, run = run_cli(data, fakes.env, token=steady_token)
                how = "with a token (GraphQL)" if steady_token else "without a token (REST)"
                print(
                    f"steady state {how}: {took:.1f} s in all (CPU {used:.1f} s),"
                    f" {fakes.requests - before} requests (target <= 50, <= 120 s);"
                    f" {fakes.too_many} refused in all runs"
                )
                print(per_source(run), flush=True)
            before = fakes.requests
            took, used, run = run_cli(data, fakes.env, "--source", "semantic-scholar")
            print(
                f"floor (the same catalog, nothing due): {took:.1f} s (CPU {used:.1f} s),"
                f" {fakes.requests - before} requests"
            )
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak memory of the sync processes: {peak:.0f} MB (target <= 500 MB)")


if __name__ == "__main__":
    main()
