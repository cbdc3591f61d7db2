"""Ask each source what is due, within the run's budget, and keep the answers in the facts.

Incremental: a source is asked about a paper only when it never was, or when its last answer is
older than the source's max age for that paper. Preprints and papers without authors go first,
so a budget that runs out spends itself on what matters, and the next run picks up the rest (the
facts say what was asked when). Each source runs in its own thread at its own pace; a source
whose questions come from another's answers (a DOI from arXiv, a forum from DBLP) keeps looking
for new questions until those sources are done.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from catalog.facts import Facts
from catalog.model import Paper
from catalog.sync.adapters import Adapter, Ctx
from catalog.sync.adapters.arxiv import Arxiv
from catalog.sync.adapters.crossref import Crossref
from catalog.sync.adapters.dblp import Dblp
from catalog.sync.adapters.github import GitHub
from catalog.sync.adapters.openreview import OpenReview
from catalog.sync.adapters.semantic_scholar import SemanticScholar
from catalog.sync.transport import Http, OutOfTime, SourceStopped

ADAPTERS: tuple[Callable[[Ctx], Adapter], ...] = (
    Arxiv,
    Dblp,
    OpenReview,
    Crossref,
    SemanticScholar,
    GitHub,
)
SOURCE_NAMES = ("arxiv", "dblp", "openreview", "crossref", "semantic-scholar", "github")
# Seconds between saves of the facts during a long run, and at least ten times what the last
# one took (10,000 papers' facts take seconds to write and check; the workers wait meanwhile).
SAVE_EVERY = 30.0
Progress = Callable[[str, int, int], None]


@dataclass
class RunStats:
    """What one run did, per source."""

    asked: Counter[str] = field(default_factory=Counter)  # papers asked about
    learned: Counter[str] = field(default_factory=Counter)  # papers the source knew
    stopped: dict[str, str] = field(default_factory=dict)  # source -> why it stopped early
    pending: Counter[str] = field(default_factory=Counter)  # still due when the run ended
    out_of_time: bool = False
    requests: int = 0
    seconds: float = 0.0


def adapters_for(ctx: Ctx, names: Iterable[str] | None = None) -> list[Adapter]:
    wanted = set(names) if names else set(SOURCE_NAMES)
    return [a for a in (make(ctx) for make in ADAPTERS) if a.name in wanted]


def is_due(adapter: Adapter, paper: Paper, facts: Facts, today: dt.date) -> bool:
    last = facts.checked(paper.id, adapter.name)
    return last is None or (today - last).days >= adapter.max_age(paper, facts)


def priority(paper: Paper, ctx: Ctx, facts: Facts, source: str) -> tuple[bool, bool, str, str]:
    """Preprints first, then papers without authors, then the longest unasked, then by id."""
    last = facts.checked(paper.id, source)
    return (not ctx.is_preprint(paper), paper.authors is not None, str(last or ""), paper.id)


@dataclass
class Sync:
    """One run: papers, facts (updated in place), the sources to ask and the HTTP path."""

    papers: list[Paper]
    facts: Facts
    adapters: list[Adapter]
    http: Http
    ctx: Ctx
    today: dt.date
    save: Callable[[], None] = lambda: None
    progress: Progress | None = None
    stats: RunStats = field(default_factory=RunStats)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _finished: set[str] = field(default_factory=set)
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _last_save: float = field(default_factory=time.monotonic)
    _save_took: float = 0.0

    def run(self) -> RunStats:
        start = time.monotonic()
        threads = [
            threading.Thread(target=self._worker, args=(a,), name=f"sync-{a.name}", daemon=True)
            for a in self.adapters
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.05)
        except KeyboardInterrupt:
            self._stop.set()
            with self._lock:
                self.save()
            raise
        with self._lock:
            for adapter in self.adapters:
                self.stats.pending[adapter.name] = len(self._due(adapter, set()))
            self.stats.requests = self.http.requests_made
            self.stats.seconds = time.monotonic() - start
        return self.stats

    def _due(self, adapter: Adapter, attempted: set[str]) -> list[tuple[Paper, str]]:
        due = []
        for paper in self.papers:
            if paper.id in attempted:
                continue
            key = adapter.key(paper, self.facts)
            if key and is_due(adapter, paper, self.facts, self.today):
                due.append((paper, key))
        due.sort(key=lambda item: priority(item[0], self.ctx, self.facts, adapter.name))
        return due

    def _upstream_done(self, adapter: Adapter) -> bool:
        active = {a.name for a in self.adapters}
        return all(name in self._finished or name not in active for name in adapter.after)

    def _worker(self, adapter: Adapter) -> None:
        attempted: set[str] = set()
        try:
            while not self._stop.is_set():
                with self._lock:
                    upstream_done = self._upstream_done(adapter)
                    queue = self._due(adapter, attempted)
                if not queue:
                    if upstream_done:
                        return
                    with self._changed:
                        self._changed.wait(0.2)
                    continue
                if not self._drain(adapter, queue, attempted):
                    return
        finally:
            with self._lock:
                self._finished.add(adapter.name)
            with self._changed:
                self._changed.notify_all()

    def _drain(self, adapter: Adapter, queue: list[tuple[Paper, str]], attempted: set[str]) -> bool:
        """Ask the queue batch by batch; False when the source (or the run) must stop."""
        total = len(queue)
        for start in range(0, total, adapter.batch):
            if self._stop.is_set():
                return False
            chunk = queue[start : start + adapter.batch]
            by_key: dict[str, list[str]] = {}
            for paper, key in chunk:
                by_key.setdefault(key, []).append(paper.id)
            stopped: SourceStopped | None = None
            try:
                found = adapter.ask(self.http, list(by_key), self.today)
            except OutOfTime:  # this source's next request would not fit: the others go on
                self.stats.out_of_time = True
                return False
            except SourceStopped as exc:
                stopped, found = exc, exc.found
            with self._lock:
                for key, ids in by_key.items():
                    if stopped is not None and key not in found:
                        continue
                    for paper_id in ids:
                        attempted.add(paper_id)
                        self.stats.asked[adapter.name] += 1
                        for name, fact in found.get(key, []):
                            self.facts.put(paper_id, name, fact)
                        if key in found:
                            self.stats.learned[adapter.name] += 1
                        self.facts.mark_checked(
                            paper_id, adapter.name, adapter.checked_url(key), self.today
                        )
                # Not when the budget ends soon: the final save follows anyway.
                every = max(SAVE_EVERY, 10 * self._save_took)
                if time.monotonic() - self._last_save > every and self.http.deadline.left() > every:
                    began = time.monotonic()
                    self.save()
                    self._last_save = time.monotonic()
                    self._save_took = self._last_save - began
            with self._changed:
                self._changed.notify_all()
            if self.progress:
                self.progress(adapter.name, min(start + len(chunk), total), total)
            if stopped is not None:
                self.stats.stopped[adapter.name] = str(stopped)
                return False
        return True
