"""Exports that outgrow one file (catalog/render/parts.py) and the page writers: a small
catalog's files stay what they were; a large one's papers.json, papers.bib and sitemap.xml
become indexes of parts that hold every record once; any number of writers writes the same
site."""

from __future__ import annotations

import gc
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from collections_seen import collections_in
from site_support import PAPERS, BuiltSite, write_data

import catalog.render.parts as parts
import catalog.render.site as site_module
import catalog.render.writing as writing
from catalog.render.exports import paper_json, papers_bib, papers_json
from catalog.render.parts import papers_bib_files, papers_json_files, sitemap_files, split
from catalog.render.site import build_site
from catalog.validate import load_catalog

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.github.io/awesome-test/"


def _records(site: BuiltSite) -> tuple[list[str], list[dict[str, Any]]]:
    papers = sorted(site.catalog.papers, key=lambda p: p.id)
    return [p.id for p in papers], [paper_json(site.catalog, p) for p in papers]


def test_split_keeps_order_and_budget() -> None:
    assert split([3, 3, 3, 3], 6) == [range(0, 2), range(2, 4)]
    assert split([10, 1, 1], 5) == [range(0, 1), range(1, 3)]  # too big alone: its own run
    assert split([1] * 5, 100, most=2) == [range(0, 2), range(2, 4), range(4, 5)]
    assert split([], 5) == []


def test_small_catalog_exports_are_unchanged(site: BuiltSite) -> None:
    """One file each, byte for byte what the single-file functions (and json.dumps) give."""
    ids, records = _records(site)
    files = dict(papers_json_files(site.catalog.config.title, ids, records.__getitem__))
    assert list(files) == ["papers.json"]
    assert files["papers.json"] == papers_json(site.catalog)
    document = {
        "schema_version": 1,
        "title": site.catalog.config.title,
        "count": len(ids),
        "papers": records,
    }
    assert files["papers.json"] == json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    assert (site.root / "papers.json").read_text(encoding="utf-8") == files["papers.json"]
    assert (site.root / "papers.bib").read_text(encoding="utf-8") == papers_bib(site.catalog)
    assert not list(site.root.glob("papers-*")) and not list(site.root.glob("sitemap-*"))
    root = ET.parse(site.root / "sitemap.xml").getroot()
    assert root.tag == f"{NS}urlset"


def test_papers_json_parts_round_trip(site: BuiltSite) -> None:
    ids, records = _records(site)
    limit = 3000
    files = dict(papers_json_files("T", ids, records.__getitem__, limit=limit))
    index = json.loads(files.pop("papers.json"))
    assert "papers" not in index  # a reader that expects the small form fails loudly
    assert index["schema_version"] == 1 and index["count"] == len(ids)
    assert [p["file"] for p in index["parts"]] == [
        f"papers-{n}.json" for n in range(1, 1 + len(files))
    ]
    assert len(files) > 2
    read: list[dict[str, Any]] = []
    for number, entry in enumerate(index["parts"], start=1):
        text = files[entry["file"]]
        assert len(text.encode("utf-8")) <= limit
        part = json.loads(text)
        assert (part["part"], part["parts"], part["total"]) == (number, len(files), len(ids))
        assert part["count"] == entry["count"] == len(part["papers"])
        assert (part["papers"][0]["id"], part["papers"][-1]["id"]) == (
            entry["first"],
            entry["last"],
        )
        read += part["papers"]
    assert read == records  # every record once, in id order, the same values


def test_papers_bib_parts_round_trip(site: BuiltSite) -> None:
    ids, _ = _records(site)
    whole = papers_bib(site.catalog)
    entries = whole.split("\n@")
    entries = [entries[0]] + ["@" + e for e in entries[1:]]
    assert len(entries) == len(ids)
    limit = 1200
    files = dict(papers_bib_files(ids, entries, limit=limit))
    index = bibtexparser.parse_string(files.pop("papers.bib"))
    assert not index.failed_blocks and not index.entries
    listed = index.comments[0].comment
    keys: list[str] = []
    for number in range(1, len(files) + 1):
        name = f"papers-{number}.bib"
        assert name in listed
        assert len(files[name].encode("utf-8")) <= limit
        library = bibtexparser.parse_string(files[name])
        assert not library.failed_blocks
        keys += [e.key for e in library.entries]
    assert keys == sorted(PAPERS)
    assert "\n".join(files[f"papers-{n}.bib"] for n in range(1, len(files) + 1)) == whole


