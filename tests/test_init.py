"""`catalog init`: a new catalog that validates, builds and serves at once, names its own
repository and set-up, refuses to overwrite anything, and takes an existing list's papers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, REPO
from test_awesome_lint import awesome_lint
from test_contributing import actionlint

from catalog.cli import main
from catalog.render.pages import build_pages
from catalog.validate import load_catalog

REPO_URL = "https://github.com/someone/awesome-adapters"


def run(*args: Any) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def init(root: Path, *extra: str) -> Any:
    return run(
        "init", root, "--title", "Awesome Adapters", "--description", "Adapter papers.",
        "--repo-url", REPO_URL, "--site-url", "https://someone.github.io/awesome-adapters/", *extra,
    )  # fmt: skip


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_init_makes_a_catalog_that_validates_builds_and_takes_new_papers(tmp_path: Path) -> None:
    root = tmp_path / "adapters"
    result = init(root)
    assert result.exit_code == 0, result.output
    for name in (
        "data/catalog.yaml", "data/venues.yaml", "data/keywords.yaml", "data/topics.yaml",
        "data/paper.schema.json", ".vscode/settings.json", ".github/workflows/pr.yml", ".github/workflows/pages.yml",
        ".github/workflows/links.yml", "CONTRIBUTING.md", ".pre-commit-config.yaml",
        "README.md", "requirements.txt", ".gitignore",
    ):  # fmt: skip
        assert (root / name).is_file(), name
    data = root / "data"
    assert (data / "paper.schema.json").read_text() == (
        REPO / "data" / "paper.schema.json"
    ).read_text()
    config = yaml.safe_load((data / "catalog.yaml").read_text())
    assert config["repo_url"] == REPO_URL and config["title"] == "Awesome Adapters"

    assert run("validate", "--data", data).exit_code == 0
    contributing = (root / "CONTRIBUTING.md").read_text()
    assert "Allow GitHub Actions to create and approve pull requests" in contributing
    readme = (root / "README.md").read_text()
    assert "No papers yet." in readme and "**0** papers" in readme
    assert "pip install -r requirements.txt" in readme  # its own set-up, not this project's
    site = tmp_path / "site"
    built = run("build", "--data", data, "--readme", root / "README.md", "--site", site)
    assert built.exit_code == 0, built.output
    assert (site / "index.html").is_file()
    assert (root / "README.md").read_text() == readme  # init's README is what build writes

    with (data / "topics.yaml").open("a") as topics:  # the file the issue form points to
        topics.write("adapters:\n  name: Adapters\n  description: Small modules.\n")
    added = run(
        "new", "--data", data, "--title", "Tiny Adapters", "--year", "2024",
        "--paper", "https://arxiv.org/abs/2401.00001", "--topic", "adapters",
    )  # fmt: skip
    assert added.exit_code == 0, (added.output, added.exc_info)
    assert run("validate", "--data", data).exit_code == 0
    assert run("build", "--data", data, "--readme", root / "README.md", "--no-site").exit_code == 0
    assert "Tiny Adapters" in (root / "README.md").read_text()


def test_init_names_the_catalog_not_this_project(tmp_path: Path) -> None:
    root = tmp_path / "adapters"
    assert init(root).exit_code == 0
    upstream = yaml.safe_load((REPO / "data" / "catalog.yaml").read_text())["repo_url"]
    files = tree(root)
    # requirements.txt names where the *tool* comes from (it is not on PyPI), not the catalog.
    assert files.pop("requirements.txt").strip().endswith(b"catalog @ git+" + upstream.encode())
    for name, content in files.items():
        assert upstream.encode() not in content, name
        assert b"Awesome-LoRA" not in content and b"Awesome LoRA" not in content, name
    contributing = (root / "CONTRIBUTING.md").read_text()
    assert REPO_URL in contributing and "Awesome Adapters" in contributing
    settings = (root / ".vscode" / "settings.json").read_text()
    assert "./data/paper.schema.json" in settings


def test_a_second_init_refuses_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "adapters"
    assert init(root).exit_code == 0
    before = tree(root)
    again = init(root)
    assert again.exit_code == 1
    assert again.stderr.startswith("error: ") and len(again.stderr.splitlines()) == 1
    assert "already exists" in again.stderr
    assert tree(root) == before


def test_init_refuses_a_folder_with_any_of_its_files_and_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "mine"
    root.mkdir()
    (root / "README.md").write_text("my own readme\n")
    result = init(root)
    assert result.exit_code == 1 and "README.md already exists" in result.stderr
    assert tree(root) == {"README.md": b"my own readme\n"}
    bad = run("init", tmp_path / "other", "--repo-url", "not a url")
    assert bad.exit_code == 1 and bad.stderr.startswith("error: --repo-url")
    assert not (tmp_path / "other").exists()


def test_workflows_of_a_new_catalog_pass_actionlint(tmp_path: Path) -> None:
    root = tmp_path / "adapters"
    assert init(root).exit_code == 0
    flows = sorted((root / ".github" / "workflows").glob("*.yml"))
    result = actionlint(*flows, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_templates_folder_overrides_the_readme_and_site_templates(tmp_path: Path) -> None:
    root = tmp_path / "adapters"
    assert init(root).exit_code == 0
    data = root / "data"
    (root / "templates" / "site").mkdir(parents=True)
    (root / "templates" / "README.md.j2").write_text("# {{ title }}\n\nOur own layout.\n")
    packaged = (REPO / "templates" / "site" / "home.html.j2").read_text()
    (root / "templates" / "site" / "home.html.j2").write_text("<p>our-home-marker</p>\n" + packaged)
    result = run("build", "--data", data, "--readme", root / "README.md", "--no-site")
    assert result.exit_code == 0, result.output
    assert (root / "README.md").read_text() == "# Awesome Adapters\n\nOur own layout.\n"
    pages = build_pages(load_catalog(data)).pages
    [home] = [p for p in pages if "our-home-marker" in p.html]
    assert home.path in ("", "index.md")  # the home page, and only it
    other = next(p for p in pages if p is not home)
    assert "our-home-marker" not in other.html  # the other templates stay the packaged ones


def test_an_imported_list_builds_a_readme_that_passes_awesome_lint(tmp_path: Path) -> None:
    root = tmp_path / "adapters"
    assert init(root).exit_code == 0
    data = root / "data"
    result = run("import", FIXTURES / "lists" / "tables.md", "--data", data)
    assert result.exit_code == 0, result.output
    more = run("import", FIXTURES / "lists" / "numbered.md", "--data", data)
    assert more.exit_code == 0, more.output
    assert run("build", "--data", data, "--readme", root / "README.md", "--no-site").exit_code == 0
    readme = (root / "README.md").read_text()
    assert readme.count("## Contributing") == 1 and "## Table of Contents" not in readme
    assert "## License" not in readme and "Pull requests welcome" not in readme
    assert "A hand-made list of sparse adapter papers" in readme  # the intro, only the intro
    assert "[![stars]" not in readme  # the source's badges stay behind
    lint = awesome_lint(root / "README.md")
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_init_from_a_list_names_the_catalog_after_it_and_imports_it(tmp_path: Path) -> None:
    root = tmp_path / "my-folder"
    lst = FIXTURES / "lists" / "tables.md"
    result = run("init", root, "--from", lst, "--repo-url", REPO_URL)
    assert result.exit_code == 0, result.output
    data = root / "data"
    config = yaml.safe_load((data / "catalog.yaml").read_text())
    assert config["title"] == "Awesome Sparse Adapters"  # the list's heading, not the folder's
    assert "A hand-made list of sparse adapter papers" in config["intro"]
    assert "Awesome Sparse Adapters" in (root / "CONTRIBUTING.md").read_text()
    form = root / ".github" / "ISSUE_TEMPLATE" / "suggest-paper.yml"
    assert "Awesome Sparse Adapters" in form.read_text()
    assert "My Folder" not in "".join(_under(root).values())
    papers = sorted((data / "papers").glob("*.yaml"))
    assert papers and "records written" in result.stderr
    assert "next: cd" in result.stderr and "catalog build" in result.stderr
    assert run("validate", "--data", data).exit_code == 0
    built = run("build", "--data", data, "--readme", root / "README.md", "--no-site")
    assert built.exit_code == 0, built.output
    readme = (root / "README.md").read_text()
    assert readme.startswith("# Awesome Sparse Adapters")
    assert readme.count("](https://") > len(papers)  # the papers are listed, with their links


def test_init_from_a_list_keeps_a_title_given_and_reports_json(tmp_path: Path) -> None:
    root = tmp_path / "t"
    lst = FIXTURES / "lists" / "numbered.md"
    result = run("init", root, "--from", lst, "--title", "Awesome Mine", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["title"] == "Awesome Mine"
    assert str(root / "README.md") in document["written"]
    imported = document["import"]["written"]
    assert imported and all(Path(w["file"]).is_file() for w in imported)
    assert yaml.safe_load((root / "data" / "catalog.yaml").read_text())["title"] == "Awesome Mine"


@pytest.mark.parametrize(
    ("text", "code", "status"),
    [
        (b"# A list\n\nNo papers in it, only prose.\n", "nothing-recognized", 2),
        (b"# A list\n\n- [Paper](https://arxiv.org/abs/2106.09685) \xff\n", "invalid-utf8", 1),
    ],
)
def test_init_from_a_list_it_cannot_import_writes_nothing(
    tmp_path: Path, text: bytes, code: str, status: int
) -> None:
    lst = tmp_path / "list.md"
    lst.write_bytes(text)
    result = run("init", tmp_path / "new", "--from", lst)
    assert result.exit_code == status, result.output
    assert f"[{code}]" in result.stdout and "nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "new").exists()


def _under(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _replacements(text: str, title: str) -> set[str]:
    """The lines a shipped file's `catalog-init: next-line` marks put in a new catalog."""
    quoted = json.dumps(title, ensure_ascii=False)[1:-1]
    return {
        line.split("catalog-init: next-line ", 1)[1].strip().replace("{title}", quoted)
        for line in text.splitlines()
        if "catalog-init: next-line " in line
    }


