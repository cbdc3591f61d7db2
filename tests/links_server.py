"""A real HTTP server on 127.0.0.x for link-checker tests: one route per case, every request logged.

Not a test module: imported by tests/test_links_*.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parent.parent
BIG = 200 * 1024 * 1024
Route = Callable[["Handler"], None]


@dataclass
class ServerState:
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)
    times: dict[str, list[float]] = field(default_factory=dict)
    headers: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    body_bytes_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _serve(self) -> None:
        state = self.server.state
        path = self.path
        with state.lock:
            state.log.append((self.command, path))
            state.hits[path] += 1
            state.times.setdefault(path, []).append(time.monotonic())
            state.headers.setdefault(path, []).append(dict(self.headers.items()))
        route = state.routes.get(path.split("?", 1)[0])
        if route is None:  # "prefix*" routes match any path that starts with the prefix
            starts = [k for k in state.routes if k.endswith("*") and path.startswith(k[:-1])]
            route = state.routes[max(starts, key=len)] if starts else None
        if route is None:
            self.reply(404)
            return
        route(self)

    do_GET = _serve
    do_HEAD = _serve

    @property
    def count(self) -> int:
        return self.server.state.hits[self.path]

    def reply(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: str, state: ServerState) -> None:
        self.state = state
        super().__init__((address, 0), Handler)

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


@contextmanager
def serve(routes: dict[str, Route], address: str = "127.0.0.1") -> Iterator[Server]:
    with running(Server(address, ServerState(dict(routes)))) as server:
        yield server


S = TypeVar("S", bound=ThreadingHTTPServer)


@contextmanager
def running(server: S) -> Iterator[S]:
    """`server` answering on a thread of its own for the block, then shut down and closed."""
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


FRESH_CHECK = """
import json, sys
from catalog.entry import main
code = main(sys.argv[1:])
print(json.dumps([code, {probe}]), file=sys.stderr)
"""


def fresh_check(data: Path, env: dict[str, str], probe: str) -> tuple[int, Any, dict[str, Any]]:
    """`catalog check-links --format json` over `data` in a new process, as the console script
    runs it: its exit status, the value of the expression `probe` at its end, its report.
    `env` is added to this one's; a variable set to "" is left out."""
    args = ["check-links", "--data", str(data), "--allow-private", "--format", "json"]
    done = subprocess.run(
        [sys.executable, "-c", FRESH_CHECK.format(probe=probe), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={k: v for k, v in {**os.environ, **env}.items() if v},
        check=False,
    )
    code, probed = json.loads(done.stderr.strip().splitlines()[-1])
    return code, probed, json.loads(done.stdout)


# -- the cases of the issue ------------------------------------------------------------------


def ok(h: Handler) -> None:
    h.reply(200, {"Content-Type": "text/html"}, b"<p>hello</p>")


def status(code: int, headers: dict[str, str] | None = None) -> Route:
    return lambda h: h.reply(code, headers)


def redirect(code: int, target: str) -> Route:
    return lambda h: h.reply(code, {"Location": target})


def rate_limited_once(h: Handler) -> None:
    if h.count == 1:
        h.reply(429, {"Retry-After": "1"})
    else:
        ok(h)


def unavailable_once(h: Handler) -> None:
    if h.count == 1:
        h.reply(503)
    else:
        ok(h)


def no_head(h: Handler) -> None:
    if h.command == "HEAD":
        h.reply(405, {"Allow": "GET"})
    else:
        ok(h)


def slow(seconds: float) -> Route:
    def route(h: Handler) -> None:
        time.sleep(seconds)
        with suppress(OSError):
            ok(h)

    return route


def huge_body(h: Handler) -> None:
    """HEAD refused so the checker must GET; then a 200 MB body, counted as it is sent."""
    if h.command == "HEAD":
        h.reply(405)
        return
    h.send_response(200)
    h.send_header("Content-Type", "application/octet-stream")
    h.send_header("Content-Length", str(BIG))
    h.end_headers()
    chunk = b"\0" * 65536
    sent = 0
    try:
        while sent < BIG:
            h.wfile.write(chunk)
            sent += len(chunk)
    except OSError:
        pass
    finally:
        with h.server.state.lock:
            h.server.state.body_bytes_sent += sent
        h.close_connection = True
