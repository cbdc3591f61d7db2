"""Where the templates and the site's sources live, in a checkout or in an installed wheel,
and the catalog's own templates/ folder, whose files replace packaged ones of the same name.

The wheel force-includes templates/ as catalog/_templates, site/ as catalog/_site and the
parts of .github/ a new catalog gets as catalog/_github (see pyproject.toml); a checkout or an
editable install uses the folders at the repo root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _first_dir(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def templates_dir() -> Path:
    """The Jinja templates: README.md.j2 and the site's page templates under site/."""
    return _first_dir(_PACKAGE / "_templates", _PACKAGE.parent / "templates")


def site_dir() -> Path:
    """The site's sources: mkdocs.yml, overrides/, assets/ and hooks/."""
    return _first_dir(_PACKAGE / "_site", _PACKAGE.parent / "site")


def github_dir() -> Path:
    """This repository's .github/ (workflows, issue forms): what `catalog init` scaffolds."""
    return _first_dir(_PACKAGE / "_github", _PACKAGE.parent / ".github")


def catalog_templates(data_dir: Path) -> Path:
    """A catalog's own templates/ folder, beside its data folder (it may not exist)."""
    return data_dir.resolve().parent / "templates"


def template_override(folder: Path | None, name: str) -> Path | None:
    """`folder` when it holds a template called `name` (which then replaces the packaged
    one), else None."""
    if folder is not None and (folder / name).is_file():
        return folder
    return None
