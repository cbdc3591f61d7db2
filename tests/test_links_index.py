"""A second check-links run from the cache: on unchanged data it takes the links from the
cache's index (no validator, no pydantic, no aiohttp); a changed data folder is read again,
and a run whose links the cache answers all still sends nothing and imports no HTTP engine.

Each run is a fresh `python -m catalog` process against a real local server, so what it
imports is what a user's run imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from links_server import ok, serve

from tests.conftest import REPO

PROBE = """
import json, sys
from catalog.links.feed import LinkFeed
read = []  # the records were read (here, or by the child reading them: links.feed)
real_read = LinkFeed.read
LinkFeed.read = lambda feed, emit: read.append(True) or real_read(feed, emit)
from catalog.entry import main
try:
    code = main(json.loads(sys.argv[1]))  # check-links returns (fast_cli), click exits
except SystemExit as exc:
    code = exc.code
print(json.dumps([code, sorted({m.split(".")[0] for m in sys.modules}), bool(read)]),
      file=sys.stderr)
"""
HEAVY = {"pycurl"}  # the transport; plainly written records need no PyYAML either


def check(data: Path, cache: Path) -> tuple[dict[str, Any], set[str], bool]:
    """(the JSON report, top-level modules imported, whether the records were read)."""
    args = ["check-links", "--data", str(data), "--cache", str(cache), "--allow-private"]
    args += ["--format", "json", "--timeout", "2", "--retries", "0"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "COLUMNS": "120"},
        check=False,
    )
    code, modules, validator = json.loads(done.stderr.strip().splitlines()[-1])
    assert code == 0, done.stderr
    return json.loads(done.stdout), set(modules), validator


def test_unchanged_data_is_answered_from_the_index_alone(catalog_dir: Any, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    with serve({"/ok": ok, "/ok2": ok}) as server:
        catalog_dir.add("a", links={"paper": f"{server.base}/ok"})
        catalog_dir.add("b", links={"paper": f"{server.base}/ok2"})
        first, loaded, read = check(catalog_dir.path, cache)
        second, lean, read_again = check(catalog_dir.path, cache)
        hits = sum(server.state.hits.values())
    assert first["summary"]["requests"] == 2 and read and loaded >= HEAVY
    assert "pydantic" not in loaded | lean  # a link check never builds the models
    assert hits == 2  # the second run asked nothing
    assert second["summary"]["cached"] == 2 and second["summary"]["requests"] == 0
    assert not read_again and not lean & HEAVY
    # the index gives the report everything the records gave: uses, lines, records
    for result in first["results"]:
        result.pop("elapsed_ms")
        result.pop("attempts")
        result["cached"] = True
    for result in second["results"]:
        result.pop("elapsed_ms")
        result.pop("attempts")
    assert second["results"] == first["results"]


def test_a_changed_record_is_read_again_and_only_its_new_link_is_asked(
    catalog_dir: Any, tmp_path: Path
) -> None:
    cache = tmp_path / "links.json"
    with serve({"/ok": ok, "/new": ok}) as server:
        catalog_dir.add("a", links={"paper": f"{server.base}/ok"})
        check(catalog_dir.path, cache)
        catalog_dir.add("a", links={"paper": f"{server.base}/ok", "code": f"{server.base}/new"})
        report, _modules, read = check(catalog_dir.path, cache)
        asked = [path for _method, path in server.state.log]
    assert read  # the index no longer matched the data folder
    assert asked.count("/ok") == 1 and asked.count("/new") == 1
    by_url = {r["url"].removeprefix(server.base): r for r in report["results"]}
    assert by_url["/ok"]["cached"] and not by_url["/new"]["cached"]
    assert [s["field"] for s in by_url["/new"]["sources"]] == ["links.code"]


def test_changed_data_whose_links_the_cache_answers_sends_nothing_and_imports_no_engine(
    catalog_dir: Any, tmp_path: Path
) -> None:
    cache = tmp_path / "links.json"
    with serve({"/ok": ok}) as server:
        catalog_dir.add("a", links={"paper": f"{server.base}/ok"}, title="A Title")
        check(catalog_dir.path, cache)
        catalog_dir.add("a", links={"paper": f"{server.base}/ok"}, title="Another Title")
        catalog_dir.add("b", links={"paper": f"{server.base}/ok"})  # a known URL, a new use
        report, modules, read = check(catalog_dir.path, cache)
        hits = server.state.hits["/ok"]
    assert read and hits == 1
    assert "pycurl" not in modules
    (result,) = report["results"]
    assert result["cached"] and result["records"] == ["a", "b"]
    assert [s["record"] for s in result["sources"]] == ["a", "b"]


def test_a_version_1_cache_is_reused_and_rewritten_as_rows(
    catalog_dir: Any, tmp_path: Path
) -> None:
    """An older cache (entries as objects) still answers; its index (the old signature shape)
    is not trusted, so the records are read once and the file is written in the new format."""
    cache = tmp_path / "links.json"
    with serve({"/ok": ok}) as server:
        url = f"{server.base}/ok"
        catalog_dir.add("a", links={"paper": url})
        entry = {"status": "ok", "http_status": 200, "final_url": url, "message": "HTTP 200"}
        entry |= {"suggestion": None, "warning": None, "checked_at": time.time()}
        index = {"signature": [["code:rules.py", 1, 2]], "contact": None, "links": {}}
        cache.write_text(json.dumps({"version": 1, "entries": {url: entry}, "index": index}))
        report, _modules, read = check(catalog_dir.path, cache)
        again, _modules, read_again = check(catalog_dir.path, cache)
        hits = server.state.hits["/ok"]
    assert hits == 0 and read and not read_again
    assert report["summary"]["cached"] == 1 and not report["notes"]  # no warning
    assert again["results"] == report["results"]
    saved = json.loads(cache.read_text())
    assert saved["version"] == 2
    assert saved["entries"][url] == ["ok", entry["checked_at"], 200, url, "HTTP 200", None, None]


def test_a_run_the_index_answers_builds_no_diagnostic_class(
    catalog_dir: Any, tmp_path: Path
) -> None:
    """Nothing to report about the records: catalog.diagnostics (its class) stays unloaded,
    as do asyncio and the engine; what the CLI shows of the data comes from catalog.shown."""
    cache = tmp_path / "links.json"
    probe = (
        "import sys\nfrom catalog.entry import main\ncode = main(sys.argv[1:])\n"
        "print(sorted(m for m in ('catalog.diagnostics', 'asyncio', 'catalog.sources.http')"
        " if m in sys.modules), file=sys.stderr)\n"
    )
    with serve({"/ok": ok}) as server:
        catalog_dir.add("a", links={"paper": f"{server.base}/ok"})
        check(catalog_dir.path, cache)
        args = ["check-links", "--data", str(catalog_dir.path), "--cache", str(cache)]
        done = subprocess.run(
            [sys.executable, "-c", probe, *args, "--allow-private", "--format", "json"],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        )
    assert done.returncode == 0 and json.loads(done.stdout)["summary"]["cached"] == 1
    assert done.stderr.strip().splitlines()[-1] == "[]"
