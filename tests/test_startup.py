"""Lazy start-up: a command imports only what it uses, and `catalog --help` imports no stage
and not even click (its text comes from catalog/_help.py, generated from click's own help).

Speed itself is measured by benchmarks/startup_bench.py; these tests pin the behaviour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.cli import main
from catalog.commands.cli_docs import help_module
from tests.conftest import REPO, CatalogDir

STAGES = {
    "pydantic",
    "jinja2",
    "requests",
    "urllib3",
    "aiohttp",
    "pycurl",
    "mkdocs",
    "material",
    "rich",
}
PROBE = """
import json, sys
from catalog.entry import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def imported_by(*args: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "COLUMNS": "120", **(env or {})},
        check=False,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_module_is_up_to_date() -> None:
    assert (REPO / "catalog" / "_help.py").read_text(encoding="utf-8") == help_module(main), (
        "catalog/_help.py is stale: run `.venv/bin/catalog cli-docs`"
    )


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_group_help_imports_neither_click_nor_any_stage(flag: str) -> None:
    modules = imported_by(flag)
    assert not modules & (STAGES | {"click", "yaml"}), modules & (STAGES | {"click", "yaml"})


@pytest.mark.parametrize(
    "prog", [["-m", "catalog"], ["-c", "from catalog.entry import run; run()"]]
)
def test_the_fast_help_is_what_click_prints(prog: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, *prog, "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "COLUMNS": "120"},
        check=True,
    )
    name = "python -m catalog" if prog[0] == "-m" else "catalog"
    clicks = CliRunner().invoke(main, ["--help"], prog_name=name, terminal_width=80)
    assert done.stdout == clicks.output


def test_a_narrow_terminal_gets_click_own_wrapping() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "catalog", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "COLUMNS": "60"},
        check=True,
    )
    assert max(len(line) for line in done.stdout.splitlines()) <= 60
    assert "Exit status: 0 clean" in done.stdout


