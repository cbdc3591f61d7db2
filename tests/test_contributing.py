"""The contributor's path: workflows (actionlint), annotations, pre-commit, templates, docs."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from catalog.cli import main
from catalog.model import Links, Record
from catalog.render.commands import SETUP_COMMAND, TEST_COMMAND
from catalog.schema import SCHEMA_FILE
from tests.conftest import REPO, CatalogDir

BIN = Path(sys.executable).parent
WORKFLOWS = REPO / ".github" / "workflows"


def actionlint(*paths: Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """actionlint from the test extra, with shellcheck (also from it) checking `run:` scripts."""
    command = [
        str(BIN / "actionlint"),
        "-no-color",
        f"-shellcheck={BIN / 'shellcheck'}",
        *map(str, paths),
    ]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def workflow(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def run_lines(flow: dict[Any, Any]) -> str:
    return "\n".join(
        step.get("run", "") for job in flow["jobs"].values() for step in job.get("steps", [])
    )


def uses(flow: dict[Any, Any]) -> list[str]:
    return [
        step["uses"]
        for job in flow["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step
    ]


def test_workflows_pass_actionlint() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {"links.yml", "pages.yml", "pr.yml", "suggest.yml", "sync.yml"} <= {
        f.name for f in files
    }
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_ci_entry_script_passes_shellcheck() -> None:
    """.ci/run is the one shell script outside the workflows: the same checker reads it."""
    result = subprocess.run(
        [str(BIN / "shellcheck"), "--shell=bash", str(REPO / ".ci" / "run")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_mistakes(tmp_path: Path) -> None:
    """The check above can fail: a bad expression and an unquoted variable are reported."""
    flows = tmp_path / ".github" / "workflows"
    flows.mkdir(parents=True)
    (flows / "bad.yml").write_text(
        "on: push\n"
        "jobs:\n"
        "  x:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - run: echo ${{ github.nope }}\n"
        "      - run: cp $SRC dest\n",
        encoding="utf-8",
    )
    result = actionlint(flows / "bad.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert "github.nope" in result.stdout
    assert "SC2086" in result.stdout


def test_actions_pinned_and_permissions_least_privilege() -> None:
    for name in sorted(p.name for p in WORKFLOWS.glob("*.yml")):
        flow = workflow(name)
        assert "permissions" in flow, name
        assert flow["permissions"] in ({}, {"contents": "read"}), name
        for action in uses(flow):
            assert re.fullmatch(r"actions/[\w-]+@v\d+\.\d+\.\d+", action), action
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        assert "write-all" not in text


def test_pr_workflow_runs_every_check() -> None:
    flow = workflow("pr.yml")
    assert set(flow[True]) == {"pull_request"}  # YAML 1.1 reads the key `on` as True
    commands = run_lines(flow)
    for needed in (
        ".venv/bin/catalog validate --format github",
        ".venv/bin/catalog build --check",
        "node scripts/awesome-lint.mjs README.md",  # the README's rules, as the tests run them
        '.venv/bin/catalog check-links --changed-since "origin/$BASE_REF" --format github',
        "bash .ci/run",
        ".venv/bin/ruff check .",
        ".venv/bin/ruff format --check .",
        ".venv/bin/mypy",
    ):
        assert needed in commands
    assert "actions/checkout@v4.2.2" in uses(flow)
    # Plain `awesome-lint` also asks the GitHub API about the repository's topics and license:
    # a pull request would fail for settings it cannot change.
    assert "npx --no-install awesome-lint" not in commands


def test_link_workflow_caches_reports_and_tracks_one_issue() -> None:
    flow = workflow("links.yml")
    assert set(flow[True]) == {"schedule", "workflow_dispatch"}
    (job,) = flow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    cache = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".catalog-cache"
    commands = run_lines(flow)
    assert "check-links --cache .catalog-cache/links.json --format json" in commands
    assert "check-links --merge link-report.json --format markdown" in commands
    assert "catalog report --links link-report.json --format markdown" in commands
    sync = run_lines(workflow("sync.yml"))
    assert '.venv/bin/catalog report --format markdown >> "$GITHUB_STEP_SUMMARY"' in sync
    assert '>> "$GITHUB_STEP_SUMMARY"' in commands
    for gh in ("gh issue list", "gh issue edit", "gh issue create", "gh issue close"):
        assert gh in commands


def test_pages_workflow_deploys_the_built_site() -> None:
    flow = workflow("pages.yml")
    assert flow[True]["push"] == {"branches": ["main"]}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "build/site"
    assert any("actions/deploy-pages@" in s.get("uses", "") for s in deploy["steps"])


def test_github_annotations_carry_file_and_line(catalog_dir: CatalogDir) -> None:
    bad = catalog_dir.add(
        "bad",
        "title: A paper\nyear: 2023\nvenue: ICLRR\nlinks:\n  paper: https//x.org/p\n"
        "added: 2024-01-02\n",
    )
    result = CliRunner().invoke(
        main, ["validate", "--data", str(catalog_dir.path), "--format", "github"]
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"::error file={bad},line=3,col=8,title=unknown-venue::")
    assert lines[1].startswith(f"::error file={bad},line=5,col=10,title=bad-url::")
    assert "did you mean 'ICLR'?" in lines[0]


def test_contributing_starts_with_the_setup_and_test_commands() -> None:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    top = text.split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", top, re.DOTALL)
    assert block is not None
    assert block.group(1).splitlines() == [SETUP_COMMAND, TEST_COMMAND]


def test_contributing_names_commands_that_exist() -> None:
    """Every `catalog <command>` the guide mentions is a real subcommand."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    named = set(re.findall(r"catalog ([a-z][a-z-]+)", text))
    assert {"new", "validate", "serve", "build", "dedupe", "schema", "check-links"} <= named
    assert named <= set(main.commands), named - set(main.commands)


