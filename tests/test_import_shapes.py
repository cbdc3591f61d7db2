"""Shapes of real lists that the first importer got wrong, from fixtures written for these
tests: items ending in their arXiv date `(2023.12.01)`, resource sections with `*` bullets and
`[[URL](..)]` links, Contributing subsections, tables whose title cell holds badges, the
title link and the authors, and the default section that records naming none go to."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES
from test_awesome_lint import awesome_lint

from catalog.cli import main
from catalog.importing.cells import split_venue_year
from catalog.importing.formats import columns_of
from catalog.importing.links import badge_venue
from catalog.importing.prose import lint_item, section_text
from catalog.importing.rows import anthology_year
from catalog.importing.venues import full_name_in
from catalog.validate import load_catalog

LISTS = FIXTURES / "lists"


def run(*args: Any) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def fresh(root: Path) -> Path:
    """A new catalog as `catalog init` makes it; its data folder."""
    assert run("init", root, "-q").exit_code == 0
    return root / "data"


def imported(root: Path, name: str, *extra: str) -> tuple[Path, Any]:
    data = fresh(root)
    return data, run("import", LISTS / name, "--data", data, "--added", "2024-07-12", *extra)


def imported_text(root: Path, text: str, *extra: str) -> tuple[dict[str, dict[str, Any]], str]:
    """Import `text` (a list written here) into a fresh catalog at `root`, which must work:
    its records by title, and what the import printed."""
    listing = root.with_suffix(".md")
    listing.parent.mkdir(parents=True, exist_ok=True)
    listing.write_text(text, encoding="utf-8")
    data = fresh(root)
    result = run("import", listing, "--data", data, "--added", "2024-07-12", *extra)
    assert result.exit_code == 0, result.output
    return {r["title"]: r for r in records(data).values()}, result.output


def records(data: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((data / "papers").glob("*.yaml"))}


def build_and_lint(root: Path) -> Any:
    built = run("build", "--data", root / "data", "--readme", root / "README.md", "--no-site")
    assert built.exit_code == 0, built.output
    return awesome_lint(root / "README.md")  # init wrote CONTRIBUTING.md beside it


@pytest.mark.parametrize(
    ("cell", "year"),
    [
        ("2023.12.01", 2023),
        ("(2024.01.08)", 2024),
        ("2024-01-17", 2024),
        ("2024/1/8", 2024),
        ("01.12.2023", 2023),
        ("Feb 2024", 2024),
        ("December 1, 2023", 2023),
        ("2023 Dec", 2023),
    ],
)
def test_a_date_is_a_year_and_no_venue(cell: str, year: int) -> None:
    assert split_venue_year(cell) == (None, year, None)


def test_words_that_start_like_months_are_still_venues() -> None:
    assert split_venue_year("Decoupled 2024") == ("Decoupled", 2024, None)
    assert split_venue_year("NeurIPS 2024") == ("NeurIPS", 2024, None)


def test_items_ending_in_their_date_are_arxiv_preprints_of_that_year(tmp_path: Path) -> None:
    data, result = imported(tmp_path / "dated", "dated.md", "--format", "json")
    assert result.exit_code == 1, result.output  # the chip row: no year, not on arXiv
    doc = json.loads(result.output)
    assert [(s["line"], s["code"]) for s in doc["skipped"]] == [(21, "bad-row")]
    assert doc["new_venues"] == []
    got = records(data)
    assert {name: (r["venue"], r["year"]) for name, r in got.items()} == {
        "dated-adapters": ("arXiv", 2023),
        "dated-pixels-month-first": ("arXiv", 2024),
        "dated-vision-adapters": ("arXiv", 2024),
        "moe-dated": ("arXiv", 2024),
    }
    assert got["dated-adapters"]["links"] == {
        "paper": "https://arxiv.org/abs/2312.00031",
        "code": "https://github.com/example/dated",
    }
    venues = yaml.safe_load((data / "venues.yaml").read_text())
    assert list(venues) == ["arXiv"]  # no ".12.01" and kin
    assert load_catalog(data).diagnostics == []


def test_copied_section_text_passes_awesome_lint_and_about_the_list_is_left_out(
    tmp_path: Path,
) -> None:
    root = tmp_path / "dated"
    data, result = imported(root, "dated.md")
    assert result.exit_code == 1, result.output
    config = yaml.safe_load((data / "catalog.yaml").read_text())
    # Hardware's only row was skipped: no empty section; Guidelines is Contributing's;
    # the default section stays, last while empty.
    assert [s["id"] for s in config["sections"]] == [
        "foundations", "vision", "blogs", "videos", "codes", "papers",
    ]  # fmt: skip
    texts = {s["id"]: s.get("text", "") for s in config["sections"]}
    assert texts["blogs"] == (
        "- The Annotated Adapter [URL](https://blog.example.org/annotated-adapter#part-1)"
    )
    assert texts["videos"] == (
        "- Dated adapters explained | A Speaker [URL](https://video.example.org/watch?v=dated1)!\n"
        "- See also [the slides](https://slides.example.org/dated) and \\[the notes\\]."
    )
    assert texts["codes"] == (
        "- The official repository is only tested on Linux. [URL](https://github.com/example/dated)\n"
        "- If you want a minimal version,\n"
        "  - dated-minimal: one file of PyTorch. [URL](https://github.com/example/dated-minimal)"
    )
    assert "Follow the existing structure" not in (data / "catalog.yaml").read_text()
    assert "Another List" not in (data / "catalog.yaml").read_text()
    lint = build_and_lint(root)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    readme = (root / "README.md").read_text()
    # the code link the Codes text repeats is not linked twice (awesome-lint's double-link)
    assert readme.count("](https://github.com/example/dated)") == 1 and "(below)" in readme


def test_copied_text_keeps_blocks_and_lint_shapes() -> None:
    body = [
        "Some intro text",
        "continued here.",
        "",
        "* [Kit](https://kit.example.org) - a kit for adapters",
        "    + nested [[PDF](https://x.example.org/a.pdf)]",
        "1. **Bold start** then text [link](https://y.example.org)",
        "[ref]: https://z.example.org",
    ]
    assert section_text(body, keep_lists=True, refs={"ref": "https://z.example.org"}) == (
        "Some intro text\ncontinued here.\n\n"
        "- [Kit](https://kit.example.org) - A kit for adapters.\n"
        "  - nested [PDF](https://x.example.org/a.pdf)\n"
        "1. Bold start then text [link](https://y.example.org)"
    )
    assert (
        lint_item("[Kit](https://k.example.org): tools") == "[Kit](https://k.example.org) - Tools."
    )
    assert lint_item("[Kit](https://k.example.org) (2024)") == "[Kit](https://k.example.org) (2024)"
    assert lint_item("Plain start [a](https://a.example.org)") == (
        "Plain start [a](https://a.example.org)"
    )


def test_title_and_authors_tables_with_badges(tmp_path: Path) -> None:
    assert columns_of(["Title & Authors", "Introduction", "Links"]) == [
        "title+authors", None, "paper",
    ]  # fmt: skip
    assert badge_venue("[![Publish](https://img.shields.io/badge/Conference-ICML'23-blue)]()") == (
        "ICML'23"
    )
    assert badge_venue("[![Star](https://img.shields.io/github/stars/a/b.svg)](x)") is None
    root = tmp_path / "badges"
    data, result = imported(root, "badges.md", "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert [w["title"] for w in doc["written"]] == [
        "QAdapt: Quantized Adapters for Everyone",
        "Findings Adapters at Four Bits",
        "Plain Adapters, No Badge",
    ]  # never a badge's alt text ("Star", "Publish") as a title
    assert [(s["line"], s["title"], s["code"]) for s in doc["skipped"]] == [
        (12, "Adapters Without a Paper Link", "bad-row")
    ]
    got = records(data)
    qadapt = got["qadapt"]
    assert (qadapt["venue"], qadapt["year"]) == ("ICML", 2023)  # from the Conference badge
    assert qadapt["authors"] == ["Ada One", "Bo Two", "Cy Three"]
    assert qadapt["links"] == {
        "paper": "https://arxiv.org/abs/2301.00041",
        "code": "https://github.com/example/qadapt",
    }
    findings = got["findings-adapters-four-bits"]
    assert (findings["venue"], findings["year"]) == ("EMNLP Findings", 2023)
    plain = got["plain-adapters-no-badge"]
    assert (plain["venue"], plain["year"]) == ("arXiv", 2023)  # the year from the arXiv id
    assert plain["authors"] == ["Fay Six"]
    assert plain["links"]["code"] == "https://github.com/example/plain"
    assert load_catalog(data).diagnostics == []
    lint = build_and_lint(root)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_a_file_whose_tables_have_no_title_column_is_exit_2(tmp_path: Path) -> None:
    """Nothing recognized (14.6): no row of the file reads as a paper."""
    listing = tmp_path / "list.md"
    listing.write_text(
        "# L\n\n## Papers\n\n| Introduction | Links |\n|---|---|\n"
        "| An intro | [Paper](https://arxiv.org/abs/2401.00001) |\n"
    )
    data = fresh(tmp_path / "a")
    result = run("import", listing, "--data", data)
    assert result.exit_code == 2, result.output
    assert f"{listing}:5:1: error[bad-table]" in result.output
    assert "error[nothing-recognized] no paper found" in result.output
    assert list((data / "papers").glob("*.yaml")) == []
    # rows that are read but all in error are exit 1, each named (what could be, was written)
    listing.write_text(
        "# L\n\n## Papers\n\n| Title | Venue |\n|---|---|\n| No Link Paper | ICML 2024 |\n"
    )
    result = run("import", listing, "--data", data)
    assert result.exit_code == 1, result.output
    assert f"{listing}:7:1: error[bad-row] 'No Link Paper': no paper link" in result.output


def test_a_record_naming_no_section_is_listed_after_an_import(tmp_path: Path) -> None:
    root = tmp_path / "dated"
    data, _ = imported(root, "dated.md")
    new = run(
        "new", "--data", data, "--title", "Undated Adapters", "--year", "2024",
        "--paper", "https://arxiv.org/abs/2405.00051",
    )  # fmt: skip
    assert new.exit_code == 0, new.output
    assert "sections" not in yaml.safe_load((data / "papers" / "undated-adapters.yaml").read_text())
    assert run("validate", "--data", data).exit_code == 0
    assert build_and_lint(root).returncode == 0
    assert "Undated Adapters" in (root / "README.md").read_text()


def test_validate_names_a_record_whose_default_section_is_gone(catalog_dir: Any) -> None:
    catalog_dir.add("lora")
    config_path = catalog_dir.path / "catalog.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["sections"] = [s for s in config["sections"] if s["id"] != "papers"]
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    record = catalog_dir.papers / "lora.yaml"
    record.write_text(
        "\n".join(line for line in record.read_text().splitlines() if "sections" not in line)
    )
    lines = record.read_text().splitlines()
    first = 1 + next(i for i, ln in enumerate(lines) if not ln.startswith("#"))  # after comments
    problems = [d for d in load_catalog(catalog_dir.path).diagnostics if d.severity == "error"]
    assert [(d.path, d.line, d.code) for d in problems] == [(str(record), first, "unknown-section")]
    assert "default section 'papers'" in problems[0].message
    assert str(config_path) in (problems[0].hint or "")
    result = run("validate", "--data", catalog_dir.path)
    assert result.exit_code == 1
    assert f"{record}:{first}:1: error[unknown-section]" in result.output


def test_bold_abbreviation_then_quoted_title_lists(tmp_path: Path) -> None:
    root = tmp_path / "quoted"
    data, result = imported(root, "quoted.md", "--format", "json")
    assert result.exit_code == 0, result.output  # the TOC's links into other files are no rows
    doc = json.loads(result.output)
    assert [(w["line"], w["title"]) for w in doc["written"]] == [
        (16, "Quoted Adapters for Video Recognition"),
        (17, "An Adapter Without a Short Name"),
        (18, "Workshop Adapters for Video"),
        (20, "Segmenting Actions with Adapters"),
    ]  # the quoted title, not the bold abbreviation
    got = {r["title"]: (r["venue"], r["year"]) for r in records(data).values()}
    assert got == {
        "Quoted Adapters for Video Recognition": ("ICCV", 2021),
        "An Adapter Without a Short Name": ("ICLR", 2022),  # `ICLR, 2022`: not on arXiv
        "Workshop Adapters for Video": ("CVPRW", 2023),
        "Segmenting Actions with Adapters": ("arXiv", 2022),  # not the rejecting venue
    }
    venues = yaml.safe_load((data / "venues.yaml").read_text())
    assert venues["CVPRW"]["kind"] == "workshop"
    config = yaml.safe_load((data / "catalog.yaml").read_text())
    # "Video Adapter Tasks" holds papers (a topic, not a Videos list); References is text
    assert [s["id"] for s in config["sections"]] == ["video-adapter-tasks", "references", "papers"]
    assert config["sections"][1]["text"] == (
        "- Online Resources:\n"
        "  - [An Adapter Tutorial](https://tutorial.example.org/adapters)\n"
        "  - [An Adapter Course](https://course.example.org/adapters)\n"
        "  - An Adapter Tutorial, again"  # a URL linked once: awesome-lint's double-link
    )
    lint = build_and_lint(root)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_text_catalog_yaml_cannot_hold_is_named_not_copied(tmp_path: Path) -> None:
    listing = tmp_path / "list.md"
    long_text = "\n".join(
        f"- Resource {i} [link {i}](https://r.example.org/{i})" for i in range(600)
    )
    listing.write_text(
        "# L\n\nShort intro.\n\n## Papers\n\n"
        "- [One Adapter](https://arxiv.org/abs/2401.00071) - ICML 2024\n\n"
        f"## Links\n\n{long_text}\n"
    )
    data = fresh(tmp_path / "a")
    result = run("import", listing, "--data", data)
    assert result.exit_code == 0, result.output
    assert f"{listing}:9:1: warning[text-not-copied] the text under 'Links' is not copied" in (
        result.output
    )
    config = yaml.safe_load((data / "catalog.yaml").read_text())
    assert [s["id"] for s in config["sections"]] == ["papers"]
    assert load_catalog(data).diagnostics == []


def test_initial_date_and_resource_columns(tmp_path: Path) -> None:
    """`Initial Date` is the preprint's date: the venue's year wins; `Resource` icons link the
    project page and the code; `ICCV'2023` is ICCV 2023."""
    listing = tmp_path / "list.md"
    listing.write_text(
        "# Awesome Icons\n\n| Title | Initial Date | Venue | Task | Resource |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| [Icon Adapters](https://arxiv.org/abs/2212.00081) | 19 Dec 2022 | ICCV'2023 | "
        "![](./assets/image.svg) | [![](./assets/website.svg)](https://icons.example.org/ada) "
        "[![](./assets/code.svg)](https://github.com/example/icon-ada) |\n"
        "| [Undated Venue Adapters](https://example.org/uva) | 15 Feb 2024 | Some Lab | "
        "![](./assets/video.svg) | |\n"
    )
    data = fresh(tmp_path / "a")
    result = run("import", listing, "--data", data, "--added", "2024-07-12")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    got = records(data)
    assert got["icon-adapters"] == {
        "title": "Icon Adapters",
        "year": 2023,
        "venue": "ICCV",
        "links": {
            "paper": "https://arxiv.org/abs/2212.00081",
            "code": "https://github.com/example/icon-ada",
            "project": "https://icons.example.org/ada",
        },
        "added": dt.date(2024, 7, 12),
    }
    assert (got["undated-venue-adapters"]["venue"], got["undated-venue-adapters"]["year"]) == (
        "Some Lab",
        2024,
    )


def test_loose_items_with_full_venue_names_and_a_tldr(tmp_path: Path) -> None:
    """A generated list's items (Semantic Scholar's shape): a bold title, then indented
    paragraphs after blank lines. The venue's full name is the venue (not a TLDR's); the
    year is the ACL Anthology id's, else the one after the authors, else the arXiv id's,
    with a warning when that is all a venue's year rests on."""
    data, result = imported(tmp_path / "loose", "loose.md", "--format", "json")
    assert result.exit_code == 1, result.output  # the `Findings` row: which conference's?
    doc = json.loads(result.output)
    got = {
        r["title"]: (r["venue"], r["year"], r.get("authors"), r["links"])
        for r in records(data).values()
    }
    assert got == {
        "Quiet Adapters: Fewer Parameters for Translation": (
            "ACL",
            2021,  # the proceedings' year, not the listed 2020 (the preprint's)
            ["Ada One", "Ben Two", "Cy Three"],
            {
                "paper": "https://aclanthology.org/2021.acl-long.999.pdf",
                "code": "https://github.com/example/quiet",
            },
        ),
        "Loud Adapters for Vision": (
            "ICLR",
            2022,  # the year the list prints, not the arXiv id's 2021
            ["Dee Four", "Eve Five"],
            {
                "paper": "https://arxiv.org/abs/2106.00001",
                "code": "https://github.com/example/loud",
            },
        ),
        "Preprint Adapters": (
            "arXiv",
            2023,
            ["Fay Six", "Gus Seven"],
            {"paper": "https://arxiv.org/abs/2303.00002"},
        ),
        "Proceedings Adapters With an Old Id": (
            "EMNLP",
            2019,  # D19-...: the 2019 proceedings
            ["Hal Eight", "Ivy Nine"],
            {"paper": "https://aclanthology.org/D19-1999.pdf"},
        ),
        "Dated Only by Its List": (
            "ICASSP",
            2022,
            ["Jo Ten", "Kai Eleven"],
            {"paper": "https://papers.example.org/dated-only.pdf"},
        ),
        "Unprinted Year Adapters": (
            "ICML",
            2021,  # the arXiv id's: the one year there is, with a warning
            ["Ned Fourteen", "Oz Fifteen"],
            {"paper": "https://arxiv.org/abs/2107.00003"},
        ),
    }
    said = {(d["line"], d["code"]) for d in doc["diagnostics"] if d["severity"] != "info"}
    assert {(53, "bad-row"), (61, "undated-venue")} <= said
    assert [line for line, code in said if code == "undated-venue"] == [61]
    lint = build_and_lint(tmp_path / "loose")
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize(
    ("url", "year"),
    [
        ("https://aclanthology.org/2023.findings-emnlp.12.pdf", 2023),
        ("https://aclanthology.org/2021.acl-long.378/", 2021),
        ("https://www.aclweb.org/anthology/P19-1001.pdf", 2019),
        ("https://aclanthology.org/J79-1001", 1979),
        ("https://aclanthology.org/venues/acl/", None),
        ("https://example.org/2021.acl-long.378.pdf", None),
    ],
)
def test_an_acl_anthology_id_gives_its_proceedings_year(url: str, year: int | None) -> None:
    assert anthology_year(url) == year


