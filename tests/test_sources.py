"""The shared HTTP layer (catalog.sources) against real local servers: the API a client uses."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest
from links_server import Handler, ok, serve, status

from catalog.sources.blocking import Blocking
from catalog.sources.request import NotFound
from catalog.sources.service import Service, SourceError, open_http

API = Service("the Test API", "CATALOG_TEST_API", "https://api.example.org", interval=0.3)


def json_reply(data: Any, code: int = 200) -> Any:
    body = json.dumps(data).encode()
    return lambda h: h.reply(code, {"Content-Type": "application/json"}, body)


def test_get_json_names_the_catalog_and_never_asks_for_compression() -> None:
    with serve({"/v1/items": json_reply({"items": [1, 2]})}) as server:
        env = {API.env: server.base + "/v1"}
        with Blocking(open_http([API], contact="https://github.com/o/r", env=env)) as http:
            data = http.get_json(API.base(env) + "/items", params={"q": "low rank"})
        (sent,) = server.state.headers.values()
        (path,) = server.state.hits
    assert data == {"items": [1, 2]}
    assert path == "/v1/items?q=low+rank"
    assert sent[0]["User-Agent"].endswith("(+https://github.com/o/r)")
    assert sent[0]["Accept-Encoding"] == "identity"


def test_failures_are_one_line_source_errors() -> None:
    routes = {"/gone": status(404), "/busy": status(503), "/html": ok}
    with serve(routes) as server:
        env = {API.env: server.base}
        with Blocking(open_http([API], env=env, retries=0)) as http:
            with pytest.raises(NotFound, match="the Test API has no such entry"):
                http.get_json(server.base + "/gone", what=API.name)
            with pytest.raises(SourceError, match=r"answered HTTP 503 \(try again later\)"):
                http.get_json(server.base + "/busy", what=API.name)
            with pytest.raises(SourceError, match="did not answer with JSON"):
                http.get_json(server.base + "/html", what=API.name)


def test_the_published_interval_spaces_every_request_of_the_service() -> None:
    with serve({"/q": json_reply({})}) as server:
        env = {API.env: server.base}
        with Blocking(open_http([API], env=env)) as http:
            for _ in range(3):
                http.get_json(server.base + "/q")
        stamps = server.state.times["/q"]
    assert len(stamps) == 3
    assert all(b - a >= 0.29 for a, b in itertools.pairwise(stamps))


def test_a_base_url_from_the_environment_is_trusted_but_its_redirects_are_not() -> None:
    """The operator's own server may be on 127.0.0.1; a redirect to 127.0.0.2 may not."""
    with serve({"/secret": ok}, "127.0.0.2") as inner:
        hop = lambda h: h.reply(302, {"Location": inner.base + "/secret"})  # noqa: E731
        with serve({"/ok": json_reply({"fine": True}), "/hop": hop}) as outer:
            env = {API.env: outer.base}
            with Blocking(open_http([API], env=env)) as http:
                assert http.get_json(outer.base + "/ok") == {"fine": True}
                with pytest.raises(SourceError, match=r"refused: 127\.0\.0\.2"):
                    http.get_json(outer.base + "/hop")
        assert inner.state.log == []


def test_without_an_override_loopback_is_refused_before_connecting() -> None:
    with serve({"/ok": ok}) as server:
        with Blocking(open_http([API], env={})) as http:
            started = time.monotonic()
            with pytest.raises(SourceError, match="loopback"):
                http.get_text(server.base + "/ok")
        assert server.state.log == []
    assert time.monotonic() - started < 1


def test_a_retry_after_within_the_deadline_is_waited_for() -> None:
    def limited_once(h: Handler) -> None:
        if h.count == 1:
            h.reply(429, {"Retry-After": "1"})
        else:
            json_reply({"after": "wait"})(h)

    with serve({"/r": limited_once}) as server:
        env = {API.env: server.base}
        with Blocking(open_http([API], env=env, retries=1, timeout=2.0)) as http:
            assert http.get_json(server.base + "/r") == {"after": "wait"}
        first, second = server.state.times["/r"]
    assert second - first >= 0.95
