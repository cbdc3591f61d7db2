"""check-links starts checking while the records are read, and a 429 window on one host never
holds back the others: against real local servers."""

from __future__ import annotations

import threading
import time
from typing import Any

from click.testing import CliRunner
from links_server import ok, redirect, serve, slow, status
from test_links_check import settings

from catalog.cli import main
from catalog.links.collect import collect
from catalog.links.feed import FIRST_BATCH, LinkFeed
from catalog.links.report import LinkReport, to_json
from catalog.links.run import CheckOptions, check_links
from catalog.validate import load_catalog

CASES = {
    "/ok": ok,
    "/gone": status(404),
    "/moved": redirect(301, "/ok"),
    "/forbidden": status(403),
    "/down": status(503),
}


def _same(report: LinkReport) -> dict[str, Any]:
    """A report without its timings (they differ from run to run)."""
    doc = to_json(report)
    for result in doc["results"]:
        result.pop("elapsed_ms")
    doc["summary"].pop("elapsed_ms")
    return doc


def test_a_feed_gives_the_report_the_loaded_mapping_gives(catalog_dir: Any) -> None:
    with serve(CASES) as server:
        for i, path in enumerate(CASES):
            catalog_dir.add(f"p{i:02d}", links={"paper": server.base + path})
        shared = {"paper": f"{server.base}/ok", "code": f"{server.base}/gone"}
        catalog_dir.add("shared-a", links=shared)
        catalog_dir.add("shared-b", links=shared)
        catalog_dir.add("bad", links={"paper": f"{server.base}/ok?bad"}, colour="red")
        options = CheckOptions(settings=settings(), env={})
        mapped = check_links(collect(load_catalog(catalog_dir.path)), options)
        fed = check_links(LinkFeed(lambda on: load_catalog(catalog_dir.path, on)), options)
    assert _same(fed) == _same(mapped)
    assert len(fed.results) == len(CASES)  # the shared ones once; none of the invalid one
    assert [ref.record for ref in fed.sources[f"{server.base}/ok"]] == [
        "p00",
        "shared-a",
        "shared-b",
    ]


def test_the_first_links_are_requested_while_the_rest_is_still_read(catalog_dir: Any) -> None:
    asked = threading.Event()

    def first(h: Any) -> None:
        asked.set()
        ok(h)

    with serve({"/first": first, "/p*": ok}) as server:
        catalog_dir.add("a-first", links={"paper": f"{server.base}/first"})
        for i in range(8):
            catalog_dir.add(f"p{i}", links={"paper": f"{server.base}/p{i}"})
        waited: list[bool] = []

        def load(on_paper: Any) -> Any:
            def each(paper: Any, source: Any, catalog: Any) -> None:
                on_paper(paper, source, catalog)
                if paper.id == f"p{FIRST_BATCH - 2}":  # the first batch is out: a-first...
                    waited.append(asked.wait(10))

            return load_catalog(catalog_dir.path, each)

        feed = LinkFeed(load)
        report = check_links(feed, CheckOptions(settings=settings(), env={}))
    assert waited == [True]  # asked while the other records were not read yet
    assert {r.status for r in report.results} == {"ok"} and len(report.results) == 9


def test_links_of_a_record_that_does_not_validate_are_never_requested(catalog_dir: Any) -> None:
    with serve({"/good": ok, "/bad": ok}) as server:
        catalog_dir.add("good", links={"paper": f"{server.base}/good"})
        catalog_dir.add("bad", links={"paper": f"{server.base}/bad"}, colour="red")
        runner = CliRunner()
        args = ["check-links", "--data", str(catalog_dir.path), "--allow-private", "-q"]
        done = runner.invoke(main, [*args, "--format", "json"], catch_exceptions=False)
        hits = dict(server.state.hits)
    assert done.exit_code == 0, done.output
    assert hits == {"/good": 1}
    assert "1 error(s) in the data; links of invalid records are not checked" in done.stderr


def test_a_429_window_on_one_host_does_not_hold_back_the_others(catalog_dir: Any) -> None:
    """Host one says 429 (Retry-After: 2) to its first requests; the run's 2 slots are not
    spent waiting: host two's 8 links are all checked inside the window."""

    def limited(h: Any) -> None:
        if time.monotonic() - h.server.state.times["/x0"][0] < 2:
            h.reply(429, {"Retry-After": "2"})
        else:
            ok(h)

    with serve({"/x*": limited}) as one, serve({"/p*": slow(0.05)}, "127.0.0.2") as two:
        for i in range(2):
            catalog_dir.add(f"a{i}", links={"paper": f"{one.base}/x{i}"})
        for i in range(8):
            catalog_dir.add(f"b{i}", links={"paper": f"{two.base}/p{i}"})
        options = CheckOptions(settings=settings(per_host=2, concurrency=2, timeout=5), env={})
        report = check_links(LinkFeed(lambda on: load_catalog(catalog_dir.path, on)), options)
        window_opened = one.state.times["/x0"][0]
        others = [t - window_opened for ts in two.state.times.values() for t in ts]
    assert {r.status for r in report.results} == {"ok"}, [r.message for r in report.results]
    assert len(others) == 8 and max(others) < 1.8  # all inside host one's 2 s window
