"""TLS for the engine: certificates verified against the system's CA bundle, found only once an
https URL is met.

libcurl verifies the peer and the host name (its defaults, never turned off here) against the
bundle given to it (`CAINFO`, `CAPATH`); which bundle is the system's as Python's `ssl` sees
it, so `SSL_CERT_FILE` and `SSL_CERT_DIR` count, read when the first https request is made (a
run over http only never looks for it). curl parses the bundle once per engine and keeps it.
"""

from __future__ import annotations


class Tls:
    """Where the certificate authorities are; `ready` finds them, once."""

    def __init__(self) -> None:
        self.cafile: str | None = None
        self.capath: str | None = None
        self.loaded = False

    def ready(self) -> None:
        """Find the CA bundle now (before the first TLS handshake); once."""
        if not self.loaded:
            import ssl

            paths = ssl.get_default_verify_paths()
            self.cafile, self.capath = paths.cafile, paths.capath
            self.loaded = True
