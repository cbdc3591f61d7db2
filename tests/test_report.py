"""`catalog report`: a fixture catalog with one of each finding, in text, JSON and Markdown."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from catalog.cli import main
from catalog.health import check_health, keyword_stem
from catalog.validate import load_catalog
from tests.conftest import CatalogDir

TODAY = dt.date.today()
KEYWORDS = """\
High-Rank Updates: {}
High-Rank Updating: {}
Shared: {}
Quantization: {}
Federated Learning: {}
Pioneering Paper: {}
"""
TOPICS = """\
efficiency:
  name: Efficiency
  description: Training and serving cost.
federated:
  name: Federated
  description: Clients that share adapters, not data.
"""


@pytest.fixture
def sick(catalog_dir: CatalogDir) -> CatalogDir:
    """One paper per finding, plus a healthy one."""
    (catalog_dir.path / "keywords.yaml").write_text(KEYWORDS, encoding="utf-8")
    (catalog_dir.path / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    healthy = {
        "authors": ["Ada Example"],
        "topics": ["efficiency"],
        "venue": "ICLR",
        "links": {"paper": "https://arxiv.org/abs/2106.09685", "code": "https://github.com/a/b"},
        "keywords": ["Quantization", "Federated Learning"],
    }
    catalog_dir.add("healthy", **healthy)
    twin = {
        **healthy,
        "title": "LoRA: Low-Rank Adaptation of Large Language Model",
        "links": {"paper": "https://arxiv.org/abs/2301.00002", "code": "https://github.com/c/d"},
        "keywords": ["Quantization", "Federated Learning", "High-Rank Updates"],
    }
    catalog_dir.add("twin", **twin)
    catalog_dir.add(
        "bare",
        title="A Paper With Nothing Around It",
        year=TODAY.year - 2,
        venue="arXiv",
        links={"paper": "https://arxiv.org/abs/2301.00001"},
        keywords=["High-Rank Updating", "Shared"],
        topics=["federated"],
    )
    return catalog_dir


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_every_kind_of_finding(sick: CatalogDir, tmp_path: Path) -> None:
    links = tmp_path / "links.json"
    broken = {
        "url": "https://github.com/a/b",
        "status": "broken",
        "http_status": 404,
        "message": "HTTP 404",
        "records": ["healthy"],
        "sources": [],
    }
    links.write_text(json.dumps({"results": [broken], "summary": {}}), encoding="utf-8")
    result = run("report", "--data", sick.path, "--links", links, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    kinds = {(f["kind"], f["subject"]) for f in doc["findings"]}
    assert ("keyword-near-duplicate", "High-Rank Updates / High-Rank Updating") in kinds
    assert ("keyword-used-once", "Shared") in kinds
    assert ("no-authors", "bare") in kinds and ("no-code", "bare") in kinds
    assert ("unchecked-preprint", "bare") in kinds
    assert ("broken-link", "https://github.com/a/b") in kinds
    assert ("duplicate-suspect", "healthy / twin") in kinds
    assert ("no-authors", "healthy") not in kinds
    assert doc["figures"]["papers"] == 3 and doc["figures"]["with_topics"] == 3
    assert doc["counts"]["broken-link"] == 1


def test_a_paper_without_topics_in_a_catalog_that_has_none_is_fine(
    catalog_dir: CatalogDir,
) -> None:
    catalog_dir.add("lora", authors=["A B"], links={"paper": "https://arxiv.org/abs/2106.09685"})
    health = check_health(load_catalog(catalog_dir.path))
    assert "no-topics" not in {f.kind for f in health.findings}


def test_a_recent_venue_check_settles_a_preprint(sick: CatalogDir) -> None:
    fetched = TODAY.isoformat()
    (sick.path / "facts.yaml").write_text(
        "bare:\n  venue:\n    - source: manual\n      url: https://arxiv.org/abs/2301.00001\n"
        f"      fetched: {fetched}\n      value: {{venue: arXiv, year: {TODAY.year - 2}}}\n",
        encoding="utf-8",
    )
    result = run("report", "--data", sick.path, "--format", "json")
    assert result.exit_code == 0, result.output
    kinds = {f["kind"] for f in json.loads(result.stdout)["findings"]}
    assert "unchecked-preprint" not in kinds


def test_text_and_markdown(sick: CatalogDir) -> None:
    text = run("report", "--data", sick.path)
    assert text.exit_code == 0
    assert "keyword-used-once: only bare uses 'Shared'" in text.stdout
    assert text.stdout.rstrip().splitlines()[-1].startswith("3 papers: 2 with authors")
    markdown = run("report", "--data", sick.path, "--format", "markdown")
    assert markdown.stdout.startswith("## Catalog health\n")
    assert "### Papers without authors (1)" in markdown.stdout
    assert "- `bare`: no authors" in markdown.stdout


def test_bad_data_and_a_bad_link_report(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    catalog_dir.add("broken", "title: [unclosed\n")
    result = run("report", "--data", catalog_dir.path)
    assert result.exit_code == 1
    assert "run `catalog validate` first" in result.output
    (catalog_dir.papers / "broken.yaml").unlink()
    bad = tmp_path / "links.json"
    bad.write_text("{", encoding="utf-8")
    result = run("report", "--data", catalog_dir.path, "--links", bad)
    assert result.exit_code == 2
    assert "not a check-links JSON report" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("High-Rank Updates", "High-Rank Updating", True),
        ("Shared", "Shared-LoRA", True),
        ("Low-Rank Adaptation", "Low-Rank Adaptations", True),
        ("Quantization", "Quantized Training", False),
        ("ROSA", "RoSA", True),  # keywords (not papers): one spelling is enough
    ],
)
def test_keyword_stems(a: str, b: str, same: bool) -> None:
    assert (keyword_stem(a) == keyword_stem(b)) is same


def test_a_paper_without_topics_where_the_catalog_declares_them(sick: CatalogDir) -> None:
    """A record may leave out `topics` (validate allows it); the report names it, at its file."""
    path = sick.add(
        "untopical",
        title="A Paper Nobody Filed",
        authors=["Ada Example"],
        links={"paper": "https://arxiv.org/abs/2301.00009"},
    )
    result = run("report", "--data", sick.path, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    found = [f for f in doc["findings"] if f["kind"] == "no-topics"]
    assert [(f["subject"], f["file"], f["line"]) for f in found] == [("untopical", str(path), 1)]
    assert doc["figures"]["with_topics"] == 3 and doc["figures"]["papers"] == 4
    markdown = run("report", "--data", sick.path, "--format", "markdown")
    assert "### Papers without a topic (1)" in markdown.stdout
