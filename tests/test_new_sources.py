"""`catalog new` from a DOI, an OpenReview id and an ACL Anthology id, against the local fakes.

The fakes (tests/fakes/apis.py) answer in each API's real shapes: Crossref's `works/{doi}`
message (and its plain-text 404), OpenReview v2 notes with `{"value": ...}` fields, the ACL
Anthology's BibTeX for one paper (and its HTML 404 page).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from catalog.cli import main
from tests.conftest import FIXTURES, CatalogDir
from tests.fakes.apis import Fakes, World, serve_fakes

DOI = "10.1234/example.2024.5678"
ACL_ID = "2023.emnlp-main.319"
VENUES = """\
NN:
  full_name: Neural Networks
  kind: journal
EMNLP:
  full_name: Conference on Empirical Methods in Natural Language Processing
  kind: conference
"""
BIBTEX = """@inproceedings{hu-etal-2023-example,
    title = "{LLM}-Adapters for a Fixture: An Adapter Family",
    author = "Hu, Zhiqiang  and
      Wang, Lei and
      Lan, Yihuai",
    editor = "Bouamor, Houda",
    booktitle = "Proceedings of the 2023 Conference on Empirical Methods in Natural Language Processing",
    month = dec,
    year = "2023",
    address = "Singapore",
    publisher = "Association for Computational Linguistics",
    url = "https://aclanthology.org/2023.emnlp-main.319/",
    pages = "5254--5276",
}
"""


def world() -> World:
    w = World()
    w.crossref[DOI] = {
        "DOI": DOI,
        "type": "journal-article",
        "title": ["An Example Journal Paper on Low-Rank Adapters"],
        "container-title": ["Neural Networks"],
        "author": [
            {"given": "Ada", "family": "Example", "sequence": "first", "affiliation": []},
            {"given": "Bo", "family": "Fixture", "sequence": "additional", "affiliation": []},
        ],
        "published": {"date-parts": [[2024, 3, 5]]},
        "issued": {"date-parts": [[2024, 3]]},
        "URL": f"https://doi.org/{DOI}",
    }
    w.openreview["AbCdEf12345"] = {
        "id": "AbCdEf12345",
        "forum": "AbCdEf12345",
        "content": {
            "title": {"value": "Accepted Adapters: A Fixture"},
            "authors": {"value": ["Ada Example", "Cy Sample"]},
            "venue": {"value": "ICLR 2024 poster"},
            "venueid": {"value": "ICLR.cc/2024/Conference"},
        },
    }
    w.openreview["ReJeCt98765"] = {
        "id": "ReJeCt98765",
        "forum": "ReJeCt98765",
        "content": {
            "title": {"value": "Rejected Adapters: A Fixture"},
            "authors": {"value": ["Dee Sample"]},
            "venue": {"value": "Submitted to ICLR 2024"},
            "venueid": {"value": "ICLR.cc/2024/Conference/Rejected_Submission"},
        },
    }
    w.acl[ACL_ID] = BIBTEX
    return w


@pytest.fixture
def fakes(catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fakes]:
    venues = catalog_dir.path / "venues.yaml"
    venues.write_text(venues.read_text(encoding="utf-8") + VENUES, encoding="utf-8")
    with serve_fakes(world(), scale=0.01) as running:
        for name, value in running.env.items():
            monkeypatch.setenv(name, value)
        yield running


def new(catalog_dir: CatalogDir, *args: str) -> Result:
    return CliRunner().invoke(main, ["new", "--data", str(catalog_dir.path), *args])


def written(catalog_dir: CatalogDir) -> dict[str, object]:
    (path,) = catalog_dir.papers.iterdir()
    data: dict[str, object] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("given", [["--doi", DOI], [f"https://doi.org/{DOI}"], [DOI]])
def test_a_journal_paper_from_its_doi(
    catalog_dir: CatalogDir, fakes: Fakes, given: list[str]
) -> None:
    result = new(catalog_dir, *given)
    assert result.exit_code == 0, result.output
    record = written(catalog_dir)
    assert record["title"] == "An Example Journal Paper on Low-Rank Adapters"
    assert record["authors"] == ["Ada Example", "Bo Fixture"]
    assert (record["venue"], record["year"]) == ("NN", 2024)
    assert record["links"] == {"paper": f"https://doi.org/{DOI}"}
    assert fakes.too_many == 0


def test_an_accepted_openreview_paper(catalog_dir: CatalogDir, fakes: Fakes) -> None:
    result = new(catalog_dir, "https://openreview.net/forum?id=AbCdEf12345")
    assert result.exit_code == 0, result.output
    record = written(catalog_dir)
    assert (record["venue"], record["year"]) == ("ICLR", 2024)
    assert record["authors"] == ["Ada Example", "Cy Sample"]
    assert record["links"] == {"paper": "https://openreview.net/forum?id=AbCdEf12345"}


def test_a_rejected_openreview_submission_is_never_shown_as_accepted(
    catalog_dir: CatalogDir, fakes: Fakes
) -> None:
    result = new(catalog_dir, "--openreview", "ReJeCt98765")
    assert result.exit_code == 0, result.output
    assert written(catalog_dir)["venue"] == "arXiv"


def test_an_acl_anthology_paper(catalog_dir: CatalogDir, fakes: Fakes) -> None:
    result = new(catalog_dir, f"https://aclanthology.org/{ACL_ID}/")
    assert result.exit_code == 0, result.output
    record = written(catalog_dir)
    assert record["title"] == "LLM-Adapters for a Fixture: An Adapter Family"
    assert record["authors"] == ["Zhiqiang Hu", "Lei Wang", "Yihuai Lan"]
    assert (record["venue"], record["year"]) == ("EMNLP", 2023)
    assert record["links"] == {"paper": f"https://aclanthology.org/{ACL_ID}/"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--doi", "10.1234/nobody"], "the Crossref API has no such entry (HTTP 404)"),
        (["--acl", "2023.acl-long.999"], "the ACL Anthology has no such entry (HTTP 404)"),
        (["--openreview", "NoSuchNote1"], "OpenReview has no note with id 'NoSuchNote1'"),
        (["--doi", "not-a-doi"], "'not-a-doi' is not a DOI"),
        (["https://github.com/microsoft/LoRA"], "is not a paper identifier"),
    ],
)
def test_unknown_papers_are_a_clear_error(
    catalog_dir: CatalogDir, fakes: Fakes, args: list[str], message: str
) -> None:
    result = new(catalog_dir, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(catalog_dir.papers.iterdir()) == []


def test_a_venue_the_registry_lacks_is_refused(catalog_dir: CatalogDir, fakes: Fakes) -> None:
    (catalog_dir.path / "venues.yaml").write_text(
        "arXiv:\n  full_name: arXiv preprint\n  kind: preprint\n", encoding="utf-8"
    )
    result = new(catalog_dir, "--doi", DOI)
    assert result.exit_code == 1
    assert "crossref says the venue is 'Neural Networks', which is not in venues.yaml" in (
        result.output
    )
    assert new(catalog_dir, "--doi", DOI, "--venue", "arXiv").exit_code == 0


def test_one_identifier_at_a_time(catalog_dir: CatalogDir, fakes: Fakes) -> None:
    result = new(catalog_dir, DOI, "--arxiv", "2106.09685")
    assert result.exit_code == 2
    assert "give one identifier" in result.output


def test_a_doi_suggestion_issue_becomes_a_pull_request(
    catalog_dir: CatalogDir, fakes: Fakes
) -> None:
    event = FIXTURES / "issues" / "doi.json"
    result = new(catalog_dir, "--from-issue", str(event), "--format", "json")
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert decision["action"] == "pull-request"
    record = yaml.safe_load(Path(decision["pull_request"]["record"]).read_text(encoding="utf-8"))
    assert record["venue"] == "NN" and record["authors"] == ["Ada Example", "Bo Fixture"]
