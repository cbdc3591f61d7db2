"""TLS for the engine, paid for only once an https URL is met.

aiohttp builds two SSL contexts when it is imported, and each loads the system's whole CA
bundle: ~50 ms of CPU apiece, a third of what a 300-link check costs of its own. The engine
uses neither (its connector is given `Tls.context`), so importing this module (before
aiohttp, as `http` does) imports aiohttp with the bundle's loading skipped for those two:
they trust no certificate authority at all, so anything that reached them would fail
verification (closed, never open). The engine's one context is made like
`ssl.create_default_context()` and loads the bundle (`Tls.ready`) right before the first
https request; a run over http only never reads it.
"""

from __future__ import annotations

import ssl
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def _no_default_certs() -> Iterator[None]:
    """`set_default_verify_paths` does nothing meanwhile (so `load_default_certs` loads none)."""
    saved = ssl.SSLContext.__dict__.get("set_default_verify_paths")
    ssl.SSLContext.set_default_verify_paths = _skip  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        if saved is None:
            del ssl.SSLContext.set_default_verify_paths
        else:
            ssl.SSLContext.set_default_verify_paths = saved  # type: ignore[method-assign]


def _skip(_context: ssl.SSLContext) -> None:
    return None


if "aiohttp.connector" not in sys.modules:  # imported already: its contexts are made
    with _no_default_certs():
        import aiohttp.connector  # noqa: F401


class Tls:
    """The engine's client context: verifies like `ssl.create_default_context()` (hostname,
    CERT_REQUIRED, the system's CA bundle), the bundle loaded on first use."""

    def __init__(self) -> None:
        with _no_default_certs():
            self.context = ssl.create_default_context()
        self.context.set_alpn_protocols(["http/1.1"])  # as aiohttp's own contexts
        self.loaded = False

    def ready(self) -> None:
        """Load the CA bundle now (before the first TLS handshake); once."""
        if not self.loaded:
            self.context.load_default_certs()
            self.loaded = True
