"""Site figures at scale: build time, home page weight and facet-click time in chromium.

Targets (issue 6): 10,000 papers build in <= 30 s on 2 cores; a facet click over 10,000
papers updates the page in <= 100 ms in headless Chromium; the home page transfers <= 800 KB
gzipped. Prints one line per figure and exits 1 when a target is missed.

    .venv/bin/python benchmarks/site_bench.py -n 10000 --work build/bench-site
"""

from __future__ import annotations

import gzip
import shutil
import statistics
import sys
import time
from pathlib import Path

import click

from catalog.render.site import build_site
from catalog.validate import load_catalog

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_catalog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

BUILD_TARGET_S = 30.0
CLICK_TARGET_MS = 100.0
HOME_TARGET_KB = 800.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Time from a click to the next frame painted: the facet script runs synchronously in the
# click handler, then the browser recalculates style, lays out and paints.
CLICK_JS = """async (selector) => {
  const button = document.querySelector(selector);
  const t0 = performance.now();
  button.click();
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
}"""


def gz_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), 6)) / 1024


def measure_browser(site: Path, clicks: int) -> tuple[list[float], float, float]:
    """Facet click times (ms), home load time (ms) and the bytes the home page fetched (KB gz)."""
    from playwright.sync_api import sync_playwright
    from site_support import serve

    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        fetched: list[str] = []
        page.on("requestfinished", lambda request: fetched.append(request.url))
        t0 = time.perf_counter()
        page.goto(base)
        page.wait_for_selector("#catalog-browser.cf-live")
        load_ms = (time.perf_counter() - t0) * 1000
        page.wait_for_load_state("networkidle")
        transfer = 0.0
        for url in set(fetched):
            local = site / url[len(base) :].split("?")[0]
            if local.is_dir() or url == base:
                local = local / "index.html"
            if local.is_file():
                transfer += gz_kb(local)
        values = page.eval_on_selector_all(
            '[data-facet="venue"], [data-facet="year"], [data-facet="keyword"]',
            "els => els.map(e => [e.dataset.facet, e.dataset.value])",
        )
        times = []
        for facet, value in values[:clicks]:
            selector = f'[data-facet="{facet}"][data-value="{value}"]'
            times.append(page.evaluate(CLICK_JS, selector))  # select
            times.append(page.evaluate(CLICK_JS, selector))  # and clear again
        browser.close()
    return times, load_ms, transfer


@click.command()
@click.option("-n", "count", type=int, default=10_000, show_default=True)
@click.option("--work", type=click.Path(path_type=Path), default=Path("build/bench-site"))
@click.option("--clicks", type=int, default=10, show_default=True)
@click.option("--no-browser", is_flag=True, help="Skip the chromium figures.")
def main(count: int, work: Path, clicks: int, no_browser: bool) -> None:
    data = work / f"data-{count}"
    if not (data / "papers").is_dir():
        shutil.rmtree(data, ignore_errors=True)
        write_catalog(data, count, seed=0, duplicates=0)
    t0 = time.perf_counter()
    catalog = load_catalog(data)
    load_s = time.perf_counter() - t0
    site = work / f"site-{count}"
    shutil.rmtree(site, ignore_errors=True)
    t0 = time.perf_counter()
    build_site(catalog, site)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    build_site(catalog, site)
    rebuild_s = time.perf_counter() - t0
    home_kb = gz_kb(site / "index.html")
    missed = []
    print(f"papers: {len(catalog.papers)}")
    print(f"load_catalog: {load_s:.1f} s")
    print(f"build_site, fresh: {build_s:.1f} s (target <= {BUILD_TARGET_S:.0f} s)")
    print(f"build_site, replacing the previous site: {rebuild_s:.1f} s")
    print(f"home page HTML: {home_kb:.0f} KB gzipped (target <= {HOME_TARGET_KB:.0f} KB)")
    print(f"search index: {gz_kb(site / 'search' / 'search_index.json'):.0f} KB gzipped")
    if build_s > BUILD_TARGET_S:
        missed.append("build")
    if home_kb > HOME_TARGET_KB:
        missed.append("home size")
    if not no_browser:
        times, load_ms, transfer = measure_browser(site, clicks)
        median, worst = statistics.median(times), max(times)
        print(f"home page load to interactive: {load_ms:.0f} ms")
        print(f"home page, everything fetched on load: {transfer:.0f} KB gzipped")
        print(
            f"facet click to next frame: median {median:.1f} ms, max {worst:.1f} ms "
            f"over {len(times)} clicks (target <= {CLICK_TARGET_MS:.0f} ms)"
        )
        if worst > CLICK_TARGET_MS:
            missed.append("facet click")
    print("targets: " + ("all met" if not missed else "missed " + ", ".join(missed)))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
