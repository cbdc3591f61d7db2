"""The URLs of the records as they are read, so checking starts before reading ends.

Reading thousands of records takes a good part of what checking their links takes; done one
after the other, a cold check waits for both. A `LinkFeed` reads the data folder on a worker
thread (`read`, by default `links.read.read_links`: the link fields only, no validator) and
hands each record's new URLs to the event loop in small batches, so the first requests go out
while the rest is still read. The links of a record whose links are not valid are never
requested; its errors are in `errors` once everything is read.

`start` (the CLI calls it before the engine is imported) has the records read by a forked
child instead, when that is safe and a core is free for it (`catalog.forking`, as validate's
read-ahead): the child parses while this process imports asyncio and pycurl, and the worker
thread only unpickles what it sends, so neither the imports nor the requests wait for the
parsing. A child that stops early is reported, and the records it did not send are read here.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from catalog.links.collect import LinkRef

if TYPE_CHECKING:  # the reader (and YAML) is imported only by a run that reads the records
    from catalog.diagnostics import Diagnostic
    from catalog.links.read import OnRecord

Reader = Callable[[Path, "OnRecord"], "list[Diagnostic]"]
FIRST_BATCH = 4  # the first URLs go out at once; later batches grow to MAX_BATCH
MAX_BATCH = 64
_BACKLOG = 16 << 20  # bytes the child may hold back while the pipe is full, then it waits
_END = "end"


class Stopped(Exception):
    """The check was cancelled (Ctrl-C): reading stops at the next record."""


class LinkFeed:
    """Reads the records of `data_dir` with `read` on a worker thread; `only` limits the
    records whose links count (--changed-since); `loaded` is called on the loop's thread once
    everything is read."""

    def __init__(
        self,
        data_dir: Path,
        only: set[str] | None = None,
        loaded: Callable[[LinkFeed], None] | None = None,
        read: Reader | None = None,  # links.read.read_links
    ) -> None:
        self.data_dir = data_dir
        self.only = only
        self.loaded = loaded
        self.reader = read
        self.contact: str | None = None  # catalog.yaml's repo_url, known before the first URL
        self.errors: list[Diagnostic] = []  # of the records whose links were not read
        self.forked = False  # a child reads the records (`start`)
        self._stop = threading.Event()
        self._links: dict[str, list[LinkRef]] = {}
        self._child: _Child | None = None

    def start(self) -> None:
        """Have a forked child read the records from now on, when it is safe (no other thread
        runs), a core is free for it, and the records are read the default way."""
        if self.reader is None and self._child is None:
            self._child = _fork(self.data_dir)
            self.forked = self._child is not None

    def read(self, emit: Callable[[list[str]], None]) -> None:
        """Read everything, calling `emit` (from this thread) with each batch of new URLs."""
        links = self._links
        batch: list[str] = []
        size = FIRST_BATCH
        only = self.only

        def on_record(record: str, found: list[tuple[str, LinkRef]]) -> None:
            nonlocal batch, size
            if self._stop.is_set():
                raise Stopped
            if only is not None and record not in only:
                return
            for url, ref in found:
                uses = links.get(url)
                if uses is None:
                    links[url] = [ref]
                    batch.append(url)
                else:
                    uses.append(ref)
            if len(batch) >= size:
                emit(batch)
                batch, size = [], min(MAX_BATCH, size * 2)

        child, self._child = self._child, None
        errors = child.receive(self, on_record) if child is not None else None
        if errors is None:  # read here (all of it, or what the child did not send)
            from catalog.links.read import read_contact, read_links

            sent = child.records if child is not None else set()
            if child is None or not child.said_contact:
                self.contact = read_contact(self.data_dir)
            rest = on_record if not sent else _skipping(sent, on_record)
            errors = (self.reader or read_links)(self.data_dir, rest)
        # --changed-since: the errors of the records it checks (the others' are validate's)
        self.errors = errors if only is None else [e for e in errors if Path(e.path).stem in only]
        if batch:
            emit(batch)

    def links(self) -> dict[str, list[LinkRef]]:
        """URL -> its uses in record order; after a stop, those of the records read until then."""
        return self._links

    def stop(self) -> None:
        self._stop.set()


def _skipping(sent: set[str], on_record: OnRecord) -> OnRecord:
    def rest(record: str, found: list[tuple[str, LinkRef]]) -> None:
        if record not in sent:
            on_record(record, found)

    return rest


class _Child:
    """The parent's end of the reading child: its messages, then its exit."""

    def __init__(self, pid: int, stream: IO[bytes]) -> None:
        self.pid = pid
        self.stream = stream
        self.records: set[str] = set()  # those it sent
        self.said_contact = False

    def receive(self, feed: LinkFeed, on_record: OnRecord) -> list[Diagnostic] | None:
        """Hand each record the child sends to `on_record`; its errors once it has sent all,
        or None (after a warning) when it stopped before."""
        from catalog.forking import frame, loads

        unpickle = loads()
        errors: list[Diagnostic] = []
        try:
            while True:
                try:
                    message = unpickle(frame(self.stream))
                except Exception as exc:  # EOF, or a message cut short: the child has died
                    self._stopped(exc)
                    return None
                if message == _END:
                    return errors
                kind, value = message
                if kind == "contact":
                    feed.contact, self.said_contact = value, True
                elif kind == "records":
                    for record, found in value:
                        self.records.add(record)
                        on_record(record, found)
                else:
                    errors = value
        finally:
            self.close()

    def _stopped(self, exc: BaseException) -> None:
        from catalog import output
        from catalog.forking import describe

        status = self.close()
        if status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
            return  # Ctrl-C: this process stops the check (or, if not, reads the rest quietly)
        why = describe(status) if status is not None else type(exc).__name__
        output.warn(f"the process reading the records stopped early ({why}); reading the rest here")

    def close(self) -> int | None:
        """Close the pipe; stop the child if it is still at work, and reap it: its status."""
        from catalog.forking import reap

        self.stream.close()
        return reap(self.pid, kill=True)  # still at work (a stop): no more of it is wanted


def _fork(data_dir: Path) -> _Child | None:
    """Start the reading child, or None where forking is unavailable, unsafe or not worth it."""
    from catalog import forking

    if not forking.can_fork() or not forking.spare_core(forking.others_running()):
        return None
    started = forking.start(lambda fd: _serve(data_dir, fd))
    return None if started is None else _Child(*started)


def _serve(data_dir: Path, fd: int) -> None:
    """The child's work: the contact, each record's links in growing batches, the errors; sent
    without waiting for the parent, but for a backlog over _BACKLOG."""
    from catalog.forking import put, send
    from catalog.links.read import read_contact, read_links

    sys.stdin = sys.stdout = sys.stderr = None  # never to the terminal
    backlog = bytearray()
    put(backlog, ("contact", read_contact(data_dir)))
    send(fd, backlog, wait=False)
    batch: list[tuple[str, list[tuple[str, LinkRef]]]] = []
    size = FIRST_BATCH

    def on_record(record: str, found: list[tuple[str, LinkRef]]) -> None:
        nonlocal batch, size
        batch.append((record, found))
        if len(batch) >= size:
            put(backlog, ("records", batch))
            send(fd, backlog, wait=len(backlog) > _BACKLOG)
            batch, size = [], min(MAX_BATCH, size * 2)

    errors: Any = read_links(data_dir, on_record)
    put(backlog, ("records", batch))
    put(backlog, ("errors", errors))
    put(backlog, _END)
    send(fd, backlog, wait=True)