def test_commands_import_only_their_stages(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    data = str(catalog_dir.path)
    for args in (["build", "--help"], ["check-links", "--help"], ["validate", "--help"]):
        assert not imported_by(*args) & STAGES, args
    for args in (["validate", "--data", data], ["dedupe", "--data", data], ["schema"]):
        used = imported_by(*args)
        assert "pydantic" in used, args  # the probe really ran the command
        assert not used & (STAGES - {"pydantic"}), args


IN_ONE_PROCESS = """
import json, sys
from catalog import read_ahead
read_ahead._spare_core = lambda: False  # read here, as on a busy machine: no child to hide it
from catalog.entry import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def test_validate_reads_plainly_written_data_without_pyyaml(catalog_dir: CatalogDir) -> None:
    """The line reader (catalog/yaml_lines.py) reads what the tools write; a file it is not
    sure of brings in the C loader, which finds its error at its line."""
    catalog_dir.add("lora")
    catalog_dir.add("qlora", title="QLoRA", links={"paper": "https://arxiv.org/abs/2305.14314"})

    def validate() -> tuple[set[str], str]:
        args = json.dumps(["validate", "--data", str(catalog_dir.path)])
        done = subprocess.run(
            [sys.executable, "-c", IN_ONE_PROCESS, args],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        )
        return set(json.loads(done.stderr.strip().splitlines()[-1])), done.stdout

    modules, report = validate()
    assert "pydantic" in modules and "yaml" not in modules, report
    (catalog_dir.papers / "qlora.yaml").write_text("title: &t QLoRA\nyear: *t\n")
    modules, report = validate()
    assert "yaml" in modules
    assert "qlora.yaml:1:8: error[yaml-alias]" in report, report


def test_the_console_script_starts_at_the_fast_entry() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["catalog"] == "catalog.entry:run"
    assert Path(REPO / "catalog" / "entry.py").is_file()


WRITERS_PROBE = """
import json, sys
from catalog.entry import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
loader = sys.modules.get("pydantic.plugin._loader")
print(json.dumps({"modules": sorted(sys.modules), "scanned": loader is not None and
                  "_plugins" in vars(loader) and loader._plugins is not None}), file=sys.stderr)
"""


def test_validate_loads_no_writer_and_scans_no_plugins(catalog_dir: CatalogDir) -> None:
    """validate only reads: the record writer and the merge of duplicates stay unloaded, and
    pydantic is not sent through every installed distribution looking for plugins."""
    catalog_dir.add("lora")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            WRITERS_PROBE,
            json.dumps(["validate", "--data", str(catalog_dir.path)]),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"},
        check=False,
    )
    seen = json.loads(done.stderr.strip().splitlines()[-1])
    assert "catalog.model" in seen["modules"]  # the probe really validated
    assert not {"catalog.writer", "catalog.dedupe.merge"} & set(seen["modules"])
    assert seen["scanned"] is False
    assert "importlib.metadata" not in seen["modules"]  # the plugin loader's only need


LOADER_PROBE = """
import json, os, sys
os.environ.update(json.loads(sys.argv[1]))
from catalog import entry
entry._skip_plugin_loader()
from pydantic import BaseModel
class M(BaseModel):
    x: int
M(x=1)
loader = sys.modules["pydantic.plugin._loader"]
seen = {"real": "__file__" in vars(loader), "metadata": "importlib.metadata" in sys.modules}
seen["group"] = loader.PYDANTIC_ENTRY_POINT_GROUP  # anything else asked: the real one answers
seen["now"] = vars(sys.modules["pydantic.plugin._loader"]).get("__file__")
print(json.dumps(seen))
"""


@pytest.mark.parametrize(
    ("value", "stand_in"), [("__all__", True), ("1", True), ("true", True), ("other", False)]
)
def test_pydantic_plugin_loader_stand_in_only_when_plugins_are_off(
    value: str, stand_in: bool
) -> None:
    """Off: pydantic gets "no plugins" without importlib.metadata; on (any other value): the
    real loader; and whatever else pydantic asks of the stand-in hands over to the real one."""
    done = subprocess.run(
        [sys.executable, "-c", LOADER_PROBE, json.dumps({"PYDANTIC_DISABLE_PLUGINS": value})],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    seen = json.loads(done.stdout)
    assert seen["group"] == "pydantic"
    assert seen["now"] and seen["now"].endswith("_loader.py")  # the real module took over
    assert seen["real"] is not stand_in  # which one answered while validating
    assert seen["metadata"] is not stand_in


def test_validate_ends_without_teardown_yet_loses_no_output(
    catalog_dir: CatalogDir, tmp_path: Path
) -> None:
    """The console script ends `validate` with os._exit after flushing (no interpreter
    teardown): every line reaches a pipe and a file, and the exit status is kept."""
    catalog_dir.add("lora")
    for i in range(40):  # more output than one write
        catalog_dir.add(f"bad-{i:02d}", "title: [unclosed\n")
    console = [sys.executable, "-c", "from catalog.entry import run; run()"]
    args = ["validate", "--data", str(catalog_dir.path)]
    piped = subprocess.run([*console, *args], capture_output=True, text=True, cwd=REPO, check=False)
    assert piped.returncode == 1
    lines = piped.stdout.splitlines()
    assert len([line for line in lines if "error[yaml-syntax]" in line]) == 40
    assert lines[-1].startswith("44 files checked: 40 errors")  # 41 records, 3 registries
    out = tmp_path / "report.txt"
    with out.open("w", encoding="utf-8") as handle:
        to_file = subprocess.run([*console, *args], stdout=handle, cwd=REPO, check=False)
    assert to_file.returncode == 1
    assert out.read_text(encoding="utf-8") == piped.stdout
    clean = subprocess.run(
        [*console, "validate", "--data", str(catalog_dir.path), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert clean.returncode == 1 and json.loads(clean.stdout)["summary"]["errors"] == 40
