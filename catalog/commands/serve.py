"""`catalog serve`: build the site, then preview it on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

from pathlib import Path

from catalog.cli_options import require_data_dir
from catalog.errors import EXIT_OK


def run(data_dir: Path, site_dir: Path, port: int, no_build: bool) -> int:
    """Serve until Ctrl-C, which is how a preview ends (status 0; during the build: 130)."""
    from catalog.serve import build_site, serve_forever

    if not no_build:
        require_data_dir(data_dir)
        build_site(data_dir, site_dir)
    serve_forever(site_dir, port)
    return EXIT_OK
