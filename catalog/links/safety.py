"""Never let a link make us request a private address, and never download a body.

Two layers: every hop's host is resolved and its addresses checked before any request
(`Guard.refusal`), and every socket we open is checked again right after it connects
(`GuardedAdapter`), so a name that changes its answer between the two (DNS rebinding) still
cannot reach 127.0.0.1 or the cloud metadata address.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SCHEMES = ("http", "https")


class RefusedAddress(OSError):
    """A connection to an address the policy forbids; raised before any byte is sent."""


class NameNotFound(OSError):
    """The host name does not exist (NXDOMAIN): the link is broken, not flaky."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be contacted: public ones, plus private ones when allowed."""

    allow_private: bool = False
    allow_networks: tuple[Network, ...] = ()

    def refuses(self, address: str) -> str | None:
        """Why `address` must not be contacted, or None when it may be."""
        try:
            ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"{address} is not an IP address"
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in net for net in self.allow_networks) or self.allow_private:
            return None
        for kind, flag in (
            ("loopback", ip.is_loopback),
            ("private", ip.is_private),
            ("link-local", ip.is_link_local),
            ("multicast", ip.is_multicast),
            ("reserved", ip.is_reserved),
            ("unspecified", ip.is_unspecified),
            # Not private, still not on the internet: 100.64.0.0/10 (carrier-grade NAT, and a
            # cloud's metadata service at 100.100.100.200).
            ("non-public", not ip.is_global),
        ):
            if flag:
                return f"{kind} address {ip}"
        return None


@dataclass
class Guard:
    """Resolves a URL's host and applies the policy; answers are remembered for one run."""

    policy: AddressPolicy
    resolver: Callable[..., list[Any]] = socket.getaddrinfo
    _cache: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refusal(self, url: str) -> str | None:
        """Why `url` must not be requested (scheme, or an address the policy refuses).

        Raises ValueError for a malformed URL (no host, a bad port), NameNotFound when the
        name does not exist, OSError when resolution fails for another (maybe passing) reason.
        """
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            return f"only http(s) URLs are checked, not {parts.scheme or 'a relative URL'}"
        host = parts.hostname or ""
        if not host:
            raise ValueError("no host name")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        for address in self.resolve(host, port):
            reason = self.policy.refuses(address)
            if reason:
                return f"refused: {host} resolves to a {reason} (use --allow-private to check it)"
        return None

    def resolve(self, host: str, port: int) -> list[str]:
        key = (host, port)
        with self._lock:
            known = self._cache.get(key)
        if known is not None:
            return known
        try:
            infos = self.resolver(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)):
                raise NameNotFound(f"the name {host} does not exist") from None
            raise OSError(f"could not resolve {host}: {exc.strerror or exc}") from None
        addresses = sorted({str(info[4][0]) for info in infos})
        with self._lock:
            self._cache[key] = addresses
        return addresses


def _checked(sock: socket.socket, policy: AddressPolicy) -> socket.socket:
    peer = sock.getpeername()[0]
    reason = policy.refuses(str(peer))
    if reason:
        sock.close()
        raise RefusedAddress(f"refused to talk to a {reason}")
    return sock


def _connection_classes(policy: AddressPolicy) -> tuple[type[Any], type[Any]]:
    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _checked(super()._new_conn(), policy)

    class GuardedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return _checked(super()._new_conn(), policy)

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    return GuardedHTTPPool, GuardedHTTPSPool


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose every new socket is checked against the address policy."""

    def __init__(self, policy: AddressPolicy, **kwargs: Any) -> None:
        self._policy = policy
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        http_pool, https_pool = _connection_classes(self._policy)
        self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDR strings to networks; raises ValueError on a malformed one."""
    return tuple(ipaddress.ip_network(v, strict=False) for v in values)
