"""`catalog import` into existing data: papers already there (by identity) are reported, not added."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO

from catalog.cli import main
from catalog.dedupe import IdentityIndex, find_groups
from catalog.validate import load_catalog

SEED = FIXTURES / "seed-awesome-lora-README.md"

# A second list: three seed papers under other URL forms or spellings, and three new papers,
# two of them look-alikes of seed papers (RoSA next to ROSA, LaMDA the dialog model).
SECOND_LIST = """\
# Awesome-Adapters

## Papers
| Year | Title | Venue | Paper | Code |
| ---- | ----- | ----- | ----- | ---- |
| 2022 | LoRA: Low-Rank Adaptation of Large Language Models | ICLR | [Link](https://arxiv.org/pdf/2106.09685v2.pdf) | - |
| 2024 | flora: low-rank adapters are secretly gradient compressors | ICML | [Link](http://export.arxiv.org/abs/2402.03293v1) | - |
| 2024 | AutoLoRa - An Automated Robust Fine-Tuning Framework | ICLR | [Link](https://openreview.net/forum?id=09xFexjhqE) | - |
| 2024 | RoSA: Accurate Parameter-Efficient Fine-Tuning via Robust Adaptation | ICML | [Link](https://arxiv.org/abs/2401.04679) | - |
| 2022 | LaMDA: Language Models for Dialog Applications | arXiv | [Link](https://arxiv.org/abs/2201.08239) | - |
| 2024 | A Paper Nobody Listed Before | arXiv | [Link](https://example.org/new.pdf) | - |
"""


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """The shipped config and venues with the seed imported into them."""
    data = tmp_path / "data"
    (data / "papers").mkdir(parents=True)
    shutil.copy(REPO / "data" / "catalog.yaml", data)
    shutil.copy(REPO / "data" / "venues.yaml", data)
    (data / "keywords.yaml").write_text("{}\n")
    code, out = import_(SEED, data)
    assert code == 0, out
    assert len(list((data / "papers").glob("*.yaml"))) == 89
    return data


def import_(markdown: Path, data: Path) -> tuple[int, str]:
    args = ["import", str(markdown), "--data", str(data), "--added", "2024-08-01"]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_second_list_adds_only_its_new_papers_and_reports_the_overlaps(
    seeded: Path, tmp_path: Path
) -> None:
    second = tmp_path / "second.md"
    second.write_text(SECOND_LIST)
    before = {p.name: p.read_bytes() for p in (seeded / "papers").iterdir()}
    code, out = import_(second, seeded)
    assert code == 0, out

    after = {p.name: p.read_bytes() for p in (seeded / "papers").iterdir()}
    assert {k: v for k, v in after.items() if k in before} == before
    added = load_catalog(seeded)
    new = sorted(p.title for p in added.papers if p.id + ".yaml" not in before)
    assert new == [
        "A Paper Nobody Listed Before",
        "LaMDA: Language Models for Dialog Applications",
        "RoSA: Accurate Parameter-Efficient Fine-Tuning via Robust Adaptation",
    ]
    assert len(added.papers) == 92
    assert [d for d in added.diagnostics if d.severity == "error"] == []
    assert find_groups(added.papers) == []

    overlaps = [line for line in out.splitlines() if "import-overlap" in line]
    assert [line.split(":")[1] for line in overlaps] == ["6", "7", "8"]
    assert "lora.yaml (arxiv:2106.09685); not imported" in overlaps[0]
    assert "flora.yaml (arxiv:2402.03293)" in overlaps[1]
    assert "autolora.yaml (openreview:09xFexjhqE)" in overlaps[2]
    assert "3 records written" in out and "3 already there" in out


def test_importing_the_same_list_again_adds_nothing(seeded: Path) -> None:
    code, out = import_(SEED, seeded)
    assert code == 0, out
    assert len(list((seeded / "papers").glob("*.yaml"))) == 89
    assert "0 records written" in out and "89 already there" in out


def test_index_matches_by_id_then_by_title_without_clashing_ids() -> None:
    papers = load_catalog(REPO / "data").papers
    index = IdentityIndex(papers)
    assert index.match({"paper": "https://arxiv.org/abs/2407.07802v3"}, "x", 2000) == (
        "rosa",
        "arxiv:2407.07802",
    )
    rosa = next(p for p in papers if p.id == "rosa")
    title_only = index.match({"paper": "https://example.org/rosa.pdf"}, rosa.title.upper(), 2025)
    assert title_only is not None and title_only[0] == "rosa"
    assert index.match({"paper": "https://arxiv.org/abs/2401.00001"}, rosa.title, 2024) is None
    assert index.match({"paper": "https://example.org/rosa.pdf"}, rosa.title, 2026) is None
