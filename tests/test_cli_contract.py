"""What a script may rely on, for every command: exit statuses 0/1/2/130, exactly one JSON
document with `--format json` (clean or not), `-q`, and Ctrl-C as one line, never a traceback."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from links_server import ok, serve, status

from catalog.cli import main
from catalog.errors import EXIT_CODES_HELP
from catalog.interrupt import graceful_stop
from tests.conftest import REPO, CatalogDir, record

GOOD_LIST = (
    "## Papers\n"
    "| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
    "| 2024 | **Good: A Paper** | ICML | [Link](https://arxiv.org/abs/2401.00001) |\n"
)
BAD_LIST = GOOD_LIST + "| soon | **No Year** | ICML | [Link](https://arxiv.org/abs/2401.00002) |\n"
NEW_FLAGS = ("--title", "QLoRA: Efficient Finetuning", "--year", "2023", "--venue", "ICML")
NEW_FLAGS += ("--paper", "https://arxiv.org/abs/2305.14314", "--section", "papers")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def duplicate(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    catalog_dir.add("lora-again")  # the same arXiv id and title: one paper twice


def broken(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("broken", "title: [\n")


@pytest.fixture
def links() -> Iterator[str]:
    with serve({"/ok": ok, "/gone": status(404)}) as server:
        yield server.base


# -- exit statuses ----------------------------------------------------------------------------


def test_validate_statuses(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    catalog_dir.add("lora")
    assert run("validate", "--data", catalog_dir.path).exit_code == 0
    assert run("validate", "--data", tmp_path / "nowhere").exit_code == 2
    assert run("validate", "--data", catalog_dir.path, "--format", "yaml").exit_code == 2
    broken(catalog_dir)
    assert run("validate", "--data", catalog_dir.path).exit_code == 1


def test_schema_statuses() -> None:
    assert run("schema").exit_code == 0
    assert run("schema", "--nope").exit_code == 2


def test_import_statuses(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text(GOOD_LIST, encoding="utf-8")
    bad.write_text(BAD_LIST, encoding="utf-8")
    assert run("import", good, "--data", catalog_dir.path).exit_code == 0
    assert run("import", bad, "--data", tmp_path / "other").exit_code == 1
    assert run("import", tmp_path / "missing.md", "--data", catalog_dir.path).exit_code == 2
    assert run("import", good, "--data", catalog_dir.path, "--added", "today").exit_code == 2


def test_new_statuses(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    assert run("new", "--data", catalog_dir.path, *NEW_FLAGS).exit_code == 0
    again = run("new", "--data", catalog_dir.path, *NEW_FLAGS)
    assert again.exit_code == 1, again.output  # the paper is already there
    assert run("new", "--data", tmp_path / "nowhere", *NEW_FLAGS).exit_code == 2
    assert run("new", "--data", catalog_dir.path, "--title", "Only a title").exit_code == 2


def test_dedupe_statuses(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    catalog_dir.add("lora")
    assert run("dedupe", "--data", catalog_dir.path).exit_code == 0
    assert run("dedupe", "--data", tmp_path / "nowhere").exit_code == 2
    duplicate(catalog_dir)
    assert run("dedupe", "--data", catalog_dir.path).exit_code == 1


def test_build_statuses(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    catalog_dir.add("lora")
    readme = tmp_path / "README.md"
    common = ("--data", catalog_dir.path, "--readme", readme, "--no-site")
    assert run("build", *common, "--check").exit_code == 1  # no README yet: stale
    assert run("build", *common).exit_code == 0
    assert run("build", *common, "--check").exit_code == 0
    assert run("build", "--data", tmp_path / "nowhere").exit_code == 2
    assert run("build", *common, "--check", "--no-readme").exit_code == 2
    broken(catalog_dir)
    assert run("build", *common).exit_code == 1


def test_check_links_statuses(catalog_dir: CatalogDir, tmp_path: Path, links: str) -> None:
    catalog_dir.add("lora", links={"paper": f"{links}/ok"})
    common = ("check-links", "--data", catalog_dir.path, "--allow-private")
    assert run(*common).exit_code == 0
    assert run(*common, "--timeout", "0").exit_code == 2
    assert run("check-links", "--data", tmp_path / "nowhere").exit_code == 2
    catalog_dir.add("gone", record(title="Gone", links={"paper": f"{links}/gone"}))
    assert run(*common).exit_code == 1


def test_serve_statuses(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    assert run("serve", "--no-build", "--site-dir", tmp_path / "empty").exit_code == 2
    assert run("serve", "--data", tmp_path / "nowhere").exit_code == 2
    assert run("serve", "--port", "70000").exit_code == 2
    broken(catalog_dir)
    failed = run("serve", "--data", catalog_dir.path, "--site-dir", tmp_path / "site")
    assert failed.exit_code == 1


def test_init_statuses(tmp_path: Path) -> None:
    assert run("init", tmp_path / "new").exit_code == 0
    assert run("init", tmp_path / "new").exit_code == 1  # refuses to overwrite
    assert run("init", tmp_path / "other", "--format", "yaml").exit_code == 2


def test_an_unwritable_output_is_an_environment_error(
    catalog_dir: CatalogDir, tmp_path: Path
) -> None:
    catalog_dir.add("lora")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = run("build", "--data", catalog_dir.path, "--readme", blocker / "README.md")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


# -- Ctrl-C -----------------------------------------------------------------------------------


def _interrupt(*args: Any, **kwargs: Any) -> Any:
    raise KeyboardInterrupt


INTERRUPTED_AT: dict[str, tuple[str, list[str]]] = {
    "validate": ("catalog.validate.load_catalog", ["validate"]),
    "schema": ("catalog.schema.schema_text", ["schema"]),
    "import": ("catalog.importing.import_list", ["import", "LIST"]),
    "init": ("catalog.scaffold.init_catalog", ["init", "NEWDIR"]),
    "new": ("catalog.new.load_catalog", ["new", *NEW_FLAGS]),
    "dedupe": ("catalog.validate.load_catalog", ["dedupe"]),
    "build": ("catalog.build.load_catalog", ["build", "--no-site"]),
    "check-links": ("catalog.links.read.read_links", ["check-links"]),
    "serve": ("catalog.serve.build_site", ["serve"]),
    "sync": ("catalog.sync.run.load_catalog", ["sync", "--no-fetch"]),
    "cli-docs": ("catalog.commands.cli_docs.render", ["cli-docs", "--output", "OUT"]),
    "triage": ("catalog.validate.load_catalog", ["triage", "--since", "HEAD"]),
    "report": ("catalog.validate.load_catalog", ["report"]),
}


def test_every_command_is_covered_by_the_interrupt_test() -> None:
    assert set(INTERRUPTED_AT) == set(main.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(INTERRUPTED_AT))
def test_ctrl_c_exits_130_with_one_line(
    name: str, catalog_dir: CatalogDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, args = INTERRUPTED_AT[name]
    monkeypatch.setattr(target, _interrupt)
    listing = tmp_path / "list.md"
    listing.write_text(GOOD_LIST, encoding="utf-8")
    places = {
        "LIST": str(listing),
        "OUT": str(tmp_path / "cli.md"),
        "NEWDIR": str(tmp_path / "new"),
    }
    args = [places.get(a, a) for a in args]
    data = [] if name in ("schema", "init", "cli-docs") else ["--data", str(catalog_dir.path)]
    result = CliRunner().invoke(main, [*args, *data])
    assert result.exit_code == 130, result.output
    assert result.stderr == "interrupted\n"
    assert result.stdout == ""


SLOW_VALIDATE = """
import sys, time
import catalog.validate