def test_a_venue_named_in_full_is_found_whole_and_longest_first() -> None:
    assert full_name_in("IEEE/CVF International Conference on Computer Vision 2023") == (
        "ICCV 2023"
    )
    assert full_name_in("2018 IEEE/CVF Conference on Computer Vision and Pattern Recognition") == (
        "CVPR 2018"
    )
    assert full_name_in("International Conference on Machine Learning") == "ICML"
    assert full_name_in("the  annual meeting of the Association for Computational Linguistics") == (
        "ACL"
    )
    assert full_name_in("Workshop on Computer Vision and Pattern Recognitions") is None
    name = "2023 IEEE/CVF Conference on Computer Vision and Pattern Recognition Workshops"
    assert full_name_in(name) is None  # CVPRW: its fragment is read as the workshop it is
    assert full_name_in("a paper on computer vision") is None


def test_a_heading_title_used_twice_is_named_with_the_heading_above(tmp_path: Path) -> None:
    """`Methods` under Language and under Vision are two sections, not one; year headings
    repeat under each without being sections at all."""
    text = (
        "# Awesome Twice\n\n## Language\n\n### Methods\n\n#### 2023\n\n"
        "- [Word Adapters](https://arxiv.org/abs/2301.00001) - ACL 2023\n\n"
        "### Serving\n\n- [Fast Adapters](https://arxiv.org/abs/2302.00002) - MLSys 2023\n\n"
        "## Vision\n\n### Methods\n\n#### 2023\n\n"
        "- [Pixel Adapters](https://arxiv.org/abs/2303.00003) - CVPR 2023\n\n"
        "```\n## Serving\n```\n"
    )
    got, _ = imported_text(tmp_path / "twice", text)
    assert {title: r["sections"] for title, r in got.items()} == {
        "Word Adapters": ["language-methods"],
        "Fast Adapters": ["serving"],  # once outside the code block: no qualifier
        "Pixel Adapters": ["vision-methods"],
    }
    config = yaml.safe_load((tmp_path / "twice" / "data" / "catalog.yaml").read_text())
    titles = {s["id"]: s["title"] for s in config["sections"]}
    assert titles["language-methods"] == "Language: Methods"
    assert titles["vision-methods"] == "Vision: Methods"
    # --map-section by the title as written takes every heading of it; by its name here, one
    for mapping, word, pixel in (
        ("Methods=methods", "methods", "methods"),
        ("Vision: Methods=pixels", "language-methods", "pixels"),
    ):
        got, _ = imported_text(tmp_path / mapping.split("=")[1], text, "--map-section", mapping)
        assert {title: r["sections"][0] for title, r in got.items()} == {
            "Word Adapters": word,
            "Fast Adapters": "serving",
            "Pixel Adapters": pixel,
        }


