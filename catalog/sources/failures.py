"""How a transport failure reads in a verdict, and which failures another try cannot change.

The transport (`transport.py`) raises `TransportError` with libcurl's error code and message
(codes are libcurl's stable ABI, CURLcode), `RefusedAddress` when a connection would have gone
to an address the guard refuses, and ValueError for a URL that cannot be sent.
"""

from __future__ import annotations

import errno
import re

from catalog.sources.safety import RefusedAddress
from catalog.sources.types import Status

# libcurl's CURLcode values (curl/curl.h)
UNSUPPORTED_PROTOCOL = 1
URL_MALFORMAT = 3
COULDNT_RESOLVE_HOST = 6
COULDNT_CONNECT = 7
WEIRD_SERVER_REPLY = 8
PARTIAL_FILE = 18
WRITE_ERROR = 23
OPERATION_TIMEDOUT = 28
GOT_NOTHING = 52
SEND_ERROR = 55
RECV_ERROR = 56
PEER_FAILED_VERIFICATION = 60
TOO_LARGE = 100
TLS_ERRORS = frozenset({35, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98})


class TransportError(OSError):
    """A request that got no usable answer: libcurl's error `code` and its message."""

    def __init__(self, code: int, said: str, *, connected: bool = True, os_errno: int = 0) -> None:
        super().__init__(code, said)
        self.code = code
        self.said = said
        self.connected = connected  # False: the failure came before a connection was made
        self.os_errno = os_errno  # the system's errno of the failed call, when curl kept it


def final_error(exc: BaseException) -> bool:
    """Errors that another try cannot change."""
    if isinstance(exc, RefusedAddress | ValueError):
        return True
    return isinstance(exc, TransportError) and (exc.code in TLS_ERRORS or exc.code == URL_MALFORMAT)


def malformed(exc: BaseException) -> str | None:
    """Why the server's answer is not HTTP (a bad status line, header...), or None.

    Such an answer is asked again once, at once, and then reported: the bytes may have been
    the leftovers of the last answer on a reused connection (a HEAD answered with a body),
    which the failure closed; a server that writes them itself writes them again.
    """
    if not isinstance(exc, TransportError):
        return None
    said = exc.said.strip()
    if exc.code == TOO_LARGE:
        return "a status or header line too long"
    if exc.code == UNSUPPORTED_PROTOCOL and "HTTP/0.9" in said:
        return "bad status line"  # curl reads an answer without a status line as HTTP/0.9
    if exc.code == WEIRD_SERVER_REPLY:
        lowered = said[:1].lower() + said[1:80]
        if "status" in lowered or "response" in lowered or "version" in lowered:
            return f"bad status line: {lowered}"
        return f"invalid header: {lowered}" if lowered else "invalid header"
    return None


def refused_in(exc: BaseException) -> RefusedAddress | None:
    """The RefusedAddress the failure is, if any."""
    return exc if isinstance(exc, RefusedAddress) else None


def error_verdict(exc: BaseException, retries: int) -> tuple[Status, str]:
    refused = refused_in(exc)
    if refused is not None:
        return "skipped", str(refused)
    if isinstance(exc, ValueError):
        return "broken", f"invalid URL: {exc}"
    if isinstance(exc, TransportError) and exc.code == URL_MALFORMAT:
        return "broken", f"invalid URL: {exc.said}"
    why = malformed(exc)
    if why is not None:
        return "error", f"malformed answer ({why})"
    tries = retries + 1
    return "error", f"{describe(exc)} (after {tries} {'try' if tries == 1 else 'tries'})"


def describe(exc: BaseException) -> str:
    """A short, stable phrase for a transport failure."""
    if isinstance(exc, TimeoutError):
        return "timed out waiting for the server"
    if not isinstance(exc, TransportError):
        return str(exc) or type(exc).__name__
    code, said = exc.code, exc.said
    if code == OPERATION_TIMEDOUT:
        return "timed out waiting for the server" if exc.connected else "connection timed out"
    if code in TLS_ERRORS:
        return f"TLS error: {why}" if (why := _verify_message(said)) else "TLS error"
    if code == GOT_NOTHING:
        return "server closed the connection"
    if code == COULDNT_CONNECT:
        if exc.os_errno == errno.ECONNREFUSED or "Connection refused" in said:
            return "connection refused"
        return "could not connect"
    if code in (SEND_ERROR, RECV_ERROR):
        return "connection reset"
    if code == PARTIAL_FILE:
        return "the server broke off its answer"
    if code == COULDNT_RESOLVE_HOST:
        return "could not resolve the host"
    text = said.splitlines()[0].strip() if said else f"curl error {code}"
    return text[:1].lower() + text[1:100]


def _verify_message(said: str) -> str:
    """OpenSSL's reason for refusing a certificate, from curl's message (its wording varies
    with the version: "SSL certificate problem: X", "... verify result: X (20)")."""
    for marker in ("verify result: ", "SSL certificate problem: "):
        if marker in said:
            why = said.partition(marker)[2].strip()
            return re.sub(r"\s*\(\d+\)$", "", why)
    return ""
