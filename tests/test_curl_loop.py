"""The engine's transport on the event loop (catalog/sources/curl_loop.py): both ways of
watching curl's sockets (an epoll set of their own on Linux, the loop's own readers and
writers elsewhere) give the same verdicts, cut a transfer at the deadline, and leave nothing
open."""

from __future__ import annotations

import asyncio
import gc
import os
import select
import time
import warnings
from collections import Counter
from typing import Any, ClassVar

import pytest
from links_server import Handler, ok, redirect, serve, slow, status

import catalog.sources.curl_loop as curl_loop
from catalog.links.check import check
from catalog.sources.http import Http, Settings
from catalog.sources.safety import AddressPolicy

ROUTES = {"/ok": ok, "/gone": status(404), "/moved": redirect(301, "/ok"), "/slow": slow(2)}


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("epoll", [True, False], ids=["epoll", "loop-readers"])
def test_verdicts_connections_and_cleanup(monkeypatch: pytest.MonkeyPatch, epoll: bool) -> None:
    if not epoll:
        monkeypatch.setattr(curl_loop, "_EPOLL", None)
    elif curl_loop._EPOLL is None:
        pytest.skip("no epoll on this platform")
    settings = Settings(
        timeout=2, retries=0, deadline=1.5, policy=AddressPolicy(allow_private=True)
    )

    async def go(base: str) -> list[Any]:
        async with Http(settings) as engine:
            urls = [f"{base}/ok", f"{base}/gone", f"{base}/moved", f"{base}/slow"] * 3
            return await asyncio.gather(*(check(engine, url) for url in urls))

    with serve(ROUTES) as server:
        before = open_fds()
        with warnings.catch_warnings():
            warnings.simplefilter("error", ResourceWarning)
            results = asyncio.run(go(server.base))
            gc.collect()
        log = list(server.state.log)
        waited = time.monotonic() + 5  # the server's slow handlers hold their sockets a while
        while open_fds() > before and time.monotonic() < waited:
            time.sleep(0.1)
        after = open_fds()
    by_path = {r.url.rsplit("/", 1)[1]: r for r in results}
    assert by_path["ok"].status == "ok", by_path["ok"]
    assert by_path["gone"].status == "broken"
    assert by_path["moved"].status == "redirected"
    # cut by the deadline while curl waits: the transfer is taken out, the socket closed
    assert by_path["slow"].status == "error" and "deadline" in by_path["slow"].message
    assert len(log) == 18  # 12 URLs, the 3 redirects followed by hand, GET after HEAD's 404
    assert after <= before  # every socket and the epoll set closed with the engine


@pytest.mark.parametrize("epoll", [True, False], ids=["epoll", "loop-readers"])
def test_curls_own_timeout_fires_on_the_loops_clock(
    monkeypatch: pytest.MonkeyPatch, epoll: bool
) -> None:
    """A server that answers nothing for longer than `timeout` is cut by curl's own timer
    (which the loop runs), well before the fetch's deadline. `CurlLoop._clock` keeps a handle
    armed for an earlier time of curl's (here: the fast requests' timeouts, set before they
    were answered) and re-arms it for the later one when it fires: the stalled request started
    after them is still cut on time."""
    if not epoll:
        monkeypatch.setattr(curl_loop, "_EPOLL", None)
    elif curl_loop._EPOLL is None:
        pytest.skip("no epoll on this platform")
    settings = Settings(timeout=1, retries=0, deadline=8, policy=AddressPolicy(allow_private=True))

    async def go(base: str) -> tuple[Any, list[Any], float]:
        async with Http(settings) as engine:
            fast = [await check(engine, f"{base}/ok") for _ in range(3)]
            await asyncio.sleep(0.5)  # the fast ones' timer is still armed, 0.5 s ahead
            started = time.monotonic()
            stalled = await check(engine, f"{base}/slow")
            return stalled, fast, time.monotonic() - started

    with serve({"/ok": ok, "/slow": slow(4)}) as server:
        stalled, fast, took = asyncio.run(go(server.base))
    assert [r.status for r in fast] == ["ok"] * 3
    assert stalled.status == "error" and "timed out waiting for the server" in stalled.message
    assert took < 3  # curl's 1 s timeout (its clock counts whole seconds), not the 8 s deadline


class CountingEpoll:
    """An epoll set that counts the system calls made on it (select.epoll is final)."""

    calls: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        assert curl_loop._EPOLL is not None
        self._poller = select.epoll()

    def fileno(self) -> int:
        return self._poller.fileno()

    def register(self, fd: int, mask: int) -> None:
        self.calls["register"] += 1
        self._poller.register(fd, mask)

    def modify(self, fd: int, mask: int) -> None:
        self.calls["modify"] += 1
        self._poller.modify(fd, mask)

    def unregister(self, fd: int) -> None:
        self.calls["unregister"] += 1
        self._poller.unregister(fd)

    def poll(self, timeout: float) -> list[tuple[int, int]]:
        return self._poller.poll(timeout)

    def close(self) -> None:
        self._poller.close()


def closing(h: Handler) -> None:
    """Every other answer closes its connection: curl opens a new socket, whose number is
    often the one just closed."""
    if h.count % 2:
        h.close_connection = True
        h.reply(200, {"Connection": "close"}, b"bye")
    else:
        ok(h)


@pytest.mark.skipif(curl_loop._EPOLL is None, reason="no epoll on this platform")
def test_a_kept_alive_connection_costs_no_epoll_call_per_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(curl_loop, "_EPOLL", CountingEpoll)
    monkeypatch.setattr(CountingEpoll, "calls", Counter())
    settings = Settings(
        concurrency=1, per_host=1, retries=0, timeout=2, policy=AddressPolicy(allow_private=True)
    )

    async def go(base: str) -> list[Any]:
        async with Http(settings) as engine:
            return [await check(engine, f"{base}/ok") for _ in range(20)]

    with serve({"/ok": ok}) as server:
        results = asyncio.run(go(server.base))
    assert [r.status for r in results] == ["ok"] * 20
    # the connection left in the set between its requests: not a register and an
    # unregister per request (40), a few in all
    assert sum(CountingEpoll.calls.values()) < 10, CountingEpoll.calls


@pytest.mark.skipif(curl_loop._EPOLL is None, reason="no epoll on this platform")
def test_a_socket_number_reused_by_a_new_connection_is_watched_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server closes every other connection: a new socket may get the number of the one
    just closed (which left the set with it); it is registered, so no request hangs."""
    monkeypatch.setattr(curl_loop, "_EPOLL", CountingEpoll)
    monkeypatch.setattr(CountingEpoll, "calls", Counter())
    settings = Settings(
        concurrency=1, per_host=1, retries=0, timeout=2, policy=AddressPolicy(allow_private=True)
    )

    async def go(base: str) -> tuple[list[Any], float]:
        async with Http(settings) as engine:
            started = time.monotonic()
            results = [await check(engine, f"{base}/p{i}") for i in range(12)]
            return results, time.monotonic() - started

    with serve({"/p*": closing}) as server:
        results, took = asyncio.run(go(server.base))
    assert [r.status for r in results] == ["ok"] * 12
    assert took < 2  # no request waited out a timeout for events it never got
    assert CountingEpoll.calls["register"] >= 6  # each new connection entered the set
