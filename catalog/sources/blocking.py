"""The HTTP layer for synchronous code: one event loop on a background thread.

    with Blocking(open_http([ARXIV], contact=repo_url)) as http:
        entry = http.run(ArxivClient(http.engine).paper("2106.09685"))
        data = http.get_json("https://api.example.org/x", params={"q": "lora"})

Every call shares one session and one set of per-host limits, so intervals and Retry-After
windows hold across calls, and calls from several threads are safe.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar

from catalog.sources.http import Http
from catalog.sources.request import get_json, get_text

T = TypeVar("T")


class Blocking:
    """Runs coroutines of one `Http` engine on a private loop; closes both on exit."""

    def __init__(self, engine: Http) -> None:
        self.engine = engine
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="catalog-http", daemon=True
        )
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        what: str | None = None,
    ) -> Any:
        return self.run(get_json(self.engine, url, params=params, headers=headers, what=what))

    def get_text(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        what: str | None = None,
    ) -> str:
        return self.run(get_text(self.engine, url, params=params, headers=headers, what=what))

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self.run(self.engine.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> Blocking:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def run_to_end(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` from synchronous code, even where this thread already runs an event loop
    (a notebook, a test session driving a browser): then on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    result: list[T] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as exc:  # handed back to the caller's thread below
            failure.append(exc)

    thread = threading.Thread(target=work, name="catalog-run")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]
