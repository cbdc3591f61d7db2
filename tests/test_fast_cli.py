"""check-links' command line read without click (`catalog.fast_cli`) reads every line as click
does, or leaves it to click; a run either way prints the same report, errors and status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from links_server import ok, serve

from catalog import fast_cli, output
from catalog.cli_remote import check_links
from tests.conftest import REPO

ROUTED_TO_CLICK = {"--merge", "--help"}  # options fast_cli leaves to click on purpose


def clicks(args: list[str]) -> dict[str, Any] | None:
    """What click passes check-links for `args` (with -q's effect), or None on its error."""
    try:
        with check_links.make_context("check-links", list(args)) as ctx:
            params = dict(ctx.params)
    except click.exceptions.Exit:
        return None  # --help
    except click.UsageError:
        return None
    params["quiet"] = output.is_quiet()
    output.set_quiet(False)
    if params.pop("merge_files"):
        return None
    return params


def test_the_table_names_every_option_click_declares_with_its_default() -> None:
    declared: dict[str, click.Parameter] = {}
    for param in check_links.params:
        for name in param.opts:
            declared[name] = param
    assert set(declared) - ROUTED_TO_CLICK == set(fast_cli.OPTIONS)
    defaults = clicks([])
    assert defaults is not None
    assert fast_cli.parse([]) == defaults
    for name, (keyword, _kind, _default) in fast_cli.OPTIONS.items():
        assert declared[name].name == keyword, name


READ = [
    [],
    ["--data", "somewhere", "--format", "json", "--strict"],
    ["--format=markdown", "--data=x", "-q"],
    ["--quiet", "--concurrency", "100", "--per-host", "8", "--timeout", "10"],
    ["--timeout", "0.5", "--retries", "0", "--backoff", "0.05", "--deadline", "3"],
    ["--retries", "10", "--max-age", "30m", "--user-agent", "bot/1 (x)"],
    ["--max-age", " 12H ", "--allow-private", "--changed-since", "origin/main"],
    ["--exclude", "a.example", "--exclude=b\\.", "--shard", "2/4", "--cache", "c.json"],
    ["--format", "json", "--format", "text", "--concurrency=5", "--concurrency", "6"],
    ["--concurrency", " 7 ", "--timeout", "1e1", "--user-agent="],
]
LEFT = [  # lines click refuses or reads its own way: fast_cli leaves each to click
    ["--help"],
    ["-h"],
    ["--no-such-option"],
    ["--concurren", "5"],
    ["extra"],
    ["--", "--strict"],
    ["-qq"],
    ["--strict=yes"],
    ["--format", "xml"],
    ["--format"],
    ["--concurrency", "0"],
    ["--concurrency", "2.5"],
    ["--per-host", "-1"],
    ["--timeout", "nan"],
    ["--retries", "11"],
    ["--deadline", "0"],
    ["--max-age", "soon"],
    ["--exclude", "("],
    ["--shard", "5/4"],
    ["--user-agent", "-x"],
    ["--merge", "report.json"],
]


@pytest.mark.parametrize("args", READ, ids=lambda args: " ".join(args) or "(none)")
def test_a_line_is_read_as_click_reads_it(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./data folder or cache file to check
    fast = fast_cli.parse(args)
    assert fast is not None
    assert fast == clicks(args)


@pytest.mark.parametrize("args", LEFT, ids=" ".join)
def test_a_line_click_refuses_or_reads_its_own_way_is_left_to_click(args: list[str]) -> None:
    assert fast_cli.parse(args) is None


def test_paths_click_refuses_are_left_to_click(tmp_path: Path) -> None:
    afile, folder = tmp_path / "f", tmp_path / "d"
    afile.write_text("")
    folder.mkdir()
    assert fast_cli.parse(["--data", str(afile)]) is None  # a file for the data folder
    assert fast_cli.parse(["--cache", str(folder)]) is None  # a folder for the cache file
    assert fast_cli.parse(["--data", str(folder), "--cache", str(afile)]) is not None
    assert fast_cli.parse(["--data", str(tmp_path / "missing")]) is not None  # the command's


PROBE = """
import sys
from catalog.entry import main
code = main(sys.argv[1:])
print("click" in sys.modules, file=sys.stderr)
sys.exit(code)
"""
CODES = {
    "entry": "import sys; from catalog.entry import main; sys.exit(main(sys.argv[1:]))",
    "click": 'import sys; from catalog.cli import main; main(sys.argv[1:], prog_name="catalog")',
    "probe": PROBE,  # through entry.py, then whether click was imported (on stderr)
}


def run(via: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """check-links through entry.py (the fast path), straight through click, or the probe."""
    code = CODES[via]
    return subprocess.run(
        [sys.executable, "-c", code, "check-links", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )


def test_a_run_prints_the_same_either_way(catalog_dir: Any, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    with serve({"/ok": ok}) as server:
        catalog_dir.add("a", links={"paper": f"{server.base}/ok", "code": f"{server.base}/x"})
        base = ["--data", str(catalog_dir.path), "--allow-private", "--cache", str(cache)]
        base += ["--timeout", "2", "--retries", "0"]
        run("entry", base, tmp_path)  # fills the cache
        for extra in (["--format", "json"], [], ["-q"], ["--format", "github"]):
            fast, slow = run("entry", base + extra, tmp_path), run("click", base + extra, tmp_path)
            assert fast.returncode == slow.returncode == 1  # /x is broken
            fast_doc, slow_doc = fast.stdout, slow.stdout
            if extra[:2] == ["--format", "json"]:
                fast_doc, slow_doc = json.loads(fast_doc), json.loads(slow_doc)
                for doc in (fast_doc, slow_doc):  # the times (/x is asked again each run)
                    doc["summary"].pop("elapsed_ms")
                    for result in doc["results"]:
                        result.pop("elapsed_ms")
            else:  # the summary line's seconds
                fast_doc, slow_doc = fast_doc.rsplit(" in ", 1)[0], slow_doc.rsplit(" in ", 1)[0]
            assert fast_doc == slow_doc
            assert fast.stderr == slow.stderr
        probe = run("probe", [*base, "--format", "json"], tmp_path)
    assert probe.returncode == 1
    assert probe.stderr.strip().splitlines()[-1] == "False"  # the cached run imported no click


@pytest.mark.parametrize(
    "args",
    [
        ["--data", "missing", "--format", "json"],  # the command's error, on the fast path
        ["--data", "missing"],
        ["--concurrency", "0", "--format", "json"],  # click's error
        ["--exclude", "(", "--format", "json"],
    ],
)
def test_errors_are_the_same_either_way(args: list[str], tmp_path: Path) -> None:
    fast, slow = run("entry", args, tmp_path), run("click", args, tmp_path)
    assert fast.returncode == slow.returncode == 2
    assert (fast.stdout, fast.stderr) == (slow.stdout, slow.stderr)
    assert "Traceback" not in fast.stderr
