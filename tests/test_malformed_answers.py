"""A server whose answer is not HTTP: asked once more at once, then reported as a malformed
answer; never retried with backoff as a network failure would be.

The one more try is for a reused connection: bytes left on it by the last answer (a HEAD
answered with a body) read as a broken status line, and are no fault of the URL asked next.
The servers are real sockets on 127.0.0.1 writing the bytes as given (tests/raw_server.py):
an over-long header, a NUL, CR or LF inside `Location`, a status line that is not one.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from click.testing import CliRunner
from raw_server import serve_raw

from catalog.cli import main
from catalog.links.check import check
from catalog.sources.http import Http, Settings
from catalog.sources.safety import AddressPolicy

ANSWERS = {
    "/long-header": b"HTTP/1.1 200 OK\r\nX-Padding: "
    + b"a" * 100_000
    + b"\r\nContent-Length: 0\r\n\r\n",
    "/nul-location": b"HTTP/1.1 302 Found\r\nLocation: /next\x00evil\r\nContent-Length: 0\r\n\r\n",
    "/cr-location": b"HTTP/1.1 302 Found\r\nLocation: /next\revil\r\nContent-Length: 0\r\n\r\n",
    "/lf-location": b"HTTP/1.1 302 Found\r\nLocation: /next\nevil\r\nContent-Length: 0\r\n\r\n",
    "/garbage": b"\x16\x03\x01 GARBAGE nonsense\r\n\r\n",
}
REASONS = {
    "/long-header": "too long",
    "/nul-location": "invalid header",
    "/cr-location": "header",
    "/lf-location": "header",
    "/garbage": "bad status line",
}


def check_all(*urls: str) -> list[Any]:
    """One engine, one URL after the other (so a kept-alive connection is reused); a backoff
    long enough that a retry of the network kind would show in the time taken."""
    settings = Settings(
        timeout=2.0,
        retries=2,
        backoff=5.0,
        per_host=1,
        policy=AddressPolicy(allow_private=True),
    )

    async def go() -> list[Any]:
        async with Http(settings) as engine:
            return [await check(engine, url) for url in urls]

    return asyncio.run(go())


@pytest.mark.parametrize("path", sorted(ANSWERS))
def test_a_malformed_answer_is_asked_once_more_at_once_then_a_clear_verdict(path: str) -> None:
    with serve_raw(ANSWERS) as server:
        started = time.monotonic()
        [result] = check_all(server.base + path)
        took = time.monotonic() - started
        asked = server.hits[path]
    assert result.status == "error"
    assert result.message.startswith("malformed answer ("), result.message
    assert REASONS[path] in result.message
    assert "ClientResponseError" not in result.message and "tries" not in result.message
    assert asked == 2  # once more at once, on a new connection; not three times
    assert took < 4  # no backoff (5 s, then 10 s)


def test_leftovers_of_the_last_answer_are_not_the_next_urls_fault() -> None:
    """A HEAD answered with a body, the body a moment late: it is still on the kept-alive
    connection when the next URL is asked, and reads as that URL's broken status line."""
    head_with_body = [b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n", b"<p>a body</p>\n"]
    paths = [f"/page-{number}" for number in range(4)]
    with serve_raw(dict.fromkeys(paths, head_with_body)) as server:
        results = check_all(*(server.base + path for path in paths))
    assert [(r.status, r.message) for r in results] == [("ok", "HTTP 200")] * 4


def test_check_links_reports_each_malformed_answer(catalog_dir: Any) -> None:
    with serve_raw(ANSWERS) as server:
        for number, path in enumerate(sorted(ANSWERS)):
            catalog_dir.add(f"p{number}", links={"paper": server.base + path})
        command = ["check-links", "--data", str(catalog_dir.path), "--allow-private"]
        result = CliRunner().invoke(main, [*command, "--format", "json"])
        hits = dict(server.hits)
    assert result.exit_code == 0, result.output  # "error" is not verified, not broken
    results = {r["url"]: r for r in json.loads(result.stdout)["results"]}
    for path in ANSWERS:
        said = results[server.base + path]
        assert said["status"] == "error", said
        assert said["message"].startswith("malformed answer ("), said
    assert hits == dict.fromkeys(ANSWERS, 2)


def test_sync_names_the_malformed_answer_and_asks_once_more_only(catalog_dir: Any) -> None:
    catalog_dir.add(
        "lora",
        title="LoRA: Low-Rank Adaptation of Large Language Models",
        year=2021,
        venue="arXiv",
        links={"paper": "https://arxiv.org/abs/2106.09685"},
    )
    with serve_raw({"/api/query": ANSWERS["/garbage"]}) as server:
        env = {"CATALOG_ARXIV_API": f"{server.base}/api/query"}
        command = ["sync", "--data", str(catalog_dir.path), "--source", "arxiv"]
        result = CliRunner().invoke(main, command, env=env)
        asked = server.hits["/api/query"]
    assert "malformed answer (bad status line)" in result.stderr, result.stderr
    assert "ClientResponseError" not in result.output + result.stderr
    assert asked == 2  # not 3 with backoff, as a network failure is
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