def test_a_new_catalog_gets_the_workflows_and_forms_this_repository_runs(tmp_path: Path) -> None:
    """The same files as this repository's .github/, line for line, but what only the tool's
    own repository needs (its lint and test jobs, `pip install -e .`, package.json's Node
    tools) and the marks themselves; and every title reads back from its issue form."""
    title = 'Awesome "Adapters": PEFT & more'
    root = tmp_path / "adapters"
    assert run("init", root, "--title", title, "--repo-url", REPO_URL).exit_code == 0
    shipped, made = _under(REPO / ".github"), _under(root / ".github")
    assert set(made) == set(shipped)  # every workflow and form; a new one here goes there too
    for name, text in made.items():
        allowed = set(shipped[name].splitlines()) | _replacements(shipped[name], title)
        extra = [line for line in text.splitlines() if line not in allowed and line.strip()]
        extra = [line for line in extra if line.strip() not in allowed]
        assert extra == [], (name, extra)
        assert "catalog-init" not in text, name
        for tool_only in ("pyproject.toml", "-e .", "-e '.[test]'", "scripts/", "tests/", ".ci/"):
            assert tool_only not in text, (name, tool_only)  # files a new catalog has not
        if name.endswith(".yml"):
            new, ours = yaml.safe_load(text), yaml.safe_load(shipped[name])
            for key in ("name", True, "on", "permissions", "concurrency"):  # `on` reads as True
                assert new.get(key) == ours.get(key), (name, key)
            for job, spec in (new.get("jobs") or {}).items():
                kept = [step.get("name", step.get("uses")) for step in spec["steps"]]
                theirs = [step.get("name", step.get("uses")) for step in ours["jobs"][job]["steps"]]
                assert [s for s in theirs if s in kept] == kept, (name, job)  # same order
    pr = yaml.safe_load(made["workflows/pr.yml"])
    assert set(pr["jobs"]) == {"data"}  # the tool's own lint, tests and path filter stay here
    steps = {step.get("name") for step in pr["jobs"]["data"]["steps"]}
    assert {"Validate records", "Site preview", "Papers for a maintainer to look at"} <= steps
    form = yaml.safe_load(made["ISSUE_TEMPLATE/suggest-paper.yml"])
    assert form["description"] == f"Propose a paper for {title}."
    assert "requirements.txt" in made["workflows/suggest.yml"]
    data = root / "data"
    assert run("validate", "--data", data).exit_code == 0
    site = tmp_path / "site"
    built = run("build", "--data", data, "--readme", root / "README.md", "--site", site)
    assert built.exit_code == 0, built.output


def test_a_misplaced_catalog_init_mark_is_an_error_not_a_silent_copy() -> None:
    from catalog.errors import CatalogError
    from catalog.scaffold_github import for_a_catalog

    assert for_a_catalog("a\n# catalog-init: drop\nb\n# catalog-init: end\nc\n", "T") == "a\nc\n"
    assert for_a_catalog("  # catalog-init: next-line x: {title}\n  x: y\n", 'A"') == '  x: A\\"\n'
    for broken in (
        "# catalog-init: drop\nb\n",
        "# catalog-init: end\n",
        "# catalog-init: next-line z\n",
    ):
        with pytest.raises(CatalogError, match="catalog-init mark"):
            for_a_catalog(broken, "T", "pr.yml")
