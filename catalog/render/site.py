"""The static site: mkdocs-material renders the hand-written pages and one shell page, the
generated pages go into that shell, then exports beside them.

Every line that knows about mkdocs lives here and in shell.py (mkdocs-material is in
maintenance mode; a successor can replace them alone). The pages themselves come from
catalog/render/pages.py as HTML fragments; a small hook (site/hooks/fragments.py) inserts
them after the markdown conversion, so markdown never parses long lists.

The build happens in a temp folder beside the target and is swapped in at the end, under a
lock (writer.publish_folder): a failed or killed build leaves the previous site as it was.
"""

from __future__ import annotations

import html
import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from catalog import collector
from catalog.catalog import Catalog
from catalog.errors import CatalogError, UsageProblem
from catalog.render.exports import atom_feed, paper_json, safe_url
from catalog.render.pages import Site, build_pages
from catalog.render.parts import Files, papers_bib_files, papers_json_files, sitemap_files
from catalog.render.search import build_index, material_stub
from catalog.render.search_docs import search_docs
from catalog.render.shell import CONTENT, HEAD, NO_TITLE, SHELL_PATH, SKIP, TITLE, Shell
from catalog.render.theme_assets import prune_theme_assets
from catalog.render.theme_css import trim_theme_stylesheet
from catalog.render.views import LATE_MARKER, PAGE_SIZE, Page
from catalog.render.writing import write_pages
from catalog.resources import catalog_templates, site_dir
from catalog.writer import publish_folder, write_atomic

MARKER = ".catalog-site"  # a folder holding it was built here and may be replaced
LOCAL_SITE_URL = "http://localhost/"
# From this many generated pages the old site is removed after the build, by a process of
# its own (writer.remove_detached): removing a 10,000-paper site took 2.6 s here, 100,000 31 s.
REMOVE_LATER_FROM = 5000
NAV = [
    ("Papers", ""),
    ("Topics", "topics/"),
    ("Keywords", "keywords/"),
    ("Venues", "venues/"),
    ("Years", "years/"),
    ("Statistics", "stats/"),
]


def build_site(
    catalog: Catalog,
    out_dir: Path,
    *,
    page_size: int = PAGE_SIZE,
    workers: int | None = None,
    step: Callable[[str], None] = lambda stage: None,
    before_publish: Callable[[], None] = lambda: None,
    **kw: Any,
) -> None:
    """Build the whole site into out_dir, replacing a site built there before.

    page_size: entries the home page renders itself and shows per "Show more"; further
    keywords go to build_pages (chunk: papers per file of the home page's data). workers:
    processes that write the generated pages (None: one per core; the files are the same
    whatever the number). `step` is told each stage's name as it starts. `before_publish`
    runs once the site is complete, before it replaces the old one: what it raises keeps
    the old site.
    """
    out_dir = out_dir.absolute()
    _check_target(out_dir)
    step("pages")
    with collector.paused():  # the views and the index make no cycles: nothing to collect
        site = build_pages(catalog, page_size, step=step, **kw)

    def make(work: Path, staged: Path) -> None:
        step("theme")
        config_file = write_sources(catalog, site.static, work, staged)
        run_mkdocs(config_file)
        trim_theme_stylesheet(staged, catalog_templates(catalog.data_dir) / "site")
        prune_theme_assets(staged)
        step("generated pages and exports")
        write_generated(site, staged, workers, lambda: _paused_exports(catalog, site, staged))
        (staged / MARKER).write_text("built by `catalog build --site`\n", encoding="utf-8")
        before_publish()

    publish_folder(out_dir, make, remove_later=len(site.pending) >= REMOVE_LATER_FROM)


def md_path(path: str) -> str:
    """A page's address as mkdocs' source path: '' -> index.md, 'stats/' -> stats.md."""
    if not path:
        return "index.md"
    folder = path.rstrip("/")
    return f"{folder}/index.md" if "/" not in folder and folder in _FOLDERS else f"{folder}.md"


_FOLDERS = {"topics", "keywords", "venues", "years"}


