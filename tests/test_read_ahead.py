"""The read-ahead child (catalog/read_ahead.py): the files it parses while the parent imports
pydantic give exactly what an in-process read gives, and a child that dies, a Ctrl-C or a
running thread never costs a result, a hang or a zombie."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from catalog import parallel, read_ahead
from catalog.read_ahead import IN_PROCESS, ReadAhead, planned, reading
from catalog.validate import PARALLEL_FROM, load_catalog
from tests.conftest import REPO, CatalogDir, record

FACTS = """\
lora:
  venue:
    - source: manual
      url: https://openreview.net/forum?id=nZeVKeeFYf9
      fetched: 2024-07-12
      value: {venue: ICLR, year: 2022}
"""


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork even if other threads run here: the suite's browser fixture keeps some alive in
    this process, while `catalog validate` starts with none. The child takes none of their
    locks (it only reads files and writes its pipe)."""
    monkeypatch.setattr(read_ahead, "_can_fork", lambda: True)
    monkeypatch.setattr(read_ahead, "_spare_core", lambda: True)  # however busy the machine


def troubled(catalog_dir: CatalogDir) -> CatalogDir:
    """A catalog with a good record and one of each kind of trouble a reader meets."""
    catalog_dir.add("lora")
    catalog_dir.add("dora", record(title="DoRA", venue="ICRL"))  # unknown venue
    catalog_dir.add("bad-url", record(title="Bad URL", links={"paper": "https//x.org/a"}))
    catalog_dir.add("missing", record(title="Missing", year=None))
    catalog_dir.add("syntax", "title: [unclosed\nyear: 2022\n")
    catalog_dir.add("twice", "title: A\ntitle: B\nyear: 2022\n")
    catalog_dir.add("alias", "title: &a T\nvenue: *a\n")
    catalog_dir.add("date", "title: T\nadded: 2024-02-30\n")
    (catalog_dir.papers / "latin1.yaml").write_bytes(b"title: caf\xe9\n")
    (catalog_dir.papers / "Bad_Name.yaml").write_text("title: T\n", encoding="utf-8")
    (catalog_dir.papers / "link.yaml").symlink_to(catalog_dir.path / "catalog.yaml")
    os.mkfifo(catalog_dir.papers / "pipe.yaml")
    (catalog_dir.papers / "huge.yaml").write_text("notes: " + "x" * 2_000_000, encoding="utf-8")
    (catalog_dir.path / "topics.yaml").write_text(
        "tuning:\n  name: Tuning\n  description: Fine-tuning.\n", encoding="utf-8"
    )
    (catalog_dir.path / "facts.yaml").write_text(FACTS, encoding="utf-8")
    return catalog_dir


def outcome(catalog: Any) -> tuple[list[str], list[str], list[str]]:
    """What a run reports and keeps: diagnostics in order, papers, facts."""
    return (
        [d.text() for d in catalog.diagnostics],
        [p.model_dump_json() for p in catalog.papers],
        sorted(catalog.facts.papers),
    )


def test_the_child_reads_what_an_in_process_read_reads(
    forking: None, catalog_dir: CatalogDir
) -> None:
    troubled(catalog_dir)
    alone = load_catalog(catalog_dir.path)
    with reading(catalog_dir.path) as reader:
        assert isinstance(reader, ReadAhead)
        ahead = load_catalog(catalog_dir.path, reader=reader)
        assert reader.misses == 0  # the plan is load_catalog's order
    assert outcome(ahead) == outcome(alone)
    codes = {d.code for d in alone.diagnostics}
    assert {"unknown-venue", "bad-url", "missing-field", "yaml-syntax", "duplicate-key"} <= codes
    assert {"yaml-alias", "bad-date", "invalid-utf8", "bad-filename", "not-a-file"} <= codes
    assert "file-too-large" in codes
    assert [p.id for p in ahead.papers] == ["lora"]
    assert ahead.sources["lora"].locate(("venue",)) == alone.sources["lora"].locate(("venue",))
    _assert_reaped(reader.pid)


def test_a_broken_lockfile_is_the_same_error_either_way(
    forking: None, catalog_dir: CatalogDir
) -> None:
    catalog_dir.add("lora")
    (catalog_dir.path / "facts.yaml").write_text("lora:\n  colour: []\n", encoding="utf-8")
    alone = load_catalog(catalog_dir.path)
    with reading(catalog_dir.path) as reader:
        ahead = load_catalog(catalog_dir.path, reader=reader)
    assert [d.text() for d in ahead.diagnostics] == [d.text() for d in alone.diagnostics]
    assert [d.code for d in alone.diagnostics] == ["bad-facts"]


