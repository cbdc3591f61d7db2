"""Hostile servers and files against the link checker: bounded time and memory, no hang.

Each case is a real server on 127.0.0.x (or a real file) doing what the issue measured: a
double-gzip bomb, a server dripping one byte every 2 s, a 429 storm asking for a long wait,
redirects into user-info URLs, 6to4 and site-local IPv6, a FIFO or a malformed link cache.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from links_server import Handler, ok, serve

from catalog.links.check import check
from catalog.links.collect import collect
from catalog.links.run import CheckOptions, check_links
from catalog.sources.http import Http, Settings
from catalog.sources.safety import AddressPolicy, Guard
from catalog.validate import load_catalog

GIB = 1 << 30


@functools.cache
def double_gzip_bomb() -> bytes:
    """~2.5 KB that inflates to 1 MB of gzip, which inflates to 1 GiB of zeros (valid CRCs)."""
    mib = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflate.compress(mib) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(mib) + deflate.flush(zlib.Z_FULL_FLUSH)  # the same bytes each MiB
    crc = 0
    for _ in range(GIB >> 20):
        crc = zlib.crc32(mib, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", crc, GIB & 0xFFFFFFFF)
    inner = header + first + again * ((GIB >> 20) - 1) + deflate.flush() + trailer
    return gzip.compress(inner, 9)


def bomb(h: Handler) -> None:
    """HEAD refused, so the checker must GET; the body is the bomb, gzip-encoded twice."""
    if h.command == "HEAD":
        h.reply(405)
        return
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip, gzip"}
    h.reply(200, headers, double_gzip_bomb())


def settings(**overrides: Any) -> Settings:
    fields: dict[str, Any] = {
        "timeout": 1.0,
        "retries": 1,
        "backoff": 0.05,
        "policy": AddressPolicy(allow_private=True),
    }
    fields.update(overrides)
    return Settings(**fields)


def run_check(data: Path, **options: Any) -> Any:
    options.setdefault("settings", settings())
    options.setdefault("env", {})
    return check_links(collect(load_catalog(data)), CheckOptions(**options))


def check_one(url: str, engine: Http) -> Any:
    async def go() -> Any:
        async with engine:
            return await check(engine, url)

    return asyncio.run(go())


# The child reports the high-water mark of its own memory (VmHWM) as it exits. The kernel's
# ru_maxrss would not do: it keeps the parent's size from before the exec, and a pytest process
# that has run the browser tests is itself a few hundred MiB.
PEAK_AT_EXIT = (
    "import atexit, re, runpy, sys\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    sys.stderr.write('VmHWM ' + re.search(r'VmHWM:\\s+(\\d+)', status).group(1) + '\\n')\n"
    "atexit.register(peak)\n"
    "sys.argv = ['catalog', *sys.argv[1:]]\n"
    "runpy.run_module('catalog', run_name='__main__')\n"
)


def test_a_gzip_bomb_is_never_inflated(catalog_dir: Any, tmp_path: Path) -> None:
    """A real `catalog check-links` process: its peak memory is read from its own status."""
    double_gzip_bomb()  # built before the clock starts
    with serve({"/page": bomb, "/repos/*": bomb}) as server:
        catalog_dir.add("page", links={"paper": f"{server.base}/page"})
        catalog_dir.add("repo", links={"paper": "https://github.com/octo/bomb"})
        env = {**os.environ, "CATALOG_GITHUB_API": server.base}
        command = [sys.executable, "-c", PEAK_AT_EXIT, "check-links", "--data"]
        command += [str(catalog_dir.path), "--allow-private", "--format", "json", "--timeout", "2"]
        started = time.monotonic()
        done = subprocess.run(command, env=env, capture_output=True, timeout=60, check=False)
        took = time.monotonic() - started
        encodings = {h.get("Accept-Encoding") for hs in server.state.headers.values() for h in hs}
    peak = re.search(rb"^VmHWM (\d+)$", done.stderr, re.MULTILINE)
    assert peak is not None, done.stderr[-2000:]
    peak_mib = int(peak.group(1)) / 1024
    results = {r["url"]: r for r in json.loads(done.stdout)["results"]}
    assert results[f"{server.base}/page"]["status"] == "ok"  # a 200 is a 200, bomb or not
    api = results["https://github.com/octo/bomb"]
    assert api["status"] == "error" and "bad API answer" in api["message"]
    assert encodings == {"identity"}
    assert took < 10
    assert 10 < peak_mib < 250, peak_mib  # inflating would take more than 1 GiB


def drip(h: Handler) -> None:
    """One byte of a valid answer every 2 s: never silent long enough for a read timeout."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    try:
        for byte in answer:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(2)
    except OSError:
        pass
    h.close_connection = True


def test_a_dripping_server_is_bounded_by_the_deadline() -> None:
    with serve({"/drip": drip}) as server:
        engine = Http(settings(timeout=5.0, deadline=2.0, retries=2))
        started = time.monotonic()
        result = check_one(f"{server.base}/drip", engine)
        took = time.monotonic() - started
    assert result.status == "error"
    assert "deadline" in result.message
    assert took < 3.5  # not 5 s of read timeout per byte, not 40 bytes x 2 s