def write_sources(catalog: Catalog, pages: list[Page], work: Path, staged: Path) -> Path:
    """The mkdocs input under work/: mkdocs.yml, docs/assets/ and pages.json for the hook.

    mkdocs renders `pages` (the hand-written kinds) and the shell; pages are not written as
    files: the hook (site/hooks/fragments.py) adds them from pages.json.
    """
    sources = site_dir()
    docs = work / "docs"
    shutil.copytree(sources / "assets", docs / "assets")
    shell = Page(SHELL_PATH, TITLE, NO_TITLE + CONTENT, head=HEAD, skip=SKIP)
    entries = []
    for page in [*pages, shell]:
        # Material's lunr index is not used (search/ holds the catalog's own), so mkdocs
        # need not parse the pages for it.
        front = {
            "title": html.escape(page.title),
            "hide": ["navigation", "toc"],
            "search": {"exclude": True},
        }
        front_matter = json.dumps(front, ensure_ascii=False)
        entries.append(
            {
                "path": md_path(page.path),
                "markdown": f"---\n{front_matter}\n---\n",
                "html": page.html,
                "late": page.late,
                "head": page.head,
                "skip": page.skip,
            }
        )
    document = {"marker": LATE_MARKER, "pages": entries}
    (work / "pages.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    folders = {p.path.split("/")[0] for p in pages}
    config = mkdocs_config(catalog, sources, docs, staged, folders)
    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return config_file


def mkdocs_config(
    catalog: Catalog, sources: Path, docs: Path, staged: Path, folders: set[str] | None = None
) -> dict[str, Any]:
    """site/mkdocs.yml with what comes from the data and the absolute paths filled in.

    Titles go into Material's templates unescaped, so they are HTML-escaped here. No
    repo_url: Material would ask GitHub's API for stars from every reader's browser.
    """
    config: dict[str, Any] = yaml.safe_load((sources / "mkdocs.yml").read_text(encoding="utf-8"))
    data = catalog.config
    config["site_name"] = html.escape(data.title if data else "Catalog")
    if data:
        config["site_description"] = html.escape(data.description)
    config["site_url"] = (safe_url(data.site_url) if data else None) or LOCAL_SITE_URL
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(staged)
    config["theme"]["custom_dir"] = str(sources / config["theme"]["custom_dir"])
    config["hooks"] = [str(sources / hook) for hook in config.get("hooks", [])]
    config["nav"] = [
        {title: md_path(path)}
        for title, path in NAV
        if folders is None or not path or path.split("/")[0] in folders
    ]
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


def write_generated(
    site: Site,
    staged: Path,
    workers: int | None = None,
    beside: Callable[[], None] | None = None,
) -> None:
    """Every generated page, put into the shell mkdocs rendered (then the shell goes);
    `beside` (the exports) runs meanwhile (catalog/render/writing.py)."""
    shell_file = staged / SHELL_PATH / "index.html"
    shell = Shell.parse(shell_file.read_text(encoding="utf-8"))
    shutil.rmtree(shell_file.parent)
    write_pages(shell, site.pending, staged, workers, beside)


def _paused_exports(catalog: Catalog, site: Site, folder: Path) -> None:
    """write_exports with the collector held off: the search index, the feeds and
    papers.json are built from plain values and make no cycles, and at 100,000 papers what
    they keep set off full collections (0.9 s, 37x the 10,000 figure) that re-scanned it."""
    with collector.paused():
        write_exports(catalog, site, folder)


def write_exports(catalog: Catalog, site: Site, folder: Path) -> None:
    """The downloads, feeds, home data, search index and sitemap beside the pages."""
    config = catalog.config
    by_id = {p.id: p for p in site.order}
    ids = sorted(by_id)

    def record(number: int) -> dict[str, Any]:
        paper = by_id[ids[number]]
        return paper_json(catalog, paper, site.views[paper.id])

    _write_files(folder, papers_json_files(config.title if config else "", ids, record))
    _write_files(folder, papers_bib_files(ids, [site.bibtex[i] for i in ids]))
    feed = atom_feed(catalog, summaries=site.abstracts, views=site.views)
    write_atomic(folder / "feed.xml", feed)
    for facet, folder_name in (("venue", "venues"), ("topic", "topics")):
        if facet not in site.facets.slugs:
            continue
        members: dict[Any, list[Any]] = {}
        for paper in site.order:
            for value in (paper.venue,) if facet == "venue" else paper.topics:
                members.setdefault(value, []).append(paper)
        for value, slug in site.facets.slugs[facet].items():
            path = f"{folder_name}/{slug}/"
            title = site.facets.label(facet, value)
            feed = atom_feed(
                catalog,
                members[value],
                title=title,
                path=path,
                summaries=site.abstracts,
                views=site.views,
            )
            (folder / path).mkdir(parents=True, exist_ok=True)  # the page writers make it too
            (folder / path / "feed.xml").write_text(feed, encoding="utf-8")
    home = folder / "home"
    home.mkdir(exist_ok=True)
    for number, chunk in enumerate(site.home_chunks, start=1):
        (home / f"{number}.json").write_text(chunk, encoding="utf-8")
    search = folder / "search"
    search.mkdir(exist_ok=True)
    for name, text in build_index(*search_docs(catalog, site)).items():
        (search / name).write_text(text, encoding="utf-8")
    (search / "search_index.json").write_text(material_stub(), encoding="utf-8")
    site_url = (safe_url(config.site_url) if config else None) or LOCAL_SITE_URL
    (folder / "sitemap.xml.gz").unlink(missing_ok=True)
    _write_files(folder, sitemap_files(site_url, [(p.path, p.lastmod) for p in site.items]))


def _write_files(folder: Path, files: Files) -> None:
    for name, text in files:
        write_atomic(folder / name, text)


def _check_target(out_dir: Path) -> None:
    """Refuse to replace a folder that is not a site this command built."""
    if out_dir.is_file():
        raise UsageProblem(f"{out_dir}: exists and is a file, not a site folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise UsageProblem(
            f"{out_dir}: folder is not empty and was not built by `catalog build --site`; "
            "refusing to replace it"
        )
