"""Builds never mix or lose outputs (issue 12): one build at a time per output, and a build
killed at any point of the site swap leaves a complete site and nothing that lasts."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CatalogDir

from catalog import writer
from catalog.cli import main
from catalog.errors import UsageProblem
from catalog.render.site import MARKER, build_site
from catalog.validate import load_catalog
from catalog.writer import output_lock, publish_folder

# Publishes a folder holding index.html = "new", pausing (to be killed) at one point of the swap.
KILLED_AT_SWAP = """
import os, sys, time
from pathlib import Path
from catalog import writer

target, when = Path(sys.argv[1]), sys.argv[2]
exchange, replace = writer._exchange, os.replace

def pause():
    print("at-swap", flush=True)
    time.sleep(60)

def paused_exchange(first, second):
    if when == "before-exchange":
        pause()
    done = exchange(first, second)
    if when == "after-exchange":
        pause()
    return done

def paused_replace(src, dst):  # a system without an atomic exchange: two renames
    replace(src, dst)
    if Path(dst).name == "previous":
        pause()

writer._exchange = paused_exchange if when != "between-renames" else (lambda a, b: False)
if when == "between-renames":
    os.replace = paused_replace

def make(work, staged):
    staged.mkdir()
    (staged / "index.html").write_text("new")

writer.publish_folder(target, make)
"""


def old_site(target: Path) -> None:
    target.mkdir(parents=True)
    (target / "index.html").write_text("old", encoding="utf-8")


def kill_at_swap(target: Path, when: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_AT_SWAP, str(target), when],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "at-swap"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def new_site(work: Path, staged: Path) -> None:
    """A `make` for publish_folder: a site of one page, "new"."""
    staged.mkdir()
    (staged / "index.html").write_text("new", encoding="utf-8")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".build-" in p.name)


@pytest.mark.parametrize(
    ("when", "content"), [("before-exchange", "old"), ("after-exchange", "new")]
)
def test_a_build_killed_at_the_swap_leaves_a_whole_site(
    tmp_path: Path, when: str, content: str
) -> None:
    target = tmp_path / "build" / "site"
    old_site(target)
    kill_at_swap(target, when)
    assert (target / "index.html").read_text(encoding="utf-8") == content
    assert leftovers(target.parent)  # the killed run's temp folder...

    def make(work: Path, staged: Path) -> None:
        staged.mkdir()
        (staged / "index.html").write_text("next", encoding="utf-8")

    publish_folder(target, make)
    assert (target / "index.html").read_text(encoding="utf-8") == "next"
    assert leftovers(target.parent) == []  # ...is gone after the next one


def test_without_an_atomic_exchange_the_next_run_puts_the_old_site_back(tmp_path: Path) -> None:
    target = tmp_path / "build" / "site"
    old_site(target)
    kill_at_swap(target, "between-renames")  # killed with the old site moved aside

    def failing(work: Path, staged: Path) -> None:
        raise RuntimeError("this build fails too")

    with pytest.raises(RuntimeError):
        publish_folder(target, failing)
    assert (target / "index.html").read_text(encoding="utf-8") == "old"
    assert leftovers(target.parent) == []


def test_a_failed_build_keeps_the_previous_site(tmp_path: Path) -> None:
    target = tmp_path / "site"
    old_site(target)

    def failing(work: Path, staged: Path) -> None:
        staged.mkdir()
        (staged / "index.html").write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        publish_folder(target, failing)
    assert (target / "index.html").read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_one_build_at_a_time_per_output(tmp_path: Path) -> None:
    target = tmp_path / "README.md"
    busy = r"another `catalog build` \(process \d+\) is writing"
    with output_lock(target), pytest.raises(UsageProblem, match=busy), output_lock(target):
        pass
    assert not (tmp_path / ".README.md.lock").exists()  # removed when let go
    with output_lock(target):  # and free again
        pass


def test_a_second_build_is_refused_in_one_line_exit_2(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    readme = catalog_dir.path.parent / "README.md"
    args = ["build", "--data", str(catalog_dir.path), "--readme", str(readme), "--no-site"]
    with output_lock(readme):
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "another `catalog build`" in result.output
    assert not readme.exists()
    assert CliRunner().invoke(main, args).exit_code == 0 and readme.exists()


def test_a_real_site_build_removes_what_killed_builds_left(catalog_dir: CatalogDir) -> None:
    catalog_dir.add("lora")
    site = catalog_dir.path.parent / "build" / "site"
    stale = site.parent / ".site.build-killed"
    (stale / "new").mkdir(parents=True)
    (stale / "new" / "big.html").write_text("x" * 1000, encoding="utf-8")
    build_site(load_catalog(catalog_dir.path), site)
    assert (site / MARKER).is_file() and (site / "index.html").is_file()
    assert leftovers(site.parent) == []
    assert not (site.parent / ".site.lock").exists()


# Publishes index.html = "new" over an old folder, handing the old one to a remover that
# waits (so it is still at work when this process ends), and prints the remover's pid.
HANDED_OFF = """
import sys
from pathlib import Path
from catalog import writer

