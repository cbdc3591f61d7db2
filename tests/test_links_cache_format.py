"""The link cache's file (entries as rows, the index) and the JSON report's writer: what a
cached run reads and prints, checked without a server.

A cache is read from the repository, so hostile contents are normal: every malformed row or
index is one warning and a fresh cache, never a traceback or a trusted wrong value."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from catalog.links.cache import VERSION, LinkCache
from catalog.links.collect import LinkRef
from catalog.links.index import LinkIndex, matching, signature
from catalog.links.report import LinkReport, dumps_report, format_report, to_json
from catalog.links.verdict import Result

NOW = 1_700_000_000.0
ROW = ["ok", NOW, 200, "https://a.example/x", "HTTP 200", None, None]


def write(path: Path, entries: dict[str, Any], **extra: Any) -> Path:
    path.write_text(json.dumps({"version": VERSION, "entries": entries, **extra}))
    return path


def test_rows_round_trip_and_answer_within_max_age(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path / "links.json")
    moved = Result("https://b.example/", "redirected", 301, "https://c.example/", "moved",
                   suggestion="https://c.example/", warning="w")  # fmt: skip
    cache.update([Result("https://a.example/x", "ok", 200, "https://a.example/x", "HTTP 200")])
    cache.update([moved, Result("https://d.example/", "broken", 404)], now=NOW)
    cache.save(max_age=1e12, now=NOW)
    loaded = LinkCache.load(cache.path)
    assert loaded.warning is None
    assert set(loaded.entries) == {"https://a.example/x", "https://b.example/"}  # no failure
    hit = loaded.fresh("https://b.example/", max_age=60, now=NOW + 30, records=("r",))
    assert hit == Result(
        "https://b.example/", "redirected", 301, "https://c.example/", "moved",
        suggestion="https://c.example/", warning="w", cached=True, records=("r",),
    )  # fmt: skip
    assert loaded.fresh("https://b.example/", max_age=60, now=NOW + 61) is None
    assert loaded.fresh("https://b.example/", max_age=60, now=NOW - 1) is None  # from the future


BAD_ROWS = {
    "an object": {"status": "ok", "checked_at": NOW},
    "short": ROW[:6],
    "long": [*ROW, None],
    "a bool for a number": ["ok", True, *ROW[2:]],
    "a string for a status code": ["ok", NOW, "200", *ROW[3:]],
    "a number for a status": [200, *ROW[1:]],
    "an unknown status": ["fine", *ROW[1:]],
    "an infinite time": ["ok", float("inf"), *ROW[2:]],
    "a list for a message": [*ROW[:4], ["HTTP 200"], None, None],
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_malformed_row_is_a_warning_and_a_fresh_cache(tmp_path: Path, case: str) -> None:
    path = write(tmp_path / "links.json", {"https://a.example/x": BAD_ROWS[case]})
    cache = LinkCache.load(path)
    assert cache.warning is not None and "corrupt" in cache.warning and "fresh" in cache.warning
    assert "https://a.example/x" in cache.warning
    assert cache.entries == {} and cache.index is None


@pytest.mark.parametrize(
    "doc",
    [
        {"version": True, "entries": {}},  # True == 1, but not a version
        {"version": 3, "entries": {}},
        {"version": VERSION, "entries": []},
        {"version": VERSION, "entries": {}, "index": []},
        {"version": VERSION, "entries": {}, "index": {"signature": 5, "links": {}}},
        {"version": VERSION, "entries": {}, "index": {"signature": {"a": 1}, "links": {}}},
        {"version": VERSION, "entries": {}, "index": {"links": {}}},
        {"version": VERSION, "entries": {}, "index": {"signature": "", "links": {"u": [[1]]}}},
        {"version": VERSION, "entries": {}, "index": {"signature": "", "links": {"u": "x"}}},
        {
            "version": VERSION,
            "entries": {},
            "index": {"signature": "", "links": {"u": [["p", 1, 1, "r"]]}},
        },
        {"version": VERSION, "entries": {}, "index": {"signature": "", "links": {}, "contact": 1}},
    ],
)
def test_a_malformed_document_or_index_is_a_warning(tmp_path: Path, doc: dict[str, Any]) -> None:
    path = tmp_path / "links.json"
    path.write_text(json.dumps(doc))
    cache = LinkCache.load(path)
    assert cache.warning is not None and "fresh" in cache.warning
    assert cache.index is None and cache.entries == {}


def test_an_index_with_a_list_of_stats_for_a_signature_matches_nothing(tmp_path: Path) -> None:
    """The signature was a list before it was a digest: such an index is stale, not an error
    (no warning; the run reads the records and writes a new one)."""
    data = tmp_path / "data"
    (data / "papers").mkdir(parents=True)
    path = write(tmp_path / "links.json", {"https://a.example/x": ROW},
                 index={"signature": ["code:rules.py", 1, 2], "links": {}})  # fmt: skip
    cache = LinkCache.load(path)
    assert cache.warning is None and cache.entries == {"https://a.example/x": ROW}
    assert cache.index is not None and not matching(cache.index, data)


def test_the_index_round_trips_and_matches_only_unchanged_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "papers").mkdir(parents=True)
    record = data / "papers" / "a.yaml"
    record.write_text("links: {paper: https://a.example/}\n")
    ref = LinkRef(str(record), 1, 16, "a", "paper")
    cache = LinkCache(tmp_path / "links.json")
    cache.remember(LinkIndex(signature(data), {"https://a.example/": [ref]}, "https://repo/"))
    cache.save(max_age=1.0)
    loaded = LinkCache.load(cache.path)
    assert loaded.warning is None and loaded.index is not None
    assert loaded.index.links == {"https://a.example/": [ref]}
    assert type(loaded.index.links["https://a.example/"][0]) is LinkRef
    assert loaded.index.contact == "https://repo/"
    assert matching(loaded.index, data)
    record.write_text("links: {paper: https://b.example/}\n")  # same size, new content
    stamp = record.stat().st_mtime_ns
    os.utime(record, ns=(stamp + 1_000_000, stamp + 1_000_000))
    assert not matching(loaded.index, data)
    renewed = LinkIndex(signature(data), {})
    assert matching(renewed, data)
    (data / "papers" / "b.yaml").write_text("")  # a new record
    assert not matching(renewed, data)


def _report() -> LinkReport:
    a = 'https://a.example/ünïcode?q="quoted"&x=\\'
    results = [
        Result(a, "ok", 200, a, "HTTP 200", 1, 12, cached=False, records=("r1",)),
        Result("https://b.example/", "redirected", 301, "https://c.example/", "moved\nline",
               2, 5, "https://c.example/", "archived\x1b[31m", True, ("r1", "r2")),
        Result("https://d.example/", "broken", None, None, "", 0, 0),
        Result("https://e.example/", "error", 503, None, "HTTP 503 \u2028", 3, 900),
    ]  # fmt: skip
    sources = {
        a: [LinkRef("data/papers/r1.yaml", 5, 10, "r1", "paper")],
        "https://b.example/": [
            LinkRef("data/papers/r2.yaml", 6, 9, "r2", "code"),
            LinkRef("data/papers/r1.yaml", 7, 12, "r1", "project"),
        ],
        "https://d.example/": [],
    }
    return LinkReport(results, sources, 1234, 7, ['warning: a note "here"'], False)


@pytest.mark.parametrize("strict", [False, True])
def test_the_json_report_is_what_json_writes(strict: bool) -> None:
    report = _report()
    text = format_report(report, "json", strict)
    assert text == dumps_report(to_json(report, strict))
    assert json.loads(text) == to_json(report, strict)
    empty = LinkReport([], {}, 0, 0, [], True)
    assert format_report(empty, "json") == dumps_report(to_json(empty))


def test_a_cached_run_reports_what_the_checked_run_did(tmp_path: Path) -> None:
    """The cache gives back every field a working result had (bar attempts and time)."""
    cache = LinkCache(tmp_path / "links.json")
    checked = Result("https://b.example/", "redirected", 301, "https://c.example/", "moved",
                     2, 40, "https://c.example/", "archived", False, ("r",))  # fmt: skip
    cache.update([checked], now=time.time())
    cache.save(max_age=60)
    hit = LinkCache.load(cache.path).fresh("https://b.example/", 60, records=("r",))
    assert hit is not None
    assert hit._asdict() | {"attempts": 2, "elapsed_ms": 40, "cached": False} == checked._asdict()
