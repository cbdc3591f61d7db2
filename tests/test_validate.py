"""`catalog validate`: every named bad input is caught at its own line, with a stable code."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from collections_seen import collections_in
from conftest import FIXTURES, REPO, CatalogDir, record

import catalog.validate as validate_module
from catalog.cli import main
from catalog.validate import load_catalog

BAD = FIXTURES / "bad"

# file in tests/fixtures/bad -> (code, line) of the diagnostic it must produce
EXPECTED = {
    "yaml-syntax.yaml": ("yaml-syntax", 4),
    "duplicate-key.yaml": ("duplicate-key", 7),
    "alias-bomb.yaml": ("yaml-alias", 1),
    "empty.yaml": ("empty-file", 1),
    "a-list.yaml": ("not-a-mapping", 1),
    "invalid-utf8.yaml": ("invalid-utf8", 5),
    "missing-title.yaml": ("missing-field", 2),
    "wrong-type.yaml": ("wrong-type", 3),
    "year-range.yaml": ("bad-year", 3),
    "bad-date.yaml": ("bad-date", 7),
    "javascript-url.yaml": ("bad-url", 7),
    "data-url.yaml": ("bad-url", 6),
    "file-url.yaml": ("bad-url", 7),
    "malformed-url.yaml": ("bad-url", 7),
    "unknown-venue.yaml": ("unknown-venue", 4),
    "unknown-keyword.yaml": ("unknown-keyword", 7),
    "unknown-field.yaml": ("unknown-field", 2),
    "unknown-section.yaml": ("unknown-section", 7),
    "Bad_Name.yaml": ("bad-filename", 1),
    # hostile input (issue 12): refused at its line, never a traceback
    "tag-int.yaml": ("yaml-tag", 3),
    "tag-bool.yaml": ("yaml-tag", 8),
    "tag-float.yaml": ("yaml-tag", 3),
    "tag-timestamp.yaml": ("yaml-tag", 7),
    "tag-map.yaml": ("yaml-tag", 2),
    "tag-local.yaml": ("yaml-tag", 4),
    "tag-python.yaml": ("yaml-tag", 8),
    "long-integer.yaml": ("number-too-long", 3),
    "long-hex.yaml": ("number-too-long", 3),
    "deep-flow.yaml": ("yaml-syntax", 8),
    "deep-block.yaml": ("yaml-syntax", 40),
    "deeper-than-libyaml.yaml": ("yaml-syntax", 8),
    "block-scalar-key.yaml": ("unknown-field", 8),
    "bidi-override.yaml": ("bad-text", 2),
    "zero-width.yaml": ("bad-text", 8),
    "control-escape.yaml": ("bad-text", 2),
    "del-char.yaml": ("bad-text", 2),
    "c1-control.yaml": ("bad-text", 2),
    "noncharacter.yaml": ("bad-text", 2),
    "tab-in-title.yaml": ("bad-text", 2),
    "notes-control.yaml": ("bad-text", 8),
    "long-title.yaml": ("too-long", 2),
    "long-author.yaml": ("too-long", 8),
    "long-notes.yaml": ("too-long", 8),
    "long-url.yaml": ("too-long", 6),
    "url-userinfo.yaml": ("bad-url", 6),
    "url-password.yaml": ("bad-url", 6),
    "url-nul.yaml": ("bad-url", 6),
    "url-escape.yaml": ("bad-url", 6),
    "url-space.yaml": ("bad-url", 6),
    "future-added.yaml": ("future-date", 7),
    # characters libyaml refuses raw anywhere in a file: at their line, not at 1:1
    "raw-del.yaml": ("bad-text", 5),
    "raw-control.yaml": ("bad-text", 10),
    "raw-c1.yaml": ("bad-text", 2),
    "raw-noncharacter.yaml": ("bad-text", 7),
    "bidi-key.yaml": ("unknown-field", 4),
}


def test_every_fixture_is_named() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_reported_at_its_line(catalog_dir: CatalogDir, name: str) -> None:
    shutil.copy(BAD / name, catalog_dir.papers / name)
    catalog = load_catalog(catalog_dir.path)
    found = {(d.code, d.line) for d in catalog.diagnostics}
    assert EXPECTED[name] in found, found
    assert all(d.path == str(catalog_dir.papers / name) for d in catalog.diagnostics)
    assert catalog.papers == []


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("raw-del.yaml", 27),
        ("raw-control.yaml", 10),
        ("raw-c1.yaml", 14),
        ("raw-noncharacter.yaml", 42),
    ],
)
def test_a_raw_character_yaml_refuses_is_named_at_its_column(
    catalog_dir: CatalogDir, name: str, column: int
) -> None:
    shutil.copy(BAD / name, catalog_dir.papers / name)
    (problem,) = load_catalog(catalog_dir.path).diagnostics
    assert (problem.code, problem.column) == ("bad-text", column)
    assert problem.message.startswith("holds U+") and "\\n" not in problem.message


def test_every_printed_diagnostic_is_printable(catalog_dir: CatalogDir) -> None:
    """A key, a file name or a value holding controls or bidi overrides is shown escaped:
    a terminal or a PR annotation must not act on them or reorder the line."""
    for fixture in BAD.iterdir():
        shutil.copy(fixture, catalog_dir.papers / fixture.name)
    shutil.copy(BAD / "bidi-key.yaml", catalog_dir.papers / "x\x1b[31mred\u202e.yaml")
    diagnostics = load_catalog(catalog_dir.path).diagnostics
    assert len({d.path for d in diagnostics}) == len(EXPECTED) + 1
    for d in diagnostics:
        assert d.text().isprintable() and d.github().isprintable(), d.text()
    key = next(d for d in diagnostics if d.path.endswith("bidi-key.yaml"))
    assert key.message.startswith("ti\\u202etle: unknown field")


def test_upper_case_suffix_is_a_bad_filename_not_a_skipped_file(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    (catalog_dir.papers / "lora.yaml").rename(catalog_dir.papers / "LoRA.YAML")
    catalog = load_catalog(catalog_dir.path)
    assert [(Path(d.path).name, d.code, d.hint) for d in catalog.diagnostics] == [
        ("LoRA.YAML", "bad-filename", "rename it to lora.yaml")
    ]


def test_hints_say_how_to_fix(catalog_dir: CatalogDir) -> None:
    for name in ("malformed-url.yaml", "unknown-venue.yaml", "unknown-field.yaml"):
        shutil.copy(BAD / name, catalog_dir.papers / name)
    hints = {d.code: d.hint for d in load_catalog(catalog_dir.path).diagnostics}
    assert hints["bad-url"] == "https://github.com/JieShibo/MemVP"
    assert hints["unknown-venue"] == "did you mean 'ICLR'?"
    assert hints["unknown-field"] == "did you mean 'title'?"


def test_unknown_keyword_suggests_and_points_at_the_item(catalog_dir: CatalogDir) -> None:
    shutil.copy(BAD / "unknown-keyword.yaml", catalog_dir.papers)
    (problem,) = load_catalog(catalog_dir.path).diagnostics
    assert (problem.line, problem.column) == (7, 26)
    assert problem.hint == "did you mean 'Robust Fine-Tuning'?"


def test_alias_bomb_is_refused_without_expanding(catalog_dir: CatalogDir) -> None:
    bomb = "a: &a [x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 50)}]\n" for i in range(8)
    )
    catalog_dir.add("bomb", bomb)
    (problem,) = load_catalog(catalog_dir.path).diagnostics
    assert problem.code == "yaml-alias"


def test_all_problems_of_a_run_are_collected(catalog_dir: CatalogDir) -> None:
    for name in EXPECTED:
        shutil.copy(BAD / name, catalog_dir.papers / name)
    catalog_dir.add("lora")
    catalog = load_catalog(catalog_dir.path)
    assert {d.code for d in catalog.diagnostics} >= {code for code, _ in EXPECTED.values()}
    assert [p.id for p in catalog.papers] == ["lora"]


def test_aliases_are_accepted_and_canonicalized(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("compacter", venue="NIPS", keywords=["robust  FINETUNING", "Quantization"])
    catalog = load_catalog(catalog_dir.path)
    assert catalog.diagnostics == []
    (paper,) = catalog.papers
    assert paper.venue == "NeurIPS"
    assert paper.keywords == ["Robust Fine-Tuning", "Quantization"]
    assert paper.id == "compacter"
    assert paper.sections == ["papers"]


def test_next_year_is_allowed_but_not_the_one_after(catalog_dir: CatalogDir) -> None:
    from catalog.model import last_year

    catalog_dir.add("soon", year=last_year())
    catalog_dir.add("later", year=last_year() + 1)
    codes = {(Path(d.path).stem, d.code) for d in load_catalog(catalog_dir.path).diagnostics}
    assert codes == {("later", "bad-year")}


def test_registry_problems_are_reported(catalog_dir: CatalogDir) -> None:
    (catalog_dir.path / "venues.yaml").write_text(
        "ICLR:\n  full_name: x\n  kind: symposium\nICLR:\n  full_name: y\n  kind: conference\n"
    )
    found = {(d.code, d.line) for d in load_catalog(catalog_dir.path).diagnostics}
    assert ("duplicate-key", 4) in found


# --- the command ---------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_clean_data_exits_0(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    code, out, _ = run("validate", "--data", str(catalog_dir.path))
    assert code == 0
    assert out.strip() == "4 files checked: 0 errors, 0 warnings"


def test_cli_text_format_is_compiler_style(catalog_dir: CatalogDir) -> None:
    shutil.copy(BAD / "malformed-url.yaml", catalog_dir.papers)
    code, out, _ = run("validate", "--data", str(catalog_dir.path))
    path = catalog_dir.papers / "malformed-url.yaml"
    assert code == 1
    assert out.splitlines()[0] == (
        f"{path}:7:9: error[bad-url] links.code: expected an http(s) URL, got "
        "'https//github.com/JieShibo/MemVP' (hint: https://github.com/JieShibo/MemVP)"
    )
    assert out.splitlines()[-1] == "4 files checked: 1 error, 0 warnings"


def test_cli_json_is_one_document(catalog_dir: CatalogDir) -> None:
    for name in ("wrong-type.yaml", "unknown-venue.yaml"):
        shutil.copy(BAD / name, catalog_dir.papers)
    code, out, _ = run("validate", "--data", str(catalog_dir.path), "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert doc["summary"] == {"files": 5, "errors": 2, "warnings": 0}
    first = doc["diagnostics"][0]
    assert set(first) == {"file", "line", "column", "severity", "code", "message", "hint"}
    assert (first["code"], first["line"]) == ("unknown-venue", 4)
    assert first["file"].endswith("unknown-venue.yaml")


def test_cli_github_annotations(catalog_dir: CatalogDir) -> None:
    shutil.copy(BAD / "wrong-type.yaml", catalog_dir.papers)
    code, out, _ = run("validate", "--data", str(catalog_dir.path), "--format", "github")
    path = catalog_dir.papers / "wrong-type.yaml"
    assert code == 1
    assert out.strip() == (
        f"::error file={path},line=3,col=7,title=wrong-type::"
        "year: input should be a valid integer, got 'twenty'"
    )


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("validate", "--data", str(tmp_path / "nowhere"))[0] == 2
    assert run("validate", "--format", "xml")[0] == 2


def test_no_traceback_on_bad_data_whole_process(catalog_dir: CatalogDir) -> None:
    for name in EXPECTED:
        shutil.copy(BAD / name, catalog_dir.papers / name)
    proc = subprocess.run(
        [sys.executable, "-m", "catalog", "validate", "--data", str(catalog_dir.path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert len(proc.stdout.splitlines()) > len(EXPECTED)


def test_record_writer_round_trips(catalog_dir: CatalogDir) -> None:
    fields = record(
        title='Hostile: "quotes", [brackets], #hash & yes',
        keywords=["Robust Fine-Tuning", "Quantization"],
        sections=["pioneering", "papers"],
        notes="two\nlines",
    )
    catalog_dir.add("hostile", fields)
    catalog = load_catalog(catalog_dir.path)
    assert catalog.diagnostics == []
    assert catalog.papers[0].model_dump(exclude={"id"}, exclude_defaults=True) == fields


def test_a_paper_must_be_listed_somewhere(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("nowhere", sections=[])
    (problem,) = load_catalog(catalog_dir.path).diagnostics
    assert (problem.code, problem.line) == ("invalid-value", 8)
    assert problem.message.startswith("sections:")


def test_editor_schema_rejects_bad_records() -> None:
    """The committed schema is what editors check as you type (test_shipped: it accepts the
    shipped records); it refuses what validate refuses."""
    import jsonschema
    import yaml

    schema = json.loads((REPO / "data" / "paper.schema.json").read_text(encoding="utf-8"))
    checker = jsonschema.Draft202012Validator(schema, format_checker=None)
    for name in ("javascript-url.yaml", "year-range.yaml", "unknown-field.yaml"):
        data = yaml.safe_load((BAD / name).read_text(encoding="utf-8"))
        data["added"] = str(data["added"])
        assert list(checker.iter_errors(data)), name


def test_reserved_id_is_refused(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("index")
    (problem,) = load_catalog(catalog_dir.path).diagnostics
    assert (problem.code, problem.line) == ("bad-filename", 1)
    assert "reserved" in problem.message


def test_the_link_slots_are_the_models_link_fields() -> None:
    """catalog.LINK_SLOTS is the one list of a record's links that import, dedupe, the link
    checker and the renderers read; it must follow the model."""
    from catalog.catalog import LINK_SLOTS
    from catalog.model import Links

    assert tuple(Links.model_fields) == LINK_SLOTS


def test_validate_and_new_word_an_unknown_name_alike(catalog_dir: CatalogDir) -> None:
    """One "did you mean" helper (Registry.unknown_hint) for the validator and `catalog new`."""
    from click.testing import CliRunner

    from catalog.cli import main

    shutil.copy(BAD / "unknown-venue.yaml", catalog_dir.papers)
    (problem,) = load_catalog(catalog_dir.path).diagnostics
    (catalog_dir.papers / "unknown-venue.yaml").unlink()
    args = ["new", "--data", str(catalog_dir.path), "--title", "A Paper", "--year", "2024"]
    args += ["--venue", "ICRL", "--paper", "https://example.org/p", "--dry-run"]
    said = CliRunner().invoke(main, args)
    assert said.exit_code == 1
    assert f"unknown venue 'ICRL' ({problem.hint})" in said.stderr


@pytest.mark.parametrize(
    ("notes", "bad"),
    [
        ("one line\nand the next\n", False),
        ("caf\u00e9 \u2013 na\u00efve\n\nmore", False),
        ("a\ttab", True),
        ("a\r\nwindows break", True),
        ("line\n\u202ereversed", True),
        ("line\n\u200bzero width", True),
        ("line\n\u2028separator", True),
        ("line\n\ufdd0noncharacter", True),
    ],
)
def test_prose_may_break_lines_but_hides_nothing(
    catalog_dir: CatalogDir, notes: str, bad: bool
) -> None:
    catalog_dir.add("lora", record(notes=notes))
    codes = [d.code for d in load_catalog(catalog_dir.path).diagnostics]
    assert codes == (["bad-text"] if bad else [])


def test_the_records_and_facts_are_read_with_the_collector_held_off(
    catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listing the record files and reading the facts make no cycles (at 100,000 papers the
    list's Paths set off full collections); the collector is on again afterwards."""
    catalog_dir.add("lora")
    targets = ((validate_module, "record_files"), (validate_module, "_load_facts"))
    with collections_in(monkeypatch, *targets) as seen:
        catalog = load_catalog(catalog_dir.path)
    assert seen == {"record_files": 0, "_load_facts": 0}
    assert gc.isenabled()
    assert [p.id for p in catalog.papers] == ["lora"]
