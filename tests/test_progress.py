"""Progress goes to stderr, only when stderr is a terminal and -q is not given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from links_server import serve, slow

from tests.conftest import REPO, CatalogDir


def stderr_of(args: list[str], *, tty: bool) -> tuple[str, str]:
    """(stdout, stderr) of `python -m catalog ARGS`, stderr on a pseudo-terminal if tty."""
    command = [sys.executable, "-m", "catalog", *args]
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    if not tty:
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env)
        return done.stdout, done.stderr
    leader, follower = os.openpty()
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=follower, cwd=REPO, env=env, text=True
        )
        os.close(follower)
        shown = read_terminal(leader)
        out = process.stdout.read() if process.stdout else ""
        process.wait(timeout=60)
    finally:
        os.close(leader)
    return out, shown


def read_terminal(leader: int) -> str:
    """Everything written to a pseudo-terminal until the process on it closes it."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_build_shows_its_stages_on_a_terminal_only(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    catalog_dir.add("lora")
    args = [
        "build",
        "--data",
        str(catalog_dir.path),
        "--readme",
        str(tmp_path / "R.md"),
        "--no-site",
    ]
    out, err = stderr_of(args, tty=True)
    assert "build: README" in err and out == ""
    out, err = stderr_of(args, tty=False)
    assert "build:" not in err and "\x1b[" not in err
    assert err.endswith("(1 papers, " + str((tmp_path / "R.md").stat().st_size) + " bytes)\n")
    out, err = stderr_of([*args, "-q"], tty=True)
    assert "build:" not in err and err.strip() == ""


def test_check_links_and_import_show_progress_on_a_terminal_only(
    catalog_dir: CatalogDir, tmp_path: Path
) -> None:
    listing = tmp_path / "list.md"
    listing.write_text(
        "## Papers\n| Year | Title | Venue | Paper |\n|---|---|---|---|\n"
        "| 2024 | **Good: A Paper** | ICML | [Link](https://arxiv.org/abs/2401.00001) |\n",
        encoding="utf-8",
    )
    data = ["--data", str(catalog_dir.path)]
    _, err = stderr_of(["import", str(listing), *data, "--dry-run"], tty=True)
    assert "import" in err and "\x1b[" in err
    _, err = stderr_of(["import", str(listing), *data, "--dry-run"], tty=False)
    assert (
        "\x1b[" not in err
        and err.strip()
        == "1 record would be written to "
        + str(catalog_dir.papers)
        + "; nothing written (--dry-run)"
    )
    with serve({"/slow": slow(1.0)}) as server:
        catalog_dir.add("lora", links={"paper": f"{server.base}/slow"})
        args = ["check-links", *data, "--allow-private"]
        out, err = stderr_of(args, tty=True)
        assert "checking links" in err and "0/1" in err and "links checked" in out
        out, err = stderr_of(args, tty=False)
        assert "checking links" not in err and "\x1b[" not in err and "links checked" in out
        _, err = stderr_of([*args, "-q"], tty=True)
        assert "checking links" not in err
