"""Hostile data folders (issue 12): odd entries, oversized files, a loader bug in one file,
and a fuzz of mutated real records. Nothing may raise; every file gets an answer."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, CatalogDir, record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import validate
from catalog.cli import main
from catalog.diagnostics import MAX_MESSAGE, Diagnostic
from catalog.load import parse_text, read_yaml
from catalog.model import Paper
from catalog.records import dump_record
from catalog.registry import Registry
from catalog.validate import load_catalog

# Seeds: real records (the shipped ones, whatever they are) plus the fixtures' own.
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((REPO / "data" / "papers").glob("*.yaml"))]
SEEDS = [*SEEDS[:40], dump_record(record(notes="line one\n  line two\n"))]


def codes(catalog_dir: CatalogDir) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for d in load_catalog(catalog_dir.path).diagnostics:
        found.setdefault(Path(d.path).name, set()).add(d.code)
    return found


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symlinks")
def test_entries_that_are_not_regular_files_are_reported_and_never_opened(
    catalog_dir: CatalogDir, tmp_path: Path
) -> None:
    catalog_dir.add("lora")
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: SECRET LINE\n", encoding="utf-8")
    papers = catalog_dir.papers
    (papers / "linked.yaml").symlink_to(secret)
    (papers / "system.yaml").symlink_to("/etc/passwd")
    (papers / "loop.yaml").symlink_to(papers / "loop.yaml")
    (papers / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    (papers / "folder.yaml").mkdir()
    (papers / "drafts").mkdir()
    os.mkfifo(papers / "pipe.yaml")  # opening it would hang the run
    catalog = load_catalog(catalog_dir.path)
    strays = {Path(d.path).name: d for d in catalog.diagnostics}
    assert set(strays) == {
        "linked.yaml",
        "system.yaml",
        "loop.yaml",
        "dangling.yaml",
        "folder.yaml",
        "drafts",
        "pipe.yaml",
    }
    assert {d.code for d in strays.values()} == {"not-a-file"}
    assert "symbolic link" in strays["system.yaml"].message
    assert "FIFO" in strays["pipe.yaml"].message
    assert "folder" in strays["drafts"].message
    assert not any("SECRET" in d.text() or "root:" in d.text() for d in catalog.diagnostics)
    assert [p.id for p in catalog.papers] == ["lora"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("name", ["venues.yaml", "keywords.yaml", "catalog.yaml", "facts.yaml"])
def test_a_registry_or_the_facts_file_that_is_a_fifo_is_an_error_not_a_hang(
    catalog_dir: CatalogDir, tmp_path: Path, name: str
) -> None:
    catalog_dir.add("lora")
    target = catalog_dir.path / name
    target.unlink(missing_ok=True)
    os.mkfifo(target)  # opening it for reading would block until a writer comes
    args = ["build", "--data", str(catalog_dir.path), "--readme", str(tmp_path / "R.md")]
    done = subprocess.run(
        [sys.executable, "-m", "catalog", *args, "--no-site"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert f"{target}:1:1: error[" in said and "is a FIFO" in said
    assert "Traceback" not in said and not (tmp_path / "R.md").exists()
    (line,) = [line for line in said.splitlines() if line.startswith(f"{target}:")]
    assert "records" not in line  # the hint fits any data file, not only records


def test_read_yaml_refuses_a_symlink_when_told_not_to_follow(tmp_path: Path) -> None:
    target = tmp_path / "real.yaml"
    target.write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(target)
    source, problems = read_yaml(tmp_path / "link.yaml", follow_symlinks=False)
    assert source.data is None and [d.code for d in problems] == ["not-a-file"]
    assert read_yaml(tmp_path / "link.yaml")[0].data == {"a": 1}


@pytest.mark.parametrize("command", ["validate", "build", "dedupe", "new", "check-links"])
@pytest.mark.parametrize("papers", ["missing", "a file"])
def test_no_papers_folder_is_a_one_line_error_exit_2(
    catalog_dir: CatalogDir, command: str, papers: str
) -> None:
    catalog_dir.papers.rmdir()
    if papers == "a file":
        catalog_dir.papers.write_text("", encoding="utf-8")
    extra = ["--title", "X", "--year", "2024", "--paper", "https://example.org/x"]
    args = [command, "--data", str(catalog_dir.path), *(extra if command == "new" else [])]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "papers" in lines[0]


def test_an_oversized_file_is_refused_unread(
    catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog_dir.add("lora")
    catalog_dir.add("huge", "title: " + "x" * 2_000_000 + "\n")
    assert codes(catalog_dir) == {"huge.yaml": {"file-too-large"}}
    monkeypatch.setenv("CATALOG_MAX_FILE_BYTES", "100")  # the cap is configurable
    found = codes(catalog_dir)
    assert found["lora.yaml"] == {"file-too-large"}


def test_a_loader_bug_in_one_file_is_an_internal_error_and_the_rest_goes_on(
    catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog_dir.add("lora")
    catalog_dir.add("boom", title="Boom")
    real = validate.validate_record

    def flaky(source, path, *args):  # type: ignore[no-untyped-def]
        if path.stem == "boom":
            raise RuntimeError("a bug")
        return real(source, path, *args)

    monkeypatch.setattr(validate, "validate_record", flaky)
    catalog = load_catalog(catalog_dir.path)
    (problem,) = catalog.diagnostics
    assert (Path(problem.path).name, problem.code) == ("boom.yaml", "internal-error")
    assert "RuntimeError: a bug" in problem.message
    assert [p.id for p in catalog.papers] == ["lora"]


def test_messages_are_cut_and_kept_on_one_line(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("long", "title: [" + ", ".join(["x\\ny"] * 50_000) + "]\n" + "year: 1\n")
    result = CliRunner().invoke(main, ["validate", "--data", str(catalog_dir.path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines and all(len(line) < 3 * MAX_MESSAGE for line in lines)
    d = Diagnostic("f", 1, 1, "error", "x", "a\nb" + "m" * 10_000, "h" * 10_000)
    assert len(d.message) == MAX_MESSAGE and d.message.endswith("…") and "\n" not in d.message
    assert d.hint is not None and len(d.hint) == MAX_MESSAGE
    # a changed copy, and one sent between processes, are bounded the same way
    longer = d._replace(message=d.message + "; nothing imported", column=2)
    assert len(longer.message) == MAX_MESSAGE and longer.column == 2 and longer.code == "x"
    assert pickle.loads(pickle.dumps(d)) == d and sorted([longer, d]) == [d, longer]


# -- fuzz: mutations of real records -------------------------------------------------------

HOSTILE = [
    "!!int abc", "!!bool maybe", "!!float ''", "!!timestamp foo", "!!map x", "!x", "&a", "*a",
    "1" * 4400, "0x" + "f" * 4400, "[" * 200, "{" * 50, "- " * 60, "? |\n  a\n: b", "? |",
    "\x00", "\x1b[2J", "\x7f", "\u0085", "\ufffe", "\u202e", "\u200b", "%TAG ! tag:x,1:\n",
    "---\n", "...\n", ": :", "<<: {a: 1}", "=", "\t", '"\\ud800"', '"\\x85"', "2024-02-30",
    "2024-01-01 10:00:00 +99:00", "'''", '"', "|+\n", ">-\n  x", "#", "\n  - x",
]  # fmt: skip


@st.composite
def mutants(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "text"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(HOSTILE)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif kind == "replace":
            text = text[:at] + draw(st.sampled_from(HOSTILE)) + text[at + 1 :]
        else:
            text = text[:at] + draw(st.text(max_size=8)) + text[at:]
    return text


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutants())
def test_fuzzed_records_give_a_record_or_diagnostics_never_an_exception(text: str) -> None:
    data, problems = parse_text(text, "fuzz.yaml")
    assert all(isinstance(d, Diagnostic) and d.line >= 0 for d in problems)
    assert data is not None or problems or not text.strip() or text.lstrip().startswith("#")
    assert not any(d.code == "internal-error" for d in problems), problems
    source = validate.Source("fuzz.yaml", text, data)
    paper, more = validate.validate_record(
        source, Path("fuzz.yaml"), Registry({}), Registry({}), None
    )
    assert paper is None or isinstance(paper, Paper)
    assert paper is not None or more or problems or data is None
    for d in more:
        assert len(d.message) <= MAX_MESSAGE and "\n" not in d.message


def test_no_printable_character_is_refused_so_the_fast_path_is_exact() -> None:
    """model's fast path skips the regex when str.isprintable(): that must lose nothing."""
    from catalog.model import _BAD_LINE

    assert [
        hex(c) for c in range(0x110000) if chr(c).isprintable() and _BAD_LINE.match(chr(c))
    ] == []


def test_a_registry_name_obeys_the_rules_of_record_names(catalog_dir: CatalogDir) -> None:
    """Registry keys are printed in every output (feed categories, BibTeX): no controls."""
    keywords = catalog_dir.path / "keywords.yaml"
    keywords.write_text(keywords.read_text("utf-8") + '"Bad\\e[31m": {}\n', encoding="utf-8")
    catalog = load_catalog(catalog_dir.path)
    found = {(Path(d.path).name, d.code, d.line) for d in catalog.diagnostics}
    assert ("keywords.yaml", "bad-text", 6) in found, found
    assert "Bad\x1b[31m" not in catalog.keywords.entries
