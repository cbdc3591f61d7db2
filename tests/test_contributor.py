"""A first pull request, played end to end on a copy of the repository.

CONTRIBUTING's three steps (`catalog new`, `catalog build`, commit) against the fake arXiv API,
then every check the PR workflow runs: validate with annotations, `build --check`, awesome-lint,
and the data tests (test_shipped.py) pointed at the copy. A typo in the record must fail with an
annotation at its line. Nothing here names a shipped paper or counts them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from pytest_httpserver import HTTPServer
from test_awesome_lint import awesome_lint
from test_new import _fake_arxiv

NEW_ID = "2501.01234"  # tests/fixtures/arxiv/2501.01234.atom: a made-up paper


@pytest.fixture
def checkout(tmp_path: Path, httpserver: HTTPServer) -> Iterator[tuple[Path, dict[str, str]]]:
    """The repository's data, README and CONTRIBUTING copied, with the fake arXiv's address."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(REPO / "data", root / "data")
    for name in ("README.md", "CONTRIBUTING.md"):
        shutil.copy(REPO / name, root / name)
    httpserver.expect_request("/api/query").respond_with_handler(_fake_arxiv)
    env = {**os.environ, "CATALOG_ARXIV_API": httpserver.url_for("/api/query")}
    yield root, env


def catalog(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "catalog", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def topic_flags(root: Path) -> list[str]:
    """A catalog that declares topics wants one per paper: take the first it declares."""
    path = root / "data" / "topics.yaml"
    if not path.is_file():
        return []
    topics = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return ["--topic", next(iter(topics))] if topics else []


def add_paper(root: Path, env: dict[str, str]) -> Path:
    before = set((root / "data" / "papers").iterdir())
    added = catalog(root, env, "new", "--arxiv", NEW_ID, *topic_flags(root))
    assert added.returncode == 0, added.stdout + added.stderr
    (path,) = set((root / "data" / "papers").iterdir()) - before
    return path


def test_a_first_pull_request_passes_every_check(checkout: tuple[Path, dict[str, str]]) -> None:
    root, env = checkout
    path = add_paper(root, env)
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["authors"] == ["Ada Example", "Bo Fixture"]
    assert record["links"]["paper"] == f"https://arxiv.org/abs/{NEW_ID}"
    stale = catalog(root, env, "build", "--check")
    assert stale.returncode == 1, "the README must be stale until it is rebuilt"
    built = catalog(root, env, "build", "--no-site")
    assert built.returncode == 0, built.stderr
    assert record["title"] in (root / "README.md").read_text(encoding="utf-8")

    validated = catalog(root, env, "validate", "--format", "github")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "::error" not in validated.stdout
    fresh = catalog(root, env, "build", "--check")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    lint = awesome_lint(root / "README.md")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    data_tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_shipped.py"],
        cwd=REPO, env={**env, "CATALOG_CHECK_ROOT": str(root)},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert data_tests.returncode == 0, data_tests.stdout + data_tests.stderr
    assert " passed" in data_tests.stdout


def test_a_typo_fails_with_an_annotation_at_its_line(
    checkout: tuple[Path, dict[str, str]],
) -> None:
    root, env = checkout
    path = add_paper(root, env)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (number,) = [i for i, line in enumerate(lines, 1) if line.startswith("venue:")]
    lines[number - 1] = "venue: arXivv\n"
    path.write_text("".join(lines), encoding="utf-8")
    validated = catalog(root, env, "validate", "--format", "github")
    assert validated.returncode == 1
    relative = path.relative_to(root).as_posix()
    annotation = f"::error file={relative},line={number},"
    assert annotation in validated.stdout, validated.stdout
    assert "unknown-venue" in validated.stdout
    assert "Traceback" not in validated.stdout + validated.stderr
    build = catalog(root, env, "build", "--no-site")
    assert build.returncode == 1
    assert (root / "README.md").read_bytes() == (REPO / "README.md").read_bytes()
