"""The URLs of the records as they are read, so checking starts before loading ends.

Reading and validating thousands of records takes about as long as checking their links; done
one after the other, a cold check waits for both. A `LinkFeed` reads the data folder on a worker
thread (`read`) and hands each valid record's new URLs to the event loop in small batches, so
the first requests go out while the rest is still read. Which records are valid is decided by
the validator as before (`validate.load_catalog`, record by record): the links of a record that
does not validate are never requested. The report's mapping of URLs to their uses is built from
the whole Catalog once it is read (`collect.collect`), exactly as without a feed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from catalog.catalog import LINK_SLOTS
from catalog.links.collect import LinkRef, collect

if TYPE_CHECKING:
    from catalog.catalog import Catalog
    from catalog.load import Source
    from catalog.model import Paper

OnPaper = Callable[["Paper", "Source", "Catalog"], None]
FIRST_BATCH = 4  # the first URLs go out at once; later batches grow to MAX_BATCH
MAX_BATCH = 64


class Stopped(Exception):
    """The check was cancelled (Ctrl-C): reading stops at the next record."""


class LinkFeed:
    """Reads the records with `load(on_paper)` (by default `validate.load_catalog`), on a worker
    thread; `only` limits the records whose links count (--changed-since)."""

    def __init__(
        self,
        load: Callable[[OnPaper], Catalog],
        only: set[str] | None = None,
        loaded: Callable[[Catalog, dict[str, list[LinkRef]]], None] | None = None,
    ) -> None:
        self.load = load
        self.only = only
        self.loaded = loaded  # called on the loop's thread once everything is read
        self.contact: str | None = None  # catalog.yaml's repo_url, known before the first URL
        self.catalog: Catalog | None = None  # what is read so far, all of it once read
        self._stop = threading.Event()
        self._links: dict[str, list[LinkRef]] | None = None

    def read(self, emit: Callable[[list[str]], None]) -> None:
        """Load everything, calling `emit` (from this thread) with each batch of new URLs."""
        seen: set[str] = set()
        batch: list[str] = []
        size = FIRST_BATCH
        first = True

        def on_paper(paper: Paper, _source: Source, catalog: Catalog) -> None:
            nonlocal batch, size, first
            if self._stop.is_set():
                raise Stopped
            if first:
                first = False
                self.contact = catalog.config.repo_url if catalog.config else None
                self.catalog = catalog
            if self.only is not None and paper.id not in self.only:
                return
            for name in LINK_SLOTS:
                url = getattr(paper.links, name)
                if url and url not in seen:
                    seen.add(url)
                    batch.append(url)
            if len(batch) >= size:
                emit(batch)
                batch, size = [], min(MAX_BATCH, size * 2)

        self.catalog = self.load(on_paper)
        if batch:
            emit(batch)

    def links(self) -> dict[str, list[LinkRef]]:
        """URL -> its uses, once `read` has returned (what `collect` gives for the Catalog);
        after a stop, those of the records read until then."""
        if self.catalog is None:
            return {}
        if self._links is None:
            self._links = collect(self.catalog, self.only)
        return self._links

    def stop(self) -> None:
        self._stop.set()
