"""The record writer round-trips (issue 12): every record the model accepts is written as YAML
that loads back as the same record, and commands refuse to write one that would not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import CatalogDir, record
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from catalog import writer
from catalog.cli import main
from catalog.errors import CatalogError
from catalog.load import parse_text
from catalog.model import _BAD_LINE, MAX_NAME, MAX_TITLE, Record
from catalog.records import dump_record, scalar
from catalog.writer import record_text, write_record

ANY_CHAR = st.characters(exclude_categories=["Cs"])
YAML_CHARS = st.sampled_from(" \"'\\#:-?[]{},&*!|>%@`~=<.0123456789")
HOSTILE_CHARS = st.sampled_from("\x00\x1b\x7f\x85\u2028\u2029\ufeff\ufffe\uffff\r\n\t")
ANY_TEXT = st.text(ANY_CHAR | YAML_CHARS | HOSTILE_CHARS, max_size=30)
# What the model accepts in one line of text, and in notes (newlines too).
LINE_CHAR = (ANY_CHAR | YAML_CHARS).filter(lambda c: not _BAD_LINE.match(c))
NOTES_CHAR = LINE_CHAR | st.just("\n")


@settings(max_examples=200, deadline=None)
@given(value=ANY_TEXT)
def test_any_string_is_written_as_a_scalar_that_reads_back_as_itself(value: str) -> None:
    for document in (f"k: {scalar(value)}\n", f"k: [{scalar(value)}, x]\n"):
        loaded = yaml.load(document, Loader=yaml.CSafeLoader)["k"]
        assert (loaded if isinstance(loaded, str) else loaded[0]) == value


def line(limit: int) -> st.SearchStrategy[str]:
    return st.text(LINE_CHAR, min_size=1, max_size=min(limit, 40))


URLS = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}{path}",
    st.sampled_from(["http", "https"]),
    st.text("abcxyz019.-", min_size=1, max_size=12).map(lambda h: "h" + h),
    st.just("") | st.text(LINE_CHAR, max_size=20).map(lambda p: "/" + p),
)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": draw(line(MAX_TITLE)),
        "year": draw(st.integers(1950, dt.date.today().year + 1)),
        "venue": draw(line(MAX_NAME)),
        "links": {"paper": draw(URLS)},
        "added": draw(st.dates(dt.date(1, 1, 1), dt.date.today())),
    }
    if draw(st.booleans()):
        fields["links"]["code"] = draw(URLS)
    for key in ("keywords", "authors", "sections"):
        if draw(st.booleans()):
            fields[key] = draw(st.lists(line(MAX_NAME), min_size=1, max_size=3))
    if draw(st.booleans()):
        fields["notes"] = draw(st.text(NOTES_CHAR, max_size=80))
    return fields


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(fields=records())
def test_every_record_the_model_accepts_reads_back_as_the_same_record(
    fields: dict[str, Any],
) -> None:
    try:
        expected = Record.model_validate(fields)
    except ValidationError:
        assume(False)
        raise
    data, problems = parse_text(dump_record(expected), "record.yaml")
    assert problems == []
    assert Record.model_validate(data) == expected


@pytest.mark.parametrize(
    "notes",
    [
        "one\ntwo",
        "ends with a newline\n",
        "ends with two\n\n",
        "  starts indented\nthen not",
        "\n\nstarts with empty lines",
        "trailing spaces   \nand more  ",
        "quotes \" and ' and \\ and # and: colons",
    ],
)
def test_notes_keep_their_exact_text(notes: str) -> None:
    expected = Record.model_validate(record(notes=notes))
    assert Record.model_validate(yaml.safe_load(dump_record(expected))) == expected


def test_empty_keywords_and_topics_are_left_out_and_read_back_the_same() -> None:
    expected = Record.model_validate(record(keywords=[], topics=[]))
    text = dump_record(expected)
    assert "keywords" not in text and "topics" not in text
    assert Record.model_validate(yaml.safe_load(text)) == expected


def test_write_record_reads_the_temp_file_back_before_renaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "lora.yaml"
    target.write_text("the old record\n", encoding="utf-8")
    monkeypatch.setattr(writer, "dump_record", lambda r: dump_record(r).replace("2022", "2023"))
    with pytest.raises(CatalogError, match=r"would not read back as written.*year"):
        write_record(target, record())
    assert target.read_text(encoding="utf-8") == "the old record\n"
    assert [p.name for p in tmp_path.iterdir()] == ["lora.yaml"]  # no temp file left
    with pytest.raises(CatalogError, match="year would change"):
        record_text(record())


def test_write_record_exclusive_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "lora.yaml"
    assert write_record(target, record(), exclusive=True)
    text = target.read_text(encoding="utf-8")
    assert not write_record(target, record(title="Another"), exclusive=True)
    assert target.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["lora.yaml"]


def _break_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer bug: the title written is not the title meant."""
    monkeypatch.setattr(writer, "dump_record", lambda r: dump_record(r).replace("LoRA", "LoRa"))


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text("utf-8") for p in folder.rglob("*.yaml")}


def test_dedupe_fix_refuses_a_merge_that_would_not_read_back(
    catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog_dir.add("lora")
    catalog_dir.add("lora-2", links={"paper": "https://arxiv.org/pdf/2106.09685v2"})
    before = _snapshot(catalog_dir.path)
    _break_writer(monkeypatch)
    result = CliRunner().invoke(main, ["dedupe", "--data", str(catalog_dir.path), "--fix"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("error: ")
    assert "would not read back" in result.output
    assert _snapshot(catalog_dir.path) == before


def test_new_refuses_a_record_that_would_not_read_back(
    catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(catalog_dir.path)
    _break_writer(monkeypatch)
    args = ["new", "--data", str(catalog_dir.path), "--title", "LoRA", "--year", "2022"]
    args += ["--paper", "https://arxiv.org/abs/2106.09685", "--venue", "ICLR"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "would not read back" in result.output
    assert _snapshot(catalog_dir.path) == before


def test_import_refuses_rows_that_would_not_read_back(
    catalog_dir: CatalogDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = tmp_path / "list.md"
    listing.write_text(
        "# Awesome\n\n## Papers\n\n| Title | Venue | Year | Paper |\n|---|---|---|---|\n"
        "| LoRA: Low-Rank Adaptation | ICLR | 2022 | [link](https://arxiv.org/abs/2106.09685) |\n"
        "| Other\x7f LoRA | ICML | 2023 | [link](https://arxiv.org/abs/2301.00001) |\n",
        encoding="utf-8",
    )
    before = _snapshot(catalog_dir.path)
    _break_writer(monkeypatch)
    result = CliRunner().invoke(main, ["import", str(listing), "--data", str(catalog_dir.path)])
    assert result.exit_code == 1, result.output
    assert "would not read back" in result.output
    assert _snapshot(catalog_dir.path) == before
