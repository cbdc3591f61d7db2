"""Writing the generated pages: each one rendered into the theme's shell and written at
once, never all held (at 100,000 papers they are ~2 GB of HTML), on every core.

The pages are pure functions of the data, so which process writes which page changes
nothing in the output: with fork, the writers take batches of pages in turn from a shared
counter and render them from the parent's memory (nothing is pickled). The parent is one of
them: it writes the other files (`beside`) first, then takes batches too, so there are as
many processes as cores, and no more copies of the parent's memory than that (each writer
copies what it touches: catalog/render/packed.py keeps the pages' inputs where reading them
copies nothing). Where fork is missing or unsafe (Windows, macOS), or the site is small, one
process writes them all.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import multiprocessing
import multiprocessing.connection
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from catalog.errors import CatalogError
from catalog.render.shell import Shell
from catalog.render.views import LATE_MARKER, Pending

PARALLEL_FROM = 2000  # fewer pages than this: one process (a fork costs more than it saves)
MAX_WORKERS = 4
BATCH = 64  # pages a writer takes from the shared counter at a time


def default_workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def write_pages(
    shell: Shell,
    pending: Sequence[Pending],
    root: Path,
    workers: int | None = None,
    beside: Callable[[], None] | None = None,
) -> None:
    """Render every pending page into the shell and write it to root/<path>index.html;
    `beside` (other files, none of them a page) runs meanwhile, in this process while the
    forked writers start on the pages."""
    count = default_workers() if workers is None else max(1, workers)
    if count == 1 or len(pending) < PARALLEL_FROM or not _can_fork():
        _write_range(shell, pending, root, 0, len(pending))
        if beside is not None:
            beside()
        return
    release_free_memory()  # what the parent freed need not be forked
    taken = multiprocessing.get_context("fork").Value("q", 0)
    # Each child's first batch is its own, so every writer writes (and a failing one fails).
    with taken.get_lock():
        taken.value = (count - 1) * BATCH

    def here() -> None:
        if beside is not None:
            beside()
        _write_taken(shell, pending, root, taken, None)

    children = [
        functools.partial(_write_taken, shell, pending, root, taken, k * BATCH)
        for k in range(count - 1)
    ]
    run_forked([here, *children])


def release_free_memory() -> None:
    """Collect what the collector can and hand the C allocator's free memory back to the
    system (glibc keeps it otherwise), so forked children do not map it too."""
    gc.collect()
    name = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None
    if name:
        with contextlib.suppress(OSError, AttributeError):  # not glibc
            ctypes.CDLL(name).malloc_trim(0)


def run_forked(tasks: Sequence[Callable[[], None]]) -> None:
    """Run the first task here and each other one in a forked child; wait for all of them.
    A child's failure is a CatalogError naming it; Ctrl-C stops every child."""
    context = multiprocessing.get_context("fork")
    readers, children = [], []
    # The children's collector leaves what is shared alone (no copy-on-write of it); freed by
    # reference counting as before, only cycles among it are never collected.
    gc.freeze()
    try:
        for task in tasks[1:]:
            reader, writer = context.Pipe(duplex=False)
            child = context.Process(target=_child, args=(writer, task), daemon=True)
            child.start()
            writer.close()
            readers.append(reader)
            children.append(child)
        tasks[0]()
        for child, reader in zip(children, readers, strict=True):
            child.join()
            if child.exitcode != 0:
                message = reader.recv() if reader.poll() else f"exit status {child.exitcode}"
                raise CatalogError(f"site build failed: {message}")
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
                child.join()
        for reader in readers:
            reader.close()


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _child(report: multiprocessing.connection.Connection, task: Callable[[], None]) -> None:
    try:
        task()
    except KeyboardInterrupt:
        sys.exit(130)
    except BaseException as exc:
        report.send(f"{type(exc).__name__}: {exc}")
        sys.exit(1)


def _write_taken(
    shell: Shell, pending: Sequence[Pending], root: Path, taken: Any, first: int | None
) -> None:
    """Write batches of pages until none is left: `first`'s batch, then each next one not
    taken yet (`taken`: a shared counter, the first page no writer has taken)."""
    total = len(pending)
    start = first
    while True:
        if start is None:
            with taken.get_lock():
                start = taken.value
                taken.value = start + BATCH
        if start >= total:
            return
        _write_range(shell, pending, root, start, min(start + BATCH, total))
        start = None


def _write_range(
    shell: Shell, pending: Sequence[Pending], root: Path, start: int, stop: int
) -> None:
    base = str(root)
    for number in range(start, stop):
        page = pending[number].make()
        content = page.html.replace(LATE_MARKER, page.late, 1) if page.late else page.html
        folder = f"{base}/{page.path}"
        try:
            os.mkdir(folder)
        except FileNotFoundError:  # a listing's page/<n>/: its parents too (race-safe)
            os.makedirs(folder, exist_ok=True)
        except FileExistsError:
            pass
        data = shell.render(page, content).encode("utf-8")
        fd = os.open(f"{folder}index.html", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
