"""Per-host politeness for one event loop: in-flight slots, a published interval, 429 windows.

`Hosts.slot(host)` bounds the requests in flight to one host. `Hosts.turn(url, end)` is
awaited before every request (retries included): it waits out the host's `Retry-After` window
and an API's interval (arXiv asks for one request every 3 seconds; intervals are registered by
base URL, so they apply to that API's requests only), or says how long the wait would be when it
would end past the caller's deadline, so the caller can give a verdict instead of sleeping.
A 429 halves the host's slots; they come back once its window has passed.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

_HOST_KEYS: dict[str, str] = {}


def host_key(url: str) -> str:
    """What politeness is counted by: the host, and its port when the URL names one.

    Remembered by the URL's scheme and authority: asked several times for every URL.
    """
    origin = url.split("/", 3)[:3]
    memo = "/".join(origin) if len(origin) == 3 else None
    if memo is not None:
        known = _HOST_KEYS.get(memo)
        if known is not None:
            return known
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        key = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return ""
    if memo is not None and len(_HOST_KEYS) < 100_000:
        _HOST_KEYS[memo] = key
    return key


class HostState:
    """One host's politeness state (a plain class: see `types.Snapshot` on dataclasses)."""

    __slots__ = ("base", "head_refused", "inflight", "limit", "not_before", "restore", "waiters")

    def __init__(self, base: int, limit: int) -> None:
        self.base = base  # the slots a well-behaved host gets
        self.limit = limit  # the slots it has now (fewer after a 429)
        self.not_before = 0.0  # nothing is sent before this (a Retry-After window)
        self.inflight = 0
        self.head_refused = False  # the host answers HEAD with 405/501: ask with GET
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.restore: asyncio.TimerHandle | None = None


class Hosts:
    """The politeness state of every host one client talks to."""

    def __init__(self, per_host: int, intervals: Mapping[str, float] | None = None) -> None:
        self.per_host = max(1, per_host)
        self.intervals: dict[str, float] = {}  # base URL -> least seconds between requests
        self._interval_hosts: set[str] = set()  # their host keys: other hosts skip the lookup
        self._next_send: dict[str, float] = {}
        for base, seconds in (intervals or {}).items():
            self.set_interval(base, seconds)
        self._states: dict[str, HostState] = {}

    def get(self, host: str) -> HostState:
        state = self._states.get(host)
        if state is None:
            state = self._states[host] = HostState(self.per_host, self.per_host)
        return state

    def set_interval(self, base: str, seconds: float) -> None:
        """An API's published rate: at most one request under `base` every `seconds`."""
        if seconds > 0:
            self.intervals[base.rstrip("/")] = seconds
        else:
            self.intervals.pop(base.rstrip("/"), None)
        self._interval_hosts = {host_key(known) for known in self.intervals}

    def _interval_of(self, url: str, host: str | None = None) -> str | None:
        if (host if host is not None else host_key(url)) not in self._interval_hosts:
            return None
        for base in self.intervals:
            if url.startswith(base) and url[len(base) : len(base) + 1] in ("", "/", "?"):
                return base
        return None

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[HostState]:
        """Hold one of the host's in-flight slots."""
        state = await self.acquire(host)
        try:
            yield state
        finally:
            self.release(state)

    def take_now(self, host: str) -> HostState | None:
        """Take one of the host's slots if one is free (no await needed), else None."""
        state = self._states.get(host)
        if state is None:
            state = self.get(host)
        if state.inflight < state.limit:
            state.inflight += 1
            return state
        return None

    async def acquire(self, host: str) -> HostState:
        """Take one of the host's in-flight slots (give it back with `release`)."""
        state = self.get(host)
        while state.inflight >= state.limit:
            waiter = asyncio.get_running_loop().create_future()
            state.waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter in state.waiters:
                    state.waiters.remove(waiter)
                raise
        state.inflight += 1
        return state

    def release(self, state: HostState) -> None:
        state.inflight -= 1
        if state.waiters:
            self._wake(state)

    def _wake(self, state: HostState) -> None:
        free = state.limit - state.inflight
        while free > 0 and state.waiters:
            waiter = state.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                free -= 1

    def free(self, host: str, url: str) -> bool:
        """True when `url` may be asked right now without waiting (the common case: no
        window, no interval), so the caller need not await `turn`."""
        if self.intervals and self._interval_of(url, host) is not None:
            return False
        state = self._states.get(host)
        return state is None or state.not_before <= time.monotonic()

    def held_back(self, host: str) -> bool:
        """Whether the host is inside a Retry-After window now."""
        state = self._states.get(host)
        return state is not None and state.not_before > time.monotonic()

    async def turn(self, host: str, url: str, end: float | None = None) -> float | None:
        """Wait until `url` on `host` may be asked; None, or the wait when it would pass `end`.

        `end` is a `time.monotonic()` deadline. The interval's next slot is taken only when
        the request is sure to go out.
        """
        state = self.get(host)
        base = self._interval_of(url, host) if self.intervals else None
        while True:
            now = time.monotonic()
            at = state.not_before
            if base is not None:
                at = max(at, self._next_send.get(base, 0.0))
            if at <= now:
                if base is not None:
                    self._next_send[base] = now + self.intervals[base]
                return None
            if end is not None and at > end:
                return at - now
            await asyncio.sleep(at - now)

    def answered(self, url: str) -> None:
        """A request under an interval came back: the interval counts from now (so the
        server sees the requests at least that far apart, whatever the latency)."""
        base = self._interval_of(url) if self.intervals else None
        if base is not None:
            self._next_send[base] = max(
                self._next_send.get(base, 0.0), time.monotonic() + self.intervals[base]
            )

    def slow_down(self, host: str, delay: float) -> None:
        """After a 429: nothing for `delay` seconds and half the slots, until the window ends.

        The requests already in flight when the window opened answer 429 too: they extend the
        window but halve the slots only once per window.
        """
        state = self.get(host)
        now = time.monotonic()
        if state.not_before <= now:
            state.limit = max(1, state.limit // 2)
        state.not_before = max(state.not_before, now + delay)
        if state.restore is not None:
            state.restore.cancel()
        loop = asyncio.get_running_loop()
        state.restore = loop.call_later(state.not_before - now, self._restore, state)

    def _restore(self, state: HostState) -> None:
        """The window has passed: the host gets all its slots back."""
        state.restore = None
        state.limit = state.base
        self._wake(state)

    def window(self, host: str) -> float:
        """Seconds left of the host's Retry-After window (0 when none)."""
        return max(0.0, self.get(host).not_before - time.monotonic())
