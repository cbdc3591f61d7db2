"""`catalog new --from-issue EVENT.json`: a suggestion issue decided against local fake sources.

Each case is a recorded `issues` event payload (tests/fixtures/issues/). The decision is one
JSON document the suggestion workflow acts on: a pull request, a comment, or nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from catalog.cli import main
from tests.conftest import FIXTURES, CatalogDir
from tests.test_new import arxiv, files  # noqa: F401  (arxiv: the fake arXiv, used below)
from tests.test_topics import TOPICS

EVENTS = FIXTURES / "issues"
pytestmark = pytest.mark.usefixtures("arxiv")  # its requests are in httpserver.log


def decide(catalog_dir: CatalogDir, event: str | Path) -> tuple[Result, dict[str, Any]]:
    path = event if isinstance(event, Path) else EVENTS / event
    result = CliRunner().invoke(
        main,
        ["new", "--from-issue", str(path), "--data", str(catalog_dir.path), "--format", "json"],
    )
    return result, json.loads(result.stdout)


def test_a_valid_arxiv_suggestion_becomes_a_record(
    catalog_dir: CatalogDir, httpserver: HTTPServer
) -> None:
    result, decision = decide(catalog_dir, "arxiv.json")
    assert result.exit_code == 0, result.output
    assert decision["action"] == "pull-request"
    assert decision["issue"] == 12
    pull = decision["pull_request"]
    assert pull["branch"] == "suggest/issue-12"
    assert (
        pull["title"] == "Add paper: Efficient Low Rank Adaptation of Large Models with Many Tasks"
    )
    assert "Closes #12" in pull["body"]
    assert "close and reopen this one to run them" in pull["body"]
    record = yaml.safe_load(Path(pull["record"]).read_text(encoding="utf-8"))
    assert record["authors"] == ["Soufiane Hayou", "Nikhil Ghosh"]  # from arXiv
    assert record["links"] == {
        "paper": "https://arxiv.org/abs/2402.12354",
        "code": "https://github.com/example/lora-many-tasks",
    }
    assert record["keywords"] == ["Quantization", "Federated Learning"]  # alias made canonical
    assert record["year"] == 2024
    assert httpserver.log[0][0].args["id_list"] == "2402.12354"
    validated = CliRunner().invoke(main, ["validate", "--data", str(catalog_dir.path)])
    assert validated.exit_code == 0, validated.output


def test_an_already_listed_paper_gets_a_link_to_its_page(
    catalog_dir: CatalogDir, httpserver: HTTPServer
) -> None:
    catalog_dir.add("lora")
    before = files(catalog_dir)
    result, decision = decide(catalog_dir, "duplicate.json")
    assert result.exit_code == 1
    assert decision["action"] == "comment"
    assert "https://example.github.io/awesome-test/papers/lora/" in decision["comment"]
    assert files(catalog_dir) == before
    assert httpserver.log == []  # a repeat costs no request


def test_a_title_mismatch_is_a_comment(catalog_dir: CatalogDir, httpserver: HTTPServer) -> None:
    result, decision = decide(catalog_dir, "mismatch.json")
    assert result.exit_code == 1
    assert decision["action"] == "comment"
    assert "'A Completely Different Title'" in decision["comment"]
    assert "'Efficient Low Rank Adaptation of Large Models with Many Tasks'" in decision["comment"]
    assert files(catalog_dir) == {}


def test_a_form_with_errors_gets_its_diagnostics(
    catalog_dir: CatalogDir, httpserver: HTTPServer
) -> None:
    result, decision = decide(catalog_dir, "bad-url.json")
    assert result.exit_code == 1
    assert decision["action"] == "comment"
    assert len(decision["problems"]) == 3
    assert "- Year: expected a year such as 2024, got 'twenty'" in decision["comment"]
    assert httpserver.log == [] and files(catalog_dir) == {}


@pytest.mark.parametrize("event", ["unlabelled.json", "other-label.json"])
def test_an_unlabelled_issue_does_nothing(
    catalog_dir: CatalogDir, httpserver: HTTPServer, event: str
) -> None:
    result, decision = decide(catalog_dir, event)
    assert result.exit_code == 0
    assert decision["action"] == "ignore"
    assert httpserver.log == [] and files(catalog_dir) == {}


def test_unknown_names_in_the_form_are_a_comment(
    catalog_dir: CatalogDir, httpserver: HTTPServer, tmp_path: Path
) -> None:
    event = json.loads((EVENTS / "arxiv.json").read_text(encoding="utf-8"))
    event["issue"]["body"] = event["issue"]["body"].replace("Quantization,", "Quantisaton,")
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    result, decision = decide(catalog_dir, path)
    assert result.exit_code == 1
    assert decision["action"] == "comment"
    assert "unknown keyword 'Quantisaton' (did you mean 'Quantization'?)" in decision["comment"]
    assert files(catalog_dir) == {}


@pytest.mark.parametrize(
    "content", [b"{not json", b"[1, 2]", b"\xff\xfe", b'{"a": ' * 100_000 + b"1"]
)
def test_a_broken_event_file_is_a_usage_error(
    catalog_dir: CatalogDir, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "event.json"
    path.write_bytes(content)
    result = CliRunner().invoke(
        main, ["new", "--from-issue", str(path), "--data", str(catalog_dir.path)]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(path) in result.output


def _with_topics(event: str, topics: str, tmp_path: Path) -> Path:
    """The recorded event with the form's Topics field answered (GitHub renders it before
    README sections, as the form orders them)."""
    data = json.loads((EVENTS / event).read_text(encoding="utf-8"))
    body = data["issue"]["body"]
    assert "### Topics" not in body
    answer = f"### Topics\r\n\r\n{topics}\r\n\r\n### README sections"
    data["issue"]["body"] = body.replace("### README sections", answer)
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_forms_topics_reach_the_record(
    catalog_dir: CatalogDir, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A catalog that declares topics gets the suggester's topics, canonical."""
    (catalog_dir.path / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    result, decision = decide(
        catalog_dir, _with_topics("arxiv.json", "Federated, quantization", tmp_path)
    )
    assert result.exit_code == 0, result.output
    record = yaml.safe_load(Path(decision["pull_request"]["record"]).read_text(encoding="utf-8"))
    assert record["topics"] == ["federated", "quantization"]


def test_an_unknown_topic_in_the_form_is_a_comment(
    catalog_dir: CatalogDir, httpserver: HTTPServer, tmp_path: Path
) -> None:
    (catalog_dir.path / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    result, decision = decide(catalog_dir, _with_topics("arxiv.json", "quantisation", tmp_path))
    assert result.exit_code == 1
    assert decision["action"] == "comment"
    assert "unknown topic 'quantisation' (did you mean 'quantization'?)" in decision["comment"]
    assert files(catalog_dir) == {}


def test_an_issue_that_is_not_the_suggestion_form_is_left_alone(
    catalog_dir: CatalogDir, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A maintainer labels a bug report `accepted`: no comment about a missing title."""
    event = json.loads((EVENTS / "arxiv.json").read_text(encoding="utf-8"))
    event["issue"]["body"] = "### What happened\r\n\r\nThe site's search is slow.\r\n"
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    result, decision = decide(catalog_dir, path)
    assert result.exit_code == 0, result.output
    assert (decision["action"], decision["issue"]) == ("ignore", 12)
    assert "not a 'Suggest a paper' form" in decision["reason"]
    assert httpserver.log == [] and files(catalog_dir) == {}


def test_a_suggestion_into_data_with_errors_is_a_comment_and_writes_nothing(
    catalog_dir: CatalogDir, httpserver: HTTPServer
) -> None:
    catalog_dir.add("lora")
    (catalog_dir.papers / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    before = files(catalog_dir)
    result, decision = decide(catalog_dir, "arxiv.json")
    assert result.exit_code == 1, result.output
    assert decision["action"] == "comment"
    assert decision["reason"] == "the data has 1 error(s); nothing written"
    assert "a maintainer will fix them" in decision["comment"]
    assert any("broken.yaml:" in p and "yaml-syntax" in p for p in decision["problems"])
    assert any("error[data-errors]" in p for p in decision["problems"])
    assert files(catalog_dir) == before
    assert httpserver.log == []  # the source is not asked for a paper that cannot be added
