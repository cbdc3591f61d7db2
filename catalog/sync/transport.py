"""The polite request path sync's adapters use: one per-host pace, Retry-After, and a deadline.

Adapters only see `Http.request` and `Reply`, so the path can be re-pointed at the shared HTTP
layer (catalog/sources/) without touching them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

MAX_BYTES = 20_000_000
TIMEOUT = 20.0


class OutOfTime(Exception):
    """The run's budget leaves no room for this request: stop cleanly, resume next run."""


class SourceStopped(Exception):
    """The source refused us (quota spent, repeated 429/5xx): ask it nothing more this run.

    `found` holds what the batch did learn before the stop (facts by key), so it is kept.
    """

    def __init__(self, message: str, found: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.found = found or {}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str

    def json(self) -> Any:
        import json

        return json.loads(self.body.decode("utf-8"))


@dataclass
class Deadline:
    """When the run must stop; `None` means no budget."""

    at: float | None = None

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        return cls(None if seconds is None else time.monotonic() + seconds)

    def left(self) -> float:
        return float("inf") if self.at is None else self.at - time.monotonic()


@dataclass
class Pace:
    """At most one request per `interval` seconds to one host, across threads."""

    interval: float
    _next: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def slot(self, deadline: Deadline) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            if start - now >= deadline.left() - 0.5:
                raise OutOfTime()
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)

    def hold(self, seconds: float) -> None:
        """The host asked us to wait (Retry-After): push the next slot back."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)


@dataclass
class Http:
    """Requests with a pace per host, Retry-After honoured, and nothing past the deadline."""

    user_agent: str
    deadline: Deadline = field(default_factory=Deadline)
    intervals: Mapping[str, float] = field(default_factory=dict)  # host -> seconds
    retries: int = 2
    requests_made: int = 0
    _paces: dict[str, Pace] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _session: requests.Session = field(default_factory=requests.Session)

    def pace(self, url: str) -> Pace:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            if host not in self._paces:
                self._paces[host] = Pace(self.intervals.get(host, 1.0))
            return self._paces[host]

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        pace = self.pace(url)
        for attempt in range(self.retries + 1):
            pace.slot(self.deadline)
            timeout = min(TIMEOUT, max(0.5, self.deadline.left()))
            with self._lock:
                self.requests_made += 1
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    headers={"User-Agent": self.user_agent, **(headers or {})},
                    timeout=timeout,
                    allow_redirects=False,
                    stream=True,
                )
                with response:
                    body = response.raw.read(MAX_BYTES + 1, decode_content=True)
            except requests.RequestException as exc:
                pace.hold(pace.interval)
                if attempt == self.retries or self.deadline.left() < 1:
                    raise SourceStopped(f"{urlsplit(url).netloc}: {type(exc).__name__}") from None
                continue
            # The interval counts from the answer too: a first request slowed by connecting
            # must not bring the next one closer than the interval at the server.
            pace.hold(pace.interval)
            reply = Reply(response.status_code, dict(response.headers), body, response.url)
            if response.status_code in (429, 502, 503, 504):
                wait = retry_after(reply.headers.get("Retry-After"), default=2.0 * (attempt + 1))
                if attempt == self.retries or wait >= self.deadline.left() - 1:
                    raise SourceStopped(f"{urlsplit(url).netloc} answered {response.status_code}")
                pace.hold(wait)
                continue
            return reply
        raise SourceStopped(url)  # pragma: no cover - the loop always returns or raises


def retry_after(value: str | None, default: float) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return default