def test_pre_commit_files_are_valid() -> None:
    for command, name in (
        ("validate-config", ".pre-commit-config.yaml"),
        ("validate-manifest", ".pre-commit-hooks.yaml"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "pre_commit", command, name],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _hooks() -> dict[str, str]:
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook["entry"] for hook in manifest}


def test_pre_commit_hooks_match_the_repos_own_config() -> None:
    hooks = _hooks()
    assert set(hooks) == {"catalog-validate", "catalog-readme"}
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = {h["id"]: h["entry"] for repo in config["repos"] for h in repo["hooks"]}
    assert {"ruff-check", "ruff-format"} <= set(local)
    for hook_id, entry in hooks.items():
        assert local[hook_id] == f".venv/bin/{entry}"


@pytest.mark.parametrize("hook_id", ["catalog-validate", "catalog-readme"])
def test_pre_commit_hook_entries_are_accepted_by_the_cli(hook_id: str) -> None:
    """Each hook's options exist: click refuses an unknown option even with --help."""
    args = shlex.split(_hooks()[hook_id])
    assert args[0] == "catalog"
    result = CliRunner().invoke(main, [*args[1:], "--help"])
    assert result.exit_code == 0, result.output


def test_catalog_validate_hook_runs_on_a_catalog(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    args = shlex.split(_hooks()["catalog-validate"])
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    good = subprocess.run(
        [*args, "--data", str(catalog_dir.path)], env=env, capture_output=True, timeout=60
    )
    assert good.returncode == 0, good.stdout
    catalog_dir.add("broken", "title: [\n")
    bad = subprocess.run(
        [*args, "--data", str(catalog_dir.path)], env=env, capture_output=True, timeout=60
    )
    assert bad.returncode == 1
    assert b"broken.yaml:" in bad.stdout


def test_suggest_paper_form_matches_the_record() -> None:
    form = yaml.safe_load(
        (REPO / ".github" / "ISSUE_TEMPLATE" / "suggest-paper.yml").read_text(encoding="utf-8")
    )
    fields = {
        item["id"]: item
        for item in form["body"]
        if item["type"] in ("input", "textarea", "dropdown")
    }
    # `pin` is the maintainers' word to `catalog sync`, not something a suggestion sets.
    record_fields = (set(Record.model_fields) - {"links", "added", "pin"}) | set(Links.model_fields)
    assert set(fields) == record_fields
    required = {k for k, item in fields.items() if item.get("validations", {}).get("required")}
    model_required = {
        name
        for model in (Record, Links)
        for name, info in model.model_fields.items()
        if info.is_required() and name not in ("links", "added")
    }
    assert required == model_required


def test_pull_request_template_has_a_checklist() -> None:
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = re.findall(r"^- \[ \] ", text, re.MULTILINE)
    assert len(items) >= 5
    assert "catalog validate" in text and "catalog build" in text


def test_vscode_maps_the_record_schema() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    ((schema, pattern),) = settings["yaml.schemas"].items()
    assert (REPO / schema).resolve() == REPO / "data" / SCHEMA_FILE
    assert pattern == "data/papers/*.yaml"


def _workflow_catalog_commands() -> list[list[str]]:
    """Every `.venv/bin/catalog ...` invocation in the workflows, as argument lists."""
    found = []
    for path in sorted(WORKFLOWS.glob("*.yml")):
        script = run_lines(workflow(path.name)).replace("\\\n", " ")
        for match in re.finditer(r"\.venv/bin/catalog ([^\n>|;&]*)", script):
            found.append(shlex.split(match.group(1)))
    return found


def test_workflow_commands_are_accepted_by_the_cli() -> None:
    """The options the workflows pass exist: a renamed flag fails here, not in CI."""
    commands = _workflow_catalog_commands()
    named = {args[0] for args in commands}
    assert {"validate", "build", "check-links", "new", "triage", "sync"} <= named
    for args in commands:
        result = CliRunner().invoke(main, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)


def test_ci_runs_lint_format_and_types_before_the_tests() -> None:
    lines = [
        line
        for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    checks = [".venv/bin/ruff check .", ".venv/bin/ruff format --check .", ".venv/bin/mypy"]
    where = [lines.index(check) for check in checks]
    assert where == sorted(where)
    assert max(where) < lines.index(".venv/bin/python -m pytest")


def test_mypy_is_strict_on_the_package_and_the_package_is_typed() -> None:
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["mypy"]["strict"] is True
    assert config["tool"]["mypy"]["files"] == ["catalog"]
    assert (REPO / "catalog" / "py.typed").is_file()


def test_data_only_pull_requests_skip_the_test_suite() -> None:
    flow = workflow("pr.yml")
    tests, data = flow["jobs"]["tests"], flow["jobs"]["data"]
    assert tests["needs"] == "changes"
    assert tests["if"] == "needs.changes.outputs.code == 'true'"
    assert "needs" not in data  # the data checks always run, at once
    script = run_lines(flow)
    assert ".venv/bin/python -m pytest -q tests/test_shipped.py" in script
    upload = next(s for s in data["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "build/site"
    assert "catalog serve --no-build --site-dir site-preview" in script
    assert "unzip site-preview.zip -d site-preview" in script
    for path in WORKFLOWS.glob("*.yml"):  # never a fork's code with the base's secrets
        assert "pull_request_target" not in workflow(path.name)[True], path.name


def test_suggestion_workflow_is_a_thin_shell_started_by_a_label() -> None:
    flow = workflow("suggest.yml")
    assert flow[True] == {"issues": {"types": ["labeled"]}}
    jobs = flow["jobs"]
    assert set(jobs) == {"decide", "comment", "pull-request"}
    decide = jobs["decide"]
    assert decide["if"] == "github.event.label.name == 'accepted'"
    # The job that reads the stranger's text holds a read-only token, not kept by git.
    assert decide["permissions"] == {"contents": "read"}
    checkout = next(s for s in decide["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False
    # Each writing job gets the one write it needs, and only after the decision.
    assert jobs["comment"]["permissions"] == {"issues": "write"}
    assert jobs["pull-request"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert jobs["comment"]["needs"] == jobs["pull-request"]["needs"] == "decide"
    text = (WORKFLOWS / "suggest.yml").read_text(encoding="utf-8")
    assert "github.event.issue.title" not in text and "github.event.issue.body" not in text
    commands = run_lines(flow).replace("\\\n", " ").replace("  ", " ")
    assert '.venv/bin/catalog new --from-issue "$GITHUB_EVENT_PATH" --format json' in commands
    assert commands.count("catalog new") == 1  # decided once, by the read-only job
    for job in jobs.values():
        for step in job["steps"]:
            assert "pull_request" not in str(step.get("with", {}).get("ref", ""))


def _step(flow: dict[Any, Any], job: str, name: str) -> dict[str, Any]:
    step: dict[str, Any] = next(s for s in flow["jobs"][job]["steps"] if s.get("name") == name)
    return step


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"data/papers/new.yaml": "title: x\n", "README.md": "# list, rebuilt\n"}, "false"),
        ({"data/papers/lora.yaml": None}, "false"),  # removing a record is data too
        ({"catalog/cli.py": "# changed\n"}, "true"),
        ({"tests/test_x.py": "", "data/papers/new.yaml": ""}, "true"),
        ({"catalog/cli.py": None, "data/cli.py": "# the cli\n" * 50}, "true"),  # moved out of code
        ({".github/workflows/pr.yml": "# changed\n"}, "true"),
        ({"docs/README.md": "# not the list\n"}, "true"),
    ],
)
def test_the_pr_workflow_tells_data_only_changes_from_code(
    tmp_path: Path, change: dict[str, str | None], code: str
) -> None:
    """The "Code or data only" step's own script, run by bash as Actions runs it (-e, pipefail)
    in a repository whose PR branch makes `change` on top of origin/main."""
    repo = tmp_path / "repo"
    for name, text in {
        "README.md": "# list\n",
        "data/papers/lora.yaml": "title: LoRA\n",
        "catalog/cli.py": "# the cli\n" * 50,
        ".github/workflows/pr.yml": "on: pull_request\n",
    }.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    for name, text in change.items():
        path = repo / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "pr")
    output, summary = tmp_path / "output", tmp_path / "summary"
    script = _step(workflow("pr.yml"), "changes", "Code or data only")["run"]
    env = {
        **os.environ,
        "BASE_REF": "main",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=repo, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert output.read_text(encoding="utf-8") == f"code={code}\n"
    assert f"Code changed: {code}" in summary.read_text(encoding="utf-8")


@pytest.mark.parametrize("artifact", ["https://github.com/o/r/actions/runs/1/artifacts/2", ""])
def test_the_preview_summary_says_how_to_view_the_site(tmp_path: Path, artifact: str) -> None:
    step = _step(workflow("pr.yml"), "data", "How to view the preview")
    summary = tmp_path / "summary"
    env = {
        **os.environ,
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUN_URL": "https://github.com/o/r/actions/runs/1",
        "ARTIFACT_URL": artifact,
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### Site preview\n")
    if artifact:
        assert artifact in text and "catalog serve --no-build --site-dir site-preview" in text
    else:
        assert "no preview" in text and "catalog serve" not in text
    assert step["env"]["ARTIFACT_URL"] == "${{ steps.preview.outputs.artifact-url }}"