writer._REMOVE = "import shutil, sys, time; time.sleep(60); shutil.rmtree(sys.argv[1])"

def make(work, staged):
    staged.mkdir()
    (staged / "index.html").write_text("new")

writer.publish_folder(Path(sys.argv[1]), make, remove_later=True)
print(writer._REMOVERS[0].pid, flush=True)
"""


def test_a_removal_handed_off_keeps_no_pipe_nor_lock_of_the_build(tmp_path: Path) -> None:
    """The build's output pipe reaches its end and the next build takes the lock while the
    remover is still at work: it inherits neither, and runs in a session of its own."""
    target = tmp_path / "build" / "site"
    old_site(target)
    child = subprocess.run(
        [sys.executable, "-c", HANDED_OFF, str(target)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    remover = int(child.stdout)
    try:
        assert os.getsid(remover) == remover  # alive (getsid raises for a gone process)
        assert (target / "index.html").read_text(encoding="utf-8") == "new"
        assert len(leftovers(target.parent)) == 1  # the old site, still being removed
        with output_lock(target):
            pass
    finally:
        os.kill(remover, signal.SIGKILL)


def test_a_removal_handed_off_removes_the_old_site(tmp_path: Path) -> None:
    target = tmp_path / "build" / "site"
    old_site(target)
    for i in range(200):
        (target / f"page-{i}").mkdir()
        (target / f"page-{i}" / "index.html").write_text("old", encoding="utf-8")

    publish_folder(target, new_site, remove_later=True)
    assert sorted(p.name for p in target.iterdir()) == ["index.html"]
    for _ in range(200):
        if not leftovers(target.parent):
            break
        time.sleep(0.05)
    assert leftovers(target.parent) == []


def test_an_old_site_handed_off_is_never_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an atomic exchange the old site waits in `previous`, which the next run puts
    back when the target is missing (a build killed between the two renames): one handed
    to the remover is renamed first, so a target deleted meanwhile stays deleted."""
    target = tmp_path / "build" / "site"
    old_site(target)
    monkeypatch.setattr(writer, "_exchange", lambda first, second: False)
    monkeypatch.setattr(writer, "remove_detached", lambda folder: True)  # left for the test

    publish_folder(target, new_site, remove_later=True)
    (handed,) = leftovers(target.parent)
    assert sorted(p.name for p in (target.parent / handed).iterdir()) == ["old"]
    shutil.rmtree(target)
    writer._clean_leftovers(target)
    assert not target.exists() and leftovers(target.parent) == []


def test_a_large_site_build_hands_its_old_site_off(
    catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past REMOVE_LATER_FROM generated pages a rebuild returns at the swap, and the old
    site is removed meanwhile by the remover."""
    from catalog.render import site as site_module

    catalog_dir.add("lora")
    site = catalog_dir.path.parent / "build" / "site"
    build_site(load_catalog(catalog_dir.path), site)
    (site / "stale.html").write_text("from the old site", encoding="utf-8")
    handed: list[Path] = []
    monkeypatch.setattr(site_module, "REMOVE_LATER_FROM", 1)
    monkeypatch.setattr(writer, "remove_detached", lambda folder: handed.append(folder) or True)
    build_site(load_catalog(catalog_dir.path), site)
    assert (site / MARKER).is_file() and not (site / "stale.html").exists()
    (folder,) = handed
    assert (folder / "new" / "stale.html").is_file()  # the old site, swapped out whole
    assert leftovers(site.parent) == [folder.name]
