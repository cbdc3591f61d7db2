"""The formats real lists use, from fixtures written for these tests: tables with other headers,
numbered and bulleted lists, venue-year cells, `N/A` codes, HTML in cells, CRLF files, emoji and
numbered headings, TOC/Contributing/License left out, conflicts, and a list with no papers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES

from catalog.cli import main
from catalog.importing.cells import is_none, recase_title, split_venue_year, strip_html
from catalog.importing.formats import clean_heading, columns_of
from catalog.importing.items import item_cells
from catalog.importing.rows import abs_url, arxiv_year
from catalog.importing.venues import canonical_spelling, venue_kind
from catalog.validate import load_catalog

LISTS = FIXTURES / "lists"


def run_import(markdown: Path, data: Path, *extra: str) -> Any:
    args = ["import", str(markdown), "--data", str(data), "--added", "2024-07-12", *extra]
    return CliRunner().invoke(main, args)


def records(data: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((data / "papers").glob("*.yaml"))}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("NeurIPS 2024", ("NeurIPS", 2024, None)),
        ("ICLR'24", ("ICLR", 2024, None)),
        ("ICLR’24", ("ICLR", 2024, None)),
        ("CVPR 2024 (Oral)", ("CVPR", 2024, "Oral")),
        ("**EMNLP 2023 Findings**", ("EMNLP Findings", 2023, None)),
        ("ICML-2024", ("ICML", 2024, None)),
        ("ICLR24", ("ICLR", 2024, None)),
        ("GPT4", ("GPT4", None, None)),
        ("2024", (None, 2024, None)),
        ("arXiv", ("arXiv", None, None)),
        ("N/A", (None, None, None)),
        ("—", (None, None, None)),
    ],
)
def test_venue_and_year_from_one_cell(cell: str, expected: tuple[Any, ...]) -> None:
    assert split_venue_year(cell) == expected


def test_none_markers_html_headings_and_names() -> None:
    assert all(is_none(c) for c in ("", "-", "—", "–", "N/A", "n/a", "TBD", " tba ", "**-**"))
    assert not is_none("ICML") and not is_none("soon", strict=True)
    assert strip_html("Thin<br/>Adapters <img src='x.svg'/>&amp; more") == "Thin Adapters & more"
    assert clean_heading("🔥 2.1 Vision Models:") == "Vision Models"
    assert clean_heading(":rocket: [Surveys](#surveys)") == "Surveys"
    assert canonical_spelling("NIPS") == "NeurIPS" and canonical_spelling("iclr") == "ICLR"
    assert venue_kind("IEEE Transactions on Adapters") == "journal"
    assert venue_kind("ICML 2024 Workshop") == "workshop" and venue_kind("arXiv") == "preprint"
    assert venue_kind("NeurIPS") == "conference"
    assert venue_kind("ECCV W") == "workshop" and venue_kind("ECCVW") == "workshop"
    assert canonical_spelling("iclr workshop on practical ML") == "ICLR Workshop on Practical ML"
    assert abs_url("https://arxiv.org/pdf/2106.09685v2.pdf") == "https://arxiv.org/abs/2106.09685v2"
    assert arxiv_year("https://arxiv.org/abs/2106.09685") == 2021
    assert arxiv_year("https://arxiv.org/abs/cs/0309136") == 2003


def test_titles_are_recased_keeping_acronyms_and_mixed_case_is_left_alone() -> None:
    assert recase_title("VERA: VECTOR-BASED RANDOM MATRIX ADAPTATION") == (
        "VeRA: Vector-Based Random Matrix Adaptation"
    )
    assert recase_title("GRIT: GRADIENT-ROUTED ADAPTER TUNING FOR LLMS") == (
        "GRIT: Gradient-Routed Adapter Tuning for LLMs"
    )
    assert recase_title("low-rank routing for vit models") == "Low-Rank Routing for ViT Models"
    assert recase_title("FLoRA: the Authors' Own Case") == "FLoRA: the Authors' Own Case"
    assert recase_title("LoRA") == "LoRA"


def test_header_synonyms_in_any_order() -> None:
    assert columns_of(["Paper", "Conference", "Github"]) == ["title", "venue", "code"]
    assert columns_of(["Name", "Pub", "Date", "Tags"]) == ["title", "venue", "year", "keywords"]
    assert columns_of(["Year", "Title", "Paper", "Code", "Implementation"]) == [
        "year", "title", "paper", "code", None,
    ]  # fmt: skip
    assert columns_of(["**Topic**", "Authors", "Publication"]) == ["keywords", "authors", "venue"]


def test_list_item_forms() -> None:
    numbered = item_cells(
        "**Prefix Pruning.** `ACL 2023` [[PDF](https://arxiv.org/pdf/2305.00011)] "
        "[[Code](https://github.com/example/pp)]"
    )
    assert numbered == {
        "title": "Prefix Pruning",
        "venue": "ACL 2023",
        "paper": "https://arxiv.org/pdf/2305.00011",
        "code": "https://github.com/example/pp",
    }
    bulleted = item_cells(
        "[Tiny Adapters](https://arxiv.org/abs/2310.00021) - NeurIPS 2023 "
        "[code](https://github.com/example/tiny)"
    )
    assert bulleted == {
        "title": "Tiny Adapters",
        "paper": "https://arxiv.org/abs/2310.00021",
        "code": "https://github.com/example/tiny",
        "venue": "NeurIPS 2023",
    }
    venue_link = item_cells(
        "Venue-Linked [[NeurIPS 2022](https://example.org/va.pdf)] [[code](https://github.com/x/y)]"
    )
    assert venue_link is not None and venue_link["venue"] == "NeurIPS 2022"
    assert venue_link["paper"] == "https://example.org/va.pdf"
    authors = item_cells(
        "Some Title. *A. One, B. Two*. ICLR'24. [paper](https://openreview.net/forum?id=x1)"
    )
    assert authors == {
        "title": "Some Title",
        "paper": "https://openreview.net/forum?id=x1",
        "authors": "A. One, B. Two",
        "venue": "ICLR'24",
    }
    assert item_cells("[Methods](#methods)") is None


def test_tables_with_other_headers_links_in_titles_and_venue_years(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_import(LISTS / "tables.md", data)
    assert result.exit_code == 0, result.output
    got = records(data)
    assert sorted(got) == [
        "grit", "journal-adapters", "low-rank-routing-vit-models", "spada",
        "survey-sparse-adapters", "thin-adapters-scale", "workshop-adapters",
    ]  # fmt: skip
    assert got["spada"]["venue"] == "NeurIPS" and got["spada"]["year"] == 2024
    assert got["spada"]["links"]["code"] == "https://github.com/example/spada"
    grit = got["grit"]
    assert grit["title"] == "GRIT: Gradient-Routed Adapter Tuning"
    assert grit["notes"] == "Title as listed: GRIT: GRADIENT-ROUTED ADAPTER TUNING"
    assert grit["links"] == {"paper": "https://arxiv.org/abs/2402.00002v2"}  # N/A: no code
    assert (grit["venue"], grit["year"]) == ("ICLR", 2024)
    thin = got["thin-adapters-scale"]
    assert thin["title"] == "Thin Adapters at Scale"  # <br/> gone
    assert thin["links"]["code"] == "https://github.com/example/thin"  # <img> badge gone
    assert (thin["venue"], thin["year"]) == ("CVPR", 2024) and "CVPR 2024 (Oral)" in thin["notes"]
    assert got["low-rank-routing-vit-models"]["venue"] == "NeurIPS"  # NIPS is an alias
    assert "code" not in got["low-rank-routing-vit-models"]["links"]  # TBD
    assert got["survey-sparse-adapters"]["year"] == 2024  # from the Date column 2024-03
    assert got["survey-sparse-adapters"]["keywords"] == ["survey", "sparse"]
    assert got["survey-sparse-adapters"]["sections"] == ["surveys"]

    venues = yaml.safe_load((data / "venues.yaml").read_text())
    assert venues["IEEE Transactions on Adapters"]["kind"] == "journal"
    assert venues["ICML Workshop"]["kind"] == "workshop"
    assert venues["NeurIPS"]["kind"] == "conference" and "NIPS" not in venues
    assert venues["NeurIPS"]["aliases"] == ["NIPS"]  # the spelling the list used validates too
    config = yaml.safe_load((data / "catalog.yaml").read_text())
    assert config["title"] == "Awesome Sparse Adapters"
    assert config["intro"] == "A hand-made list of sparse adapter papers, for the importer's tests."
    # numbered emoji headings are sections; the TOC, Contributing and License are not, and the
    # heading-only section adds nothing; the default section (of records naming none) stays
    assert [s["title"] for s in config["sections"]] == ["Methods", "Surveys", "Papers"]
    assert "Not A Paper" not in json.dumps(got, default=str)
    assert load_catalog(data).diagnostics == []


def test_a_crlf_file_reads_as_the_same_list(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.md"
    crlf.write_bytes((LISTS / "tables.md").read_bytes().replace(b"\n", b"\r\n"))
    assert b"\r\n" in crlf.read_bytes()
    lf, cr = tmp_path / "lf", tmp_path / "cr"
    assert run_import(LISTS / "tables.md", lf / "data").exit_code == 0
    result = run_import(crlf, cr / "data")
    assert result.exit_code == 0, result.output
    assert records(lf / "data") == records(cr / "data")


@pytest.mark.parametrize("odd", ["\x85", "\u2028", "\x0b", "\x0c", "\x1c"])
def test_line_numbers_count_only_markdown_line_ends(tmp_path: Path, odd: str) -> None:
    """str.splitlines also breaks at NEL, U+2028, \\v, \\f, \\x1c: a stranger's cell holding one
    must neither cut its row in two nor shift the line of every problem after it."""
    listing = tmp_path / "list.md"
    listing.write_text(
        "## Papers\n| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
        f"| 2024 | **Odd{odd}Cell: A Paper** | ICML | [Link](https://arxiv.org/abs/2401.00001) |\n"
        "| soon | **No Year** | ICML | [Link](https://arxiv.org/abs/2401.00002) |\n",
        encoding="utf-8",
    )
    result = run_import(listing, tmp_path / "data", "--format", "json")
    doc = json.loads(result.stdout)
    assert [(d["line"], d["code"]) for d in doc["diagnostics"]] == [(5, "bad-row")]
    assert [w["line"] for w in doc["written"]] == [4]


def test_numbered_list_with_links_on_the_next_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_import(LISTS / "numbered.md", data)
    assert result.exit_code == 0, result.output
    got = records(data)
    assert sorted(got) == [
        "adapters-pixels",
        "gated-adapters",
        "prefix-pruning-efficient-tuning",
        "quiet-adapters-speak-loudly",
    ]
    prefix = got["prefix-pruning-efficient-tuning"]
    assert prefix["links"] == {
        "paper": "https://arxiv.org/abs/2305.00011",  # the PDF link becomes the abstract page
        "code": "https://github.com/example/prefix-pruning",
    }
    assert (prefix["venue"], prefix["year"]) == ("ACL", 2023)
    assert (got["gated-adapters"]["venue"], got["gated-adapters"]["year"]) == (
        "EMNLP Findings",
        2023,
    )
    quiet = got["quiet-adapters-speak-loudly"]
    assert (quiet["venue"], quiet["year"]) == ("arXiv", 2023)  # the year from the arXiv id
    assert quiet["links"]["project"] == "https://example.github.io/quiet/"
    assert got["adapters-pixels"]["year"] == 2024 and got["adapters-pixels"]["sections"] == [
        "vision"
    ]
    assert load_catalog(data).diagnostics == []


def test_bulleted_list_and_a_row_without_a_paper_link_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_import(LISTS / "bulleted.md", data, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert [w["title"] for w in doc["written"]] == [
        "Tiny Adapters Are Enough",
        "Merging Adapters Without Tears",
        "Rank Search for Adapters",
        "Venue-Linked Adapters",
    ]
    assert [(s["line"], s["title"], s["code"]) for s in doc["skipped"]] == [
        (11, "Adapters With No Paper", "bad-row")
    ]
    got = records(data)
    assert got["merging-adapters-without-tears"]["venue"] == "ICLR"
    assert got["rank-search-adapters"]["links"]["code"] == "https://github.com/example/rank-search"
    assert got["venue-linked-adapters"]["venue"] == "NeurIPS"
    assert got["venue-linked-adapters"]["year"] == 2022
    assert "AdapterKit" not in json.dumps(got, default=str)  # a Tools list is the section's text
    config = yaml.safe_load((data / "catalog.yaml").read_text())
    tools = next(s for s in config["sections"] if s["title"] == "Tools")
    assert "AdapterKit" in tools["text"]


def test_same_id_under_another_title_is_a_conflict_and_neither_row_is_written(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    result = run_import(LISTS / "conflict.md", data)
    assert result.exit_code == 1
    out = result.output
    assert (
        "conflict.md:7:1: error[identity-conflict] 'PeriodAdapt: Periodic Adapter Resets' shares "
        "arxiv:2402.16141 with line 8 'CorAdapt: Context-Oriented Adapters'"
    ) in out
    assert (
        "conflict.md:8:1: error[identity-conflict] 'CorAdapt: Context-Oriented Adapters' shares "
        "arxiv:2402.16141 with line 7 'PeriodAdapt: Periodic Adapter Resets'"
    ) in out
    # the repeat is named as written at its line, and merged
    assert (
        "conflict.md:10:1: warning[import-repeat] 'SOLID ADAPTERS' repeats 'Solid Adapters' of line 9"
        in out
    )
    assert "conflict.md:11:1: error[bad-row] 'Broken Year Adapters'" in out
    got = records(data)
    assert list(got) == ["solid-adapters"]
    assert got["solid-adapters"]["links"]["code"] == "https://github.com/example/solid"
    json_out = json.loads(
        run_import(LISTS / "conflict.md", tmp_path / "d2", "--format", "json").output
    )
    assert json_out["conflicts"] == [
        {
            "key": "arxiv:2402.16141",
            "rows": [
                {"line": 7, "title": "PeriodAdapt: Periodic Adapter Resets"},
                {"line": 8, "title": "CorAdapt: Context-Oriented Adapters"},
            ],
            "records": [],
        }
    ]
    assert {s["line"] for s in json_out["skipped"]} == {7, 8, 11}


def test_a_list_with_no_papers_is_exit_2_saying_what_was_looked_for(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_import(LISTS / "no-papers.md", data)
    assert result.exit_code == 2
    assert (
        "error[nothing-recognized] no paper found; looked for tables with a Title" in result.output
    )
    assert not data.exists()


def test_dry_run_reports_everything_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_import(LISTS / "conflict.md", data, "--dry-run", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["dry_run"] is True
    assert [w["id"] for w in doc["written"]] == ["solid-adapters"]
    assert len(doc["conflicts"]) == 1 and doc["skipped"]
    assert not data.exists()
    text = run_import(LISTS / "conflict.md", data, "--dry-run")
    assert (
        "1 record would be written" in text.output and "nothing written (--dry-run)" in text.output
    )
    assert not data.exists()


def test_sections_can_be_flattened_or_mapped(catalog_dir: Any) -> None:
    catalog_dir.add("lora")
    result = run_import(LISTS / "numbered.md", catalog_dir.path, "--sections", "flatten")
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((catalog_dir.path / "catalog.yaml").read_text())
    assert [s["id"] for s in config["sections"]] == ["pioneering", "surveys", "papers", "packages"]
    new = [r for name, r in records(catalog_dir.path).items() if name != "lora"]
    assert {tuple(r.get("sections", ["papers"])) for r in new} == {("papers",)}
    assert "new-section" not in result.output


def test_unknown_headings_become_sections_and_the_hint_names_the_config(catalog_dir: Any) -> None:
    catalog_dir.add("lora")
    comment = (catalog_dir.path / "catalog.yaml").read_text()
    (catalog_dir.path / "catalog.yaml").write_text("# my comment\n" + comment)
    result = run_import(LISTS / "bulleted.md", catalog_dir.path)
    assert result.exit_code == 1  # the row without a paper link
    config_path = catalog_dir.path / "catalog.yaml"
    config = yaml.safe_load(config_path.read_text())
    assert config_path.read_text().startswith("# my comment\n")
    assert [s["id"] for s in config["sections"]] == [
        "pioneering", "surveys", "papers", "packages", "methods",
    ]  # fmt: skip
    hints = [line for line in result.output.splitlines() if "new-section" in line]
    assert len(hints) == 1 and f"rename or reorder them in {config_path}" in hints[0]
    assert records(catalog_dir.path)["tiny-adapters-are-enough"]["sections"] == ["methods"]
    mapped = run_import(LISTS / "numbered.md", catalog_dir.path, "--map-section", "Vision=surveys")
    assert mapped.exit_code == 0, mapped.output
    assert records(catalog_dir.path)["adapters-pixels"]["sections"] == ["surveys"]
    assert load_catalog(catalog_dir.path).diagnostics == []
