"""Accessibility and layout stability of every kind of page, in chromium: axe-core finds no
violation of any impact in the light and dark schemes, at desktop and at phone width (with
the facet panel and Material's navigation drawer closed and open), the skip link leads to the content,
focus is visible, nothing shifts once painted, and what needs JavaScript shows only with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from site_support import (
    Watched,
    check_watched,
    watch,
)

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# One page of each kind; venues/arxiv/page/2/ is a second page of a list (small site).
PAGES = (
    "",
    "papers/lora/",
    "papers/braces/",
    "keywords/quantization/",
    "venues/arxiv/",
    "venues/arxiv/page/2/",
    "years/2024/",
    "topics/federated/",
    "topics/",
    "keywords/",
    "venues/",
    "years/",
    "stats/",
)
SCHEMES = {"light": "default", "dark": "slate"}
PHONE = {"width": 375, "height": 812}
# One page of each kind at phone width (the desktop test covers the rest of PAGES).
PHONE_PAGES = (
    "",
    "papers/fed-iclr/",
    "keywords/quantization/",
    "venues/arxiv/",
    "years/2024/",
    "topics/federated/",
    "stats/",
)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (axe-core is in package-lock.json)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(params=sorted(SCHEMES))
def scheme_page(request: Any, browser: Any, small_url: str) -> Iterator[tuple[str, Watched]]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme=request.param
    )
    watched = watch(context, small_url)
    yield request.param, watched
    context.close()
    check_watched(watched)


def _violations(page: Any, axe: str, within: str | None = None) -> list[str]:
    """axe-core's violations on the page, or only inside `within` (a part that just opened,
    on a page already checked whole: half the time of a whole-page run)."""
    # A button just clicked fades to its new colours (Material's .md-button transition):
    # measured mid-fade its contrast is neither the old nor the new one.
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running'"
        " || a.effect.getTiming().iterations === Infinity)"
    )
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe)
    found = page.evaluate(
        "async within => (await axe.run(within ? {include: [[within]]} : document,"
        " {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)"
        ".map(n => n.target.join(' ') + ' ' + n.failureSummary.split('\\n').slice(1).join(' '))"
        ".join(' | '))",
        within,
    )
    return list(found)


def test_no_axe_violations_on_any_kind_of_page(
    scheme_page: tuple[str, Watched], axe_source: str
) -> None:
    scheme, watched = scheme_page
    found: dict[str, list[str]] = {}
    for path in PAGES:
        watched.page.goto(watched.base + path)
        watched.page.wait_for_load_state("networkidle")
        body = watched.page.get_attribute("body", "data-md-color-scheme")
        assert body == SCHEMES[scheme], path
        if not path:
            watched.page.wait_for_selector("#catalog-browser.cf-live")
        violations = _violations(watched.page, axe_source)
        if violations:
            found[path or "/"] = violations
    assert not found, "\n".join(f"{p}: {v}" for p, vs in found.items() for v in vs)


def test_no_axe_violations_with_filters_and_search_open(
    scheme_page: tuple[str, Watched], axe_source: str
) -> None:
    """The parts that appear on use: chips, "show all", the search dialog and its results."""
    _, watched = scheme_page
    watched.open_home("?venue=arXiv&code=1")
    watched.page.click('[data-action="show-all"][data-facet-more="keyword"]') if (
        watched.page.locator('[data-action="show-all"]').count()
    ) else None
    assert not _violations(watched.page, axe_source)
    assert watched.site_search("quantiz")
    assert not _violations(watched.page, axe_source)


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_no_axe_violations_at_phone_width(
    browser: Any, small_url: str, axe_source: str, scheme: str
) -> None:
    """375 px wide, touch: each kind of page with the navigation drawer closed and open; the
    home page also with its facet panel open, every keyword shown, and the search open."""
    context = browser.new_context(
        viewport=PHONE, color_scheme=scheme, is_mobile=True, has_touch=True
    )
    watched = watch(context, small_url)
    tab = watched.page
    found: list[str] = []

    def check(where: str, within: str | None = None) -> None:
        found.extend(f"{where}: {v}" for v in _violations(tab, axe_source, within))

    for path in PHONE_PAGES:
        tab.goto(small_url + path)
        tab.wait_for_load_state("networkidle")
        if not path:
            tab.wait_for_selector("#catalog-browser.cf-live")
        where = path or "/"
        check(where)
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], where
        if path.startswith("papers/"):  # the values get the width, not a fixed label column
            dd = tab.evaluate("document.querySelector('dl.cf-fields dd').offsetWidth")
            assert dd >= 0.6 * tab.evaluate("document.querySelector('dl.cf-fields').offsetWidth")
        tab.click('.md-header label[for="__drawer"]')
        tab.wait_for_function("document.getElementById('__drawer').checked")
        check(f"{where} (drawer open)", ".md-sidebar--primary")
        if path:
            continue
        tab.evaluate("document.getElementById('__drawer').click()")  # close it again
        toggle = tab.locator('[data-action="toggle-facets"]')
        assert toggle.is_visible() and tab.locator("#cf-facets").is_hidden()
        toggle.click()
        assert tab.locator("#cf-facets").is_visible()
        check("/ (facets open)", "#catalog-browser")
        tab.click('[data-action="show-all"][data-facet-more="keyword"]')
        check("/ (facets open, all keywords)", "#cf-facets")
        tab.click('.md-header label[for="__search"]')
        assert watched.site_search("quantiz")
        check("/ (search open)", ".md-search")
    context.close()
    check_watched(watched)
    assert not found, "\n".join(found)


CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_nothing_shifts_once_painted(
    browser: Any, small_url: str, viewport: tuple[int, int]
) -> None:
    """CLS <= 0.05 while the home page renders and then fetches its chunks, and on other
    pages."""
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    watched = watch(context, small_url)
    watched.page.add_init_script(CLS_OBSERVER)
    shifts = {}
    for path in ("", "papers/lora/", "venues/arxiv/", "stats/"):
        watched.page.goto(small_url + path)
        watched.page.wait_for_load_state("networkidle")
        if not path:  # the chunks come once a control is touched: nothing moves then either
            watched.page.wait_for_selector("#catalog-browser.cf-live")
            watched.page.dispatch_event("#catalog-browser .cf-controls", "pointerdown")
            watched.page.wait_for_selector("#catalog-browser.cf-complete")
        watched.page.wait_for_timeout(300)
        shifts[path or "/"] = watched.page.evaluate("window.__cls")
    context.close()
    check_watched(watched)
    assert all(value <= 0.05 for value in shifts.values()), shifts


def test_the_skip_link_leads_to_the_list_and_focus_shows(browser: Any, small_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = watch(context, small_url)
    tab = watched.page
    watched.open_home()
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.classList.contains('md-skip')")
    assert tab.evaluate("document.activeElement.getAttribute('href')") == "#papers"
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    focused = tab.evaluate("document.activeElement.closest('[data-paper-id]')?.dataset.paperId")
    assert focused == watched.ids()[0]
    outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    tab.focus('[data-facet="venue"][data-value="arXiv"]')
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Tab")  # focus from the keyboard, so :focus-visible applies
    assert tab.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    # facet groups are labelled; a count is not part of its button's name
    group = tab.locator('[role="group"][aria-labelledby="cf-facet-venue"]')
    assert group.count() == 1
    assert tab.text_content("#cf-facet-venue") == "Venue"
    name = tab.locator('[data-facet="venue"][data-value="arXiv"]')
    assert name.text_content() == "arXiv"
    context.close()
    check_watched(watched)


def test_without_javascript_the_lists_show_and_the_controls_do_not(
    browser: Any, small_url: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(small_url)
    assert tab.locator("[data-papers] [data-paper-id]").first.is_visible()
    assert tab.locator(".cf-static-more").is_visible()  # where the other papers are
    for hidden in (".cf-controls", ".cf-facets", ".cf-export"):
        assert tab.locator(hidden).is_hidden(), hidden
    tab.goto(small_url + "papers/lora/")
    assert tab.locator("[data-bibtex]").is_visible()
    assert tab.locator(".cf-copy").is_hidden()
    context.close()
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(small_url + "papers/lora/")
    assert tab.locator(".cf-copy").is_visible()
    context.close()
