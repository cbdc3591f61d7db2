"""Read the data files in a forked child while this process imports pydantic.

`catalog validate` is two independent halves until a record is checked: parsing the YAML files
(PyYAML's import and the C loader) and importing pydantic and the models. On a machine with two
cores they need not take turns: forked before pydantic's import, a child reads every file
`load_catalog` will ask for, in that order, with the very functions an in-process read uses
(so every check -- symlinks, FIFOs, size caps, bad text -- happens where it always does), and
pickles each result back as soon as it is done; this process then never imports PyYAML unless a
problem needs its line number (`Source.locate`).

Where fork is missing, or unsafe because threads are running, files are read in-process
(IN_PROCESS), and so are large catalogs, which load_catalog reads on both cores itself. So
is anything the child did not send: a file it did not plan to read, and all it had not yet
sent when it stopped early (a warning says so). The child never writes to stdout or stderr,
dies quietly on Ctrl-C, and is reaped (killed first if still busy) when the `with` block
ends, whatever ends it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from catalog import facts, load  # both halves need them: imported once, before the fork
from catalog.catalog import papers_dir
from catalog.errors import CatalogError
from catalog.forking import can_fork as _can_fork
from catalog.forking import describe as _describe
from catalog.forking import frame as _frame
from catalog.forking import loads as _loads
from catalog.forking import others_running as _others_running
from catalog.forking import put as _put
from catalog.forking import reap as _reap_child
from catalog.forking import send as _send
from catalog.forking import spare_core
from catalog.forking import start as _start

if TYPE_CHECKING:
    from catalog.diagnostics import Diagnostic
    from catalog.facts import Facts
    from catalog.load import Source

Key = tuple[str, str, bool]  # (what, path, follow symlinks)
REGISTRIES = ("venues.yaml", "keywords.yaml")
CONFIG = "catalog.yaml"
TOPICS = "topics.yaml"  # optional
_END = "end"
LARGE = 4000  # records: from here load_catalog reads with both cores itself (PARALLEL_FROM)
_BACKLOG = 16 << 20  # bytes the child may hold back while the pipe is full, then it waits


class FileReader(Protocol):
    """How load_catalog gets its files: read here, or already read by a child."""

    def read_yaml(
        self, path: Path, *, follow_symlinks: bool = True
    ) -> tuple[Source, list[Diagnostic]]: ...

    def load_facts(self, path: Path) -> Facts: ...


class InProcess:
    """Each file read here, when asked."""

    def read_yaml(
        self, path: Path, *, follow_symlinks: bool = True
    ) -> tuple[Source, list[Diagnostic]]:
        return load.read_yaml(path, follow_symlinks=follow_symlinks)

    def load_facts(self, path: Path) -> Facts:
        return facts.load_facts(path)


IN_PROCESS = InProcess()


def planned(data_dir: Path) -> Iterator[Key]:
    """The files load_catalog reads, in its order (validate.py; a test keeps the two alike)."""
    for name in (CONFIG, *REGISTRIES):
        yield ("yaml", str(data_dir / name), True)
    if (data_dir / TOPICS).exists():
        yield ("yaml", str(data_dir / TOPICS), True)
    for path in load.record_files(papers_dir(data_dir))[0]:
        yield ("yaml", str(path), False)
    yield ("facts", str(facts.facts_path(data_dir)), True)


class ReadAhead:
    """The parent's end: results as the child sends them, IN_PROCESS for the rest."""

    def __init__(self, pid: int, stream: IO[bytes]) -> None:
        self.pid = pid
        self._stream: IO[bytes] | None = stream
        self._ready: dict[Key, Any] = {}
        self._reaped = False
        self.misses = 0  # requests read in-process (a test checks the plan covers them all)
        self.finished = False  # the child sent everything it planned

    def read_yaml(
        self, path: Path, *, follow_symlinks: bool = True
    ) -> tuple[Source, list[Diagnostic]]:
        found = self._take(("yaml", str(path), follow_symlinks))
        if found is None:
            return IN_PROCESS.read_yaml(path, follow_symlinks=follow_symlinks)
        result: tuple[Source, list[Diagnostic]] = found
        return result

    def load_facts(self, path: Path) -> Facts:
        found = self._take(("facts", str(path), True))
        if found is None:
            return IN_PROCESS.load_facts(path)
        read, error = found
        if error is not None:
            raise CatalogError(error)
        result: Facts = read
        return result

    def _take(self, key: Key) -> Any:
        loads = _loads()
        while key not in self._ready and self._stream is not None:
            try:
                message = loads(_frame(self._stream))
            except Exception as exc:  # EOF, or a message cut short: the child has died
                self._stopped(exc)
                break
            if message == _END:
                self.finished = True
                self._close_stream()
                break
            self._ready[message[0]] = message[1]
        found = self._ready.pop(key, None)
        if found is None:
            self.misses += 1
        return found

    def _stopped(self, exc: BaseException) -> None:
        """The child ended before sending everything: say so, read the rest in-process."""
        from catalog import output

        self._close_stream()
        status = self._reap()
        why = _describe(status) if status is not None else type(exc).__name__
        output.warn(
            f"the process reading the data files stopped early ({why}); reading the rest here"
        )

    def _close_stream(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _reap(self, *, kill: bool = False) -> int | None:
        """Wait for the child, killed first with `kill` if it is still running; its wait
        status (None once reaped)."""
        if self._reaped:
            return None
        self._reaped = True
        return _reap_child(self.pid, kill=kill)

    def close(self) -> None:
        """Stop the child if it is still at work and reap it: no zombie, no orphan."""
        self._close_stream()
        self._reap(kill=True)


@contextmanager
def reading(data_dir: Path) -> Iterator[FileReader]:
    """A FileReader for load_catalog(data_dir): a forked child's when possible."""
    ahead = _fork(data_dir)
    if ahead is None:
        yield IN_PROCESS
        return
    try:
        yield ahead
    finally:
        ahead.close()


def _fork(data_dir: Path) -> ReadAhead | None:
    """Start the child, or None where forking is unavailable, unsafe or not worth it."""
    if not _can_fork() or not _spare_core() or not _few_records(data_dir):
        return None
    started = _start(lambda fd: _serve(data_dir, fd))
    return None if started is None else ReadAhead(*started)


def _spare_core() -> bool:
    """A core nobody else is running on right now, for the child beside this process.

    Without one the two halves take turns, and the fork, the child's own imports and the
    pickling only add to the time. Measured on the shipped data, 2 cores, medians of 15-21 runs,
    read ahead against one process: with both cores taken by other work (3-4 runnable tasks
    counted in /proc/loadavg), 427 ms against 370 ms; while that work was winding down (load
    average falling from 7 to 3), 307 against 366 (the floor, a bare parse, 136 ms). What counts
    is the moment, not the last minute's average: the tasks runnable now (Linux), else the load
    average.
    """
    return spare_core(_others_running())


def _few_records(data_dir: Path) -> bool:
    """Fewer than LARGE entries in the records' folder. A large catalog is read on both cores
    by load_catalog (catalog/parallel.py), each with pydantic loaded: a child that only parsed
    would be the slower half, and the parent would wait for it."""
    try:
        with os.scandir(papers_dir(data_dir)) as entries:
            for count, _ in enumerate(entries, 1):
                if count >= LARGE:
                    return False
    except OSError:
        pass  # load_catalog reports it
    return True


def _serve(data_dir: Path, fd: int) -> None:
    """The child's work: read each planned file, send its result without waiting for the
    parent (it is importing pydantic); only a backlog over _BACKLOG waits for the pipe."""
    sys.stdin = sys.stdout = sys.stderr = None  # never to the terminal
    os.set_blocking(fd, False)
    backlog = bytearray()
    for key in planned(data_dir):
        what, shown, follow = key
        if what == "yaml":
            result: Any = load.read_yaml(Path(shown), follow_symlinks=follow)
        else:
            result = _facts(Path(shown))
            if result is None:
                continue  # the parent reads it and meets the same surprise
        _put(backlog, (key, result))
        _send(fd, backlog, wait=len(backlog) > _BACKLOG)
    _put(backlog, _END)
    _send(fd, backlog, wait=True)


def _facts(path: Path) -> tuple[Facts | None, str | None] | None:
    try:
        return facts.load_facts(path), None
    except CatalogError as exc:
        return None, str(exc)
    except Exception:
        return None
