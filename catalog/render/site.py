"""The static site: generated pages built with mkdocs-material, then exports beside them.

Every line that knows about mkdocs lives here (mkdocs-material is in maintenance mode; a
successor can replace this module alone). The pages themselves come from
catalog/render/pages.py as HTML fragments; a small hook (site/hooks/fragments.py) inserts them
after the markdown conversion, so markdown never parses thousands of rows.

The build happens in a temp folder beside the target and is swapped in at the end, under a
lock (writer.publish_folder): a failed or killed build leaves the previous site as it was.
"""

from __future__ import annotations

import html
import json
import logging
import shutil
from pathlib import Path
from typing import Any

import yaml

from catalog.catalog import Catalog
from catalog.errors import CatalogError, UsageProblem
from catalog.render.exports import atom_feed, papers_bib, papers_json, safe_url
from catalog.render.pages import LATE_MARKER, PAGE_SIZE, Page, build_pages
from catalog.resources import site_dir
from catalog.writer import publish_folder, write_atomic

MARKER = ".catalog-site"  # a folder holding it was built here and may be replaced
LOCAL_SITE_URL = "http://localhost/"
NAV = [
    {"Papers": "index.md"},
    {"Keywords": "keywords/index.md"},
    {"Venues": "venues/index.md"},
    {"Years": "years/index.md"},
    {"Statistics": "stats.md"},
]


def build_site(catalog: Catalog, out_dir: Path, *, page_size: int = PAGE_SIZE) -> None:
    """Build the whole site into out_dir, replacing a site built there before.

    page_size: entries the home page renders itself and shows per "Show more".
    """
    out_dir = out_dir.absolute()
    _check_target(out_dir)
    pages = build_pages(catalog, page_size)

    def make(work: Path, staged: Path) -> None:
        config_file = write_sources(catalog, pages, work, staged)
        run_mkdocs(config_file)
        write_exports(catalog, staged)
        (staged / MARKER).write_text("built by `catalog build --site`\n", encoding="utf-8")

    publish_folder(out_dir, make)


def write_sources(catalog: Catalog, pages: list[Page], work: Path, staged: Path) -> Path:
    """The mkdocs input under work/: mkdocs.yml, docs/assets/ and pages.json for the hook.

    Pages are not written as files: the hook (site/hooks/fragments.py) adds them from
    pages.json, which keeps a 10,000-paper build from writing and deleting 10,000 files.
    """
    sources = site_dir()
    docs = work / "docs"
    shutil.copytree(sources / "assets", docs / "assets")
    entries = []
    for page in pages:
        front = {"title": html.escape(page.title), "hide": list(page.hide)}
        front_matter = json.dumps(front, ensure_ascii=False)
        entries.append(
            {
                "path": page.path,
                "markdown": f"---\n{front_matter}\n---\n",
                "html": page.html,
                "late": page.late,
            }
        )
    document = {"marker": LATE_MARKER, "pages": entries}
    (work / "pages.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    config = mkdocs_config(catalog, sources, docs, staged)
    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return config_file


def mkdocs_config(catalog: Catalog, sources: Path, docs: Path, staged: Path) -> dict[str, Any]:
    """site/mkdocs.yml with what comes from the data and the absolute paths filled in.

    Titles go into Material's templates unescaped, so they are HTML-escaped here. No
    repo_url: Material would ask GitHub's API for stars from every reader's browser.
    """
    config: dict[str, Any] = yaml.safe_load((sources / "mkdocs.yml").read_text(encoding="utf-8"))
    data = catalog.config
    config["site_name"] = html.escape(data.title if data else "Catalog")
    if data:
        config["site_description"] = html.escape(data.description)
    # Instant navigation needs a sitemap, hence a site_url; any URL works when served elsewhere.
    config["site_url"] = (safe_url(data.site_url) if data else None) or LOCAL_SITE_URL
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(staged)
    config["theme"]["custom_dir"] = str(sources / config["theme"]["custom_dir"])
    config["hooks"] = [str(sources / hook) for hook in config.get("hooks", [])]
    config["nav"] = NAV
    config.pop("repo_url", None)
    return config


def run_mkdocs(config_file: Path) -> None:
    """Build with mkdocs in this process; its failures become one-line CatalogErrors."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        build(load_config(str(config_file)))
    except MkDocsException as exc:
        raise CatalogError(f"site build failed: {exc}") from exc
    finally:
        logger.setLevel(level)


def write_exports(catalog: Catalog, folder: Path) -> None:
    write_atomic(folder / "papers.json", papers_json(catalog))
    write_atomic(folder / "papers.bib", papers_bib(catalog))
    write_atomic(folder / "feed.xml", atom_feed(catalog))


def _check_target(out_dir: Path) -> None:
    """Refuse to replace a folder that is not a site this command built."""
    if out_dir.is_file():
        raise UsageProblem(f"{out_dir}: exists and is a file, not a site folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise UsageProblem(
            f"{out_dir}: folder is not empty and was not built by `catalog build --site`; "
            "refusing to replace it"
        )
