"""How a transport failure reads in a verdict, and which failures another try cannot change."""

from __future__ import annotations

import ssl
from typing import Any

import aiohttp
from aiohttp import http_exceptions

from catalog.sources.safety import RefusedAddress
from catalog.sources.types import Status


def final_error(exc: BaseException) -> bool:
    """Errors that another try cannot change."""
    return refused_in(exc) is not None or isinstance(
        exc, aiohttp.InvalidURL | aiohttp.ClientSSLError | ssl.SSLError | ValueError
    )


_PARSER_ERRORS = (  # aiohttp's parser errors (its C and Python parsers raise the same classes)
    (http_exceptions.LineTooLong, "a status or header line too long"),
    (http_exceptions.BadStatusLine, "bad status line"),
    (http_exceptions.InvalidHeader, "invalid header"),
)


def malformed(exc: BaseException) -> str | None:
    """Why the server's answer is not HTTP (a bad status line, header...), or None.

    aiohttp raises ClientResponseError, with no status of the server's, when its parser
    rejects the answer; the parser's own error is at the end of the exception's causes. Such
    an answer is asked again once, at once, and then reported: the bytes may have been the
    leftovers of the last answer on a reused connection (a HEAD answered with a body), which
    the parse error closed; a server that writes them itself writes them again.
    """
    if not isinstance(exc, aiohttp.ClientResponseError):
        return None
    cause: BaseException = exc
    while cause.__cause__ is not None:
        cause = cause.__cause__
    for kind, why in _PARSER_ERRORS:
        if isinstance(cause, kind):
            return why
    said = (getattr(cause, "message", None) or str(cause) or type(cause).__name__).strip()
    said = said.splitlines()[0].split(": b'")[0].rstrip(":").strip()
    return said[:1].lower() + said[1:80] if said else "unparsable"


def refused_in(exc: BaseException) -> RefusedAddress | None:
    """The RefusedAddress buried in an aiohttp exception chain, if any."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, RefusedAddress):
            return item
        todo.extend([item.__cause__, item.__context__, getattr(item, "os_error", None)])
        todo.extend(item.args)
    if "refused: " in str(exc) and "--allow-private" in str(exc):
        return RefusedAddress(str(exc)[str(exc).index("refused: ") :])
    return None


def error_verdict(exc: BaseException, retries: int) -> tuple[Status, str]:
    refused = refused_in(exc)
    if refused is not None:
        return "skipped", str(refused)
    # a failed certificate check is a ValueError too, and says nothing of the URL
    if isinstance(exc, aiohttp.InvalidURL | ValueError) and not isinstance(exc, ssl.SSLError):
        return "broken", f"invalid URL: {exc}"
    why = malformed(exc)
    if why is not None:
        return "error", f"malformed answer ({why})"
    tries = retries + 1
    return "error", f"{describe(exc)} (after {tries} {'try' if tries == 1 else 'tries'})"


def describe(exc: BaseException) -> str:
    """A short, stable phrase for a transport failure."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return "connection timed out"
    if isinstance(exc, aiohttp.ServerTimeoutError | TimeoutError):
        return "timed out waiting for the server"
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        why = getattr(exc, "verify_message", None) or getattr(
            getattr(exc, "certificate_error", None), "verify_message", None
        )
        return f"TLS error: {why}" if why else "TLS error"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server closed the connection"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return "could not connect"
    if isinstance(exc, ConnectionResetError) or "reset by peer" in str(exc):
        return "connection reset"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "the server broke off its answer"
    return type(exc).__name__
