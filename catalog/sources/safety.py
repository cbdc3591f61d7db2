"""Never let a URL make us request an address off the public internet (the SSRF guard).

Two layers. `Guard.refusal` refuses a URL before any connection: a scheme other than http(s),
user info (`user@host`, a classic way to make two URL parsers disagree about the host), and a
host that is, or resolves to, an address the policy refuses. The transport then connects only
to the addresses this guard checked for the host (`transport.py` pins them in curl), and
`connect_refusal` checks every address again right before its socket is made, so neither DNS
rebinding nor a parser that reads the host differently can reach 127.0.0.1 or a metadata
address.

Every refusal is decided before a byte is sent and names only the host and the kind of address,
so its text never depends on whether a port is open.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from catalog.sources.policy import HINT as HINT
from catalog.sources.policy import AddressPolicy as AddressPolicy
from catalog.sources.policy import parse_networks as parse_networks
from catalog.sources.policy import refusal_text

SCHEMES = ("http", "https")
_HOST = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=%:-]+")  # a name, an IPv4 or an [IPv6] address


def ascii_host(host: str) -> str:
    """A host name as it goes on the wire: IDNA for a non-ASCII name (UnicodeError if none)."""
    return host if host.isascii() else host.encode("idna").decode("ascii")


class RefusedAddress(OSError):
    """A connection to an address the policy forbids; raised before any byte is sent."""


class NameNotFound(OSError):
    """The host name does not exist (NXDOMAIN): the link is broken, not flaky."""


Resolver = Callable[..., list[Any]]


class Guard:
    """Resolves a URL's host and applies the policy; answers are remembered for one run.

    `trusted` holds `host:port` pairs the operator configured (an API base URL set by an
    environment variable): those are contacted whatever the policy says of their address.
    """

    def __init__(
        self,
        policy: AddressPolicy,
        resolver: Resolver | None = None,  # tests inject one; None asks the system, off the loop
        trusted: frozenset[str] = frozenset(),
    ) -> None:
        self.policy, self.resolver, self.trusted = policy, resolver, trusted
        self._cache: dict[tuple[str, int], list[str]] = {}
        self._trusted_addresses: set[str] = set()
        self._verdicts: dict[str, str | None] = {}  # origin -> refusal
        self._pins: dict[str, tuple[str, int, list[str]]] = {}

    def static_refusal(self, url: str) -> tuple[str | None, str, int]:
        """What can be refused without DNS: (why or None, host, port).

        Raises ValueError for a malformed URL (no host, a bad port).
        """
        parsed = urlsplit(url.strip())
        scheme = parsed.scheme.lower()
        if scheme not in SCHEMES:
            return f"only http(s) URLs are checked, not {scheme or 'a relative URL'}", "", 0
        if "@" in parsed.netloc:
            return "refused: a URL with user info (user@host) is never requested", "", 0
        host = parsed.hostname or ""
        if not host:
            raise ValueError("no host name")
        host = ascii_host(host)  # the host checked is the host sent (transport.as_sent)
        if not _HOST.fullmatch(host):
            raise ValueError(f"bad host name {host!r}")
        port = parsed.port or (443 if scheme == "https" else 80)
        return None, host, port

    def remembered(self, url: str) -> tuple[bool, str | None]:
        """(True, the verdict) when this origin was judged before; (False, None) otherwise.

        Lets the engine skip a coroutine for the common case.
        """
        origin = _origin(url)
        if origin is not None and origin in self._verdicts:
            return True, self._verdicts[origin]
        return False, None

    def pinned(self, url: str) -> tuple[str, int, list[str]] | None:
        """(host, port, the addresses checked) for an origin `pin` has seen, or None."""
        origin = _origin(url)
        return self._pins.get(origin) if origin is not None else None

    async def pin(self, url: str) -> tuple[str, int, list[str]]:
        """(host, port, its addresses as resolved here): the only ones a request may use."""
        _, host, port = self.static_refusal(url)
        addresses = await self.resolve(host, port)
        origin = _origin(url)
        if origin is not None:
            self._pins[origin] = (host, port, addresses)
        return host, port, addresses

    async def refusal(self, url: str) -> str | None:
        """Why `url` must not be requested, or None.

        Raises ValueError for a malformed URL, NameNotFound when the name does not exist,
        OSError when resolution fails for another (maybe passing) reason.
        """
        origin = _origin(url)
        if origin is not None and origin in self._verdicts:
            return self._verdicts[origin]  # the same scheme, host and port: the same answer
        why = await self._refusal(url)
        if origin is not None:
            self._verdicts[origin] = why
        return why

    async def _refusal(self, url: str) -> str | None:
        why, host, port = self.static_refusal(url)
        if why is not None:
            return why
        if f"{host.lower()}:{port}" in self.trusted:
            for address in await self.resolve(host, port):
                self._trusted_addresses.add(f"{address}:{port}")
            return None
        for address in await self.resolve(host, port):
            reason = self.policy.refuses(address)
            if reason:
                return refusal_text(host, reason)
        return None

    async def resolve(self, host: str, port: int) -> list[str]:
        try:  # an address needs no resolving
            return [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            pass
        key = (host, port)
        known = self._cache.get(key)
        if known is not None:
            return known
        try:
            if self.resolver is not None:
                infos = self.resolver(host, port, type=socket.SOCK_STREAM)
            else:
                import asyncio

                loop = asyncio.get_running_loop()
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)):
                raise NameNotFound(f"the name {host} does not exist") from None
            raise OSError(f"could not resolve {host}: {exc.strerror or exc}") from None
        addresses = sorted({str(info[4][0]) for info in infos})
        self._cache[key] = addresses
        return addresses

    def connect_refusal(self, address: str, port: int) -> RefusedAddress | None:
        """Why no socket may connect to `address`:`port` (checked right before it is made)."""
        reason = self.policy.refuses(address)
        if reason and f"{address}:{port}" not in self._trusted_addresses:
            return RefusedAddress(refusal_text(address, reason))
        return None


def _origin(url: str) -> str | None:
    """scheme://authority, the part a verdict depends on (None with user info: never cached)."""
    parts = url.split("/", 3)
    return "/".join(parts[:3]) if len(parts) >= 3 and "@" not in parts[2] else None
