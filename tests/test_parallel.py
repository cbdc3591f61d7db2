"""catalog/parallel.py: a forked child shares the work; the results are map()'s, whatever
happens to the child."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from catalog import load, parallel, validate
from catalog.validate import load_catalog
from tests.conftest import CatalogDir

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="fork is Linux-only here")


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)


def _tagged(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


def _slow(item: int) -> tuple[int, int]:
    time.sleep(0.002)  # long enough for the child to start and take batches
    return _tagged(item)


@needs_fork
def test_the_child_does_part_of_the_work_and_the_order_is_kept() -> None:
    items = list(range(400))
    results = parallel.forked_map(_slow, items, min_items=0, batch=8)
    assert [square for square, _ in results] == [i * i for i in items]
    assert {pid for _, pid in results} - {os.getpid()}  # some came from the child


def test_few_items_stay_in_this_process() -> None:
    results = parallel.forked_map(_tagged, list(range(100)), batch=16)
    assert {pid for _, pid in results} == {os.getpid()}


@needs_fork
def test_a_child_that_dies_leaves_its_part_to_this_process() -> None:
    parent = os.getpid()

    def dies_in_the_child(item: int) -> tuple[int, int]:
        if os.getpid() != parent:
            os._exit(3)
        return _tagged(item)

    results = parallel.forked_map(dies_in_the_child, list(range(500)), min_items=0, batch=8)
    assert results == [(i * i, parent) for i in range(500)]


@needs_fork
def test_what_fn_raises_is_raised_here_even_if_the_child_met_it_first() -> None:
    def fails_on_the_last(item: int) -> int:
        if item == 499:
            raise ValueError("item 499")
        return item

    with pytest.raises(ValueError, match="item 499"):
        parallel.forked_map(fails_on_the_last, list(range(500)), min_items=0, batch=8)


@needs_fork
def test_a_forked_load_reads_the_same_catalog(
    catalog_dir: CatalogDir, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for n in range(300):
        catalog_dir.add(f"paper-{n:03d}", title=f"Paper number {n}", year=2020 + n % 4)
    catalog_dir.add("bad-venue", venue="ICLRR")
    catalog_dir.add("broken", "title: [unclosed\n")
    catalog_dir.add("twice", "title: A\ntitle: B\nyear: 2022\n")
    (catalog_dir.papers / "Not An Id.yaml").write_text("title: x\n", encoding="utf-8")
    alone = load_catalog(catalog_dir.path)
    monkeypatch.setattr(validate, "PARALLEL_FROM", 0)
    monkeypatch.setattr(parallel, "BATCH", 8)
    readers = tmp_path / "readers"
    real = load.read_yaml  # what load_catalog's reader (read_ahead.IN_PROCESS) calls

    def slow_read(path: Path, **kw: Any) -> Any:
        time.sleep(0.001)  # the child starts and takes batches
        with readers.open("a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\n")
        return real(path, **kw)

    monkeypatch.setattr(load, "read_yaml", slow_read)
    forked = load_catalog(catalog_dir.path)
    assert len(set(readers.read_text(encoding="utf-8").split())) == 2  # both processes read
    assert [p.model_dump() for p in forked.papers] == [p.model_dump() for p in alone.papers]
    assert forked.diagnostics == alone.diagnostics
    assert {k: v.path for k, v in forked.sources.items()} == {
        k: v.path for k, v in alone.sources.items()
    }
    assert forked.files_checked == alone.files_checked
    assert len(alone.papers) == 300 and len(alone.diagnostics) >= 4


def test_load_with_on_paper_does_not_fork(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    for n in range(20):
        catalog_dir.add(f"paper-{n:03d}", title=f"Paper number {n}")
    seen: list[str] = []
    load_catalog(catalog_dir.path, lambda paper, source, catalog: seen.append(paper.id))
    assert seen == [f"paper-{n:03d}" for n in range(20)]


@needs_fork
def test_background_works_it_out_in_a_child() -> None:
    assert parallel.Background(lambda: ("text", os.getpid())).result()[1] != os.getpid()


@needs_fork
def test_background_works_it_out_here_if_the_child_fails() -> None:
    parent = os.getpid()

    def dies_in_the_child() -> int:
        if os.getpid() != parent:
            os._exit(3)
        return 42

    assert parallel.Background(dies_in_the_child).result() == 42
