"""Work on two cores: a map whose forked child takes batches beside this process, and one
call worked out in a forked child meanwhile (Background).

Forked, not spawned: the child starts with this process's memory (the registries, the
compiled validators), so nothing is pickled on the way in; its results come back pickled,
one message per batch as it is done, taken in by a thread here meanwhile (neither process
holds the child's whole share at once: at 100,000 records that was ~260 MB in the child
and its pickle again in both, memory these VMs make dear to touch the first time). Both
processes take batches from one shared
counter, so a busy core does less of the work. The results are the same, in the same order,
as `[fn(item) for item in items]`: where fork is missing or unsafe (Windows, macOS), on one
core, for few items, or if the child fails for any reason, this process does the rest itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import threading

T = TypeVar("T")
R = TypeVar("R")

BATCH = 128  # items a process takes from the shared counter at a time
MIN_ITEMS = 4000  # fewer than this: one process (a fork and the pickling cost more)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def forked_map(
    fn: Callable[[T], R], items: Sequence[T], *, min_items: int | None = None, batch: int = BATCH
) -> list[R]:
    """`[fn(item) for item in items]`, with a forked child doing part of it.

    fn's results must pickle; what fn raises in this process propagates as usual, and an
    item the child failed on is done again here (so it raises here too)."""
    least = MIN_ITEMS if min_items is None else min_items
    if len(items) < max(least, 2 * batch) or cores() < 2 or not can_fork():
        return [fn(item) for item in items]
    import multiprocessing  # here: `validate` on a small catalog never needs it
    import threading

    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(fn, items, taken, batch, writer), daemon=True)
    child.start()
    writer.close()
    results: dict[int, list[R]] = {}
    receiving = threading.Thread(target=_receive, args=(reader, results), daemon=True)
    receiving.start()
    try:
        for start in _batches(taken, len(items), batch):
            results[start] = [fn(item) for item in items[start : start + batch]]
        receiving.join()  # the child's last batch, or its end
        child.join()
    finally:
        if child.is_alive():
            child.terminate()
            child.join()
        receiving.join()  # the pipe's end is reached once the child is gone
        reader.close()
    out: list[R] = []
    for start in range(0, len(items), batch):
        done = results.get(start)
        out += done if done is not None else [fn(item) for item in items[start : start + batch]]
    return out


def _receive(reader: Any, results: dict[int, Any]) -> None:
    """Take the child's batches as they come, until its end mark; a child that died ends
    the pipe early (its missing batches are done again by forked_map)."""
    import pickle

    with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):
        while True:
            message = reader.recv_bytes()
            if not message:
                return
            start, done = pickle.loads(message)
            results[start] = done


def _batches(taken: Any, total: int, batch: int) -> Any:
    """The start of each batch this process takes, until none is left."""
    while True:
        with taken.get_lock():
            start = taken.value
            taken.value = start + batch
        if start >= total:
            return
        yield start


def _child(
    fn: Callable[[Any], Any], items: Sequence[Any], taken: Any, batch: int, pipe: Any
) -> None:
    """Do batches until none is left, sending each one's results as it is done, then an
    empty end mark; on any failure, stop (the parent does the batches it did not get)."""
    import pickle

    try:
        for start in _batches(taken, len(items), batch):
            done = [fn(item) for item in items[start : start + batch]]
            pipe.send_bytes(pickle.dumps((start, done), pickle.HIGHEST_PROTOCOL))
        pipe.send_bytes(b"")
    except KeyboardInterrupt:
        os._exit(130)
    except BaseException:
        os._exit(1)
    os._exit(0)


class Background(Generic[R]):
    """fn() worked out in a forked child while this process goes on; `result()` waits for
    it. The child exits as soon as its result is sent (a thread here takes it), so it holds
    no memory beyond its own work. Where it cannot fork, or if the child fails, result()
    calls fn() here (so what fn raises is raised here)."""

    def __init__(self, fn: Callable[[], R]) -> None:
        self._fn = fn
        self._answer: list[bytes] = []
        self._thread: threading.Thread | None = None
        self._child: Any = None
        if cores() < 2 or not can_fork():
            return
        import multiprocessing
        import threading

        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        self._child = context.Process(target=_call, args=(fn, writer), daemon=True)
        self._child.start()
        writer.close()
        self._thread = threading.Thread(target=self._take, args=(reader,), daemon=True)
        self._thread.start()

    def _take(self, reader: Any) -> None:
        with reader, contextlib.suppress(EOFError, OSError):  # a failed child: result() does it
            self._answer.append(reader.recv_bytes())

    def result(self) -> R:
        if self._thread is not None:
            self._thread.join()
            self._child.join()
            self._thread = None
            if self._answer:
                import pickle

                value: R = pickle.loads(self._answer.pop())
                return value
        return self._fn()


def _call(fn: Callable[[], Any], pipe: Any) -> None:
    import pickle

    try:
        pipe.send_bytes(pickle.dumps(fn(), pickle.HIGHEST_PROTOCOL))
    except KeyboardInterrupt:
        os._exit(130)
    except BaseException:
        os._exit(1)
    os._exit(0)