def storm(h: Handler) -> None:
    h.reply(429, {"Retry-After": "600"})


def test_a_429_storm_with_a_long_retry_after_is_reported_not_slept(catalog_dir: Any) -> None:
    with serve({"/p*": storm}) as server:
        for i in range(40):
            catalog_dir.add(f"p{i:02d}", links={"paper": f"{server.base}/p{i}"})
        started = time.monotonic()
        report = run_check(catalog_dir.path, settings=settings(deadline=3.0, per_host=4))
        took = time.monotonic() - started
        asked = len(server.state.log)
    assert len(report.results) == 40
    assert {r.status for r in report.results} == {"error"}  # not verified, never broken
    assert all("asks to wait 600 s" in r.message for r in report.results)
    assert took < 3
    assert asked <= 4  # the first wave; then the whole host waits, so nobody asks again


def test_user_info_urls_are_refused_before_any_connection() -> None:
    with serve({"/secret": ok}, "127.0.0.2") as inner:
        port = inner.server_address[1]
        targets = {
            "/backslash": f"http://127.0.0.1:{port}\\@127.0.0.2:{port}/secret",
            "/userinfo": f"http://user:pw@127.0.0.2:{port}/secret",
        }
        routes = {path: _redirect(target) for path, target in targets.items()}
        with serve(routes) as outer:
            results = [check_one(outer.base + path, Http(settings())) for path in sorted(targets)]
            direct = check_one(f"http://x@127.0.0.2:{port}/secret", Http(settings()))
        assert inner.state.log == []
    assert all(r.status in ("broken", "skipped") for r in [*results, direct])
    assert "user info" in direct.message


def _redirect(target: str) -> Any:
    return lambda h: h.reply(302, {"Location": target})


def test_refusals_read_the_same_whether_a_port_is_open_or_not() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    with serve({"/x": ok}) as server:
        opened = server.server_address[1]
        said = {}
        for port in (opened, closed):
            for url in (f"http://127.0.0.1:{port}/x", f"http://u@127.0.0.1:{port}/x"):
                result = check_one(url, Http(settings(policy=AddressPolicy())))
                said.setdefault(url.replace(str(port), "PORT"), set()).add(result.message)
        assert server.state.log == []
    assert all(len(messages) == 1 for messages in said.values()), said


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("2002:7f00:1::1", True),  # 6to4 wrapping 127.0.0.1
        ("2002:a00:1::1", True),  # 6to4 wrapping 10.0.0.1
        ("2002:a9fe:a9fe::1", True),  # 6to4 wrapping 169.254.169.254
        ("fec0::1", True),  # site-local (deprecated, still not on the internet)
        ("64:ff9b::a00:1", True),  # NAT64 wrapping 10.0.0.1
        ("2002:808:808::1", False),  # 6to4 wrapping 8.8.8.8
        ("2606:4700::1111", False),
    ],
)
def test_ipv6_that_wraps_or_is_site_local_is_not_global(address: str, refused: bool) -> None:
    assert (AddressPolicy().refuses(address) is not None) is refused


def test_a_name_resolving_to_6to4_of_loopback_is_refused_before_connecting() -> None:
    def resolver(host: str, port: int, **_: Any) -> list[Any]:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2002:7f00:1::1", port, 0, 0))]

    engine = Http(settings(policy=AddressPolicy()), Guard(AddressPolicy(), resolver))
    result = check_one("http://wrapped.example/x", engine)
    assert result.status == "skipped"
    assert "loopback address 127.0.0.1 wrapped in 2002:7f00:1::1" in result.message
    assert engine.requests_sent == 0


# -- the link cache ------------------------------------------------------------------------


def _cache_cases(tmp: Path) -> dict[str, Path]:
    deep = tmp / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    wrong = tmp / "wrong.json"
    entry = {"status": "ok", "checked_at": "yesterday", "message": "HTTP 200"}
    wrong.write_text(json.dumps({"version": 1, "entries": {"http://x/": entry}}))
    number = tmp / "number.json"
    entry = {"status": "ok", "checked_at": time.time(), "http_status": "200"}
    number.write_text(json.dumps({"version": 1, "entries": {"http://x/": entry}}))
    fifo = tmp / "fifo.json"
    os.mkfifo(fifo)
    return {"deep": deep, "wrong": wrong, "number": number, "fifo": fifo}


@pytest.mark.parametrize("case", ["deep", "wrong", "number", "fifo"])
def test_a_bad_cache_is_one_warning_and_a_fresh_cache(
    catalog_dir: Any, tmp_path: Path, case: str
) -> None:
    cache = _cache_cases(tmp_path)[case]
    with serve({"/ok": ok}) as server:
        catalog_dir.add("p", links={"paper": f"{server.base}/ok"})
        command = [sys.executable, "-m", "catalog", "check-links", "--data", str(catalog_dir.path)]
        command += ["--allow-private", "--cache", str(cache)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "fresh" in warnings[0], done.stderr
    assert "Traceback" not in done.stderr
    assert cache.is_file()  # a regular file now, with the new result
    assert f"{server.base}/ok" in json.loads(cache.read_text())["entries"]