def test_the_plan_follows_the_folder(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("b")
    catalog_dir.add("a")
    keys = list(planned(catalog_dir.path))
    names = [Path(path).name for _, path, _ in keys]
    assert names == [
        *("catalog.yaml", "venues.yaml", "keywords.yaml"),
        "a.yaml",
        "b.yaml",
        "facts.yaml",
    ]
    assert [follow for _, _, follow in keys] == [True, True, True, False, False, True]


def _dies_after(count: int, *, cut: bool = False) -> Any:
    """A stand-in for the child's work that sends `count` results, then is killed (after half
    a message with `cut`)."""
    real_put = read_ahead._put

    def serve(data_dir: Path, fd: int) -> None:
        os.set_blocking(fd, True)
        for i, key in enumerate(planned(data_dir)):
            if i == count:
                break
            backlog = bytearray()
            real_put(backlog, (key, IN_PROCESS.read_yaml(Path(key[1]), follow_symlinks=key[2])))
            os.write(fd, backlog)
        if cut:
            os.write(fd, (1000).to_bytes(4, "little") + b"\x80\x05")
        os.kill(os.getpid(), signal.SIGKILL)

    return serve


@pytest.mark.parametrize("cut", [False, True])
def test_a_child_that_dies_is_reported_and_the_rest_read_here(
    forking: None,
    catalog_dir: CatalogDir,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cut: bool,
) -> None:
    troubled(catalog_dir)
    alone = load_catalog(catalog_dir.path)
    capsys.readouterr()
    monkeypatch.setattr(read_ahead, "_serve", _dies_after(5, cut=cut))
    with reading(catalog_dir.path) as reader:
        assert isinstance(reader, ReadAhead)
        ahead = load_catalog(catalog_dir.path, reader=reader)
        assert not reader.finished
    assert outcome(ahead) == outcome(alone)
    err = capsys.readouterr().err
    assert err == (
        "warning: the process reading the data files stopped early (killed by SIGKILL);"
        " reading the rest here\n"
    )
    _assert_reaped(reader.pid)


def test_leaving_early_kills_and_reaps_the_child(
    forking: None, catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog_dir.add("lora")
    pids = []

    def hang(data_dir: Path, fd: int) -> None:
        signal.pause()  # a child that would never finish on its own

    monkeypatch.setattr(read_ahead, "_serve", hang)
    with pytest.raises(KeyboardInterrupt), reading(catalog_dir.path) as reader:
        assert isinstance(reader, ReadAhead)
        pids.append(reader.pid)
        raise KeyboardInterrupt
    _assert_reaped(pids[0])


def test_with_threads_running_the_files_are_read_here(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with reading(catalog_dir.path) as reader:
            assert reader is IN_PROCESS
            assert [p.id for p in load_catalog(catalog_dir.path, reader=reader).papers] == ["lora"]
    finally:
        stop.set()
        thread.join()


def test_without_fork_the_files_are_read_here(
    catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog_dir.add("lora")
    monkeypatch.delattr(os, "fork")
    with reading(catalog_dir.path) as reader:
        assert reader is IN_PROCESS


def test_a_large_catalog_is_left_to_load_catalogs_own_two_cores(
    forking: None, catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert read_ahead.LARGE == PARALLEL_FROM
    for name in ("a", "b", "c"):
        catalog_dir.add(name)
    monkeypatch.setattr(read_ahead, "LARGE", 3)
    with reading(catalog_dir.path) as reader:
        assert reader is IN_PROCESS
    monkeypatch.setattr(read_ahead, "LARGE", 4)
    with reading(catalog_dir.path) as reader:
        assert isinstance(reader, ReadAhead)
        assert [p.id for p in load_catalog(catalog_dir.path, reader=reader).papers] == [
            "a",
            "b",
            "c",
        ]


@pytest.mark.parametrize(
    ("count", "others", "spare"),
    [(1, 0, False), (2, 0, True), (2, 1, False), (2, 3, False), (4, 2, True), (4, 3, False)],
)
def test_the_child_needs_a_core_to_spare(
    monkeypatch: pytest.MonkeyPatch, count: int, others: int, spare: bool
) -> None:
    """One core, or the others all running something: the files are read in this process."""
    monkeypatch.setattr(parallel, "cores", lambda: count)
    monkeypatch.setattr(read_ahead, "_others_running", lambda: others)
    assert read_ahead._spare_core() is spare


def test_the_tasks_running_now_are_counted() -> None:
    """What /proc/loadavg says runs at this moment, this process not included."""
    others = read_ahead._others_running()
    assert others >= 0
    if Path("/proc/loadavg").exists():
        assert isinstance(others, int)


PROBE = """
import json, sys
from catalog import read_ahead
read_ahead._spare_core = lambda: True  # however busy the machine running the tests
from catalog.entry import main
try:
    main(["validate", "--data", sys.argv[1]])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "yaml": "yaml" in sys.modules}), file=sys.stderr)
"""


def test_validate_reports_at_file_and_line_without_yaml_in_the_parent(
    catalog_dir: CatalogDir,
) -> None:
    """The console command: same report as in-process, exit 1, and this process imports PyYAML
    only for a problem's line number (a clean catalog: never)."""
    import json

    catalog_dir.add("lora")
    clean = subprocess.run(
        [sys.executable, "-c", PROBE, str(catalog_dir.path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert json.loads(clean.stderr.splitlines()[-1]) == {"code": 0, "yaml": False}
    catalog_dir.add("dora", record(title="DoRA", venue="ICRL"))
    done = subprocess.run(
        [sys.executable, "-m", "catalog", "validate", "--data", str(catalog_dir.path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == ""
    path = catalog_dir.papers / "dora.yaml"
    assert f"{path}:4:8: error[unknown-venue] venue: unknown venue 'ICRL'" in done.stdout


def _assert_reaped(pid: int) -> None:
    """The child is gone and waited for: no zombie left behind."""
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
