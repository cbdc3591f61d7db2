"""Sync's request path: the shared HTTP layer (catalog/sources), driven from sync's threads.

Each source's thread calls `request` (or `run` with a source client's coroutine); all of them go
through one engine on one event loop (`sources.blocking.Blocking`), so per-host intervals,
retries, Retry-After and the address guard hold across the run. The run's budget is a deadline
every fetch is cut to; a request that cannot go out before it ends the source's turn
(`OutOfTime`), one a source refuses stops asking it (`SourceStopped`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from catalog.sources.blocking import Blocking
from catalog.sources.http import API_BODY_CAP
from catalog.sources.request import with_params
from catalog.sources.service import Service, open_http
from catalog.sources.types import Fetched, Snapshot

T = TypeVar("T")
MARGIN = 1.0  # seconds: no new request this close to the deadline


class OutOfTime(Exception):
    """The run's budget leaves no room for this request: stop cleanly, resume next run."""


class SourceStopped(Exception):
    """The source refused us (quota spent, repeated 429/5xx): ask it nothing more this run.

    `found` holds what the batch did learn before the stop (facts by key), so it is kept.
    """

    def __init__(self, message: str, found: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.found = found or {}


@dataclass
class Deadline:
    """When the run must stop (`time.monotonic()`); `None` means no budget."""

    at: float | None = None

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        return cls(None if seconds is None else time.monotonic() + seconds)

    def left(self) -> float:
        return float("inf") if self.at is None else self.at - time.monotonic()


Reply = Snapshot


@dataclass
class Http:
    """The shared engine for the run's services, with the run's deadline."""

    services: Iterable[Service]
    contact: str | None = None
    env: Mapping[str, str] | None = None
    deadline: Deadline = field(default_factory=Deadline)
    intervals: Mapping[str, float] = field(default_factory=dict)  # base URL -> seconds

    def __post_init__(self) -> None:
        engine = open_http(
            self.services, contact=self.contact, env=self.env, product="catalog-sync"
        )
        for base, seconds in self.intervals.items():
            engine.hosts.set_interval(base, seconds)
        self.engine = engine
        self._blocking = Blocking(engine)

    @property
    def requests_made(self) -> int:
        return self.engine.requests_sent

    def close(self) -> None:
        self._blocking.close()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """A source client's coroutine on the shared engine (its own fetches, same limits)."""
        if self.deadline.left() < MARGIN:
            coroutine.close()
            raise OutOfTime()
        return self._blocking.run(coroutine)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """One API call; its final response whatever the status, or OutOfTime/SourceStopped."""
        data = None if json_body is None else json.dumps(json_body).encode()
        sent = dict(headers or {})
        if data is not None:
            sent.setdefault("Content-Type", "application/json")
        if self.deadline.left() < MARGIN:
            raise OutOfTime()
        fetched = self._blocking.run(
            self.engine.fetch(
                with_params(url, params),
                method=method,
                headers=sent,
                body_cap=API_BODY_CAP,
                data=data,
                until=self.deadline.at,
            )
        )
        return self.answer(fetched)

    def answer(self, fetched: Fetched) -> Reply:
        """The usable response of a fetch, or why there is none as OutOfTime/SourceStopped."""
        response = fetched.response
        if response is not None and fetched.status is None:
            if response.truncated:
                raise SourceStopped(f"{fetched.url}: the answer was larger than the cap")
            if response.status in (429, 503):
                raise SourceStopped(f"{fetched.url} answered {response.status} (try again later)")
            return response
        if self.deadline.at is not None and self.deadline.left() < MARGIN * 5:
            raise OutOfTime()
        raise SourceStopped(fetched.message or f"could not ask {fetched.url}")