def test_a_backslash_line_break_is_no_part_of_the_venue(tmp_path: Path) -> None:
    got, _ = imported_text(
        tmp_path / "breaks",
        "# Awesome Breaks\n\n## Papers\n\n"
        "1. [Broken Line Adapters](https://arxiv.org/abs/2503.11880), AAAI 2026 \\\n"
        "   *Ada One, Ben Two*\n",
    )
    assert {t: (r["venue"], r["year"], r.get("authors")) for t, r in got.items()} == {
        "Broken Line Adapters": ("AAAI", 2026, ["Ada One", "Ben Two"])
    }


def test_the_year_an_item_ends_with_is_its_year_and_no_author(tmp_path: Path) -> None:
    """`*Names* [[PDF](url)], 2022` and `*Names, 2023*`: the list's year wins over the arXiv
    id's (the preprint's), and is never read as one more author."""
    got, said = imported_text(
        tmp_path / "ends",
        "# Awesome Ends\n\n## Papers\n\n"
        "1. **Ending Adapters.** `ICLR`  \n"
        "   *Ada One, Ben Two* [[PDF](https://arxiv.org/abs/2106.00001)], 2022\n\n"
        "2. **Inner Adapters.** `Mathematics`  \n"
        "   *Cy Three, Dee Four, 2023* [[PDF](https://journal.example.org/inner)]\n",
    )
    assert "undated-venue" not in said
    assert {t: (r["venue"], r["year"], r.get("authors")) for t, r in got.items()} == {
        "Ending Adapters": ("ICLR", 2022, ["Ada One", "Ben Two"]),
        "Inner Adapters": ("Mathematics", 2023, ["Cy Three", "Dee Four"]),
    }


