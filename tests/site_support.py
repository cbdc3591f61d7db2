"""A small tricky catalog built into a site once per test session, and a server for it.

Shared by tests/test_site.py (browser) and tests/test_site_build.py (files and exports).
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import http.server
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import CONFIG, record

from catalog.catalog import Catalog
from catalog.records import dump_record
from catalog.render.site import build_site
from catalog.render.views import FACET_TOP, HOME_CHUNK, LIST_PAGE, PAGE_SIZE

__all__ = ["PAGE_SIZE"]  # re-exported for the tests
from catalog.validate import load_catalog

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCRIPT_TITLE = '<script>window.__pwned = 1</script></script><img src=x onerror="window.__pwned=2">'
SCRIPT_KEYWORD = "</script><script>window.__pwned=3</script>"
# The oldest paper: on a home page of a few entries, the script renders it from the data.
TEMPLATE_TITLE = "</template><img src=x onerror=window.__pwned=4><b>bold</b> & <!-- Old"

VENUES = """\
arXiv:
  full_name: arXiv preprint
  kind: preprint
ICLR:
  full_name: International Conference on Learning Representations
  kind: conference
NeurIPS:
  full_name: Conference on Neural Information Processing Systems
  kind: conference
R&D <Journal>:
  full_name: Journal of R&D {braces} 100% _under_
  kind: journal
"""

KEYWORDS = f"""\
Federated Learning: {{}}
Quantization: {{}}
Pioneering Paper: {{}}
LoRA+ & Friends: {{}}
"{SCRIPT_KEYWORD}": {{}}
"""

TOPICS = """\
foundations:
  name: Foundations & <surveys>
  description: Where low-rank adaptation started.
compression:
  name: Compression
  description: Quantized and pruned adapters.
federated:
  name: Federated and private
  description: Adapters trained across clients.
"""
ABSTRACT = "We present paged optimizers & <4-bit> NormalFloat for memory-efficient finetuning."
# fed-iclr's authors, DOI and day are only in the facts; old-one (an arXiv record) was
# published at NeurIPS by a curator's word. A SICI-style DOI: <, >, ;, :, ( and ) are legal.
FACT_DOI = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"
FACT_AUTHORS = ["Grace Hopper", "Alan Turing"]
FACT_PUBLISHED = "2024-05-07"
FACTS = f"""\
fed-iclr:
  authors:
    - source: dblp
      url: https://dblp.org/rec/conf/iclr/Hopper24
      fetched: 2026-12-01
      value: [{", ".join(FACT_AUTHORS)}]
  doi:
    - source: crossref
      url: https://api.crossref.org/works/{FACT_DOI}
      fetched: 2026-12-01
      value: "{FACT_DOI}"
  published:
    - source: crossref
      url: https://api.crossref.org/works/{FACT_DOI}
      fetched: 2026-12-01
      value: {FACT_PUBLISHED}
old-one:
  venue:
    - source: manual
      url: https://proceedings.neurips.cc/
      fetched: 2026-12-01
      value: {{venue: NeurIPS, year: 2021}}
qlora:
  abstract:
    - source: arxiv
      url: https://arxiv.org/abs/2305.14314
      fetched: 2026-12-01
      value: "{ABSTRACT}"
