"""TLS for the engine: certificates verified against the system's CA bundle, found only once an
https URL is met.

libcurl verifies the peer and the host name (its defaults, never turned off here) against the
bundle given to it (`CAINFO`, `CAPATH`); which bundle is the system's as Python's `ssl` sees
it, so `SSL_CERT_FILE` and `SSL_CERT_DIR` count, read when the first https request is made (a
run over http only never looks for it). curl parses the bundle once per engine and keeps it.

The paths are found as `ssl.get_default_verify_paths` finds them, from the C module `_ssl`
itself: `ssl.py` around it costs a link check's start-up 25M instructions (its enums) for
nothing the engine uses (libcurl does the TLS). A test keeps the two answers alike.
"""

from __future__ import annotations

import os


def default_verify_paths() -> tuple[str | None, str | None]:
    """(cafile, capath) as `ssl.get_default_verify_paths()` gives them: the environment's
    SSL_CERT_FILE and SSL_CERT_DIR over OpenSSL's own, each only if it exists; when neither
    does, certifi's bundle (`certifi_bundle`)."""
    try:
        import _ssl
    except ImportError:  # no OpenSSL in this Python: libcurl keeps its own defaults
        return None, None
    file_env, file_default, dir_env, dir_default = _ssl.get_default_verify_paths()
    cafile = os.environ.get(file_env, file_default)
    capath = os.environ.get(dir_env, dir_default)
    found = (cafile if os.path.isfile(cafile) else None, capath if os.path.isdir(capath) else None)
    return found if found != (None, None) else (certifi_bundle(), None)


def certifi_bundle() -> str | None:
    """certifi's bundle (Mozilla's roots), for a Python whose OpenSSL names no bundle that
    exists (python.org's macOS build before its "Install Certificates" step, a Python built
    against an OpenSSL without one): libcurl's own built-in path may be missing too, and every
    https link would then fail as a TLS error."""
    try:
        import certifi
    except ImportError:
        return None
    where: str = certifi.where()
    return where if os.path.isfile(where) else None


class Tls:
    """Where the certificate authorities are; `ready` finds them, once."""

    def __init__(self) -> None:
        self.cafile: str | None = None
        self.capath: str | None = None
        self.loaded = False

    def ready(self) -> None:
        """Find the CA bundle now (before the first TLS handshake); once."""
        if not self.loaded:
            self.cafile, self.capath = default_verify_paths()
            self.loaded = True
