"""The transport's easy handles are reused (catalog/sources/transport.py): a reused handle
carries nothing of the request before it (method, body, headers, cookies, redirects, the
address it was pinned to), against real servers on 127.0.0.1 and 127.0.0.2."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from links_server import running

from catalog.sources.blocking import run_to_end
from catalog.sources.http import Http, Settings
from catalog.sources.safety import AddressPolicy, Guard


class _Logged(BaseHTTPRequestHandler):
    """Logs what each request really was; /redirect answers 302, the rest 200 with a body."""

    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.log.append(
            {
                "method": self.command,
                "path": self.path,
                "body": body,
                "extra": self.headers.get("X-Extra"),
                "cookie": self.headers.get("Cookie"),
                "server": self.server.name,
            }
        )
        payload = f"hello from {self.server.name}".encode()
        self.send_response(302 if self.path == "/redirect" else 200)
        if self.path == "/redirect":
            self.send_header("Location", "/landing")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_HEAD = do_POST = do_PUT = _serve


@contextmanager
def logged_server(address: str, name: str) -> Iterator[Any]:
    server: Any = ThreadingHTTPServer((address, 0), _Logged)
    server.daemon_threads = True
    server.log = []
    server.name = name
    with running(server):
        yield server


def test_a_reused_handle_carries_nothing_of_the_request_before() -> None:
    with logged_server("127.0.0.1", "one") as one, logged_server("127.0.0.2", "two") as two:
        port_one, port_two = one.server_address[1], two.server_address[1]
        names = {"one.example": "127.0.0.1", "two.example": "127.0.0.2"}

        def resolver(host: str, port: int, **_: Any) -> list[Any]:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], port))]

        guard = Guard(AddressPolicy(allow_private=True), resolver)
        settings = Settings(concurrency=1, per_host=1, retries=0)
        a = f"http://one.example:{port_one}"
        b = f"http://two.example:{port_two}"

        async def go() -> tuple[list[Any], int]:
            async with Http(settings, guard) as engine:
                send = engine.send
                answers = [
                    await send("HEAD", f"{a}/head"),
                    await send(
                        "POST",
                        f"{a}/post",
                        data=b"payload",
                        headers={"X-Extra": "1"},
                        cookies={"k": "v"},
                    ),
                    await send("GET", f"{a}/get", body_cap=100),
                    await send("HEAD", f"{a}/head-again", body_cap=100),
                    await send("PUT", f"{a}/put", data=b"put"),
                    await send("GET", f"{a}/redirect", body_cap=100),
                    await send("HEAD", f"{b}/elsewhere"),  # another address pinned
                    await send("GET", f"{a}/back", body_cap=100),  # the first one again
                ]
                return answers, len(engine.transport._idle)

        answers, handles = run_to_end(go())  # a browser test may have left a loop running
    log = [
        (r["server"], r["method"], r["path"], r["body"], r["extra"], r["cookie"])
        for r in one.log + two.log
    ]
    assert sorted(log) == sorted(
        [
            ("one", "HEAD", "/head", b"", None, None),
            ("one", "POST", "/post", b"payload", "1", "k=v"),
            ("one", "GET", "/get", b"", None, None),
            ("one", "HEAD", "/head-again", b"", None, None),
            ("one", "PUT", "/put", b"put", None, None),
            ("one", "GET", "/redirect", b"", None, None),
            ("two", "HEAD", "/elsewhere", b"", None, None),
            ("one", "GET", "/back", b"", None, None),
        ]
    )
    assert handles == 1  # one request at a time: every request above ran on the same handle
    statuses = [answer.status for answer in answers]
    assert statuses == [200, 200, 200, 200, 200, 302, 200, 200]  # the redirect is not followed
    assert answers[2].body == b"hello from one"
    assert answers[3].body == b""  # HEAD: no body, whatever the cap
    assert answers[5].headers["location"] == "/landing"
    assert answers[7].body == b"hello from one"  # pinned back to the first address