def slow(*args, **kwargs):
    print("loading", file=sys.stderr, flush=True)
    time.sleep(30)

catalog.validate.load_catalog = slow
from catalog.cli import main
main(["validate", "--data", sys.argv[1]])
"""


def test_a_real_sigint_exits_130_without_a_traceback(catalog_dir: CatalogDir) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_VALIDATE, str(catalog_dir.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stderr is not None
    assert process.stderr.readline() == "loading\n"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 130
    assert err == "interrupted\n"
    assert out == ""


def test_graceful_stop_sets_its_event_first_and_interrupts_second() -> None:
    before = signal.getsignal(signal.SIGINT)
    with graceful_stop("winding down") as stop:
        signal.raise_signal(signal.SIGINT)
        assert stop.is_set()
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before


# -- JSON: one document, clean or not ---------------------------------------------------------


def one_json(result: Result) -> Any:
    return json.loads(result.stdout)  # fails on no output, or on two documents


def test_validate_json(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    clean = one_json(run("validate", "--data", catalog_dir.path, "--format", "json"))
    assert clean["diagnostics"] == [] and clean["summary"]["errors"] == 0
    broken(catalog_dir)
    dirty = one_json(run("validate", "--data", catalog_dir.path, "--format", "json"))
    assert [d["code"] for d in dirty["diagnostics"]] == ["yaml-syntax"]


def test_schema_is_json() -> None:
    assert one_json(run("schema"))["type"] == "object"


def test_import_json_lists_what_it_wrote(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text(GOOD_LIST, encoding="utf-8")
    bad.write_text(BAD_LIST, encoding="utf-8")
    clean = one_json(run("import", good, "--data", catalog_dir.path, "--format", "json"))
    assert clean["written"] == [
        {
            "id": "good",
            "file": str(catalog_dir.papers / "good.yaml"),
            "title": "Good: A Paper",
            "line": 4,
        },
    ]
    assert clean["diagnostics"] == []
    other = tmp_path / "other"
    dirty = one_json(run("import", bad, "--data", other, "--format", "json"))
    assert [w["id"] for w in dirty["written"]] == ["good"]
    assert [(d["line"], d["code"]) for d in dirty["diagnostics"]] == [(5, "bad-row")]
    again = one_json(run("import", good, "--data", catalog_dir.path, "--format", "json"))
    assert again["written"] == []
    assert [(o["line"], o["record"]) for o in again["overlaps"]] == [(4, "good")]


def test_new_json(catalog_dir: CatalogDir) -> None:
    dry = one_json(
        run("new", "--data", catalog_dir.path, *NEW_FLAGS, "--dry-run", "--format", "json")
    )
    assert dry["written"] is False and dry["id"] == "qlora"
    assert "QLoRA: Efficient Finetuning" in dry["record"]
    done = one_json(run("new", "--data", catalog_dir.path, *NEW_FLAGS, "--format", "json"))
    assert done["written"] is True
    assert Path(done["file"]).read_text(encoding="utf-8") == done["record"]


def test_init_json_lists_every_file_it_wrote(tmp_path: Path) -> None:
    doc = one_json(run("init", tmp_path / "new", "--title", "Awesome Tests", "--format", "json"))
    assert doc["title"] == "Awesome Tests" and doc["root"] == str(tmp_path / "new")
    written = sorted(Path(p) for p in doc["written"])
    on_disk = sorted(p for p in (tmp_path / "new").rglob("*") if p.is_file())
    assert written == on_disk and written
    refused = run("init", tmp_path / "new", "--format", "json")
    assert refused.exit_code == 1 and refused.stderr.startswith("error:")
    assert "already exists" in json.loads(refused.stdout)["error"]["message"]


def test_dedupe_json(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    assert one_json(run("dedupe", "--data", catalog_dir.path, "--format", "json")) == {"groups": []}
    duplicate(catalog_dir)
    dirty = one_json(run("dedupe", "--data", catalog_dir.path, "--format", "json"))
    assert [g["records"] for g in dirty["groups"]] == [["lora", "lora-again"]]


def test_build_json_clean_check_and_dirty(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    catalog_dir.add("lora")
    readme = tmp_path / "README.md"
    common = ("build", "--data", catalog_dir.path, "--readme", readme, "--format", "json")
    written = one_json(run(*common, "--site", tmp_path / "site"))
    assert written["ok"] is True and written["papers"] == 1
    assert written["readme"] == {
        "path": str(readme),
        "state": "written",
        "bytes": len(readme.read_bytes()),
    }
    assert written["site"] == str(tmp_path / "site")
    checked = one_json(run(*common, "--check"))
    assert checked["readme"]["state"] == "up to date" and checked["site"] is None
    readme.write_text("old\n", encoding="utf-8")
    stale = run(*common, "--check")
    assert stale.exit_code == 1
    assert one_json(stale)["readme"]["state"] == "stale"
    assert one_json(stale)["readme"]["diff"].startswith("---")
    broken(catalog_dir)
    dirty = run(*common, "--no-site")
    assert dirty.exit_code == 1
    doc = one_json(dirty)
    assert doc["ok"] is False and doc["readme"]["state"] == "not rendered"
    assert [d["code"] for d in doc["diagnostics"]] == ["yaml-syntax"]


def test_check_links_json(catalog_dir: CatalogDir, links: str) -> None:
    catalog_dir.add("lora", links={"paper": f"{links}/ok"})
    common = ("check-links", "--data", catalog_dir.path, "--allow-private", "--format", "json")
    clean = one_json(run(*common))
    assert [r["status"] for r in clean["results"]] == ["ok"]
    catalog_dir.add("gone", record(title="Gone", links={"paper": f"{links}/gone"}))
    dirty = one_json(run(*common))
    assert sorted(r["status"] for r in dirty["results"]) == ["broken", "ok"]


# -- quiet, help ------------------------------------------------------------------------------


def test_every_command_takes_quiet() -> None:
    for name, command in main.commands.items():  # type: ignore[attr-defined]
        assert any("--quiet" in p.opts and "-q" in p.opts for p in command.params), name


def test_quiet_leaves_only_the_findings(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    catalog_dir.add("lora")
    assert run("validate", "-q", "--data", catalog_dir.path).output == ""
    assert run("dedupe", "-q", "--data", catalog_dir.path).output == ""
    built = run(
        "build", "-q", "--data", catalog_dir.path, "--readme", tmp_path / "R.md", "--no-site"
    )
    assert built.exit_code == 0 and built.output == ""
    broken(catalog_dir)
    loud = run("validate", "--data", catalog_dir.path)
    quiet = run("validate", "--quiet", "--data", catalog_dir.path)
    assert quiet.exit_code == 1
    assert quiet.output.splitlines() == loud.output.splitlines()[:-1]  # no summary line


def test_quiet_reports_have_no_summary_line(catalog_dir: CatalogDir, links: str) -> None:
    """-q promises "no summary line" on every command, so a clean run prints nothing."""
    catalog_dir.add("lora", links={"paper": f"{links}/ok"})
    check = ("check-links", "--data", catalog_dir.path, "--allow-private")
    assert "links checked" in run(*check).stdout
    assert run(*check, "-q").output == ""
    assert "0 change(s) proposed" in run("sync", "--no-fetch", "--data", catalog_dir.path).stdout
    assert run("sync", "-q", "--no-fetch", "--data", catalog_dir.path).output == ""
    catalog_dir.add("gone", record(title="Gone", links={"paper": f"{links}/gone"}))
    found = run(*check, "-q")
    assert found.exit_code == 1
    assert [line for line in found.stdout.splitlines() if "links checked" in line] == []
    assert "error[link-broken]" in found.stdout or "[link-broken]" in found.stdout


def test_the_group_help_documents_the_exit_statuses() -> None:
    text = run("--help").output
    flat = " ".join(text.split())
    assert " ".join(EXIT_CODES_HELP.split()) in flat
    for code in ("0 clean", "1 findings", "2 usage", "130 on Ctrl-C"):
        assert code in flat


def test_contributing_documents_the_exit_statuses() -> None:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 130 |"):
        assert code in text


def test_a_failing_command_still_prints_one_json_document(
    catalog_dir: CatalogDir, tmp_path: Path
) -> None:
    """A script reading --format json gets a document even when the command fails."""
    assert run("new", "--data", catalog_dir.path, *NEW_FLAGS).exit_code == 0
    again = run("new", "--data", catalog_dir.path, *NEW_FLAGS, "--format", "json")
    assert again.exit_code == 1
    doc = json.loads(again.stdout)
    assert doc["error"]["exit_status"] == 1 and "already in the catalog" in doc["error"]["message"]
    missing = run("validate", "--data", tmp_path / "nowhere", "--format", "json")
    assert missing.exit_code == 2
    assert json.loads(missing.stdout)["error"]["exit_status"] == 2


def test_dedupe_with_unreadable_records_is_not_clean(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    catalog_dir.add("broken", "title: [unclosed\n")
    result = run("dedupe", "--data", catalog_dir.path)
    assert result.exit_code == 1
    assert "1 file(s) with errors were not checked" in result.stderr
