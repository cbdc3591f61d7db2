"""The built site's files: a page per record, links between them, exports, escaping, swap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import bibtexparser
import pytest
from click.testing import CliRunner
from conftest import CatalogDir
from site_support import (
    FACT_AUTHORS,
    FACT_DOI,
    FACT_PUBLISHED,
    PAPERS,
    SCRIPT_KEYWORD,
    SCRIPT_TITLE,
    BuiltSite,
    write_data,
)

import catalog.render.site as site_module
from catalog.cli import main
from catalog.errors import CatalogError
from catalog.render.charts import Bar, bar_chart
from catalog.render.exports import papers_bib, safe_url
from catalog.render.pages import build_pages
from catalog.render.readme import render_readme
from catalog.render.site import MARKER, build_site
from catalog.render.urls import unique_slugs
from catalog.render.views import embed_json
from catalog.validate import load_catalog

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.script_tags = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.script_tags += 1
        for name, value in attrs:
            if name == "href" and value:
                self.links.append(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_record_has_its_page(site: BuiltSite) -> None:
    for paper in site.catalog.papers:
        page = site.root / "papers" / paper.id / "index.html"
        assert page.is_file(), paper.id
        assert re.search(r"<h1[ >]", page.read_text(encoding="utf-8"))


def test_every_page_is_reachable_by_links_from_home(site: BuiltSite) -> None:
    base = "http://site.test/"
    pages = {p.parent.relative_to(site.root).as_posix() for p in site.root.rglob("index.html")}
    seen: set[str] = set()
    todo = [""]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        file = site.root / current / "index.html"
        for href in _parse(file).links:
            url = urljoin(base + (current + "/" if current else ""), href)
            parts = urlsplit(url)
            if not url.startswith(base) or not parts.path.endswith("/"):
                continue
            target = parts.path[1:].rstrip("/")
            if (site.root / target / "index.html").is_file():
                todo.append(target)
    unreachable = {p if p != "." else "" for p in pages} - seen
    assert not unreachable


def test_no_page_references_another_host_for_code_styles_or_fonts(site: BuiltSite) -> None:
    for page in site.root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text):
            if 'rel="alternate feed"' in tag or 'rel="canonical"' in tag:
                continue
            assert not EXTERNAL.search(tag), (page, tag)
    for css in site.root.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text), css
        assert "@import" not in text, css


def test_titles_keywords_and_venues_are_escaped(site: BuiltSite) -> None:
    for page in [site.root / "index.html", site.root / "papers" / "script-title" / "index.html"]:
        text = page.read_text(encoding="utf-8")
        assert SCRIPT_TITLE not in text and SCRIPT_KEYWORD not in text
        assert "window.__pwned" in text  # present, but only as escaped text
        # the only script tags are the theme's and ours (the data is in a <template>)
        assert "<script>window" not in text and "<img src=x" not in text
    home = (site.root / "index.html").read_text(encoding="utf-8")
    data = re.search(r'<template id="catalog-data">(.*?)</template>', home, re.S)
    assert data is not None
    assert "<" not in data.group(1) and ">" not in data.group(1)
    assert SCRIPT_KEYWORD in json.loads(data.group(1))["facets"]["keyword"]


def test_embedded_json_cannot_end_its_script_block() -> None:
    text = embed_json({"t": "</script><!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def test_only_http_links_become_links() -> None:
    assert safe_url("https://example.org/x") == "https://example.org/x"
    for bad in ("javascript:alert(1)", "data:text/html,hi", "//evil.example/", "ftp://x/y", ""):
        assert safe_url(bad) is None
    svg = bar_chart("t", [Bar("<b>x</b>", 3)])
    assert "<b>" not in svg


def test_papers_json_has_a_stable_schema(site: BuiltSite) -> None:
    document = json.loads((site.root / "papers.json").read_text(encoding="utf-8"))
    assert document["schema_version"] == 1
    assert document["count"] == len(PAPERS)
    ids = [p["id"] for p in document["papers"]]
    assert ids == sorted(PAPERS)
    keys = {"id", "title", "year", "venue", "venue_full_name", "keywords", "authors", "links",
            "sections", "added", "page",
            # from data/facts.yaml (catalog sync), null or false when unknown
            "abstract", "published", "doi", "arxiv_id", "citations", "stars", "archived",
            "preprint", "journal_ref", "comment"}  # fmt: skip
    for paper in document["papers"]:
        assert set(paper) == keys
        assert (site.root / paper["page"] / "index.html").is_file()
    qlora = next(p for p in document["papers"] if p["id"] == "qlora")
    assert qlora["venue"] == "NeurIPS" and qlora["authors"] == ["Tim Dettmers", "Artidoro Pagnoni"]
    assert next(p for p in document["papers"] if p["id"] == "script-title")["title"] == SCRIPT_TITLE
    # authors, DOI and day only in data/facts.yaml: the shared view fills them in
    fed = next(p for p in document["papers"] if p["id"] == "fed-iclr")
    assert (fed["authors"], fed["doi"], fed["published"]) == (
        FACT_AUTHORS,
        FACT_DOI,
        FACT_PUBLISHED,
    )


def test_papers_bib_parses_strictly_with_stable_keys(site: BuiltSite) -> None:
    text = (site.root / "papers.bib").read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert [e.key for e in library.entries] == sorted(PAPERS)
    by_key = {e.key: e for e in library.entries}
    assert by_key["lora"].entry_type == "inproceedings"
    assert by_key["braces"].entry_type == "article"
    assert by_key["fedlora"].entry_type == "misc"
    assert by_key["qlora"]["author"] == "Tim Dettmers and Artidoro Pagnoni"
    assert by_key["fed-iclr"]["author"] == " and ".join(FACT_AUTHORS)  # from the facts
    assert by_key["fed-iclr"]["doi"] == FACT_DOI  # verbatim, as biblatex reads a doi
    for entry in library.entries:
        value = entry["title"]
        assert value.count("{") == value.count("}")
    # rebuilding gives the same file: keys and entries are stable
    again = papers_bib(load_catalog(site.catalog.data_dir))
    assert again == text


def test_feed_is_atom_with_newest_additions_first(site: BuiltSite) -> None:
    tree = ET.parse(site.root / "feed.xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = tree.getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = feed.findall("a:entry", ns)
    assert len(entries) == len(PAPERS)
    updated = [e.findtext("a:updated", namespaces=ns) for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert entries[0].findtext("a:title", namespaces=ns) == "Zeta Adaptation for Vision"
    assert feed.findtext("a:updated", namespaces=ns) == updated[0]
    titles = {e.findtext("a:title", namespaces=ns) for e in entries}
    assert SCRIPT_TITLE in titles


def test_facet_pages_list_their_papers(site: BuiltSite) -> None:
    venue_counts = Counter(p.venue for p in site.catalog.papers)
    slugs = unique_slugs(venue_counts)
    for venue, count in venue_counts.items():
        text = (site.root / "venues" / slugs[venue] / "index.html").read_text(encoding="utf-8")
        assert text.count("data-paper-id=") == count
    for year in {p.year for p in site.catalog.papers}:
        assert (site.root / "years" / str(year) / "index.html").is_file()
    stats = (site.root / "stats" / "index.html").read_text(encoding="utf-8")
    assert stats.count('<table class="cf-chart"') == 4  # years, venues, keywords, topics
    with_authors = sum(1 for p in site.catalog.papers if p.authors)
    health = stats.split('<table class="catalog-health">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td>(\d+)</td>", health)
    assert cells[:2] == [str(len(site.catalog.papers)), str(with_authors)]


def test_failed_build_leaves_the_previous_site_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog(write_data(tmp_path))
    out = tmp_path / "site"
    build_site(catalog, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(site_module, "write_exports", broken)
    with pytest.raises(OSError, match="disk full"):
        build_site(catalog, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.build")] == []


def test_refuses_to_replace_a_folder_it_did_not_build(tmp_path: Path) -> None:
    catalog = load_catalog(write_data(tmp_path))
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(CatalogError, match="refusing to replace"):
        build_site(catalog, precious)
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_catalog_build_builds_the_site(tmp_path: Path) -> None:
    data = write_data(tmp_path)
    out = tmp_path / "out" / "site"
    result = CliRunner().invoke(
        main,
        ["build", "--data", str(data), "--readme", str(tmp_path / "README.md"), "--site", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file() and (out / MARKER).is_file()
    assert (out / "papers" / "qlora" / "index.html").is_file()


def test_readme_links_to_the_site_resolve(site: BuiltSite) -> None:
    """Every link from the README into the site (keyword pages, home) names a built page."""
    config = site.catalog.config
    assert config is not None and config.site_url
    readme = render_readme(site.catalog.papers, config)
    paths = re.findall(re.escape(config.site_url) + r"([^)\s]*)\)", readme)
    assert len(paths) > len({k for p in site.catalog.papers for k in p.keywords})
    for path in paths:
        assert (site.root / path / "index.html").is_file(), path


def test_a_keyword_or_venue_named_index_does_not_replace_the_index_page(
    catalog_dir: CatalogDir,
) -> None:
    """keywords/index.md is the list of all keywords: a keyword 'Index' gets another name,
    and the README links to that name."""
    (catalog_dir.path / "keywords.yaml").write_text("Index: {}\n", encoding="utf-8")
    with (catalog_dir.path / "venues.yaml").open("a", encoding="utf-8") as venues:
        venues.write("INDEX:\n  full_name: A venue called Index\n  kind: journal\n")
    catalog_dir.add("p", keywords=["Index"], venue="INDEX")
    catalog = load_catalog(catalog_dir.path)
    assert not catalog.diagnostics and catalog.config is not None
    paths = [page.path for page in build_pages(catalog).pages]
    assert len(paths) == len(set(paths))
    assert {"keywords/", "venues/", "keywords/index-2/"} <= set(paths)
    assert "venues/index-2/" in paths
    readme = render_readme(catalog.papers, catalog.config)
    assert "/keywords/index-2/)" in readme and "/keywords/index/)" not in readme
