"""The home browser's guiding facets, in chromium: topic first, a keyword facet with its top
values, "Show all" and a filter inside, "with code", a year range, active filters as
removable chips (visible on a phone), and the current selection exported as BibTeX, JSON
and CSV made in the browser."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import bibtexparser
import pytest
from site_support import (
    FACT_AUTHORS,
    FACT_DOI,
    FACT_PUBLISHED,
    SMALL_TOP,
    BuiltSite,
    Watched,
    check_watched,
    watch,
)


@pytest.fixture
def home(browser: Any, small_url: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    watched = watch(context, small_url)
    yield watched
    context.close()
    check_watched(watched)


def _matching(home: Watched) -> int:
    status = home.page.text_content("[data-status]") or ""
    return int(status.split()[0])


def _chips(home: Watched) -> list[str]:
    return list(
        home.page.eval_on_selector_all(".cf-active-chip", "els => els.map(e => e.textContent)")
    )


def test_topic_is_the_first_facet(home: Watched) -> None:
    home.open_home()
    groups = home.page.eval_on_selector_all(
        ".cf-facet-group h2", "els => els.map(e => e.textContent)"
    )
    assert groups == ["Topic", "Keyword", "Venue", "Year"]
    home.page.click('[data-facet="topic"][data-value="compression"]')
    assert home.page.text_content('[data-facet="topic"][data-value="compression"]') == "Compression"
    assert home.query() == {"topic": ["compression"]}
    assert _matching(home) == 3  # qlora, fedlora, zeta-adapt
    assert _chips(home) == ["Topic: Compression"]


def test_with_code_year_range_and_chips(home: Watched, small_site: BuiltSite) -> None:
    papers = small_site.catalog.papers
    home.open_home()
    home.page.check('input[data-filter="code"]')
    assert _matching(home) == sum(1 for p in papers if p.links.code)
    assert home.query() == {"code": ["1"]}
    home.page.select_option('[data-year="from"]', "2023")
    expected = {p.id for p in papers if p.links.code and p.year >= 2023}
    assert _matching(home) == len(expected)
    assert home.query() == {"code": ["1"], "from": ["2023"]}
    assert _chips(home) == ["With code", "Years 2023–2024"]
    home.page.click('.cf-active-chip:text-is("With code")')
    assert _matching(home) == sum(1 for p in papers if p.year >= 2023)
    assert home.query() == {"from": ["2023"]}
    home.page.reload()
    home.page.wait_for_selector("#catalog-browser.cf-complete")
    assert home.page.input_value('[data-year="from"]') == "2023"
    assert _chips(home) == ["Years 2023–2024"]
    home.page.click(".cf-active-chip")
    assert _chips(home) == [] and home.query() == {}
    assert _matching(home) == len(papers)


def test_keyword_facet_shows_top_values_then_all_with_a_filter(
    home: Watched, small_site: BuiltSite
) -> None:
    home.open_home()
    group = '[data-facet-group="keyword"] [data-facet]'
    assert home.page.locator(group).count() == SMALL_TOP
    assert home.page.locator('[data-facet-filter="keyword"]').is_hidden()
    home.page.click('[data-facet-more="keyword"]')
    keywords = {k for p in small_site.catalog.papers for k in p.keywords}
    assert home.page.locator(group).count() == len(keywords)
    home.page.fill('[data-facet-filter="keyword"]', "quant")
    visible = home.page.eval_on_selector_all(
        group, "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.value)"
    )
    assert visible == ["Quantization"]
    home.page.click('[data-facet="keyword"][data-value="Quantization"]')
    assert _chips(home) == ["Keyword: Quantization"]


def test_a_value_beyond_the_top_ones_in_the_url_shows_all(home: Watched) -> None:
    home.open_home("?kw=Pioneering%20Paper")
    button = '[data-facet="keyword"][data-value="Pioneering Paper"]'
    assert home.page.get_attribute(button, "aria-pressed") == "true"
    assert home.visible_ids() == {"lora"}


def test_active_filters_stay_visible_on_a_phone(browser: Any, small_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = watch(context, small_url)
    phone.open_home()
    phone.page.click('[data-action="toggle-facets"]')
    phone.page.click('[data-facet="venue"][data-value="arXiv"]')
    phone.page.click('[data-action="toggle-facets"]')  # the panel closes
    assert phone.page.locator('[data-facet="venue"]').first.is_hidden()
    chip = phone.page.locator('.cf-active-chip:text-is("Venue: arXiv")')
    assert chip.is_visible()
    phone.page.mouse.wheel(0, 600)
    box = chip.bounding_box()
    assert box is not None and 0 <= box["y"] < 844
    chip.click()
    assert phone.query() == {}
    context.close()
    check_watched(phone)


def _download(home: Watched, kind: str) -> str:
    with home.page.expect_download() as info:
        home.page.click(f'[data-export="{kind}"]')
    path = info.value.path()
    assert path is not None
    return path.read_text(encoding="utf-8")


def test_the_selection_exports_as_strict_bibtex_json_and_csv(
    home: Watched, small_site: BuiltSite
) -> None:
    home.open_home("?venue=ICLR&venue=R%26D%20%3CJournal%3E")
    chosen = {p.id for p in small_site.catalog.papers if p.venue in ("ICLR", "R&D <Journal>")}
    assert home.page.text_content("[data-export-count]") == f"these {len(chosen)} papers"
    library = bibtexparser.parse_string(_download(home, "bib"))
    assert not library.failed_blocks
    by_key = {e.key: e for e in library.entries}
    assert set(by_key) == chosen
    assert by_key["lora"].entry_type == "inproceedings"
    assert by_key["braces"].entry_type == "article"
    assert (
        by_key["braces"]["journal"]
        == r"Journal of R\&D \textbraceleft{}braces\textbraceright{} 100\% \_under\_"
    )
    assert by_key["braces"]["url"] == "https://example.org/paper?id=%7Bx%7D&y=50%25"
    for entry in library.entries:
        assert entry["title"].count("{") == entry["title"].count("}")
    # fed-iclr's authors and DOI come from data/facts.yaml, as in papers.bib
    assert by_key["fed-iclr"]["author"] == " and ".join(FACT_AUTHORS)
    assert by_key["fed-iclr"]["doi"] == FACT_DOI
    built = {e.key: e for e in bibtexparser.parse_string(
        (small_site.root / "papers.bib").read_text(encoding="utf-8")).entries}  # fmt: skip
    for key, entry in by_key.items():  # the browser writes what the build writes
        assert dict(entry.items()) == dict(built[key].items()), key
    document = json.loads(_download(home, "json"))
    assert document["count"] == len(chosen)
    assert {p["id"] for p in document["papers"]} == chosen
    fed = next(p for p in document["papers"] if p["id"] == "fed-iclr")
    assert (fed["authors"], fed["doi"], fed["published"]) == (
        FACT_AUTHORS,
        FACT_DOI,
        FACT_PUBLISHED,
    )
    assert fed["arxiv_id"] == "2401.00003"
    braces = next(p for p in document["papers"] if p["id"] == "braces")
    assert braces["title"].startswith("{Curly} 100% $math$")
    rows = list(csv.DictReader(io.StringIO(_download(home, "csv"))))
    assert {r["id"] for r in rows} == chosen
    assert next(r for r in rows if r["id"] == "lora")["code"] == "https://github.com/microsoft/LoRA"
    fed_row = next(r for r in rows if r["id"] == "fed-iclr")
    assert (fed_row["authors"], fed_row["doi"], fed_row["published"]) == (
        "; ".join(FACT_AUTHORS),
        FACT_DOI,
        FACT_PUBLISHED,
    )
