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
    expected = render_readme(catalog.papers, catalog.config, topics=catalog.topics.entries)
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
