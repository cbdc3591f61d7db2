"""Where the templates and the site's sources live, in a checkout or in an installed wheel.

The wheel force-includes templates/ as catalog/_templates and site/ as catalog/_site
(see pyproject.toml); a checkout or an editable install uses the folders at the repo root.
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
