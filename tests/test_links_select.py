"""Selecting links: --changed-since (git), --shard K/N, and merging shard reports."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from links_server import ok, serve, status

from catalog.cli import main
from catalog.errors import CatalogError
from catalog.links.collect import changed_records, in_shard, parse_shard

ROUTES = {f"/page-{i}": ok for i in range(40)} | {"/gone": status(404)}


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["check-links", *args], catch_exceptions=False)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_changed_since_checks_only_changed_and_new_records(catalog_dir: Any) -> None:
    repo = catalog_dir.path.parent
    with serve(ROUTES) as server:
        for i in range(5):
            catalog_dir.add(f"p{i}", links={"paper": f"{server.base}/page-{i}"})
        git(repo, "init", "-q")
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "base")
        base = git(repo, "rev-parse", "HEAD")
        catalog_dir.add("p1", links={"paper": f"{server.base}/page-11"})  # changed, committed
        git(repo, "commit", "-q", "-am", "change p1")
        catalog_dir.add("p2", links={"paper": f"{server.base}/page-12"})  # changed, uncommitted
        catalog_dir.add("p9", links={"paper": f"{server.base}/gone"})  # new, untracked
        (catalog_dir.papers / "p4.yaml").unlink()  # deleted: nothing to check
        assert changed_records(catalog_dir.path, base) == {"p1", "p2", "p4", "p9"}
        result = cli(
            "--data", str(catalog_dir.path), "--changed-since", base, "--allow-private",
            "--format", "json",
        )  # fmt: skip
        asked = sorted({path for _, path in server.state.log})
    assert asked == ["/gone", "/page-11", "/page-12"]
    doc = json.loads(result.stdout)
    assert sorted(r["records"][0] for r in doc["results"]) == ["p1", "p2", "p9"]
    assert result.exit_code == 1  # /gone is broken


def test_changed_since_a_bad_revision_is_one_line_error(catalog_dir: Any) -> None:
    git(catalog_dir.path.parent, "init", "-q")
    with pytest.raises(CatalogError, match="changed-since"):
        changed_records(catalog_dir.path, "no-such-rev")
    result = cli("--data", str(catalog_dir.path), "--changed-since", "no-such-rev")
    assert result.exit_code == 2  # a bad option value: a usage error
    assert result.stderr.startswith("error: --changed-since") and "Traceback" not in result.output


def test_shards_split_deterministically_and_merge_back(catalog_dir: Any, tmp_path: Path) -> None:
    with serve(ROUTES) as server:
        for i in range(40):
            catalog_dir.add(f"p{i:02d}", links={"paper": f"{server.base}/page-{i}"})
        catalog_dir.add("dead", links={"paper": f"{server.base}/gone"})
        catalog_dir.add("dead-too", links={"paper": f"{server.base}/gone"})
        data = ["--data", str(catalog_dir.path), "--allow-private", "--format", "json"]
        whole = json.loads(cli(*data).stdout)
        shard_files, shard_urls = [], []
        for k in (1, 2, 3):
            result = cli(*data, "--shard", f"{k}/3")
            out = tmp_path / f"shard-{k}.json"
            out.write_text(result.stdout)
            shard_files.append(str(out))
            shard_urls.append({r["url"] for r in json.loads(result.stdout)["results"]})
        again = {r["url"] for r in json.loads(cli(*data, "--shard", "2/3").stdout)["results"]}
    assert again == shard_urls[1]  # deterministic
    assert all(urls for urls in shard_urls)  # 41 URLs over 3 shards: none empty
    assert sum(len(u) for u in shard_urls) == len(set().union(*shard_urls)) == 41

    merged = cli("--merge", shard_files[0], "--merge", shard_files[1], "--merge", shard_files[2],
                 "--format", "json")  # fmt: skip
    assert merged.exit_code == 1
    doc = json.loads(merged.stdout)
    strip = ("elapsed_ms", "attempts")

    def comparable(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k not in strip} for r in results]

    assert comparable(doc["results"]) == comparable(whole["results"])
    assert doc["summary"]["broken"] == 1 and doc["summary"]["ok"] == 40
    github = cli("--merge", shard_files[0], "--merge", shard_files[1], "--merge", shard_files[2],
                 "--format", "github").stdout  # fmt: skip
    assert github.count("::error file=") == 2  # the dead URL, at both records that use it


@pytest.mark.parametrize(
    "content",
    [
        '{"diagnostics": []}',
        '{"results": [{"url": "http://x.org/", "status": "ok", "sources": [{"record": "a"}]}]}',
        '{"results": [{"url": "http://x.org/", "status": "ok", "sources": ["a"]}]}',
        '{"results": [{"url": "http://x.org/", "status": "ok", "records": 5}]}',
    ],
)
def test_merge_rejects_what_is_not_a_report(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = CliRunner().invoke(main, ["check-links", "--merge", str(bad)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: {bad}: not a check-links JSON report (")
    assert len(result.stderr.splitlines()) == 1


def test_shard_math() -> None:
    urls = [f"https://example.org/{i}" for i in range(1000)]
    sizes = [sum(in_shard(u, k, 4) for u in urls) for k in range(1, 5)]
    assert sum(sizes) == 1000 and min(sizes) > 200
    assert parse_shard(" 2/4 ") == (2, 4)
    for bad in ("0/4", "5/4", "1", "a/b"):
        with pytest.raises(ValueError):
            parse_shard(bad)


@pytest.mark.parametrize(
    "links",
    [
        "links:\n  paper: https://example.org/a\n  code: https://example.org/b\n",
        "links:\n  paper: 'https://example.org/a'\n  code: \"https://example.org/b\"\n",
        "links: {paper: https://example.org/a, code: https://example.org/b}\n",
        "links:\n  paper: https://example.org/a\n  code: https://example.org/a\n",  # same URL
        "links:\n    code: https://example.org/b\n    paper: >-\n      https://example.org/a\n",
    ],
)
def test_every_link_is_located_where_the_yaml_parser_puts_it(catalog_dir: Any, links: str) -> None:
    from catalog.links.collect import collect
    from catalog.validate import load_catalog

    text = f"title: 'X: y'\nyear: 2023\nvenue: ICLR\n{links}added: 2024-07-12\n"
    catalog_dir.add("p", text)
    catalog = load_catalog(catalog_dir.path)
    source = catalog.sources["p"]
    found = {
        ref.field: (ref.line, ref.column) for refs in collect(catalog).values() for ref in refs
    }
    assert found == {f: source.locate(("links", f)) for f in found}
    assert set(found) == {"paper", "code"}
