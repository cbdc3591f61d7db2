"""`catalog import` of tables into existing data: rows that cannot be read are named at their
line, never dropped; registries grow by what the list names; nothing is overwritten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import CatalogDir

from catalog.cli import main
from catalog.importing.formats import parse_document, split_cells
from catalog.importing.rows import split_keywords
from catalog.validate import load_catalog

DAY = dt.date(2024, 7, 12)


@pytest.fixture
def empty_data(catalog_dir: CatalogDir) -> Path:
    """The test config and venues, no keywords and no papers yet."""
    (catalog_dir.path / "keywords.yaml").write_text("{}\n")
    return catalog_dir.path


def import_(markdown: Path, data: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["import", str(markdown), "--data", str(data), "--added", "2024-07-12", *extra]
    )
    return result.exit_code, result.output


def test_unreadable_rows_are_reported_with_their_line(empty_data: Path, tmp_path: Path) -> None:
    markdown = tmp_path / "list.md"
    markdown.write_text(
        "# My list\n"
        "\n"
        "## Papers\n"
        "\n"
        "| **Keywords** | Title | Year | Paper | Venue |\n"
        "| --- | --- | :-: | --- | --- |\n"
        "| Quantization； Robust Fine-Tuning | **Good: A Paper** | 2024 | [Link](https://arxiv.org/abs/2401.00001) | ICML |\n"
        "| x | **No Year** | soon | [Link](https://arxiv.org/abs/2401.00002) | ICML |\n"
        "| x | | 2024 | [Link](https://arxiv.org/abs/2401.00003) | ICML |\n"
        "| x | **No Link** | 2024 | - | ICML |\n"
        "| x | **Bad Link** | 2024 | [Link](javascript:alert(1)) | ICML |\n"
        "| x | **No Venue** | 2024 | [Link](https://openreview.net/forum?id=abc) | - |\n"
        "| x | **Preprint: B** | 2024 | [Link](https://arxiv.org/abs/2401.00009) | - |\n"
    )
    code, out = import_(markdown, empty_data)
    assert code == 1
    for line in (8, 9, 10, 11, 12):
        assert f"list.md:{line}:1: error[bad-row]" in out, out
    assert "list.md:8:1: error[bad-row] 'No Year': year 'soon' is not a year" in out
    assert "5 rows skipped (lines 8, 9, 10, 11, 12)" in out
    written = sorted((empty_data / "papers").glob("*.yaml"))
    assert [p.name for p in written] == ["good.yaml", "preprint.yaml"]
    assert yaml.safe_load(written[1].read_text())["venue"] == "arXiv"
    good = yaml.safe_load(written[0].read_text())
    assert good["keywords"] == ["Quantization", "Robust Fine-Tuning"]
    assert good["venue"] == "ICML"
    assert load_catalog(empty_data).diagnostics == []


def test_rows_that_would_not_validate_are_reported_not_written(
    empty_data: Path, tmp_path: Path
) -> None:
    markdown = tmp_path / "list.md"
    markdown.write_text(
        "## Papers\n"
        "| Year | Title | Venue | Paper | Keywords |\n"
        "|---|---|---|---|---|\n"
        "| 1800 | **Ancient** | ICML | [Link](https://arxiv.org/abs/2401.00001) | x |\n"
        "| 2024 | **Good** | ICML | [Link](https://arxiv.org/abs/2401.00002) | x |\n"
    )
    code, out = import_(markdown, empty_data)
    assert code == 1
    assert "list.md:4:1: error[bad-row] 'Ancient': year: year 1800 is outside" in out, out
    assert [p.name for p in (empty_data / "papers").glob("*.yaml")] == ["good.yaml"]
    assert load_catalog(empty_data).diagnostics == []


def test_cells_beyond_the_header_are_reported(empty_data: Path, tmp_path: Path) -> None:
    markdown = tmp_path / "list.md"
    markdown.write_text(
        "## Papers\n"
        "| Year | Title | Venue | Paper | Keywords |\n"
        "|---|---|---|---|---|\n"
        "| 2024 | **A** | ICML | [Link](https://arxiv.org/abs/2401.00001) | SVD | Quantization |\n"
        "| 2024 | **B** | ICML | [Link](https://arxiv.org/abs/2401.00002) | SVD | |\n"
    )
    code, out = import_(markdown, empty_data)
    assert code == 0, out
    assert "list.md:4:1: warning[long-row]" in out and "'Quantization' is not imported" in out
    assert "list.md:5:1" not in out


def test_a_markdown_comment_after_a_row_is_not_a_cell(empty_data: Path, tmp_path: Path) -> None:
    markdown = tmp_path / "list.md"
    markdown.write_text(
        "## Papers\n"
        "| Title | Venue | Paper |\n"
        "|---|---|---|\n"
        "| **A** | ICML 2024 | [Link](https://arxiv.org/abs/2401.00001) |[//]: #06/05\n"
        "| **B** | ICML 2024 | [Link](https://arxiv.org/abs/2401.00002) | <!-- added in May -->\n"
        "| **C** | ICML 2024 | [Link](https://arxiv.org/abs/2401.00003) | [//]: # (x) | extra |\n"
    )
    code, out = import_(markdown, empty_data)
    assert code == 0, out
    assert len(list((empty_data / "papers").glob("*.yaml"))) == 3
    assert "list.md:4:1" not in out and "list.md:5:1" not in out
    assert "list.md:6:1: warning[long-row]" in out and "'extra' is not imported" in out


def test_keyword_spellings_merge_into_the_registry(empty_data: Path, tmp_path: Path) -> None:
    (empty_data / "keywords.yaml").write_text(
        "Mixture of Experts (MoE):\n  aliases: [Mixture-Of-Experts(MoE)]\n"
    )
    markdown = tmp_path / "list.md"
    markdown.write_text(
        "## Papers\n"
        "| Year | Title | Venue | Paper | Code | Keywords |\n"
        "|---|---|---|---|---|---|\n"
        "| 2024 | A: one | arXiv | [Link](https://arxiv.org/abs/2401.00001) | - | Multi-task learning; mixture of experts (moe) |\n"
        "| 2024 | B: two | arXiv | [Link](https://arxiv.org/abs/2401.00002) | - | Multi-Task Learning; Multi-Task-Learning |\n"
        "| 2024 | C: three | arXiv | [Link](https://arxiv.org/abs/2401.00003) | - | Multi-Task Learning |\n"
    )
    code, out = import_(markdown, empty_data)
    assert code == 0, out
    registry = yaml.safe_load((empty_data / "keywords.yaml").read_text())
    assert registry["Multi-Task Learning"] == {"aliases": ["Multi-Task-Learning"]}
    assert "Mixture of Experts (MoE)" in registry
    catalog = load_catalog(empty_data)
    assert catalog.diagnostics == []
    assert {tuple(p.keywords) for p in catalog.papers} == {
        ("Multi-Task Learning", "Mixture of Experts (MoE)"),
        ("Multi-Task Learning",),
    }


def test_import_into_an_empty_folder_writes_config_registries_and_schema(tmp_path: Path) -> None:
    markdown = tmp_path / "list.md"
    markdown.write_text(
        "## Awesome Things\n\nA list of things.\n\n## Surveys\n"
        "| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
        "| 2023 | Survey: all | TPAMI | [Link](https://doi.org/10.1/x) |\n"
        "## Background\n\nSome text.\n"
    )
    data = tmp_path / "fresh"
    code, out = import_(markdown, data)
    assert code == 0, out
    config = yaml.safe_load((data / "catalog.yaml").read_text())
    assert config["title"] == "Awesome Things"
    assert config["intro"] == "A list of things."
    assert config["sections"] == [
        {"id": "surveys", "title": "Surveys"},
        {"id": "background", "title": "Background", "text": "Some text."},
        {"id": "papers", "title": "Papers"},  # kept: a record naming no section goes there
    ]
    venues = yaml.safe_load((data / "venues.yaml").read_text())
    assert venues["TPAMI"]["kind"] == "journal"
    assert (data / "paper.schema.json").is_file()
    catalog = load_catalog(data)
    assert catalog.diagnostics == []
    assert catalog.papers[0].sections == ["surveys"]


def test_cells_and_keywords() -> None:
    assert split_cells("| a | b \\| c | d |") == ["a", "b | c", "d"]
    assert split_cells("| a | b") == ["a", "b"]
    assert split_keywords("A; B；C;; ") == ["A", "B", "C"]
    assert split_keywords("tag one, tag two") == ["tag one", "tag two"]
    parsed = parse_document(
        "# T\n## The pioneering paper\n| Year | Title | Paper |\n|--|--|--|\n", "x"
    )
    assert parsed.entries == [] and parsed.diagnostics == [] and parsed.tables == 1


def test_import_does_not_overwrite_existing_records(empty_data: Path, tmp_path: Path) -> None:
    existing = CatalogDir(empty_data).add("good", title="Good: Mine", venue="ICML", keywords=None)
    before = existing.read_bytes()
    markdown = tmp_path / "list.md"
    markdown.write_text(
        "## Papers\n| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
        "| 2024 | Good: Theirs | ICML | [Link](https://arxiv.org/abs/2402.00001) |\n"
    )
    code, _ = import_(markdown, empty_data)
    assert code == 0
    assert existing.read_bytes() == before
    assert (empty_data / "papers" / "good-2.yaml").exists()


def test_import_into_data_with_errors_writes_nothing(empty_data: Path, tmp_path: Path) -> None:
    (empty_data / "venues.yaml").write_text("ICML:\n  full_name: [\n")  # a broken registry
    CatalogDir(empty_data).add("good", venue="ICML", keywords=None)
    markdown = tmp_path / "list.md"
    markdown.write_text(
        "## Papers\n| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
        "| 2024 | New: Paper | ICML | [Link](https://arxiv.org/abs/2402.00001) |\n"
    )
    before = {p.name: p.read_bytes() for p in empty_data.rglob("*") if p.is_file()}
    code, out = import_(markdown, empty_data)
    assert code == 1
    assert "venues.yaml:3:1: error[yaml-syntax]" in out, out
    assert "error[data-errors]" in out
    assert {p.name: p.read_bytes() for p in empty_data.rglob("*") if p.is_file()} == before


def test_import_without_catalog_yaml_keeps_registries_and_records(
    empty_data: Path, tmp_path: Path
) -> None:
    (empty_data / "catalog.yaml").unlink()
    (empty_data / "keywords.yaml").write_text("Quantization: {}\n")
    CatalogDir(empty_data).add("lora", keywords=["Quantization"])
    venues = (empty_data / "venues.yaml").read_bytes()
    markdown = tmp_path / "list.md"
    markdown.write_text(
        "## Papers\n| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
        "| 2022 | LoRA | ICLR | [Link](https://arxiv.org/pdf/2106.09685) |\n"
    )
    code, out = import_(markdown, empty_data)
    assert code == 0, out
    assert "warning[import-overlap]" in out
    assert sorted(p.name for p in (empty_data / "papers").iterdir()) == ["lora.yaml"]
    assert (empty_data / "keywords.yaml").read_text() == "Quantization: {}\n"
    assert (empty_data / "venues.yaml").read_bytes() == venues


def test_import_of_a_non_utf8_list_is_one_error(empty_data: Path, tmp_path: Path) -> None:
    markdown = tmp_path / "list.md"
    markdown.write_bytes(b"## Papers\n| Year | Title \xff |\n")
    code, out = import_(markdown, empty_data)
    assert code == 1
    assert "list.md:2:1: error[invalid-utf8]" in out, out
    assert "Traceback" not in out
    assert list((empty_data / "papers").iterdir()) == []


def test_schema_command_prints_the_model_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert '"additionalProperties": false' in result.output
    assert '"title"' in result.output


def test_schema_copy_is_fresh() -> None:
    from conftest import REPO

    from catalog.schema import schema_text

    committed = (REPO / "data" / "paper.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: catalog schema > data/paper.schema.json"
