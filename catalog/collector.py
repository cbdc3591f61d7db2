"""The cyclic garbage collector held off while a command loads, and while the site's pages
are prepared: neither makes reference cycles, so every collection in between only re-scans
live objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection inside the block, then gc.freeze() moves what it kept out of the
    collector's sight.

    Measured: at 100k records the re-scans doubled load time and made dedupe 4x slower
    afterwards (benchmarks/run.py); at start-up, importing pydantic and building its
    validators triggered full collections worth 25M instructions of `catalog validate`'s
    ~930M (benchmarks/startup_bench.py); preparing the pages of 100k papers (1.6M objects
    kept) took 6 s of full collections, 24x the 10k figure, since each one re-scans all
    (benchmarks/build_stages.py). Frozen objects are still freed as usual when nothing
    refers to them any more.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def spaced(young: int = 20_000) -> Iterator[None]:
    """Young collections after `young` new objects instead of 700, inside the block: for a
    loop that keeps results and makes cycles only on failures (a traceback), which are still
    found, later and in fewer passes.

    Measured on the link checker (3,000 URLs): 40 young collections of ~0.65 ms each (each one
    walks what is alive in flight), 4% of the check's CPU; 3 with this.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(young, threshold[0]), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


_TEARDOWN = {"skip": False}


def skip_teardown() -> None:
    """Let this process end without the interpreter's teardown (catalog/entry.py `run`).

    Freeing every module and object one by one at exit was 46M instructions, 7% of
    `catalog validate` on the shipped data (benchmarks/startup_bench.py); the memory goes
    back to the system whole anyway. Only for a command that leaves nothing to flush or
    close behind (validate reads; what it prints is flushed before the exit).
    """
    _TEARDOWN["skip"] = True


def teardown_skipped() -> bool:
    return _TEARDOWN["skip"]
