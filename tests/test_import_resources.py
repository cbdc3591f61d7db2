"""Headings that sound like resources ("Datasets", "Benchmarks") but list papers, and workshops
that a list files under its "Conference" column or badge (fixture: lists/datasets.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES

from catalog.cli import main
from catalog.importing.cells import split_venue_year
from catalog.importing.formats import parse_document
from catalog.importing.links import badge_venue
from catalog.importing.venues import venue_kind

LISTS = FIXTURES / "lists"


def imported(root: Path, name: str) -> tuple[Path, Any]:
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(root), "-q"]).exit_code == 0
    data = root / "data"
    args = ["import", str(LISTS / name), "--data", str(data), "--added", "2024-07-12"]
    return data, runner.invoke(main, args)


def records(data: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((data / "papers").glob("*.yaml"))}


def test_dataset_and_benchmark_papers_are_records_in_their_section(tmp_path: Path) -> None:
    data, result = imported(tmp_path / "eval", "datasets.md")
    assert result.exit_code == 0, result.output
    papers = records(data)
    assert papers["adaptbench-1k"]["sections"] == ["datasets"]
    assert papers["adaptbench-1k"]["links"]["code"] == "https://github.com/example/adaptbench"
    assert papers["lowrankqa"]["venue"] == "ACL"
    assert papers["tinytune-eval"]["sections"] == ["benchmarks"]
    assert papers["tinytune-eval"]["venue"] == "EMNLP"
    assert papers["rank-arena"]["links"]["paper"] == "https://arxiv.org/abs/2406.03002"
    config = yaml.safe_load((data / "catalog.yaml").read_text())
    texts = {s["id"]: s.get("text") for s in config["sections"]}
    assert texts["datasets"] is None and texts["benchmarks"] is None  # not copied as text too
    # a genuine list of data downloads stays the section's text, and makes no record
    assert "huggingface.co/datasets/example/adapters" in texts["other-datasets"]
    assert "example.org/harness-data" in texts["other-datasets"]
    assert not any("other-datasets" in p["sections"] for p in papers.values())
    assert not {"adapter-hub-datasets", "evaluation-harness-data"} & set(papers)


def test_a_resources_heading_needs_most_items_to_be_papers() -> None:
    text = (
        "# List\n\n## Datasets\n\n"
        "- [Hub Data](https://huggingface.co/datasets/example/a) - data\n"
        "- [More Hub Data](https://huggingface.co/datasets/example/b) - more data\n"
        "- [One Data Paper](https://arxiv.org/abs/2402.09001) - NeurIPS 2023\n"
        "\n## Tools\n\n- [AdapterKit](https://github.com/example/kit) - a library\n"
    )
    doc = parse_document(text, "list.md")
    assert doc.entries == []  # one paper among three links is a resources list
    assert "One Data Paper" in (doc.headings[0].text or "")
    papers = text.replace("https://huggingface.co/datasets/example/b", "https://doi.org/10.1234/b")
    assert [e.cells["title"] for e in parse_document(papers, "list.md").entries] == [
        "Hub Data",
        "More Hub Data",
        "One Data Paper",
    ]  # two of three link papers: a section of papers (the third is named when skipped)


def test_workshops_are_workshops_whatever_column_or_badge_they_came_from(
    tmp_path: Path,
) -> None:
    data, result = imported(tmp_path / "eval", "datasets.md")
    assert result.exit_code == 0, result.output
    papers = records(data)
    venues = yaml.safe_load((data / "venues.yaml").read_text())
    expected = {
        "slim-adapters-dense-prediction": "CVPRW",
        "rank-budgets-practice": "ICLR Workshop on Practical ML",
        "adapters-edge": "NeurIPS Workshop",
        "adapters-tiny-robots": "ICML Workshop on Adapters",  # `ICML 2024 (Workshop on ...)`
        "badged-workshop-adapter": "ECCV Workshop",  # a `Workshop-ECCV 2024` badge
    }
    for paper_id, venue in expected.items():
        assert papers[paper_id]["venue"] == venue, paper_id
        assert venues[venue]["kind"] == "workshop", venue
    assert papers["plain-conference-adapter"]["venue"] == "ICML"
    assert venues["ICML"]["kind"] == "conference"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("ICLR 2024 (Workshop)", ("ICLR Workshop", 2024, None)),
        ("ICML 2024 (Workshop on Adapters)", ("ICML Workshop on Adapters", 2024, None)),
        ("CVPR 2024 Workshop (Oral)", ("CVPR Workshop", 2024, "Oral")),
        ("CVPR (Workshop)", ("CVPR Workshop", None, None)),
        ("CVPR 2024 (Oral)", ("CVPR", 2024, "Oral")),
    ],
)
def test_a_workshop_in_parentheses_is_part_of_the_venue(
    cell: str, expected: tuple[Any, ...]
) -> None:
    assert split_venue_year(cell) == expected


def test_workshop_badges_and_names() -> None:
    badge = "![w](https://img.shields.io/badge/Workshop-ICLR%202024-blue)"
    assert badge_venue(badge) == "ICLR 2024 Workshop"
    assert badge_venue(badge.replace("Workshop-", "Conference-")) == "ICLR 2024"
    named = "![c](https://img.shields.io/badge/Conference-CVPRW%202024-blue)"
    assert badge_venue(named) == "CVPRW 2024"
    for name in ("CVPRW", "ICLR Workshop on Practical ML", "Workshop on Efficient NLP @ NeurIPS"):
        assert venue_kind(name) == "workshop", name
    assert venue_kind("ICML") == "conference"
