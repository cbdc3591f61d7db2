"""A run's warning (a bad link cache) shows once: in the report when the report reaches the same
screen as stderr, on stderr when it does not (a report piped elsewhere, or cut by -q)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from links_server import ok, serve

from tests.conftest import REPO
from tests.test_progress import read_terminal

WARNING = "is corrupt"


def on_a_terminal(args: list[str]) -> str:
    """What `python -m catalog ARGS` shows on a terminal that is both its stdout and stderr."""
    leader, follower = os.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "catalog", *args],
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=follower,
            cwd=REPO,
            env=env,
        )
        os.close(follower)
        shown = read_terminal(leader)
        process.wait(timeout=60)
    finally:
        os.close(leader)
    return shown


def bad_cache(tmp_path: Path, name: str = "cache.json") -> Path:
    cache = tmp_path / name
    cache.write_text("{not json")
    return cache


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_bad_cache_warning_shows_once_on_a_terminal(
    catalog_dir: Any, tmp_path: Path, fmt: str
) -> None:
    with serve({"/ok": ok}) as server:
        catalog_dir.add("p", links={"paper": f"{server.base}/ok"})
        args = ["check-links", "--data", str(catalog_dir.path), "--allow-private"]
        shown = on_a_terminal([*args, "--cache", str(bad_cache(tmp_path)), "--format", fmt])
    assert shown.count(WARNING) == 1, shown
    assert "Traceback" not in shown
    if fmt == "json":  # the one copy is the JSON document's note
        document = json.loads(shown[shown.index("{") : shown.rindex("}") + 1])
        assert [n for n in document["notes"] if WARNING in n] == [document["notes"][0]]


def test_a_bad_cache_warning_is_on_stderr_and_in_a_report_sent_elsewhere(
    catalog_dir: Any, tmp_path: Path
) -> None:
    with serve({"/ok": ok}) as server:
        catalog_dir.add("p", links={"paper": f"{server.base}/ok"})
        command = [sys.executable, "-m", "catalog", "check-links", "--allow-private"]
        command += ["--data", str(catalog_dir.path), "--cache", str(bad_cache(tmp_path))]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        quiet = subprocess.run(
            [*command, "-q", "--cache", str(bad_cache(tmp_path, "quiet.json")), "--format", "text"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(WARNING) == 1 and done.stdout.count(WARNING) == 1
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr.count(WARNING) == 1 and WARNING not in quiet.stdout  # -q cuts the notes