"""
TOPIC_OF = {
    "lora": ["foundations"], "qlora": ["compression"], "fedlora": ["federated", "compression"],
    "fed-iclr": ["federated"], "braces": ["foundations"], "script-title": ["foundations"],
    "old-one": ["foundations"], "hostile-old": ["federated"], "zeta-adapt": ["compression"],
}  # fmt: skip

PAPERS: dict[str, dict[str, Any]] = {
    "lora": record(links={"paper": "https://arxiv.org/abs/2106.09685",
                          "code": "https://github.com/microsoft/LoRA"}),
    "qlora": record(title="QLoRA: Efficient Finetuning of Quantized LLMs", year=2023,
                    venue="NeurIPS", keywords=["Quantization"], added=dt.date(2024, 8, 1),
                    authors=["Tim Dettmers", "Artidoro Pagnoni"]),
    "fedlora": record(title="FedLoRA: Federated Low-Rank Adaptation", year=2024,
                      venue="arXiv", keywords=["Federated Learning", "Quantization"],
                      added=dt.date(2024, 9, 3)),
    "fed-iclr": record(title="Federated Adapters at Scale", year=2024, venue="ICLR",
                       keywords=["Federated Learning"], added=dt.date(2024, 9, 4)),
    "braces": record(title="{Curly} 100% $math$ #hash & under_score ~ ^ \\ back", year=2023,
                     venue="R&D <Journal>", keywords=["LoRA+ & Friends"],
                     links={"paper": "https://example.org/paper?id={x}&y=50%25",
                            "project": "https://example.org/p"},
                     added=dt.date(2024, 7, 20)),
    "script-title": record(title=SCRIPT_TITLE, year=2024, venue="arXiv",
                           keywords=[SCRIPT_KEYWORD], added=dt.date(2024, 10, 1)),
    "old-one": record(title="An Older Low-Rank Paper", year=2021, venue="arXiv", keywords=[],
                      added=dt.date(2024, 7, 1)),
    "hostile-old": record(title=TEMPLATE_TITLE, year=2020, venue="NeurIPS",
                          keywords=["Federated Learning", SCRIPT_KEYWORD],
                          links={"paper": "https://arxiv.org/abs/2001.00001",
                                 "code": "https://github.com/example/old?a=1&b=2"},
                          added=dt.date(2024, 6, 1)),
    "zeta-adapt": record(title="Zeta Adaptation for Vision", year=2023, venue="ICLR",
                         keywords=["Quantization", "LoRA+ & Friends"],
                         added=dt.date(2024, 11, 5)),
}  # fmt: skip


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    catalog: Catalog


def write_data(root: Path) -> Path:
    data = root / "data"
    (data / "papers").mkdir(parents=True)
    (data / "catalog.yaml").write_text(CONFIG, encoding="utf-8")
    (data / "venues.yaml").write_text(VENUES, encoding="utf-8")
    (data / "keywords.yaml").write_text(KEYWORDS, encoding="utf-8")
    (data / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (data / "facts.yaml").write_text(FACTS, encoding="utf-8")
    for n, (paper_id, fields) in enumerate(PAPERS.items()):
        fields = {**fields, "topics": TOPIC_OF[paper_id]}
        if fields["links"]["paper"] == record()["links"]["paper"] and paper_id != "lora":
            fields = {**fields, "links": {"paper": f"https://arxiv.org/abs/2401.{n:05d}"}}
        (data / "papers" / f"{paper_id}.yaml").write_text(dump_record(fields), encoding="utf-8")
    return data


@functools.cache
def built_site(
    page_size: int = PAGE_SIZE,
    chunk: int = HOME_CHUNK,
    list_page: int = LIST_PAGE,
    facet_top: int = FACET_TOP,
) -> BuiltSite:
    """Build once per session (mkdocs takes a second or two even for a small catalog).

    With the default sizes the home page renders and embeds every test paper itself; small
    ones leave the rest for the script to render from data it fetches in chunks, and give
    the facet pages more than one page.
    """
    root = Path(tempfile.mkdtemp(prefix="catalog-site-test-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    catalog = load_catalog(write_data(root))
    assert not catalog.diagnostics, catalog.diagnostics
    build_site(
        catalog,
        root / "build" / "site",
        page_size=page_size,
        chunk=chunk,
        list_page=list_page,
        facet_top=facet_top,
    )
    return BuiltSite(root / "build" / "site", catalog)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(
    root: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] = _Quiet
) -> Iterator[str]:
    """A static server of `root` on 127.0.0.1 for the block's duration; yields its base URL."""
    handler = functools.partial(handler_class, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# Browser fixtures shared by the tests/test_site*.py modules (imported there by name): one
# chromium and one built site (each size) per session.

SMALL_PAGE = 3  # the small site's home page renders this many entries itself
SMALL_CHUNK = 3  # and embeds the data of this many papers; the rest come in chunks
SMALL_LIST = 2  # its facet pages list this many papers a page
SMALL_TOP = 2  # and its facets show this many values before "Show all"


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
def small_site() -> BuiltSite:
    """The same papers, in small pages and chunks."""
    return built_site(SMALL_PAGE, SMALL_CHUNK, SMALL_LIST, SMALL_TOP)


@pytest.fixture(scope="session")
def small_url(small_site: BuiltSite) -> Iterator[str]:
    with serve(small_site.root) as url:
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
        return set(self.ids())

    def ids(self) -> list[str]:
        return list(
            self.page.eval_on_selector_all(
                "[data-papers] [data-paper-id]",
                "els => els.map(e => e.dataset.paperId)",
            )
        )

    def query(self) -> dict[str, list[str]]:
        """The page's query, once typed text has reached it (catalog.js writes it on a pause)."""
        self.page.wait_for_function("!document.querySelector('[data-url-pending]')")
        return parse_qs(urlsplit(self.page.url).query)

    def open_home(self, query: str = "") -> None:
        """Open the home page and touch its controls, as a reader about to filter does:
        catalog.js fetches the other chunks of its data then (not before); wait for all."""
        self.page.goto(self.base + query)
        self.page.wait_for_selector("#catalog-browser.cf-live")
        self.page.dispatch_event("#catalog-browser .cf-controls", "pointerdown")
        self.page.wait_for_selector("#catalog-browser.cf-live.cf-complete")

    def filter(self, text: str) -> None:
        """Type into the home filter and wait until the list answers."""
        self.page.fill('input[data-filter="text"]', text)
        self.page.wait_for_function(
            "!document.querySelector('[data-status]').textContent.includes('loading')"
        )

    def site_search(self, text: str) -> list[str]:
        """Type into Material's search box (it reads keystrokes); the results' paths."""
        box = self.page.locator(".md-search__input")
        box.fill("")
        box.press_sequentially(text)
        # Each keystroke gets its own answer (a one-letter query: none): wait for the last
        # one, whose links carry the query's last word in ?h= (words of one character are
        # not asked for: search-core.js's queryWords drops them).
        from catalog.render.search import query_words

        asked = query_words(text)
        last = asked[-1] if asked else ""
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_function(
            """word => {
              const link = document.querySelector('.md-search-result__link');
              if (link) return (new URL(link.href).searchParams.get('h') || '').split(' ')
                .includes(word);
              return document.querySelector('.md-search-result__meta').textContent
                .includes('No matching');
            }""",
            arg=last,
        )
        self.page.wait_for_timeout(300)
        hrefs = self.page.eval_on_selector_all(
            ".md-search-result__link", "els => els.map(e => e.getAttribute('href'))"
        )
        return [urlsplit(h).path.removeprefix(urlsplit(self.base).path) for h in hrefs]


def watch(context: Any, base: str) -> Watched:
    tab = context.new_page()
    watched = Watched(tab, base)
    tab.on("request", lambda request: watched.requests.append(request.url))
    tab.on(
        "console",
        lambda message: (
            watched.errors.append(f"{message.text} ({message.location})")
            if message.type == "error"
            else None
        ),
    )
    tab.on("pageerror", lambda error: watched.errors.append(str(error)))
    return watched


def check_watched(watched: Watched) -> None:
    outside = [url for url in watched.requests if urlsplit(url).hostname != "127.0.0.1"]
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not watched.errors, f"console errors: {watched.errors}"


@contextmanager
def desktop_tab(browser: Any, base: str) -> Iterator[Watched]:
    """A watched tab of a desktop-sized window on `base`, checked once the block ends."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = watch(context, base)
    yield watched
    context.close()
    check_watched(watched)


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Watched]:
    with desktop_tab(browser, base_url) as watched:
        yield watched
