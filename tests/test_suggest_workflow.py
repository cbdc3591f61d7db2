"""The suggestion workflow's shell, run as Actions runs it, on recorded issue events.

Each job's `run:` scripts come from .github/workflows/suggest.yml and run under bash -eo
pipefail in a git checkout of a fixture catalog, against the fake arXiv API. The artifact
between the jobs is the `suggestion/` folder (upload and download are GitHub's own actions);
`gh` is a stand-in that records what it was asked to do, and origin a local bare repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer

from catalog.sources.arxiv import API_ENV
from tests.conftest import FIXTURES, REPO, CatalogDir
from tests.test_new import _fake_arxiv

FLOW = REPO / ".github" / "workflows" / "suggest.yml"

if shutil.which("jq") is None:  # the workflow's shell reads the decision with jq
    if os.environ.get("CI") == "true":
        pytest.fail("jq is missing under CI (.ci/run installs it)", pytrace=False)
    pytest.skip("jq is not installed (apt-get install jq)", allow_module_level=True)
GH = """#!/bin/sh
# A stand-in for GitHub's CLI: records its arguments (and a --body-file's text).
printf '%s\\n' "$*" >> "$GH_LOG"
while [ $# -gt 0 ]; do
  if [ "$1" = --body-file ]; then cat "$2" >> "$GH_LOG"; fi
  shift
done
"""


def _scripts(job: str) -> list[str]:
    flow: dict[Any, Any] = yaml.safe_load(FLOW.read_text(encoding="utf-8"))
    return [step["run"] for step in flow["jobs"][job]["steps"] if "run" in step]


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60
    )
    return done.stdout


class Runner:
    """A checkout of the catalog with .venv pointing at this interpreter's environment."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env

    def run(self, job: str, *, skip: int = 1) -> list[subprocess.CompletedProcess[str]]:
        """The job's run: steps after the first `skip` (the Install step), in order."""
        done = []
        for script in _scripts(job)[skip:]:
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                cwd=self.root, env=self.env, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            done.append(result)
            if result.returncode != 0:
                break
        return done

    def output(self) -> dict[str, str]:
        path = Path(self.env["GITHUB_OUTPUT"])
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where origin, the gh stand-in and its log live: not in the checkout."""
    return tmp_path_factory.mktemp("outside")


@pytest.fixture
def checkout(catalog_dir: CatalogDir, outside: Path, httpserver: HTTPServer) -> Runner:
    root = catalog_dir.path.parent  # the checkout: data/ and README.md
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    (root / ".gitignore").write_text(".venv\n", encoding="utf-8")
    catalog = Path(sys.prefix) / "bin" / "catalog"
    subprocess.run([str(catalog), "build", "--no-site"], cwd=root, check=True, capture_output=True)
    origin = outside / "origin.git"
    _git(outside, "init", "-q", "--bare", str(origin))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    _git(root, "remote", "add", "origin", str(origin))
    _git(root, "push", "-q", "origin", "main")
    bin_dir = outside / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(GH, encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    httpserver.expect_request("/api/query").respond_with_handler(_fake_arxiv)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        API_ENV: httpserver.url_for("/api/query"),
        "GITHUB_OUTPUT": str(outside / "output"),
        "GH_LOG": str(outside / "gh.log"),
        "GH_TOKEN": "not-a-token",
        "GH_REPO": "example/awesome-test",
        "NUMBER": "12",
    }
    return Runner(root, env)


def _decide(runner: Runner, event: str) -> dict[str, str]:
    runner.env["GITHUB_EVENT_PATH"] = str(FIXTURES / "issues" / event)
    (decide,) = runner.run("decide")
    assert decide.returncode == 0, decide.stderr
    return runner.output()


def test_an_accepted_suggestion_is_pushed_and_opened_as_a_pull_request(
    checkout: Runner, outside: Path
) -> None:
    assert _decide(checkout, "arxiv.json") == {"action": "pull-request"}
    kept = checkout.root / "suggestion"
    assert sorted(p.name for p in kept.iterdir()) == ["comment.md", "decision.json", "record.yaml"]
    # The next job starts from a clean checkout of the default branch plus the artifact.
    shutil.move(kept, outside / "artifact")
    _git(checkout.root, "clean", "-qfdx", "-e", ".venv")
    assert _git(checkout.root, "status", "--porcelain") == ""
    shutil.move(outside / "artifact", kept)
    steps = checkout.run("pull-request")
    assert [s.returncode for s in steps] == [0], steps[-1].stderr
    pushed = _git(checkout.root, "ls-remote", "origin", "refs/heads/suggest/issue-12")
    assert pushed.strip()
    files = _git(checkout.root, "show", "--name-only", "--format=%s%n%b", "suggest/issue-12")
    assert files.splitlines()[:3] == [
        "Add paper: Efficient Low Rank Adaptation of Large Models with Many Tasks",
        "Closes #12",
        "",
    ]
    assert set(files.split()) >= {"README.md", "data/papers/efficient-low-rank-adaptation.yaml"}
    assert "Efficient Low Rank Adaptation" in (checkout.root / "README.md").read_text()
    log = (outside / "gh.log").read_text(encoding="utf-8")
    assert "pr create --head suggest/issue-12" in log and "Closes #12" in log


def test_a_form_with_errors_gets_a_comment_and_no_branch(checkout: Runner, outside: Path) -> None:
    assert _decide(checkout, "bad-url.json") == {"action": "comment"}
    assert not (checkout.root / "suggestion" / "record.yaml").exists()
    steps = checkout.run("comment", skip=0)
    assert [s.returncode for s in steps] == [0], steps[-1].stderr
    log = (outside / "gh.log").read_text(encoding="utf-8")
    assert log.startswith("issue comment 12 --body-file suggestion/comment.md\n")
    assert "Year: expected a year such as 2024" in log
    assert _git(checkout.root, "ls-remote", "origin").count("refs/heads/") == 1


def test_an_unlabelled_issue_does_nothing(checkout: Runner) -> None:
    assert _decide(checkout, "unlabelled.json") == {"action": "ignore"}
    assert _git(checkout.root, "status", "--porcelain", "--", "data") == ""


def test_the_pull_request_job_writes_only_a_new_record(checkout: Runner) -> None:
    """A decision file naming a path outside data/papers/ (or an existing record) is refused."""
    _decide(checkout, "arxiv.json")
    decision_file = checkout.root / "suggestion" / "decision.json"
    decision = json.loads(decision_file.read_text(encoding="utf-8"))
    decision["pull_request"]["record"] = "data/catalog.yaml"
    decision_file.write_text(json.dumps(decision), encoding="utf-8")
    steps = checkout.run("pull-request")
    assert steps[-1].returncode == 1
    assert "refusing to write 'data/catalog.yaml'" in steps[-1].stdout
    assert _git(checkout.root, "ls-remote", "origin").count("refs/heads/") == 1
