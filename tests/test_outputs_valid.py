"""Every output is valid for any text the model accepts (issue 12): random accepted records
are rendered to the README, the site's pages, papers.json, feed.xml and papers.bib, and each
output is parsed back by a real parser of its format."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import bibtexparser
import yaml
from conftest import CONFIG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pydantic import ValidationError

from catalog.catalog import Catalog
from catalog.model import _BAD_LINE, CatalogConfig, Keyword, Paper, Venue
from catalog.registry import Registry
from catalog.render.exports import ATOM_NS, atom_feed, papers_bib, papers_json
from catalog.render.pages import build_pages
from catalog.render.readme import render_readme

CHARS = (
    st.characters(exclude_categories=["Cs"]) | st.sampled_from("<>&\"'|*_`[]()#!\\{}%$~^ ")
).filter(lambda c: not _BAD_LINE.match(c))
TEXT = st.text(CHARS, min_size=1, max_size=30).filter(lambda s: s.strip())


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    venue = draw(TEXT)
    keyword = draw(TEXT)
    papers = []
    for index in range(draw(st.integers(1, 3))):
        fields: dict[str, Any] = {
            "id": f"paper-{index}",
            "title": draw(TEXT),
            "year": 2022,
            "venue": venue,
            "links": {"paper": f"https://example.org/{index}"},
            "keywords": draw(st.sampled_from([[], [keyword]])),
            "authors": draw(st.lists(TEXT, max_size=2)) or None,
            "added": dt.date(2024, 1, 1 + index),
        }
        try:
            papers.append(Paper.model_validate(fields))
        except ValidationError as exc:  # the strategy makes only acceptable text
            raise AssertionError(exc) from exc
    config = CatalogConfig.model_validate(yaml.safe_load(CONFIG))
    venues = Registry({venue: Venue(full_name=venue, kind="conference")})
    keywords = Registry({keyword: Keyword()})
    return Catalog(Path("data"), config, venues, keywords, papers=papers)


class _Text(HTMLParser):
    """The text of an HTML fragment, and whether every element it opens is closed."""

    VOID: ClassVar[set[str]] = {
        "br",
        "img",
        "input",
        "meta",
        "link",
        "hr",
        "source",
        "wbr",
        "path",
        "rect",
        "circle",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (tag, self.open)
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _html_text(fragment: str) -> str:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    assert parser.open == [], parser.open
    return " ".join("".join(parser.text).split())


def _flat(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog=catalogs())
def test_every_output_parses_and_keeps_the_text(catalog: Catalog) -> None:
    assert catalog.config is not None
    titles = {p.id: p.title for p in catalog.papers}

    feed = ET.fromstring(atom_feed(catalog))  # an XML parser: feed.xml is well-formed
    entries = feed.findall(f"{{{ATOM_NS}}}entry")
    assert sorted(e.findtext(f"{{{ATOM_NS}}}title") for e in entries) == sorted(titles.values())

    document = json.loads(papers_json(catalog))
    assert {p["id"]: p["title"] for p in document["papers"]} == titles

    library = bibtexparser.parse_string(papers_bib(catalog))
    assert library.failed_blocks == []
    assert sorted(e.key for e in library.entries) == sorted(titles)

    readme = render_readme(catalog.papers, catalog.config)
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(readme)
    cells = re.findall(r"<td[^>]*>(<strong>.*?</strong>)</td>", rendered, flags=re.DOTALL)
    assert sorted(_html_text(c) for c in cells) == sorted(_flat(t) for t in titles.values())

    pages = {page.path: page for page in build_pages(catalog).pages}
    for paper in catalog.papers:
        page = pages[f"papers/{paper.id}/"]
        assert _flat(paper.title) in _html_text(page.html)
        assert html.escape(paper.title, quote=False) not in ("", None)
