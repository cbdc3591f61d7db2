"""Ctrl-C during a real `catalog check-links`: partial report, cache saved, exit 130, fast."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from links_server import ok, serve, slow

ROUTES = {"/fast*": ok, "/slow*": slow(20)}


def start(catalog_dir: Any, base: str, cache: Path, out: Path) -> subprocess.Popen[bytes]:
    for i in range(4):
        catalog_dir.add(f"fast{i}", links={"paper": f"{base}/fast{i}"})
    for i in range(12):
        catalog_dir.add(f"slow{i:02d}", links={"paper": f"{base}/slow{i}"})
    command = [sys.executable, "-m", "catalog", "check-links", "--data", str(catalog_dir.path)]
    command += ["--allow-private", "--per-host", "6", "--cache", str(cache), "--format", "json"]
    with out.open("wb") as sink:
        return subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)


def wait_for(condition: Any, limit: float = 20.0) -> None:
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, "the check never got going"
        time.sleep(0.05)


def test_ctrl_c_stops_saves_the_cache_and_prints_a_partial_report(
    catalog_dir: Any, tmp_path: Path
) -> None:
    cache, out = tmp_path / "links.json", tmp_path / "report.json"
    with serve(ROUTES) as server:
        child = start(catalog_dir, server.base, cache, out)
        hits = server.state.hits
        # the fast links answered, six slow ones in flight, six queued
        wait_for(lambda: sum(hits[f"/fast{i}"] for i in range(4)) == 4 and len(hits) >= 10)
        time.sleep(0.3)
        child.send_signal(signal.SIGINT)
        sent = time.monotonic()
        _, stderr = child.communicate(timeout=10)
        took = time.monotonic() - sent
        asked_slow = {p for p in hits if p.startswith("/slow")}
    assert child.returncode == 130, stderr
    assert took < 2
    doc = json.loads(out.read_text())
    assert doc["summary"]["partial"] is True
    done = {r["url"].removeprefix(server.base): r["status"] for r in doc["results"]}
    assert done == {f"/fast{i}": "ok" for i in range(4)}
    assert any("interrupted" in note for note in doc["notes"])
    assert set(json.loads(cache.read_text())["entries"]) == {
        f"{server.base}/fast{i}" for i in range(4)
    }
    assert len(asked_slow) == 6  # the queued ones were cancelled, never asked
    assert b"Traceback" not in stderr


STUBBORN = """
import asyncio, os, signal
from catalog.links.run import _on_ctrl_c

async def main():
    async def stubborn():  # work that does not stop when cancelled
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("cancelled", flush=True)

    run = asyncio.ensure_future(stubborn())
    _on_ctrl_c(run)
    os.kill(os.getpid(), signal.SIGINT)
    await asyncio.sleep(0.3)
    os.kill(os.getpid(), signal.SIGINT)
    await asyncio.sleep(5)
    print("still running", flush=True)

asyncio.run(main())
"""


def test_a_second_ctrl_c_quits_at_once() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", STUBBORN], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 130
    assert done.stdout.split() == ["cancelled"]  # the first one asked, the second one quit
    assert "Ctrl-C again" in done.stderr and done.stderr.rstrip().endswith("interrupted")
    assert time.monotonic() - started < 4
