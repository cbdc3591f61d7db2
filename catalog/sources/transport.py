"""One HTTP exchange on libcurl's multi interface, driven by the running asyncio loop.

The engine (`http.py`) decides what to ask and when; this module only sends one request and
hands back its answer, never following a redirect. libcurl does the protocol work in C
(`curl_loop.py` maps its sockets and timers onto the loop), so a request costs a fraction of
what a Python HTTP client spends on it. What it must never do is pinned here:

- connect only to the addresses the guard checked for the URL's host: the checked addresses
  are handed to curl (`RESOLVE`), and every socket it opens is checked again before it exists
  (`OPENSOCKETFUNCTION`), so neither DNS rebinding nor a URL parser that reads the host
  differently reaches another address;
- no proxy from the environment, no `.netrc`, http and https only, no redirect followed;
- bodies never decoded (no `Accept-Encoding` but `identity`) and never read past the cap: the
  write callback stops the transfer there; a small body is read whole so the connection is
  kept for the next request;
- no cookie engine: the caller's cookies are sent as given, `Set-Cookie` handed back.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pycurl

from catalog.sources.curl_loop import CurlLoop
from catalog.sources.failures import TOO_LARGE, TransportError
from catalog.sources.safety import Guard, RefusedAddress, ascii_host
from catalog.sources.settings import Settings
from catalog.sources.tls import Tls
from catalog.sources.types import Snapshot

SMALL_BODY = 64 * 1024  # a body this small is read so the connection can be reused
MAX_LINE = 8190  # a longer status or header line is not a real answer (as aiohttp's parser)
_SENDABLE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_PATH_SAFE = "/%:@!$&'()*+,;=~-._"
_QUERY_SAFE = _PATH_SAFE + "?"
_STATIC_HEADERS = ["Accept-Encoding: identity"]
_BLANK = (b"\r\n", b"\n")


def as_sent(url: str) -> str:
    """The URL as written when it is already valid ASCII (no re-quoting of %2C and alike);
    otherwise its host in IDNA and the rest percent-encoded, as a browser sends it.

    Raises ValueError when the host cannot be encoded.
    """
    if _SENDABLE.fullmatch(url):
        return url
    parts = urlsplit(url.strip())
    host = ascii_host(parts.hostname or "")
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    if parts.username is not None:  # refused by the guard; kept so it is refused, not lost
        netloc = f"{quote(parts.username)}@{netloc}"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=_PATH_SAFE),
            quote(parts.query, safe=_QUERY_SAFE),
            "",
        )
    )


class Headers(Mapping[str, str]):
    """A response's header fields by case-insensitive name; a repeated field's first value
    (all of them through `all`). Parsed from the raw lines only when first asked."""

    __slots__ = ("_fields", "_lines")

    def __init__(self, lines: list[bytes]) -> None:
        self._lines = lines
        self._fields: dict[str, list[str]] | None = None

    def _parsed(self) -> dict[str, list[str]]:
        if self._fields is None:
            fields: dict[str, list[str]] = {}
            last = ""
            for raw in self._lines:
                line = raw.decode("latin-1").rstrip("\r\n")
                if line[:1] in (" ", "\t") and last:  # an obsolete folded line
                    fields[last][-1] += " " + line.strip()
                    continue
                name, _, value = line.partition(":")
                last = name.strip().lower()
                fields.setdefault(last, []).append(value.strip())
            self._fields = fields
        return self._fields

    def __getitem__(self, name: str) -> str:
        return self._parsed()[name.lower()][0]

    def get(self, name: str, default: Any = None) -> Any:
        values = self._parsed().get(name.lower())
        return values[0] if values else default

    def all(self, name: str) -> list[str]:
        return list(self._parsed().get(name.lower(), ()))

    def __iter__(self) -> Iterator[str]:
        return iter(self._parsed())

    def __len__(self) -> int:
        return len(self._parsed())

    def __repr__(self) -> str:
        return f"Headers({ {k: v[0] for k, v in self._parsed().items()}!r})"


class _Handle:
    """One easy handle and the request it runs (one at a time).

    Kept with the handle while it is idle, so a reused handle is set up with only what
    changes per request (the URL, the method when it changes, the pinned address when it
    changes): its callbacks are set once and read the request's state from here. A request
    with anything else (a body, a method of its own, headers, cookies) has the handle reset
    afterwards, so the next one starts from the options every handle gets.
    """

    __slots__ = (
        "active",
        "allowed",
        "body",
        "cap",
        "curl",
        "cut",
        "got",
        "head",
        "lines",
        "pinned",
        "plain",
        "refused",
        "setopt",
        "tls",
        "url",
    )

    def __init__(self, curl: Any) -> None:
        self.curl = curl
        self.setopt = curl.setopt
        self.lines: list[bytes] = []  # the header lines of this request's answers
        self.body: list[bytes] = []
        self.active = False  # a request is running (sockets may be opened for it)
        self.url = ""
        self.allowed: frozenset[str] = frozenset()
        self.cap = 0  # bytes of body kept (0: drained up to SMALL_BODY, not kept)
        self.got = 0
        self.cut = False  # the transfer was stopped here, at the cap: not an error
        self.refused: RefusedAddress | None = None
        self.configured()

    def configured(self) -> None:
        """The handle's options are the ones every handle starts with (new, or reset)."""
        self.pinned: str | None = None  # the RESOLVE entry set
        self.head = False  # NOBODY is set
        self.plain = True  # only the URL, the method (HEAD/GET) and the pin were set
        self.tls = False  # the CA bundle is set

    def start(self, url: str, allowed: frozenset[str], cap: int) -> None:
        """A new request: nothing of the last one's state is kept."""
        self.url = url
        self.allowed = allowed
        self.lines.clear()
        if self.body:
            self.body = []
        self.cap = cap
        self.got = 0
        self.cut = False
        self.refused = None
        self.active = True

    def write(self, data: bytes) -> int | None:
        """curl's write callback: a capped body kept, stopped past the cap; otherwise a
        small body read (so the connection is kept), a large one stopped."""
        self.got += len(data)
        cap = self.cap
        if cap > 0:
            if self.got > cap:
                self.body.append(data[: len(data) - (self.got - cap - 1)])
                self.cut = True
                return 0
            self.body.append(data)
            return None
        if self.got > SMALL_BODY:
            self.cut = True
            return 0
        return None


