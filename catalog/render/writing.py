"""Writing the generated pages: each one rendered into the theme's shell and written at
once, never all held (at 100,000 papers they are ~2 GB of HTML), on every core.

The pages are pure functions of the data, so which process writes which page changes
nothing in the output: with fork, worker k of n renders and writes pages k, k+n, k+2n, ...
from the parent's memory (nothing is pickled). Where fork is missing or unsafe (Windows,
macOS), or the site is small, one process writes them all.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import multiprocessing.connection
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from catalog.errors import CatalogError
from catalog.render.shell import Shell
from catalog.render.views import LATE_MARKER, Pending

PARALLEL_FROM = 2000  # fewer pages than this: one process (a fork costs more than it saves)
MAX_WORKERS = 4


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
    `beside` (other files, none of them a page) runs meanwhile in a process of its own."""
    count = default_workers() if workers is None else max(1, workers)
    if count == 1 or len(pending) < PARALLEL_FROM or not _can_fork():
        _write_share(shell, pending, root, 0, 1)
        if beside is not None:
            beside()
        return
    tasks = [functools.partial(_write_share, shell, pending, root, k, count) for k in range(count)]
    run_forked([*tasks, *([beside] if beside is not None else [])])


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


def _write_share(
    shell: Shell, pending: Sequence[Pending], root: Path, share: int, count: int
) -> None:
    base = str(root)
    for number in range(share, len(pending), count):
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
