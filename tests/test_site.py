"""The site in Debian's chromium (playwright), served from 127.0.0.1: the browser, its facets,
URL state, the text filter, escaping, and that no request leaves the machine."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from site_support import SCRIPT_TITLE, BuiltSite, built_site, serve

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing under CI (.ci/run installs Debian's chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def site() -> BuiltSite:
    return built_site()


@pytest.fixture(scope="session")
def base_url(site: BuiltSite) -> Iterator[str]:
    with serve(site.root) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watched:
    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def visible_ids(self) -> set[str]:
        return set(
            self.page.eval_on_selector_all(
                "[data-papers] [data-paper-id]",
                "els => els.map(e => e.dataset.paperId)",
            )
        )

    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query)


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    watched = Watched(tab, base_url)
    tab.on("request", lambda request: watched.requests.append(request.url))
    tab.on(
        "console",
        lambda message: watched.errors.append(message.text) if message.type == "error" else None,
    )
    tab.on("pageerror", lambda error: watched.errors.append(str(error)))
    yield watched
    context.close()
    outside = [url for url in watched.requests if not url.startswith(base_url)]
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not watched.errors, f"console errors: {watched.errors}"


def _open_home(page: Watched, query: str = "") -> None:
    page.page.goto(page.base + query)
    page.page.wait_for_selector("#catalog-browser.cf-live")


def _facet_counts(page: Watched) -> dict[tuple[str, str], int]:
    rows = page.page.eval_on_selector_all(
        "[data-facet]",
        "els => els.map(e => [e.dataset.facet, e.dataset.value,"
        " e.querySelector('.cf-count').textContent])",
    )
    return {(facet, value): int(count) for facet, value, count in rows}


def _expected_counts(site: BuiltSite, selected: dict[str, set[str]]) -> dict[tuple[str, str], int]:
    """Counts as the spec defines them: for each facet, papers matching the other facets."""

    def values(paper: Any, facet: str) -> set[str]:
        if facet == "keyword":
            return set(paper.keywords)
        return {paper.venue} if facet == "venue" else {str(paper.year)}

    counts: Counter[tuple[str, str]] = Counter()
    for facet in ("keyword", "venue", "year"):
        for paper in site.catalog.papers:
            for value in values(paper, facet):
                counts[(facet, value)] += 0  # every value has a button, even at zero
            others = [f for f in ("keyword", "venue", "year") if f != facet and selected.get(f)]
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
    page.page.fill('input[data-filter="text"]', "federated")
    expected = {
        p.id
        for p in site.catalog.papers
        if "federated" in " ".join([p.title, p.venue, *p.keywords]).lower()
    }
    assert {"fedlora", "fed-iclr"} <= expected < {p.id for p in site.catalog.papers}
    assert page.visible_ids() == expected
    assert page.query() == {"text": ["federated"]}
    page.page.fill('input[data-filter="text"]', "quantization neurips")  # terms AND together
    assert page.visible_ids() == {"qlora"}


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
    for path in ("", "papers/lora/", "keywords/", "venues/", "years/", "stats/"):
        response = page.page.goto(page.base + path)
        assert response is not None and response.status == 200, path
        page.page.wait_for_load_state("networkidle")
    # Instant navigation from the home page to a paper page, then the BibTeX copy button.
    _as_deployed(page)
    _open_home(page)
    page.page.wait_for_load_state("networkidle")  # the sitemap is in
    page.page.evaluate("window.__sameDocument = true")
    page.page.click('[data-paper-id="qlora"] .cf-title')
    page.page.wait_for_url("**/papers/qlora/")
    page.page.wait_for_selector("[data-copy]")
    page.page.click("[data-copy]")
    page.page.wait_for_function("document.querySelector('[data-copy]').textContent === 'Copied'")
    assert page.page.evaluate("window.__sameDocument") is True
    assert len(page.requests) > 5


def test_long_lists_show_a_page_at_a_time(page: Watched, site: BuiltSite) -> None:
    def small_pages(route: Any) -> None:
        body = route.fetch().text().replace('data-page-size="100"', 'data-page-size="3"')
        route.fulfill(body=body, headers={"content-type": "text/html; charset=utf-8"})

    page.page.route(page.base, small_pages)
    _open_home(page)
    newest = [
        p.id for p in sorted(site.catalog.papers, key=lambda p: (-p.year, -p.added.toordinal()))
    ]
    assert page.visible_ids() == set(newest[:3])
    page.page.click('[data-action="more"]')
    assert page.visible_ids() == set(newest[:6])
    page.page.click('[data-action="more"]')
    assert page.visible_ids() == set(newest)
    assert page.page.is_hidden('[data-action="more"]')
    page.page.click('[data-facet="venue"][data-value="arXiv"]')  # a new filter starts over
    arxiv = [i for i in newest if i in {p.id for p in site.catalog.papers if p.venue == "arXiv"}]
    assert page.visible_ids() == set(arxiv[:3])


def _as_deployed(page: Watched) -> None:
    """Serve sitemap.xml as if the site were deployed at page.base: Material's instant
    navigation only takes over links it finds in the sitemap, which names the real site_url."""
    deployed = "https://example.github.io/awesome-test/"

    def rewrite(route: Any) -> None:
        body = route.fetch().text().replace(deployed, page.base)
        route.fulfill(body=body, headers={"content-type": "application/xml"})

    page.page.route("**/sitemap.xml", rewrite)


def test_home_browser_works_after_instant_navigation(page: Watched, site: BuiltSite) -> None:
    """On the deployed site Material swaps pages in place: coming back to the home page by a
    tab or Back must give a working browser, and its embedded data must not run as a script."""
    _as_deployed(page)
    _open_home(page)
    page.page.wait_for_load_state("networkidle")  # the sitemap is in
    page.page.evaluate("window.__sameDocument = true")
    page.page.click('.md-tabs__link:text-is("Statistics")')
    page.page.wait_for_url("**/stats/")
    page.page.wait_for_selector("svg.cf-chart")
    assert page.page.evaluate("window.__sameDocument") is True  # no full page load
    page.page.click('.md-tabs__link:text-is("Papers")')
    page.page.wait_for_selector("#catalog-browser.cf-live", timeout=5000)
    page.page.click('[data-facet="venue"][data-value="ICLR"]')
    assert page.visible_ids() == {p.id for p in site.catalog.papers if p.venue == "ICLR"}
    page.page.go_back()
    page.page.wait_for_selector("svg.cf-chart")
    page.page.go_back()
    page.page.wait_for_selector("#catalog-browser.cf-live", timeout=5000)
    assert page.query() == {}
    assert page.visible_ids() == {p.id for p in site.catalog.papers}
    assert page.page.evaluate("window.__sameDocument") is True


def test_no_match_message_shows_beside_the_facets(page: Watched) -> None:
    """The message takes the list's place, not a spot below the whole facet column."""
    _open_home(page)
    page.page.fill('input[data-filter="text"]', "no paper has this title")
    assert page.visible_ids() == set()
    message = page.page.locator("[data-empty]")
    assert message.is_visible()
    box, facets = message.bounding_box(), page.page.locator(".cf-facets").bounding_box()
    assert box is not None and facets is not None
    assert box["x"] >= facets["x"] + facets["width"]
    assert box["y"] < facets["y"] + 100
