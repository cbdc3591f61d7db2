"""`catalog triage`: a pull request's records whose ids don't resolve, or too many at once.

A real git repository in tmp_path and the fake arXiv API (batched `id_list`, fixture entries)
on 127.0.0.1; a made-up arXiv id is simply absent from arXiv's feed, as on the real API.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from catalog.cli import main
from catalog.sources.arxiv import API_ENV
from tests.conftest import FIXTURES, CatalogDir

ATOM = FIXTURES / "arxiv"
_ENTRY = re.compile(r"<entry>.*?</entry>", re.DOTALL)


def _batched_arxiv(request: Request) -> Response:
    """Like export.arxiv.org/api/query: one entry per known id, unknown ids left out."""
    entries = []
    for arxiv_id in request.args.get("id_list", "").split(","):
        path = ATOM / f"{arxiv_id}.atom"
        if path.is_file():
            entries += _ENTRY.findall(path.read_text(encoding="utf-8"))
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<title>ArXiv Query</title><id>http://arxiv.org/api/x</id>"
        "<updated>2026-12-01T00:00:00-05:00</updated>\n" + "\n".join(entries) + "\n</feed>\n"
    )
    return Response(feed, 200, content_type="application/atom+xml; charset=utf-8")


@pytest.fixture
def repo(catalog_dir: CatalogDir, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The catalog as a git repository with one committed record (LoRA)."""
    httpserver.expect_request("/api/query").respond_with_handler(_batched_arxiv)
    monkeypatch.setenv(API_ENV, httpserver.url_for("/api/query"))
    catalog_dir.add("lora")
    root = catalog_dir.path.parent
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return catalog_dir.path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_real_new_paper_is_not_flagged(repo: Path, catalog_dir: CatalogDir) -> None:
    catalog_dir.add(
        "many-tasks",
        title="Efficient Low Rank Adaptation of Large Models with Many Tasks",
        year=2024,
        links={"paper": "https://arxiv.org/abs/2402.12354"},
    )
    result = run("triage", "--data", repo, "--since", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["diagnostics"] == []
    assert doc["added"] == ["many-tasks"] and doc["changed"] == ["many-tasks"]


def test_a_made_up_arxiv_id_is_flagged_at_its_line(repo: Path, catalog_dir: CatalogDir) -> None:
    path = catalog_dir.add(
        "fake",
        title="A Paper Nobody Wrote",
        year=2025,
        links={"paper": "https://arxiv.org/abs/2501.99999"},
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, text in enumerate(lines, 1) if text.strip().startswith("paper:"))
    result = run("triage", "--data", repo, "--since", "HEAD", "--format", "github")
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"::warning file={path},line={at},")
    assert "title=unresolved-id::arxiv id '2501.99999' does not resolve" in line
    markdown = run("triage", "--data", repo, "--since", "HEAD", "--format", "markdown")
    assert markdown.exit_code == 1
    assert "| unresolved-id |" in markdown.stdout


def test_too_many_new_papers_at_once(repo: Path, catalog_dir: CatalogDir) -> None:
    for i in range(3):
        catalog_dir.add(f"p{i}", title=f"Paper {i}", links={"paper": f"https://example.org/{i}"})
    quiet = run("triage", "--data", repo, "--since", "HEAD", "--max-new", "3")
    assert quiet.exit_code == 0, quiet.output
    result = run("triage", "--data", repo, "--since", "HEAD", "--max-new", "2")
    assert result.exit_code == 1
    assert "warning[many-papers] this pull request adds 3 papers (more than 2)" in result.stdout
    summary = run("triage", "--data", repo, "--since", "HEAD", "--format", "markdown")
    assert "No identifier a source can confirm (checked by hand): `p0`, `p1`, `p2`." in (
        summary.stdout
    )


def test_nothing_changed_and_bad_revisions(repo: Path) -> None:
    result = run("triage", "--data", repo, "--since", "HEAD", "--format", "markdown")
    assert result.exit_code == 0
    assert "No paper records were added or changed." in result.stdout
    bad = run("triage", "--data", repo, "--since", "no-such-rev")
    assert bad.exit_code == 2  # a revision git does not know is a usage error
    assert "Traceback" not in bad.output
    assert run("triage", "--data", repo / "nowhere", "--since", "HEAD").exit_code == 2


def test_it_works_where_an_event_loop_already_runs(repo: Path, catalog_dir: CatalogDir) -> None:
    """A browser-driving test session or a notebook has a running loop in the main thread."""
    catalog_dir.add(
        "fake",
        title="A Paper Nobody Wrote",
        year=2025,
        links={"paper": "https://arxiv.org/abs/2501.99999"},
    )

    async def inside() -> Result:
        return run("triage", "--data", repo, "--since", "HEAD")

    # On a thread of its own: this one may run an event loop already (the browser tests').
    results: list[Result] = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(inside())))
    thread.start()
    thread.join()
    (result,) = results
    assert result.exit_code == 1, result.output
    assert "unresolved-id" in result.stdout


def test_quiet_prints_the_flags_without_the_summary_line(repo: Path) -> None:
    loud = run("triage", "--data", repo, "--since", "HEAD")
    assert loud.exit_code == 0 and "0 files checked" in loud.stdout
    quiet = run("triage", "-q", "--data", repo, "--since", "HEAD")
    assert quiet.exit_code == 0 and quiet.output == ""
