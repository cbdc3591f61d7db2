"""The engine's transport on the event loop (catalog/sources/curl_loop.py): both ways of
watching curl's sockets (an epoll set of their own on Linux, the loop's own readers and
writers elsewhere) give the same verdicts, cut a transfer at the deadline, and leave nothing
open."""

from __future__ import annotations

import asyncio
import gc
import os
import time
import warnings
from typing import Any

import pytest
from links_server import ok, redirect, serve, slow, status

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
