"""Which addresses may be contacted: the policy of the SSRF guard, as a pure value.

Apart from `safety` (which resolves names and makes sockets) so a command can build its
settings, and a run the cache answers finish, without importing the guard or `socket`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import NamedTuple

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
HINT = " (use --allow-private to check it)"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded(ip: IPAddress) -> list[IPAddress]:
    """The address and every IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64)."""
    found: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in (ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None):
            if inner is not None:
                found.append(inner)
        if ip in _NAT64:
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _kind(ip: IPAddress) -> str | None:
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("private", ip.is_private),
        ("link-local", ip.is_link_local),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("unspecified", ip.is_unspecified),
        # Not private, still not on the internet: 100.64.0.0/10 (carrier-grade NAT, and a
        # cloud's metadata service at 100.100.100.200).
        ("non-public", not ip.is_global),
    ):
        if flag:
            return kind
    return None


class AddressPolicy(NamedTuple):
    """Which addresses may be contacted: public ones, plus private ones when allowed.

    A named tuple (immutable), not a frozen dataclass: made at import for a fifth of the cost."""

    allow_private: bool = False
    allow_networks: tuple[Network, ...] = ()

    def refuses(self, address: str) -> str | None:
        """Why `address` must not be contacted ("loopback address 127.0.0.1"), or None."""
        try:
            ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"{address} is not an IP address"
        if self.allow_private:
            return None
        for inner in _embedded(ip):
            if any(inner in net for net in self.allow_networks):
                return None
            kind = _kind(inner)
            if kind is not None:
                wrapped = f" wrapped in {ip}" if inner != ip else ""
                return f"{kind} address {inner}{wrapped}"
        return None


def refusal_text(host: str, reason: str) -> str:
    """The one wording of a refused address, at either layer."""
    return f"refused: {host} is, or resolves to, a {reason}{HINT}"


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDR strings to networks; raises ValueError on a malformed one."""
    return tuple(ipaddress.ip_network(v, strict=False) for v in values)
