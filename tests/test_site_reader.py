"""What a reader sees on a site of a thousand papers: counts with separators, a filter hint
that fits a phone, a pager above and below long lists, no chunk of the home page's data
fetched before it is needed (and every paper once it is), and no theme file shipped that no
page loads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import CONFIG, KEYWORDS, VENUES, record
from site_support import BuiltSite, Watched, check_watched, desktop_tab, serve, watch

from catalog.records import dump_record
from catalog.render.numbers import thousands
from catalog.render.readme import render_readme
from catalog.render.site import build_site
from catalog.validate import load_catalog

COUNT = 1001  # past a thousand, and past two chunks of the home page's data (500 each)
PHONE = {"width": 375, "height": 812}


def _paper(i: int) -> dict[str, Any]:
    return record(
        title=f"Paper number {i}",
        year=2020 + i % 5,
        venue="ICML" if i % 3 == 0 else "arXiv",
        links={"paper": f"https://arxiv.org/abs/2401.{i:05d}"},
        keywords=["Quantization"],
        added=dt.date(2024, 1, 1) + dt.timedelta(days=i),
    )


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """COUNT papers built with the default sizes: 30 entries shown, 500 papers a chunk."""
    root = tmp_path_factory.mktemp("thousand")
    data = root / "data"
    (data / "papers").mkdir(parents=True)
    (data / "catalog.yaml").write_text(CONFIG, encoding="utf-8")
    (data / "venues.yaml").write_text(VENUES, encoding="utf-8")
    (data / "keywords.yaml").write_text(KEYWORDS, encoding="utf-8")
    for i in range(COUNT):
        (data / "papers" / f"p{i:04d}.yaml").write_text(dump_record(_paper(i)), "utf-8")
    catalog = load_catalog(data)
    assert not catalog.diagnostics
    build_site(catalog, root / "site")
    return BuiltSite(root / "site", catalog)


@pytest.fixture(scope="module")
def thousand_url(thousand: BuiltSite) -> Iterator[str]:
    with serve(thousand.root) as url:
        yield url


@pytest.fixture
def reader(browser: Any, thousand_url: str) -> Iterator[Watched]:
    with desktop_tab(browser, thousand_url) as watched:
        yield watched


def _chunks_fetched(watched: Watched) -> list[str]:
    return sorted(urlsplit(u).path for u in watched.requests if "/home/" in urlsplit(u).path)


def _newest(site: BuiltSite) -> list[str]:
    papers = sorted(site.catalog.papers, key=lambda p: (-p.year, -p.added.toordinal()))
    return [p.id for p in papers]


def _show_every_entry(watched: Watched) -> None:
    more = watched.page.locator('[data-action="more"]')
    while more.is_visible():
        more.click()
    watched.page.wait_for_selector("#catalog-browser.cf-complete")
    watched.page.wait_for_function(
        "!document.querySelector('[data-status]').textContent.includes('loading')"
    )


def test_counts_are_written_with_thousands_separators(thousand: BuiltSite) -> None:
    assert [thousands(n) for n in (0, 999, 1000, 6097, 1234567)] == [
        "0", "999", "1,000", "6,097", "1,234,567",
    ]  # fmt: skip
    home = (thousand.root / "index.html").read_text(encoding="utf-8")
    assert '<span class="cf-status" data-status role="status">1,001 papers</span>' in home
    assert '<span class="cf-count">1,001</span>' in home  # the Quantization facet
    assert "The newest 30 of 1,001 papers" in home
    listing = (thousand.root / "keywords/quantization/page/3/index.html").read_text("utf-8")
    assert "1,001 papers, 401–600 on this page" in listing
    index = (thousand.root / "keywords/index.html").read_text(encoding="utf-8")
    assert '<span class="cf-count">1,001</span>' in index
    stats = (thousand.root / "stats/index.html").read_text(encoding="utf-8")
    assert "<p>1,001 papers." in stats and '<span class="cf-bar-value">1,001</span>' in stats
    readme = render_readme(thousand.catalog.papers, thousand.catalog.config)
    assert "The list holds **1,001** papers" in readme
    assert "/keywords/quantization/) (1,001)" in readme  # the keyword line


def test_nothing_is_fetched_before_it_is_needed_then_every_paper_shows(
    reader: Watched, thousand: BuiltSite
) -> None:
    """Looking at the newest papers, scrolling to the end of them and showing more while the
    embedded chunk holds them fetch nothing; showing more than it holds fetches the rest,
    and then every paper is listed, newest first, with the count the server printed."""
    tab = reader.page
    tab.goto(reader.base)
    tab.wait_for_selector("#catalog-browser.cf-live")
    tab.wait_for_load_state("networkidle")
    assert tab.text_content("[data-status]") == "1,001 papers, first 30 shown"
    tab.locator('[data-action="more"]').scroll_into_view_if_needed()
    tab.click('[data-action="more"]')
    tab.mouse.wheel(0, 20_000)
    tab.wait_for_timeout(500)
    assert len(reader.ids()) == 60 and _chunks_fetched(reader) == []
    counts = tab.eval_on_selector_all(".cf-count", "els => els.map(e => e.textContent)")
    assert "1,001" in counts  # the Quantization facet, painted by the script from the totals
    _show_every_entry(reader)
    assert _chunks_fetched(reader) == ["/home/1.json", "/home/2.json"]
    assert reader.ids() == _newest(thousand)
    assert tab.text_content("[data-status]") == "1,001 papers"


@pytest.mark.parametrize(
    "touch",
    [
        lambda tab: tab.click('[data-facet="venue"][data-value="ICML"]'),
        lambda tab: tab.focus('input[data-filter="text"]'),
        lambda tab: tab.select_option("[data-sort]", "oldest"),
    ],
    ids=["facet", "filter focus", "sort"],
)
def test_a_control_fetches_the_rest_and_a_filter_finds_every_match(
    reader: Watched, thousand: BuiltSite, touch: Any
) -> None:
    tab = reader.page
    tab.goto(reader.base)
    tab.wait_for_selector("#catalog-browser.cf-live")
    tab.wait_for_load_state("networkidle")
    assert _chunks_fetched(reader) == []
    touch(tab)
    tab.wait_for_selector("#catalog-browser.cf-complete")
    assert _chunks_fetched(reader) == ["/home/1.json", "/home/2.json"]
    pressed = tab.get_attribute('[data-facet="venue"][data-value="ICML"]', "aria-pressed")
    if pressed != "true":
        tab.click('[data-facet="venue"][data-value="ICML"]')
    icml = {p.id for p in thousand.catalog.papers if p.venue == "ICML"}
    assert tab.text_content("[data-status]") == f"{len(icml)} of 1,001 papers, first 30 shown"
    _show_every_entry(reader)
    assert reader.visible_ids() == icml and len(reader.ids()) == len(icml)
    assert tab.text_content("[data-status]") == f"{len(icml)} of 1,001 papers"


def test_a_filtered_address_fetches_the_rest_at_once(reader: Watched, thousand: BuiltSite) -> None:
    reader.page.goto(reader.base + "?sort=oldest&venue=arXiv")
    reader.page.wait_for_selector("#catalog-browser.cf-complete")
    arxiv = [i for i in reversed(_newest(thousand)) if int(i[1:]) % 3 != 0]
    _show_every_entry(reader)
    assert reader.ids() == arxiv


def test_the_filter_hint_fits_its_box_on_a_phone(browser: Any, thousand_url: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    watched = watch(context, thousand_url)
    watched.page.goto(thousand_url)
    box = 'input[data-filter="text"]'
    fits = watched.page.eval_on_selector(
        box,
        """input => {
          const style = getComputedStyle(input);
          const context = document.createElement('canvas').getContext('2d');
          context.font = style.font;
          const room = input.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
          return [context.measureText(input.placeholder).width, room];
        }""",
    )
    text, room = fits
    assert 0 < text <= room, f"placeholder {text:.0f} px in a {room:.0f} px box"
    label = watched.page.get_attribute(box, "aria-label") or ""
    for word in ("title", "author", "abstract", "keyword", "venue", "id"):
        assert word in label  # the whole hint, for those who hear it
    context.close()
    check_watched(watched)


@pytest.mark.parametrize(
    "viewport", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desktop"]
)
def test_the_pager_is_above_and_below_the_list_on_one_line(
    browser: Any, thousand_url: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport)
    watched = watch(context, thousand_url)
    tab = watched.page
    tab.goto(thousand_url + "keywords/quantization/page/3/")
    pagers = tab.eval_on_selector_all(
        "nav.cf-pager",
        """navs => navs.map(nav => ({
          before: !!(nav.compareDocumentPosition(document.querySelector('ol.cf-papers'))
            & Node.DOCUMENT_POSITION_FOLLOWING),
          label: nav.getAttribute('aria-label'),
          texts: Array.from(nav.children, c => c.textContent),
          middles: Array.from(nav.children, c => {
            const box = c.getBoundingClientRect();
            return Math.round((box.top + box.bottom) / 2);
          }),
          overflow: nav.scrollWidth - nav.clientWidth,
        }))""",
    )
    assert [p["before"] for p in pagers] == [True, False]  # one above the list, one below
    assert len({p["label"] for p in pagers}) == 2  # two navigation landmarks, told apart
    for pager in pagers:
        assert pager["texts"] == ["← Previous", "Page 3 of 6", "Next →"]
        assert max(pager["middles"]) - min(pager["middles"]) <= 2, pager  # one line
        assert pager["overflow"] <= 0, pager
    assert tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    tab.click("nav.cf-pager >> nth=0 >> text=Next →")
    tab.wait_for_url("**/keywords/quantization/page/4/")
    context.close()
    check_watched(watched)


def _shipped_assets(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in (site / "assets").rglob("*") if p.is_file()}


def test_no_theme_file_ships_that_no_page_loads(
    browser: Any, small_site: BuiltSite, small_url: str
) -> None:
    """Every file under assets/ is asked for by some page when a reader browses, searches
    and switches the colour scheme; none answers with an error; the source maps, lunr's
    language files and Material's own search worker are not there."""
    shipped = _shipped_assets(small_site.root)
    assert not [a for a in shipped if a.endswith(".map") or "/lunr/" in a or "/workers/" in a]
    for name in shipped:
        if name.endswith((".js", ".css")):
            text = (small_site.root / name).read_text(encoding="utf-8")
            assert "sourceMappingURL" not in text, name
    not_found = (small_site.root / "404.html").read_text(encoding="utf-8")
    assert "workers/search" not in not_found and "assets/search-worker.js" in not_found
    failed: list[str] = []
    with desktop_tab(browser, small_url) as watched:
        watched.page.on(
            "response",
            lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        watched.open_home()
        scheme = watched.page.get_attribute("body", "data-md-color-scheme")
        watched.page.click("form[data-md-component=palette] label:visible")
        watched.page.wait_for_function(
            "s => document.body.getAttribute('data-md-color-scheme') !== s", arg=scheme
        )
        assert watched.site_search("quantiz")
        watched.page.click(".md-search-result__link >> nth=0")
        watched.page.wait_for_url("**/papers/**")
        watched.page.click('.md-tabs__link:text-is("Venues")')
        watched.page.wait_for_url("**/venues/")
        watched.page.click('a[href="arxiv/"]')
        watched.page.wait_for_selector("nav.cf-pager")
        asked = {urlsplit(u).path.removeprefix("/") for u in watched.requests}
    assert not failed
    assert shipped <= asked, f"shipped but never loaded: {sorted(shipped - asked)}"
