"""The site in Debian's chromium (playwright), served from 127.0.0.1: the browser, its facets,
URL state, the text filter, escaping, and that no request leaves the machine."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from site_support import (
    PAGE_SIZE,
    SCRIPT_KEYWORD,
    SCRIPT_TITLE,
    SMALL_CHUNK,
    SMALL_PAGE,
    TEMPLATE_TITLE,
    BuiltSite,
    Watched,
)


def _open_home(page: Watched, query: str = "") -> None:
    page.open_home(query)


def _facet_counts(page: Watched) -> dict[tuple[str, str], int]:
    rows = page.page.eval_on_selector_all(
        "[data-facet]",
        "els => els.map(e => [e.dataset.facet, e.dataset.value,"
        " e.parentNode.querySelector('.cf-count').textContent])",
    )
    return {(facet, value): int(count) for facet, value, count in rows}


def _expected_counts(site: BuiltSite, selected: dict[str, set[str]]) -> dict[tuple[str, str], int]:
    """Counts as the spec defines them: for each facet, papers matching the other facets."""

    def values(paper: Any, facet: str) -> set[str]:
        if facet in ("keyword", "topic"):
            return set(paper.keywords if facet == "keyword" else paper.topics)
        return {paper.venue} if facet == "venue" else {str(paper.year)}

    facets = ("topic", "keyword", "venue", "year")
    counts: Counter[tuple[str, str]] = Counter()
    for facet in facets:
        for paper in site.catalog.papers:
            for value in values(paper, facet):
                counts[(facet, value)] += 0  # every value has a button, even at zero
            others = [f for f in facets if f != facet and selected.get(f)]
            if all(values(paper, f) & selected[f] for f in others):
                for value in values(paper, facet):
                    counts[(facet, value)] += 1
    return counts


def test_home_lists_every_paper_and_counts_match(page: Watched, site: BuiltSite) -> None:
    _open_home(page)
    assert page.visible_ids() == {p.id for p in site.catalog.papers}
    assert _facet_counts(page) == _expected_counts(site, {})
    status = page.page.text_content("[data-status]")
    assert status is not None and str(len(site.catalog.papers)) in status


def test_venue_click_filters_changes_url_and_survives_reload(
    page: Watched, site: BuiltSite
) -> None:
    _open_home(page)
    page.page.click('[data-facet="venue"][data-value="ICLR"]')
    iclr = {p.id for p in site.catalog.papers if p.venue == "ICLR"}
    assert page.visible_ids() == iclr
    assert page.query() == {"venue": ["ICLR"]}
    page.page.reload()
    page.page.wait_for_selector("#catalog-browser.cf-live")
    assert page.visible_ids() == iclr
    pressed = page.page.get_attribute('[data-facet="venue"][data-value="ICLR"]', "aria-pressed")
    assert pressed == "true"
    assert _facet_counts(page) == _expected_counts(site, {"venue": {"ICLR"}})


def test_or_within_a_facet_and_across_facets(page: Watched, site: BuiltSite) -> None:
    _open_home(page)
    page.page.click('[data-facet="venue"][data-value="ICLR"]')
    page.page.click('[data-facet="venue"][data-value="arXiv"]')
    page.page.click('[data-facet="year"][data-value="2024"]')
    expected = {
        p.id for p in site.catalog.papers if p.venue in ("ICLR", "arXiv") and p.year == 2024
    }
    assert expected and page.visible_ids() == expected
    selected = {"venue": {"ICLR", "arXiv"}, "year": {"2024"}}
    assert _facet_counts(page) == _expected_counts(site, selected)
    query = page.query()
    assert sorted(query["venue"]) == ["ICLR", "arXiv"] and query["year"] == ["2024"]
    page.page.click('[data-action="clear"]')
    assert page.visible_ids() == {p.id for p in site.catalog.papers}
    assert page.query() == {}


def test_text_filter_narrows_the_list(page: Watched, site: BuiltSite) -> None:
    _open_home(page)
    page.filter("federated")  # title words and the keyword Federated Learning
    assert page.visible_ids() == {"fedlora", "fed-iclr", "hostile-old"}
    assert page.query() == {"text": ["federated"]}
    page.filter("quantization neurips")  # words AND together, across fields
    assert page.visible_ids() == {"qlora"}
    page.filter("")
    assert page.visible_ids() == {p.id for p in site.catalog.papers}


def test_sort_is_applied_and_kept_in_the_url(page: Watched, site: BuiltSite) -> None:
    _open_home(page, "?sort=title")
    order = page.page.eval_on_selector_all(
        "[data-papers] [data-paper-id]", "els => els.map(e => e.dataset.paperId)"
    )
    by_title = sorted(site.catalog.papers, key=lambda p: p.title.lower())
    assert order == [p.id for p in by_title]
    page.page.select_option("[data-sort]", "oldest")
    first = page.page.get_attribute("[data-papers] [data-paper-id]", "data-paper-id")
    assert first == min(site.catalog.papers, key=lambda p: (p.year, p.added)).id
    assert page.query() == {"sort": ["oldest"]}


def test_a_script_title_runs_nothing(page: Watched, site: BuiltSite) -> None:
    _open_home(page)
    title = page.page.text_content('[data-paper-id="script-title"] .cf-title')
    assert title == SCRIPT_TITLE
    for path in ("", "papers/script-title/", "years/2024/", "venues/arxiv/"):
        page.page.goto(page.base + path)
        page.page.wait_for_load_state("load")
        assert page.page.evaluate("window.__pwned") is None, path
    assert page.page.evaluate("document.title").startswith("Venue: arXiv")
    page.page.goto(page.base + "papers/script-title/")
    assert page.page.text_content("article h1") == SCRIPT_TITLE
    assert SCRIPT_TITLE in page.page.evaluate("document.title")


def test_pages_load_without_errors_or_outside_requests(page: Watched, site: BuiltSite) -> None:
    # The fixture asserts no request left 127.0.0.1 and no console error on teardown.
    for path in ("", "papers/lora/", "keywords/", "venues/", "years/", "stats/", "venues/arxiv/"):
        response = page.page.goto(page.base + path)
        assert response is not None and response.status == 200, path
        page.page.wait_for_load_state("networkidle")
    assert not [url for url in page.requests if url.endswith("sitemap.xml")]
    page.page.goto(page.base + "papers/qlora/")
    page.page.click("[data-copy]")
    page.page.wait_for_function("document.querySelector('[data-copy]').textContent === 'Copied'")


def test_long_lists_show_a_page_at_a_time(page: Watched, site: BuiltSite) -> None:
    def small_pages(route: Any) -> None:
        body = route.fetch().text().replace(f'data-page-size="{PAGE_SIZE}"', 'data-page-size="3"')
        route.fulfill(body=body, headers={"content-type": "text/html; charset=utf-8"})

    page.page.route(page.base, small_pages)
    _open_home(page)
    newest = _newest(site)
    assert page.visible_ids() == set(newest[:3])
    page.page.click('[data-action="more"]')
    assert page.visible_ids() == set(newest[:6])
    page.page.click('[data-action="more"]')
    assert page.visible_ids() == set(newest)
    assert page.page.is_hidden('[data-action="more"]')
    page.page.click('[data-facet="venue"][data-value="arXiv"]')  # a new filter starts over
    arxiv = [i for i in newest if i in {p.id for p in site.catalog.papers if p.venue == "arXiv"}]
    assert page.visible_ids() == set(arxiv[:3])


def test_no_match_message_shows_beside_the_facets(page: Watched) -> None:
    """The message takes the list's place, not a spot below the whole facet column."""
    _open_home(page)
    page.filter("no paper has this title")
    assert page.visible_ids() == set()
    message = page.page.locator("[data-empty]")
    assert message.is_visible()
    box, facets = message.bounding_box(), page.page.locator(".cf-facets").bounding_box()
    assert box is not None and facets is not None
    assert box["x"] >= facets["x"] + facets["width"]
    assert box["y"] < facets["y"] + 100