def test_a_details_block_left_open_ends_with_its_item(tmp_path: Path) -> None:
    got, _ = imported_text(
        tmp_path / "open",
        "# Awesome Open\n\n## Papers\n\n"
        "- **Open Details Adapters** [[PDF]](https://arxiv.org/pdf/2401.00001)\n\n"
        "  <details>\n    <summary>TLDR</summary>\n    never closed, ICML 2020\n\n"
        "- **Next Adapters**\n\n  [[Paper PDF]](https://arxiv.org/pdf/2401.00002)\n\n"
        "## More\n\n- **Last Adapters** [[PDF]](https://arxiv.org/pdf/2401.00003)\n",
    )
    assert sorted(got) == ["Last Adapters", "Next Adapters", "Open Details Adapters"]
    assert got["Next Adapters"]["links"] == {"paper": "https://arxiv.org/abs/2401.00002"}
    assert got["Open Details Adapters"]["venue"] == "arXiv"  # not the TLDR's ICML 2020


@pytest.mark.parametrize(
    ("cell", "venue"),
    [
        ("Findings of EMNLP 2023", "EMNLP Findings"),
        ("EMNLP 2023 (Findings)", "EMNLP Findings"),
        ("NAACL-Findings 2024", "NAACL Findings"),
        ("Findings of the Association for Computational Linguistics: ACL 2024", "ACL Findings"),
        ("Findings of ACL: EMNLP 2021", "EMNLP Findings"),  # the Anthology's old name: EMNLP's
        ("EMNLP 2023", "EMNLP"),
    ],
)
def test_a_conference_s_findings_is_one_venue_however_a_list_writes_it(
    tmp_path: Path, cell: str, venue: str
) -> None:
    text = f"# L\n\n| Title | Venue | Paper |\n|---|---|---|\n| Thin Adapters | {cell} | https://arxiv.org/abs/2310.00001 |\n"
    got, _ = imported_text(tmp_path / "l", text)
    assert got["Thin Adapters"]["venue"] == venue
    assert 2021 <= got["Thin Adapters"]["year"] <= 2024