class _Fd:
    """A socket descriptor handed to curl: pycurl keeps a duplicate, this one closes on release."""

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd

    def __del__(self) -> None:
        os.close(self.fd)


class Transport:
    """Easy handles over one multi handle; create and use it in one event loop."""

    def __init__(self, settings: Settings, guard: Guard, tls: Tls) -> None:
        self.settings = settings
        self.guard = guard
        self.tls = tls
        self._multi: CurlLoop | None = None
        self._idle: list[_Handle] = []
        self._pins: dict[tuple[str, int], tuple[list[str], frozenset[str], str | None]] = {}
        timeout = settings.timeout
        self._static: list[tuple[int, Any]] = [
            (pycurl.NOSIGNAL, 1),
            (pycurl.PROXY, ""),  # no proxy, whatever the environment says
            (pycurl.NOPROXY, "*"),
            (pycurl.NETRC, pycurl.NETRC_IGNORED),
            (pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS),
            (pycurl.REDIR_PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS),
            (pycurl.FOLLOWLOCATION, 0),
            (pycurl.HTTP_VERSION, pycurl.CURL_HTTP_VERSION_1_1),
            (pycurl.HTTP_CONTENT_DECODING, 0),
            (pycurl.PATH_AS_IS, 1),  # sent as written: no squashing of /../
            (pycurl.CONNECTTIMEOUT_MS, max(1, int(timeout * 1000))),
            # no byte for `timeout` seconds (whole seconds: curl measures the speed per second)
            (pycurl.LOW_SPEED_LIMIT, 1),
            (pycurl.LOW_SPEED_TIME, max(1, math.ceil(timeout))),
            (pycurl.USERAGENT, settings.agent),
            (pycurl.HTTPHEADER, _STATIC_HEADERS),
        ]

    def _handle(self) -> _Handle:
        if self._idle:
            return self._idle.pop()
        handle = _Handle(pycurl.Curl())
        self._configure(handle)
        return handle

    def _configure(self, handle: _Handle) -> None:
        """The options every request starts from, the callbacks reading `handle`."""
        setopt = handle.setopt
        for option, value in self._static:
            setopt(option, value)
        setopt(pycurl.OPENSOCKETFUNCTION, self._opener(handle))
        setopt(pycurl.HEADERFUNCTION, handle.lines.append)
        setopt(pycurl.WRITEFUNCTION, handle.write)
        handle.configured()

    def _opener(self, handle: _Handle) -> Callable[[int, Any], Any]:
        guard = self.guard

        def open_socket(_purpose: int, address: Any) -> Any:
            """Every connection curl makes: only to an address checked for this request."""
            ip, port = address.addr[0], address.addr[1]
            if ":" in ip:
                ip = str(ipaddress.ip_address(ip))
            if not handle.active:
                return pycurl.SOCKET_BAD
            refused = guard.connect_refusal(ip, port)
            if refused is None and ip not in handle.allowed:
                refused = RefusedAddress(f"refused: {ip} was not checked for {handle.url}")
            if refused is not None:
                handle.refused = refused
                return pycurl.SOCKET_BAD
            import socket

            sock = socket.socket(address.family, address.socktype, address.protocol)
            if self._multi is not None:
                self._multi.socket_opened()
            return _Fd(sock.detach())

        return open_socket

    async def exchange(
        self,
        method: str,
        url: str,
        *,
        host: str,
        port: int,
        addresses: list[str],
        headers: Mapping[str, str] | None = None,
        body_cap: int = 0,
        cookies: dict[str, str] | None = None,
        data: bytes | None = None,
    ) -> Snapshot:
        """Send one request to one of `addresses` (those the guard checked for `host`)."""
        multi = self._multi
        if multi is None:
            multi = self._multi = CurlLoop(asyncio.get_running_loop())
        handle = self._idle.pop() if self._idle else self._handle()
        sent = as_sent(url)
        allowed, pin = self._pin(host, port, addresses)
        head = method == "HEAD"
        handle.start(url, allowed, 0 if head else body_cap)
        setopt = handle.setopt
        setopt(pycurl.URL, sent)
        if pin is not None and pin != handle.pinned:
            setopt(pycurl.RESOLVE, [pin])
            handle.pinned = pin
        if head:
            if not handle.head:
                setopt(pycurl.NOBODY, 1)
                handle.head = True
        else:
            if handle.head:
                setopt(pycurl.HTTPGET, 1)  # NOBODY off: a GET again
                handle.head = False
            if method != "GET" or data is not None:
                handle.plain = False
                if data is not None:
                    setopt(pycurl.POSTFIELDSIZE, len(data))
                    setopt(pycurl.COPYPOSTFIELDS, data)
                if method != "POST" or data is None:
                    setopt(pycurl.CUSTOMREQUEST, method)
        if headers or data is not None:
            handle.plain = False
            extra = [f"{k}: {v}" for k, v in (headers or {}).items()]
            setopt(pycurl.HTTPHEADER, [*_STATIC_HEADERS, "Expect:", *extra])
        if cookies:
            handle.plain = False
            setopt(pycurl.COOKIE, "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if not handle.tls and sent[:6].lower() == "https:":
            self._trust(handle)
        curl = handle.curl
        try:
            ending = await multi.perform(curl)
        except BaseException:  # cancelled (a deadline, Ctrl-C): out of curl, the handle closed
            handle.active = False
            curl.close()
            raise
        if ending is not None:
            code, said = ending
            if not (handle.cut and code == pycurl.E_WRITE_ERROR):
                errno = curl.getinfo(pycurl.OS_ERRNO)
                refused = handle.refused
                self._release(handle)
                if refused is not None:
                    raise refused from None
                raise TransportError(code, said, connected=_connected(said), os_errno=errno)
        status = curl.getinfo(pycurl.RESPONSE_CODE)
        lines = _last_answer(handle.lines)
        cut, body = handle.cut, handle.body
        self._release(handle)
        joined = b"".join(lines)
        if len(joined) > MAX_LINE and max(map(len, lines)) > MAX_LINE:
            raise TransportError(TOO_LARGE, "a status or header line too long")
        fields = Headers(lines)
        if cookies is not None and b"set-cookie:" in joined.lower():
            cookies.update(_cookies(fields.all("set-cookie")))
        if body_cap > 0:
            return Snapshot(status, fields, url, b"".join(body)[:body_cap], cut)
        return Snapshot(status, fields, url)

    def _pin(self, host: str, port: int, addresses: list[str]) -> tuple[frozenset[str], str | None]:
        """The addresses a socket may connect to, and curl's `RESOLVE` entry that makes it
        use them for `host` (None for an address written in the URL: curl resolves nothing)."""
        known = self._pins.get((host, port))
        if known is not None and known[0] == addresses:
            return known[1], known[2]
        try:
            ipaddress.ip_address(host)
            entry = None
        except ValueError:
            listed = ",".join(f"[{a}]" if ":" in a else a for a in addresses)
            entry = f"{host}:{port}:{listed}"
        self._pins[(host, port)] = (addresses, frozenset(addresses), entry)
        return frozenset(addresses), entry

    def _trust(self, handle: _Handle) -> None:
        """The CA bundle for https (found on first use: `Tls.ready`)."""
        self.tls.ready()
        if self.tls.cafile is not None:
            handle.setopt(pycurl.CAINFO, self.tls.cafile)
        if self.tls.capath is not None:
            handle.setopt(pycurl.CAPATH, self.tls.capath)
        handle.tls = True

    def _release(self, handle: _Handle) -> None:
        """The request is over: the handle back to the idle ones, reset when the request set
        more than a plain one does."""
        handle.active = False
        if not handle.plain:
            handle.curl.reset()
            self._configure(handle)
        self._idle.append(handle)

    async def close(self) -> None:
        if self._multi is not None:
            self._multi.close()
            self._multi = None
        for handle in self._idle:
            handle.curl.close()
        self._idle.clear()


def _last_answer(lines: list[bytes]) -> list[bytes]:
    """The header lines of the final answer (after any 1xx), without its status line."""
    start = 0
    for index in range(len(lines) - 1, -1, -1):  # its status line: the last one
        if lines[index][:5] == b"HTTP/":
            start = index + 1
            break
    end = len(lines)
    while end > start and lines[end - 1] in _BLANK:
        end -= 1
    answer = lines[start:end]
    if b"\r\n" in answer or b"\n" in answer:  # a blank line inside: before trailers
        return [line for line in answer if line not in _BLANK]
    return answer


def _connected(said: str) -> bool:
    """Whether the failure came after the connection was made (a read, not a connect)."""
    return not said.startswith(("Connection timed out", "Failed to connect", "Connection time"))


def _cookies(values: list[str]) -> dict[str, str]:
    from http.cookies import CookieError, SimpleCookie

    jar: dict[str, str] = {}
    for value in values:
        parsed: SimpleCookie = SimpleCookie()
        try:
            parsed.load(value)
        except CookieError:
            continue
        jar.update({name: morsel.value for name, morsel in parsed.items()})
    return jar