def _newest(site: BuiltSite) -> list[str]:
    papers = sorted(site.catalog.papers, key=lambda p: (-p.year, -p.added.toordinal()))
    return [p.id for p in papers]


def _entries_html(page: Watched) -> dict[str, str]:
    """Each entry's markup; links the theme made absolute (it does so for instant navigation)
    are relative again."""
    entries = page.page.eval_on_selector_all(
        "[data-papers] [data-paper-id]", "els => els.map(e => [e.dataset.paperId, e.outerHTML])"
    )
    return {paper_id: html.replace(page.base, "") for paper_id, html in entries}


def test_home_html_holds_one_page_and_the_script_renders_the_rest(
    page: Watched, site: BuiltSite, small_site: BuiltSite, small_url: str
) -> None:
    """The served page has SMALL_PAGE entries and the data of SMALL_CHUNK papers; the script
    fetches the other chunks, and "Show more" brings every other entry, made by the script
    with exactly the markup the server gives an entry."""
    html = (small_site.root / "index.html").read_text(encoding="utf-8")
    newest = _newest(small_site)
    assert re.findall(r'data-paper-id="([^"]+)"', html) == newest[:SMALL_PAGE]
    embedded = re.search(r'<template id="catalog-data">(.*?)</template>', html, re.S)
    assert embedded is not None
    header = json.loads(embedded.group(1))
    assert header["first"]["ids"] == newest[:SMALL_CHUNK]
    assert header["chunks"] == -(-len(newest) // SMALL_CHUNK) > 2
    assert f"The newest {SMALL_PAGE} of {len(newest)} papers" in html  # for readers without JS
    _open_home(page)
    rendered_by_server = _entries_html(page)  # the full site renders every entry itself
    assert set(rendered_by_server) == set(newest)
    page.base = small_url
    _open_home(page)
    assert page.visible_ids() == set(newest[:SMALL_PAGE])
    assert page.page.is_hidden(".cf-static-more")
    while page.page.is_visible('[data-action="more"]'):
        page.page.click('[data-action="more"]')
    assert _entries_html(page) == rendered_by_server
    fetched = {urlsplit(url).path for url in page.requests if "/home/" in url}
    assert fetched == {f"/home/{n}.json" for n in range(1, header["chunks"])}
    status = page.page.text_content("[data-status]")
    assert status is not None and status.startswith(f"{len(newest)} papers")


def test_a_filter_shows_a_paper_beyond_the_first_page(page: Watched, small_url: str) -> None:
    page.base = small_url
    _open_home(page)
    assert "qlora" not in page.visible_ids()
    page.page.click('[data-facet-more="venue"]')  # NeurIPS is not among the top values
    page.page.click('[data-facet="venue"][data-value="NeurIPS"]')
    assert page.visible_ids() == {"qlora", "hostile-old"}
    entry = '[data-paper-id="qlora"] '
    assert (
        page.page.text_content(entry + ".cf-title")
        == "QLoRA: Efficient Finetuning of Quantized LLMs"
    )
    chips = page.page.eval_on_selector_all(
        entry + ".cf-chip", "els => els.map(e => [e.textContent, e.getAttribute('href')])"
    )
    assert chips == [
        ["Compression", "topics/compression/"],
        ["Quantization", "keywords/quantization/"],
    ]
    links = page.page.eval_on_selector_all(
        entry + ".cf-meta a", "els => els.map(e => [e.textContent, e.getAttribute('href')])"
    )
    assert links == [
        ["2023", "years/2023/"],
        ["NeurIPS", "venues/neurips/"],
        ["paper", "https://arxiv.org/abs/2401.00001"],
    ]
    page.page.click(entry + ".cf-title")
    page.page.wait_for_url("**/papers/qlora/")
    assert page.page.text_content("article h1") == "QLoRA: Efficient Finetuning of Quantized LLMs"


def test_a_hostile_title_rendered_by_the_script_runs_nothing(
    page: Watched, small_site: BuiltSite, small_url: str
) -> None:
    html = (small_site.root / "index.html").read_text(encoding="utf-8")
    assert 'data-paper-id="hostile-old"' not in html  # so the script is what renders it
    page.page.route("**/x", lambda route: route.fulfill(status=404))  # an <img src=x>, if any
    page.base = small_url
    _open_home(page, "?sort=oldest")
    entry = '[data-paper-id="hostile-old"]'
    assert page.page.text_content(entry + " .cf-title") == TEMPLATE_TITLE
    chips = page.page.eval_on_selector_all(
        entry + " .cf-chip", "els => els.map(e => e.textContent)"
    )
    assert chips == ["Federated and private", "Federated Learning", SCRIPT_KEYWORD]
    code = page.page.get_attribute(entry + ' .cf-link:text-is("code")', "href")
    assert code == "https://github.com/example/old?a=1&b=2"
    page.page.wait_for_load_state("networkidle")
    assert page.page.evaluate("window.__pwned") is None
    assert (
        page.page.locator("[data-papers] img, [data-papers] b, [data-papers] script").count() == 0
    )
