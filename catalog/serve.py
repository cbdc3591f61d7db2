"""`catalog serve`: preview the built site locally, on the loopback address only.

The site is static files, so the standard library's http.server is all a preview needs;
binding to 127.0.0.1 keeps a contributor's preview off their network.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import click

from catalog import output
from catalog.errors import CatalogError, UsageProblem

HOST = "127.0.0.1"


def build_site(data_dir: Path, site_dir: Path) -> None:
    """Run `catalog build` in its own process, so its exit status cannot end the preview.

    The site only: a preview never writes README.md (into the current folder or anywhere)."""
    command = [
        sys.executable, "-m", "catalog", "build", "--no-readme",
        "--data", str(data_dir), "--site", str(site_dir),
    ]  # fmt: skip
    if output.is_quiet():
        command.append("--quiet")
    status = subprocess.run(command, check=False).returncode
    if status != 0:
        raise CatalogError(f"`catalog build` failed (exit {status}); fix it, or use --no-build")


def make_server(site_dir: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server for site_dir on 127.0.0.1 (port 0: any free port)."""
    if not (site_dir / "index.html").is_file():
        raise UsageProblem(f"no site at {site_dir} (no index.html); run `catalog build` first")
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    return _Server((HOST, port), handler)


def serve_forever(site_dir: Path, port: int) -> None:
    server = make_server(site_dir, port)
    with server:
        click.echo(
            f"Serving {site_dir} at http://{HOST}:{server.server_address[1]}/ (Ctrl-C to stop)",
            err=True,
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:  # the way to stop a preview: a normal end, status 0
            output.note("stopped")


class _QuietHandler(SimpleHTTPRequestHandler):
    """Logs only failed requests: a page load fetches dozens of files. A path holding bytes
    no file name has (NUL, controls, lone surrogates) is a 400, not a traceback from os.stat."""

    def send_head(self) -> Any:
        if _bad_path(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request path")
            return None
        return super().send_head()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).isdigit() and int(code) >= 400:
            super().log_request(code, size)


def _bad_path(path: str) -> bool:
    """True for a path the file system cannot be asked about: controls or surrogates, raw or
    percent-encoded, or percent-encoded bytes that are not UTF-8 (`/%ff`), which the stock
    handler's own unquote (errors="surrogatepass") would raise on."""
    try:
        decoded = unquote(path.split("?", 1)[0].split("#", 1)[0], errors="surrogatepass")
    except UnicodeDecodeError:
        return True
    return bool(_BAD_PATH_CHARS.search(path) or _BAD_PATH_CHARS.search(decoded))


_BAD_PATH_CHARS = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


class _Server(ThreadingHTTPServer):
    """One line on stderr for a request that fails in a way the handler did not foresee."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        click.echo(f"error: request from {client_address[0]} failed: {error!r}", err=True)
