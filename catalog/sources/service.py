"""What a source is: its name, its base URL (overridable from the environment), its manners.

Each outside service is described once here, as a `Service`; its client (one module per
service in this package) builds every URL from `Service.base(env)`, so a test or a mirror points
it elsewhere with `CATALOG_<NAME>_API`, and `open_http` gives the engine the service's published
interval. A base URL set in the environment is the operator's choice, so it is trusted by the
address guard (a test server on 127.0.0.1); redirects from it are still checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from catalog.errors import CatalogError
from catalog.sources.http import Http, Settings, host_key
from catalog.sources.policy import AddressPolicy


class SourceError(CatalogError):
    """An outside service could not answer the question; one line naming it and the cause."""


@dataclass(frozen=True)
class Service:
    """One outside service: where it is and how politely it wants to be asked."""

    name: str  # for messages: "the arXiv API"
    env: str  # the variable that overrides the base URL, CATALOG_<NAME>_API
    default: str  # the real base URL
    interval: float = 0.0  # the least seconds between two requests, as the service publishes
    key_env: str | None = None  # the variable holding an API key or token, if the service takes one

    def base(self, env: Mapping[str, str] | None = None) -> str:
        value = (os.environ if env is None else env).get(self.env) or self.default
        return value.rstrip("/")

    def host(self, env: Mapping[str, str] | None = None) -> str:
        """The key its politeness is counted by (`http.host_key` of the base URL)."""
        return host_key(self.base(env))

    def key(self, env: Mapping[str, str] | None = None) -> str | None:
        if self.key_env is None:
            return None
        return (os.environ if env is None else env).get(self.key_env) or None

    def overridden(self, env: Mapping[str, str] | None = None) -> bool:
        return bool((os.environ if env is None else env).get(self.env))


def trusted_bases(
    services: Iterable[Service], env: Mapping[str, str] | None = None
) -> frozenset[str]:
    """`host:port` of every base URL the environment sets (the operator's own servers)."""
    trusted = set()
    for service in services:
        if service.overridden(env):
            parts = urlsplit(service.base(env))
            port = parts.port or (443 if parts.scheme == "https" else 80)
            trusted.add(f"{(parts.hostname or '').lower()}:{port}")
    return frozenset(trusted)


def open_http(
    services: Iterable[Service],
    *,
    contact: str | None = None,
    env: Mapping[str, str] | None = None,
    product: str = "catalog",
    **settings: object,
) -> Http:
    """An engine for talking to `services`: their intervals applied, env-set bases trusted.

    `contact` is the catalog's repo_url (catalog.yaml), named in the User-Agent.
    `settings` are `Settings` fields (timeout, retries, deadline...).
    """
    chosen = list(services)
    intervals = {s.base(env): s.interval for s in chosen if s.interval}
    fields: dict[str, object] = {
        "per_host": 1,
        "timeout": 20.0,
        "contact": contact,
        "product": product,
        "policy": AddressPolicy(),
        "intervals": intervals,
    }
    fields.update(settings)
    return Http(Settings(**fields), trusted=trusted_bases(chosen, env))  # type: ignore[arg-type]
