"""`catalog serve`: the built site on 127.0.0.1, in-process and through the CLI."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.cli import main
from catalog.errors import CatalogError
from catalog.serve import make_server
from tests.conftest import CatalogDir


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "papers" / "lora").mkdir(parents=True)
    (root / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    (root / "papers" / "lora" / "index.html").write_text("<h1>LoRA</h1>", encoding="utf-8")
    return root


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    server = make_server(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_serves_pages_and_directory_urls_on_loopback(served: str) -> None:
    assert served.startswith("http://127.0.0.1:")
    assert get(f"{served}/") == (200, "<h1>home</h1>")
    assert get(f"{served}/papers/lora/") == (200, "<h1>LoRA</h1>")
    assert get(f"{served}/missing.html")[0] == 404


def test_no_built_site_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"no index\.html"):
        make_server(tmp_path)


def _start(*args: str | Path, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    """Start `catalog serve ... --port 0` and read the address it announces on stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "catalog", "serve", "--port", "0", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:  # the build's own output comes first
        found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        if found:
            return process, found.group(1)
    process.wait(timeout=10)
    raise AssertionError(f"serve exited with {process.returncode} before serving")


def _stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=10)


def test_cli_serves_an_existing_build(site: Path, tmp_path: Path) -> None:
    process, url = _start("--no-build", "--site-dir", site, cwd=tmp_path)
    try:
        assert get(url) == (200, "<h1>home</h1>")
    finally:
        assert _stop(process) == 0


def test_cli_builds_then_serves(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    catalog_dir.add("lora")
    out = tmp_path / "preview"
    process, url = _start("--data", catalog_dir.path, "--site-dir", out, cwd=tmp_path)
    try:
        status, body = get(url)
        assert status == 200
        assert 'data-paper-id="lora"' in body
        assert get(f"{url}papers/lora/")[0] == 200
    finally:
        assert _stop(process) == 0
    assert not (tmp_path / "README.md").exists()  # a preview builds the site, never the README
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "preview"]


def test_cli_build_failure_stops_before_serving(catalog_dir: CatalogDir, tmp_path: Path) -> None:
    catalog_dir.add("broken", "title: [\n")
    result = CliRunner().invoke(
        main, ["serve", "--data", str(catalog_dir.path), "--site-dir", str(tmp_path / "s")]
    )
    assert result.exit_code == 1
    assert "`catalog build` failed (exit 1)" in result.output


@pytest.mark.parametrize(
    "target",
    [b"/a%00b", b"/\x00x", b"/%ed%a0%80", b"/papers/%01/", b"/x\x7f", b"/%ff%fe", b"/p/%c0%ae/"],
)
def test_a_path_no_file_name_can_hold_is_a_400_not_a_traceback(
    served: str, target: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    import socket

    host, port = served.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.0 400"), answer[:80]
    assert "Traceback" not in capfd.readouterr().err
    with urllib.request.urlopen(f"{served}/") as response:  # and the server still serves
        assert response.status == 200
