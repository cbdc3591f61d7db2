"""Reading a "Suggest a paper" issue: the form's answers, the identifier, who may trigger it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from catalog.suggest import (
    FormError,
    identifier_key,
    labelled_issue,
    parse_form,
    read_suggestion,
    titles_match,
)
from tests.conftest import FIXTURES

EVENTS = FIXTURES / "issues"


def event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return data


def test_form_answers_by_label_without_no_response() -> None:
    answers = parse_form(event("arxiv.json")["issue"]["body"])
    assert answers == {
        "title": "Efficient Low Rank Adaptation of Large Models with Many Tasks",
        "paper": "https://arxiv.org/abs/2402.12354v1",
        "year": "2024",
        "venue": "arXiv",
        "code": "https://github.com/example/lora-many-tasks",
        "keywords": "Quantization, federated learning",
    }


def test_an_answer_may_hold_its_own_markdown_but_not_a_new_field() -> None:
    body = "### Title\n\nA ### B\n\n### Authors\n\nAda Lovelace\n- Alan Turing\n\n### Unknown\n\nx"
    answers = parse_form(body)
    assert answers == {"title": "A ### B", "authors": "Ada Lovelace\n- Alan Turing"}
    assert read_suggestion(body + "\n### Paper link\n\n2106.09685").authors == (
        "Ada Lovelace",
        "Alan Turing",
    )


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ("2106.09685", "arxiv:2106.09685"),
        ("arXiv:2106.09685v2", "arxiv:2106.09685"),
        ("https://arxiv.org/pdf/2106.09685v2.pdf", "arxiv:2106.09685"),
        ("<https://arxiv.org/abs/2106.09685>", "arxiv:2106.09685"),
        ("10.1145/3580305.3599572", "doi:10.1145/3580305.3599572"),
        ("https://doi.org/10.1145/3580305.3599572", "doi:10.1145/3580305.3599572"),
        ("https://openreview.net/forum?id=nZeVKeeFYf9", "openreview:nZeVKeeFYf9"),
        ("https://aclanthology.org/2023.acl-long.1/", "acl:2023.acl-long.1"),
        ("2023.acl-long.1", "acl:2023.acl-long.1"),
        ("https://github.com/microsoft/LoRA", None),
        ("https://proceedings.neurips.cc/paper/2021/hash/abc-Abstract.html", None),
        ("not an id", None),
    ],
)
def test_identifier_from_an_id_or_a_url(given: str, key: str | None) -> None:
    assert identifier_key(given) == key


def test_a_valid_suggestion() -> None:
    suggestion = read_suggestion(event("arxiv.json")["issue"]["body"])
    assert suggestion.identifier == "arxiv:2402.12354"
    assert suggestion.year == 2024
    assert suggestion.keywords == ("Quantization", "federated learning")
    assert suggestion.code == "https://github.com/example/lora-many-tasks"
    assert suggestion.authors == ()


def test_a_bad_form_names_every_problem() -> None:
    with pytest.raises(FormError) as caught:
        read_suggestion(event("bad-url.json")["issue"]["body"])
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert problems[0].startswith("Paper link: 'https//arxiv.org/abs/2402.09353' names no arXiv")
    assert problems[1] == "Year: expected a year such as 2024, got 'twenty'"
    assert problems[2] == "Code link: expected an http(s) URL, got 'github.com/x/y'"


def test_an_empty_form() -> None:
    with pytest.raises(FormError) as caught:
        read_suggestion("")
    assert caught.value.problems == [
        "Title: required, and the form has none",
        "Paper link: required, and the form has none",
    ]


@pytest.mark.parametrize(
    ("name", "number"),
    [("arxiv.json", 12), ("unlabelled.json", None), ("other-label.json", None)],
)
def test_only_the_accepted_label_being_added_starts_work(name: str, number: int | None) -> None:
    assert labelled_issue(event(name)) == number


def test_a_pull_request_labelled_accepted_is_not_a_suggestion() -> None:
    payload = event("arxiv.json")
    payload["issue"]["pull_request"] = {"url": "https://api.github.com/repos/x/y/pulls/12"}
    assert labelled_issue(payload) is None
    assert labelled_issue({"action": "labeled", "label": "accepted", "issue": 3}) is None


def test_titles_match_up_to_case_and_punctuation() -> None:
    assert titles_match("Efficient low-rank adaptation", "Efficient Low Rank Adaptation")
    assert not titles_match("Efficient LoRA", "Efficient Low Rank Adaptation")


def test_fixture_events_are_github_shaped() -> None:
    for path in sorted(Path(EVENTS).glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        assert {"action", "issue", "repository", "sender"} <= set(payload), path.name
        assert payload["issue"]["body"].startswith("### Title"), path.name