def test_findings_alone_takes_its_conference_from_the_anthology_id_else_warns(
    tmp_path: Path,
) -> None:
    text = (
        "# L\n\n| Title | Venue | Year | Paper |\n|---|---|---|---|\n"
        "| Thin Adapters | Findings | 2024 | https://aclanthology.org/2024.findings-naacl.284 |\n"
        "| Wide Adapters | Findings | 2023 | https://arxiv.org/abs/2310.00001 |\n"
    )
    got, output = imported_text(tmp_path / "l", text)
    assert got["Thin Adapters"]["venue"] == "NAACL Findings"
    assert got["Wide Adapters"]["venue"] == "Findings"  # as listed, and said at its line
    assert "l.md:6:1: warning[ambiguous-venue] 'Wide Adapters'" in output
    assert "ambiguous-venue" not in output.split("l.md:6:1")[0]


def test_items_led_by_badges_take_title_venue_code_and_plain_authors(tmp_path: Path) -> None:
    """The shape lists generated by a script write (Awesome-Efficient-LLM's): badges first,
    a stars badge linking the code and a venue badge, the title link, then the names plainly."""
    star = "[![Star](https://img.shields.io/github/stars/ann/thin.svg?style=social&label=Star)]"
    text = (
        "# Efficient Tuning\n\n## Tuning\n"
        "* [![Publish](https://img.shields.io/badge/Conference-EMNLP'24%20Findings-blue)]() "
        f"{star}(https://github.com/ann/thin) [Thin Adapters: Less Is More]"
        "(https://arxiv.org/abs/2410.12178). Ann Lee, Bo van der Berg, Chen Li. "
        "[[Paper]](https://arxiv.org/abs/2410.12178)[[Github]](https://github.com/ann/thin)\n"
        "* [Wide Adapters](https://arxiv.org/abs/2310.07705). Dana Ong. "
        "[[Paper]](https://arxiv.org/abs/2310.07705)\n"
        "* [Deep Adapters](https://arxiv.org/abs/2310.07706). NeurIPS 2023. "
        "[[Paper]](https://arxiv.org/abs/2310.07706)\n"
    )
    got, _ = imported_text(tmp_path / "l", text)
    assert set(got) == {"Thin Adapters: Less Is More", "Wide Adapters", "Deep Adapters"}
    thin = got["Thin Adapters: Less Is More"]
    assert (thin["venue"], thin["year"]) == ("EMNLP Findings", 2024)
    assert thin["links"]["code"] == "https://github.com/ann/thin"
    assert thin["authors"] == ["Ann Lee", "Bo van der Berg", "Chen Li"]
    assert got["Wide Adapters"]["authors"] == ["Dana Ong"]
    deep = got["Deep Adapters"]  # a venue after the title is not a name
    assert "authors" not in deep and (deep["venue"], deep["year"]) == ("NeurIPS", 2023)


def test_a_venue_the_import_adds_gets_its_full_name_when_the_name_is_known(tmp_path: Path) -> None:
    text = (
        "# L\n\n| Title | Venue | Paper |\n|---|---|---|\n"
        "| Thin Adapters | ICLR 2024 | https://arxiv.org/abs/2310.00001 |\n"
        "| Wide Adapters | Findings of EMNLP 2023 | https://arxiv.org/abs/2310.00002 |\n"
        "| Deep Adapters | SomeConf 2023 | https://arxiv.org/abs/2310.00003 |\n"
    )
    imported_text(tmp_path / "l", text)
    registry = (tmp_path / "l" / "data" / "venues.yaml").read_text()
    venues = yaml.safe_load(registry)
    assert venues["ICLR"]["full_name"] == "International Conference on Learning Representations"
    assert venues["EMNLP Findings"]["full_name"] == (
        "Findings of the Association for Computational Linguistics: EMNLP"
    )
    assert venues["SomeConf"]["full_name"] == "SomeConf"  # unknown: as listed, to be checked
    assert "full_name: SomeConf  # imported: check it" in registry
    assert "ICLR  # imported" not in registry
