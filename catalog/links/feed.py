"""The URLs of the records as they are read, so checking starts before reading ends.

Reading thousands of records takes a good part of what checking their links takes; done one
after the other, a cold check waits for both. A `LinkFeed` reads the data folder on a worker
thread (`read`, by default `links.read.read_links`: the link fields only, no validator) and
hands each record's new URLs to the event loop in small batches, so the first requests go out
while the rest is still read. The links of a record whose links are not valid are never
requested; its errors are in `errors` once everything is read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from catalog.links.collect import LinkRef

if TYPE_CHECKING:  # the reader (and YAML) is imported only by a run that reads the records
    from catalog.diagnostics import Diagnostic
    from catalog.links.read import OnRecord

Reader = Callable[[Path, "OnRecord"], "list[Diagnostic]"]
FIRST_BATCH = 4  # the first URLs go out at once; later batches grow to MAX_BATCH
MAX_BATCH = 64


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
        self._stop = threading.Event()
        self._links: dict[str, list[LinkRef]] = {}

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

        from catalog.links.read import read_contact, read_links

        self.contact = read_contact(self.data_dir)
        errors = (self.reader or read_links)(self.data_dir, on_record)
        # --changed-since: the errors of the records it checks (the others' are validate's)
        self.errors = errors if only is None else [e for e in errors if Path(e.path).stem in only]
        if batch:
            emit(batch)

    def links(self) -> dict[str, list[LinkRef]]:
        """URL -> its uses in record order; after a stop, those of the records read until then."""
        return self._links

    def stop(self) -> None:
        self._stop.set()
