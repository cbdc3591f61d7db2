"""The generated pages' contents: the theme's shell, citation metadata, pagination, feeds,
related papers and the sitemap."""

from __future__ import annotations

import datetime as dt
import html
import random
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

from conftest import CatalogDir
from site_support import (
    ABSTRACT,
    FACT_AUTHORS,
    FACT_DOI,
    FACT_PUBLISHED,
    SMALL_LIST,
    BuiltSite,
)

from catalog.render.pages import build_pages
from catalog.render.related import related_papers
from catalog.validate import load_catalog

ATOM = "{http://www.w3.org/2005/Atom}"


class _Head(HTMLParser):
    """The <meta name=...> and <link> tags of a page, and the ids and classes in it."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict[str, str]] = []
        self.classes: set[str] = set()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and "name" in values:
            self.meta.append((values["name"], values.get("content", "")))
        if tag == "link":
            self.links.append(values)
        self.classes.update(values.get("class", "").split())
        if "id" in values:
            self.ids.add(values["id"])


def _head(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_generated_pages_carry_the_theme_shell(small_site: BuiltSite) -> None:
    """Header, search box, palette toggle, tabs and scripts, at every folder depth."""
    for path in ("papers/lora/", "venues/arxiv/", "venues/arxiv/page/2/", "years/2024/"):
        text = (small_site.root / path / "index.html").read_text(encoding="utf-8")
        parsed = _head(small_site.root / path / "index.html")
        assert {"md-header", "md-search__input", "md-tabs", "md-footer"} <= parsed.classes, path
        assert 'data-md-component="palette"' in text and "__palette" in text
        up = "../" * path.count("/")
        assert f'<script defer src="{up}assets/javascripts/bundle.' in text, path
        assert f'"search": "{up}assets/search-worker.js"' in text
        assert f'href="{up}assets/catalog.css"' in text
        assert "catalog-shell" not in text and "_shell" not in text
        assert text.count("<h1") == 1
        assert {"content"} <= parsed.ids and 'class="md-skip"' in text
    assert not (small_site.root / "papers" / "_shell").exists()


def test_paper_pages_carry_highwire_citation_tags(site: BuiltSite) -> None:
    meta = _head(site.root / "papers" / "qlora" / "index.html").meta
    assert ("citation_title", "QLoRA: Efficient Finetuning of Quantized LLMs") in meta
    assert [v for k, v in meta if k == "citation_author"] == ["Tim Dettmers", "Artidoro Pagnoni"]
    assert ("citation_publication_date", "2023") in meta
    venue = "Conference on Neural Information Processing Systems"
    assert ("citation_conference_title", venue) in meta
    assert ("citation_arxiv_id", "2401.00001") in meta
    assert ("citation_pdf_url", "https://arxiv.org/pdf/2401.00001") in meta
    journal = dict(_head(site.root / "papers" / "braces" / "index.html").meta)
    assert journal["citation_journal_title"] == "Journal of R&D {braces} 100% _under_"
    assert journal["citation_title"].startswith("{Curly} 100% $math$")
    assert "citation_pdf_url" not in journal
    assert journal["citation_abstract_html_url"] == "https://example.org/paper?id={x}&y=50%25"
    for paper in site.catalog.papers:
        tags = dict(_head(site.root / "papers" / paper.id / "index.html").meta)
        assert tags["citation_title"] == paper.title


def test_citation_tags_take_what_the_record_lacks_from_the_facts(site: BuiltSite) -> None:
    """fed-iclr's authors, DOI and day are only in data/facts.yaml; old-one is an arXiv record
    a curator's fact places at NeurIPS; qlora's own authors win over nothing to fill."""
    page = site.root / "papers" / "fed-iclr" / "index.html"
    meta = _head(page).meta
    assert [v for k, v in meta if k == "citation_author"] == FACT_AUTHORS
    assert ("citation_doi", FACT_DOI) in meta  # the parser unescaped &lt; and &gt;
    assert ("citation_publication_date", FACT_PUBLISHED.replace("-", "/")) in meta
    venue = "International Conference on Learning Representations"
    assert ("citation_conference_title", venue) in meta
    text = page.read_text(encoding="utf-8")
    assert "<693" not in text  # escaped in the attribute
    assert f'href="https://doi.org/{html.escape(FACT_DOI)}"' in text  # the page shows it too
    assert all(name in text for name in FACT_AUTHORS)
    old = dict(_head(site.root / "papers" / "old-one" / "index.html").meta)
    assert old["citation_conference_title"] == "Conference on Neural Information Processing Systems"
    assert old["citation_publication_date"] == "2021"
    assert "citation_technical_report_institution" not in old
    preprint = dict(_head(site.root / "papers" / "fedlora" / "index.html").meta)
    assert preprint["citation_technical_report_institution"] == "arXiv preprint"
    assert "citation_doi" not in preprint and "citation_author" not in preprint


def test_an_abstract_from_the_facts_lockfile_shows_escaped(site: BuiltSite) -> None:
    text = (site.root / "papers" / "qlora" / "index.html").read_text(encoding="utf-8")
    assert '<p class="cf-abstract">' + html.escape(ABSTRACT, quote=False) in text
    assert "<4-bit>" not in text
    feed = ET.parse(site.root / "venues" / "neurips" / "feed.xml").getroot()
    summaries = [e.findtext(f"{ATOM}summary", "") for e in feed.findall(f"{ATOM}entry")]
    assert any(ABSTRACT in summary for summary in summaries)


def test_long_lists_are_paginated_with_stable_addresses(small_site: BuiltSite) -> None:
    arxiv = sorted(
        (p for p in small_site.catalog.papers if p.venue == "arXiv"),
        key=lambda p: (-p.year, -p.added.toordinal()),
    )
    pages = -(-len(arxiv) // SMALL_LIST)
    assert pages >= 2
    seen: list[str] = []
    for number in range(1, pages + 1):
        folder = small_site.root / "venues" / "arxiv" / ("" if number == 1 else f"page/{number}")
        text = (folder / "index.html").read_text(encoding="utf-8")
        ids = re.findall(r'data-paper-id="([^"]+)"', text)
        assert 0 < len(ids) <= SMALL_LIST
        seen += ids
        links = {link.get("rel"): link.get("href") for link in _head(folder / "index.html").links}
        expected_prev = None if number == 1 else ("../../" if number == 2 else f"../{number - 1}/")
        expected_next = None
        if number < pages:
            expected_next = "page/2/" if number == 1 else f"../{number + 1}/"
        assert links.get("prev") == expected_prev and links.get("next") == expected_next
        for href in (expected_prev, expected_next):
            if href:
                assert f'href="{href}"' in text  # a visible link too
                assert ((folder / href).resolve() / "index.html").is_file()
    assert seen == [p.id for p in arxiv]


def test_venue_and_topic_feeds_are_valid_atom_and_linked(site: BuiltSite) -> None:
    for venue, slug in (("arXiv", "arxiv"), ("NeurIPS", "neurips")):
        feed = ET.parse(site.root / "venues" / slug / "feed.xml").getroot()
        assert feed.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert feed.find(f"{ATOM}{required}") is not None
        entries = feed.findall(f"{ATOM}entry")
        expected = {p.title for p in site.catalog.papers if p.venue == venue}
        assert {e.findtext(f"{ATOM}title") for e in entries} == expected
        for entry in entries:
            for required in ("id", "title", "updated", "summary"):
                assert entry.find(f"{ATOM}{required}") is not None
            dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated", "").replace("Z", "+00:00"))
        self_link = [
            ln.get("href") for ln in feed.findall(f"{ATOM}link") if ln.get("rel") == "self"
        ]
        assert self_link == [f"https://example.github.io/awesome-test/venues/{slug}/feed.xml"]
        page = _head(site.root / "venues" / slug / "index.html")
        feeds = [ln for ln in page.links if ln.get("type") == "application/atom+xml"]
        assert "feed.xml" in {ln["href"] for ln in feeds}
    topic = ET.parse(site.root / "topics" / "compression" / "feed.xml").getroot()
    assert topic.findtext(f"{ATOM}title") == "Awesome-Test: Compression"
    titles = {e.findtext(f"{ATOM}title") for e in topic.findall(f"{ATOM}entry")}
    assert titles == {p.title for p in site.catalog.papers if "compression" in p.topics}
    page = _head(site.root / "topics" / "compression" / "index.html")
    assert "feed.xml" in {
        ln["href"] for ln in page.links if ln.get("type") == "application/atom+xml"
    }
    neurips = ET.parse(site.root / "venues" / "neurips" / "feed.xml").getroot()
    qlora = next(
        e for e in neurips.findall(f"{ATOM}entry") if "QLoRA" in e.findtext(f"{ATOM}title", "")
    )
    authors = [a.findtext(f"{ATOM}name") for a in qlora.findall(f"{ATOM}author")]
    assert authors == ["Tim Dettmers", "Artidoro Pagnoni"]
    iclr = ET.parse(site.root / "venues" / "iclr" / "feed.xml").getroot()
    fed = next(e for e in iclr.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == (
        "Federated Adapters at Scale"))  # fmt: skip
    assert [a.findtext(f"{ATOM}name") for a in fed.findall(f"{ATOM}author")] == FACT_AUTHORS
    related = {ln.get("href") for ln in fed.findall(f"{ATOM}link") if ln.get("rel") == "related"}
    assert f"https://doi.org/{quote(FACT_DOI, safe='/')}" in related  # the DOI from the facts


def test_related_papers_are_deterministic_and_exclude_the_paper(catalog_dir: CatalogDir) -> None:
    words = ["sparse", "federated", "quantized", "vision", "speech", "diffusion", "robust"]
    rng = random.Random(1)
    for n in range(60):
        title = " ".join(rng.sample(words, 3)) + f" adaptation {n}"
        catalog_dir.add(
            f"p{n:02d}",
            title=title,
            keywords=rng.sample(["Quantization", "Federated Learning", "Robust Fine-Tuning"], 1),
        )
    papers = load_catalog(catalog_dir.path).papers
    first = related_papers(papers)
    shuffled = list(papers)
    random.Random(2).shuffle(shuffled)
    assert related_papers(shuffled) == first
    for paper_id, near in first.items():
        assert paper_id not in near and len(near) <= 5 and len(set(near)) == len(near)
    by_id = {p.id: p for p in papers}
    for paper_id, near in first.items():  # the most related shares title words or a keyword
        if near:
            a, b = by_id[paper_id], by_id[near[0]]
            shared = set(a.title.split()[:3]) & set(b.title.split()[:3])
            assert shared or set(a.keywords) & set(b.keywords)


def test_paper_pages_list_related_papers(site: BuiltSite) -> None:
    text = (site.root / "papers" / "fedlora" / "index.html").read_text(encoding="utf-8")
    related = re.search(r'<ul class="cf-related">(.*?)</ul>', text, re.S)
    assert related is not None
    assert 'href="../../papers/fed-iclr/"' in related.group(1)  # shares "federated"
    assert 'href="../../papers/fedlora/"' not in related.group(1)


def test_sitemap_lastmod_comes_from_the_papers_dates(site: BuiltSite) -> None:
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = ET.parse(site.root / "sitemap.xml").getroot()
    lastmod = {
        u.findtext(f"{ns}loc", "").removeprefix("https://example.github.io/awesome-test/"):
        u.findtext(f"{ns}lastmod")
        for u in root.findall(f"{ns}url")
    }  # fmt: skip
    for paper in site.catalog.papers:
        assert lastmod[f"papers/{paper.id}/"] == paper.added.isoformat()
    newest = max(p.added for p in site.catalog.papers).isoformat()
    assert lastmod[""] == newest
    neurips = max(p.added for p in site.catalog.papers if p.venue == "NeurIPS").isoformat()
    assert lastmod["venues/neurips/"] == neurips
    built = {p.parent.relative_to(site.root).as_posix() for p in site.root.rglob("index.html")}
    assert {p if p != "." else "" for p in built} == {p.rstrip("/") for p in lastmod}


def test_build_pages_names_each_address_once(site: BuiltSite) -> None:
    paths = [page.path for page in build_pages(site.catalog, list_page=1).pages]
    assert len(paths) == len(set(paths))
    assert "venues/arxiv/page/3/" in paths


def test_related_top_is_the_full_sort_cut_short() -> None:
    import random

    from catalog.render.related import top

    rng = random.Random(7)
    for size in (0, 1, 4, 5, 6, 50, 300):
        for _ in range(40):
            # few distinct values: many ties, which go to the smaller number
            scores = {rng.randrange(10_000): rng.choice([0.1, 0.2, 0.25, rng.random()])
                      for _ in range(size)}  # fmt: skip
            full = sorted(sorted(scores), key=scores.__getitem__, reverse=True)
            assert top(dict(scores), 5) == full[:5]
