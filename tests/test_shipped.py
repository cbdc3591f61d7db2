"""The data tests: the shipped catalog (or the one at $CATALOG_CHECK_ROOT) is clean and current.

They check properties, never content: a contributor's pull request adds papers, so no test may
pin how many there are or what they are called. The contributor test (test_contributor.py) runs
this module against a copy of the repository with a paper added.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from conftest import REPO

from catalog.render.facts_view import readme_stars
from catalog.render.readme import render_readme
from catalog.schema import SCHEMA_FILE, schema_text
from catalog.validate import load_catalog

ROOT = Path(os.environ.get("CATALOG_CHECK_ROOT") or REPO)


def test_shipped_data_validates() -> None:
    catalog = load_catalog(ROOT / "data")
    assert [d.text() for d in catalog.diagnostics] == []
    assert catalog.papers, "the shipped catalog has papers"


def test_shipped_readme_is_rendered_from_shipped_data() -> None:
    """README.md must be regenerated (`catalog build --no-site`) in the same commit as data/."""
    catalog = load_catalog(ROOT / "data")
    assert catalog.config is not None
    expected = render_readme(
        catalog.papers,
        catalog.config,
        topics=catalog.topics.entries,
        stars=readme_stars(catalog),  # GitHub's stars from data/facts.yaml, once sync has run
    )
    assert (ROOT / "README.md").read_text(encoding="utf-8") == expected, (
        "README.md is stale: run `.venv/bin/catalog build --no-site` and commit it"
    )


def test_schema_copy_is_fresh() -> None:
    committed = (ROOT / "data" / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == schema_text(), f"run: catalog schema > data/{SCHEMA_FILE}"


def test_editor_schema_accepts_shipped_records() -> None:
    """The committed schema is what editors check as you type: it must agree with validate."""
    import jsonschema

    schema = json.loads((ROOT / "data" / SCHEMA_FILE).read_text(encoding="utf-8"))
    checker = jsonschema.Draft202012Validator(schema, format_checker=None)
    for path in sorted((ROOT / "data" / "papers").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["added"] = data["added"].isoformat()  # JSON has no dates
        assert list(checker.iter_errors(data)) == [], path


def test_shipped_evidence_names_a_source_url() -> None:
    """Every fact in the lockfile says where it was read: an http(s) URL, a known source, the
    day, one entry per source; and it is about a paper the catalog has."""
    import datetime as dt

    path = ROOT / "data" / "facts.yaml"
    if not path.is_file():
        return  # a catalog without evidence yet
    facts = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    papers = {p.stem for p in (ROOT / "data" / "papers").glob("*.yaml")}
    sources = {"manual", "arxiv", "dblp", "openreview", "crossref", "semantic-scholar", "github"}
    problems = []
    for paper_id, fields in facts.items():
        if paper_id not in papers:
            problems.append(f"{paper_id}: no such paper")
        for name, entries in fields.items():
            seen = [e.get("source") for e in entries]
            if len(seen) != len(set(seen)):
                problems.append(f"{paper_id}.{name}: two entries from one source")
            for entry in entries:
                url = entry.get("url")
                if not (isinstance(url, str) and url.startswith(("https://", "http://"))):
                    problems.append(f"{paper_id}.{name}: no source URL")
                for more in entry.get("also", []):  # corroborating pages: URLs too
                    if not (isinstance(more, str) and more.startswith(("https://", "http://"))):
                        problems.append(f"{paper_id}.{name}: also {more!r} is not a URL")
                if entry.get("source") not in sources:
                    problems.append(f"{paper_id}.{name}: unknown source {entry.get('source')!r}")
                if not isinstance(entry.get("fetched"), dt.date):
                    problems.append(f"{paper_id}.{name}: no fetched date")
    assert problems == []