def test_sitemap_index_follows_the_protocol(site: BuiltSite) -> None:
    """A <sitemapindex> of absolute <loc>s to sitemaps of at most `most` URLs each, every
    page in exactly one of them, each sitemap's lastmod the newest of its pages'."""
    pages = [(path, None if n % 3 else site.catalog.papers[0].added) for n, path in
             enumerate(f"papers/{i}/" for i in sorted(PAPERS))]  # fmt: skip
    files = dict(sitemap_files(BASE, pages, most=4))
    index = ET.fromstring(files.pop("sitemap.xml"))
    assert index.tag == f"{NS}sitemapindex"
    seen: list[str] = []
    for number, entry in enumerate(index.findall(f"{NS}sitemap"), start=1):
        loc = entry.findtext(f"{NS}loc")
        assert loc == f"{BASE}sitemap-{number}.xml"
        urlset = ET.fromstring(files[f"sitemap-{number}.xml"])
        assert urlset.tag == f"{NS}urlset"
        urls = urlset.findall(f"{NS}url")
        assert 1 <= len(urls) <= 4
        seen += [u.findtext(f"{NS}loc", "") for u in urls]
        dates = [u.findtext(f"{NS}lastmod") for u in urls if u.findtext(f"{NS}lastmod")]
        assert entry.findtext(f"{NS}lastmod") == (max(dates) if dates else None)
    assert len(files) == len(index)
    assert seen == [BASE + path for path, _ in pages]


def test_a_large_site_writes_indexes_and_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole build with tiny limits: every export file under the limit, the indexes at
    the old names, every page in the sitemap once."""
    limit = 2500
    monkeypatch.setattr(parts, "FILE_LIMIT", limit)
    monkeypatch.setattr(parts, "SITEMAP_URLS", 10)
    catalog = load_catalog(write_data(tmp_path))
    out = tmp_path / "site"
    build_site(catalog, out)
    exports = [*out.glob("papers*.json"), *out.glob("papers*.bib"), *out.glob("sitemap*.xml")]
    assert len(exports) > 6
    assert [p.name for p in exports if p.stat().st_size > limit] == []
    index = json.loads((out / "papers.json").read_text(encoding="utf-8"))
    papers = [
        p["id"]
        for entry in index["parts"]
        for p in json.loads((out / entry["file"]).read_text(encoding="utf-8"))["papers"]
    ]
    assert papers == sorted(PAPERS)
    assert (out / "papers-1.bib").is_file() and "papers-1.bib" in (out / "papers.bib").read_text()
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    assert sitemap.tag == f"{NS}sitemapindex"
    listed = [
        u.findtext(f"{NS}loc", "").removeprefix(BASE)
        for entry in sitemap.findall(f"{NS}sitemap")
        for u in ET.parse(out / entry.findtext(f"{NS}loc", "").removeprefix(BASE))
        .getroot()
        .findall(f"{NS}url")
    ]
    assert len(listed) == len(set(listed))
    built = {p.parent.relative_to(out).as_posix() for p in out.rglob("index.html")}
    assert {p if p != "." else "" for p in built} == {p.rstrip("/") for p in listed}


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_any_number_of_writers_writes_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writing, "PARALLEL_FROM", 0)  # fork even for a few pages
    catalog = load_catalog(write_data(tmp_path))
    build_site(catalog, tmp_path / "one", workers=1)
    build_site(catalog, tmp_path / "three", workers=3)
    one, three = _tree(tmp_path / "one"), _tree(tmp_path / "three")
    assert sorted(one) == sorted(three)
    assert [name for name in one if one[name] != three[name]] == []


def test_a_failing_writer_fails_the_build_and_keeps_the_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writing, "PARALLEL_FROM", 0)
    catalog = load_catalog(write_data(tmp_path))
    out = tmp_path / "site"
    build_site(catalog, out, workers=2)
    before = _tree(out)
    real = writing._write_range
    parent = os.getpid()

    def broken(shell: Any, pending: Any, root: Path, start: int, stop: int) -> None:
        if os.getpid() != parent:  # the forked writer (its first batch is its own)
            raise OSError("disk full")
        real(shell, pending, root, start, stop)

    monkeypatch.setattr(writing, "_write_range", broken)
    with pytest.raises(Exception, match="disk full"):
        build_site(catalog, out, workers=2)
    assert _tree(out) == before


def test_the_site_build_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    catalog = load_catalog(write_data(tmp_path))
    assert gc.isenabled()
    build_site(catalog, tmp_path / "on")
    assert gc.isenabled()  # paused while the pages are prepared, then on again
    gc.disable()
    try:
        build_site(catalog, tmp_path / "off")
        assert not gc.isenabled()
    finally:
        gc.enable()
    on, off = _tree(tmp_path / "on"), _tree(tmp_path / "off")
    assert [name for name in on if on[name] != off.get(name)] == []


def test_the_exports_are_written_with_the_collector_held_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """They make no cycles, and at 100,000 papers each full collection re-scanned what they
    keep; the collector is on again afterwards."""
    catalog = load_catalog(write_data(tmp_path))
    with collections_in(monkeypatch, (site_module, "write_exports")) as seen:
        build_site(catalog, tmp_path / "site")
    assert seen == {"write_exports": 0}
    assert gc.isenabled()
    assert (tmp_path / "site" / "papers.json").is_file()
