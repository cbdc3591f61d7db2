"""`catalog init`: the files of a new, complete catalog, written only where nothing exists.

A new catalog validates, builds and serves at once: data/ with catalog.yaml, the registries,
the record schema and an empty papers/ folder; editor wiring for the schema; the workflows
and issue forms this repository runs (scaffold_github.py); CONTRIBUTING.md, a pre-commit
config and a README that says there are no papers yet. Every text names the new catalog's
own repository and set-up, not this project's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jinja2
from pydantic import ValidationError

from catalog.errors import CatalogError
from catalog.model import CatalogConfig
from catalog.render.readme import render_readme
from catalog.resources import github_dir, templates_dir
from catalog.scaffold_github import github_files
from catalog.schema import SCHEMA_FILE, schema_text
from catalog.writer import create_exclusive

SETUP_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && .venv/bin/catalog build"
)
TEST_COMMAND = ".venv/bin/catalog validate"
_PLAIN_FILES = {  # packaged template (under templates/init/) -> path in the new catalog
    "venues.yaml": "data/venues.yaml",
    "keywords.yaml": "data/keywords.yaml",
    "topics.yaml": "data/topics.yaml",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "gitignore": ".gitignore",
    "vscode-settings.json": ".vscode/settings.json",
}  # and .github/: this repository's own workflows and forms (scaffold_github.py)


# The tool is not on PyPI (a `catalog` there may be anyone's): a new catalog installs it from
# the repository it is developed in (`catalog init --requirement` names another source).
TOOL_REQUIREMENT = "catalog @ git+https://github.com/yuheng2000/Awesome-LoRA"


@dataclass(frozen=True)
class Settings:
    """What `catalog init` asks for; the rest has defaults a maintainer edits later."""

    title: str
    description: str
    repo_url: str | None = None
    site_url: str | None = None
    requirement: str = TOOL_REQUIREMENT


def catalog_files(settings: Settings) -> dict[str, str]:
    """Relative path -> content of every file of the new catalog except README.md."""
    config = config_for(settings)
    init = templates_dir() / "init"
    files = {
        "data/catalog.yaml": config_text(config),
        f"data/{SCHEMA_FILE}": schema_text(),
        "data/papers/.gitkeep": "",
        "requirements.txt": (
            "# The catalog tool the checks and the build run; point it at where you install\n"
            f"# it from (a version, a wheel, a git URL).\n{settings.requirement}\n"
        ),
    }
    for source, target in _PLAIN_FILES.items():
        files[target] = (init / source).read_text(encoding="utf-8")
    files.update(github_files(github_dir(), config.title))
    contributing = jinja2.Template(
        (init / "CONTRIBUTING.md.j2").read_text(encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    files["CONTRIBUTING.md"] = contributing.render(
        title=config.title,
        repo_url=config.repo_url,
        setup_command=SETUP_COMMAND,
        test_command=TEST_COMMAND,
    )
    return files


def config_for(settings: Settings) -> CatalogConfig:
    try:
        return CatalogConfig(
            title=settings.title,
            description=settings.description,
            intro="",
            repo_url=settings.repo_url,
            site_url=settings.site_url,
            setup_command=SETUP_COMMAND,
            test_command=TEST_COMMAND,
            sections=[{"id": "papers", "title": "Papers"}],  # type: ignore[list-item]
        )
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in error["loc"])
        raise CatalogError(f"--{where.replace('_', '-')}: {error['msg']}") from None


def config_text(config: CatalogConfig) -> str:
    """catalog.yaml, commented for the maintainer who edits it next."""
    lines = [
        "# The list itself: its title, the text above the tables and the README's sections, in",
        "# the order they appear. A paper names the sections that list it (default: papers); a",
        "# section with `text` shows that markdown too.",
        f"title: {json.dumps(config.title, ensure_ascii=False)}",
        f"description: {json.dumps(config.description, ensure_ascii=False)}",
        'intro: ""',
    ]
    for key in ("repo_url", "site_url", "setup_command", "test_command"):
        value = getattr(config, key)
        if value:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines += ["sections:", "  - id: papers", "    title: Papers"]
    return "\n".join(lines) + "\n"


def init_catalog(root: Path, settings: Settings) -> list[Path]:
    """Write the new catalog under `root`; refuse (writing nothing) if any file is there."""
    files = catalog_files(settings)
    config = config_for(settings)
    files["README.md"] = render_readme([], config)
    taken = [root / name for name in files if (root / name).exists()]
    if taken:
        raise CatalogError(
            f"{taken[0]} already exists; `catalog init` writes a new catalog only "
            "(nothing was written)"
        )
    written = []
    for name, text in files.items():
        path = root / name
        if not create_exclusive(path, text):
            raise CatalogError(f"{path} appeared while writing; the files before it are new")
        written.append(path)
    return written
