"""How hard and how long the engine knocks on each host: plain values, no HTTP imported.

Kept apart from `http.py` so a command can build its settings (and a cached run finish) without
importing the transport (pycurl).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from catalog.sources.policy import AddressPolicy

DEADLINE_FACTOR = 3  # the default deadline: this many times the per-request timeout


def user_agent(contact: str | None = None, product: str = "catalog") -> str:
    """An honest User-Agent: who we are and, from catalog.yaml's repo_url, where to complain.

    The version is the package's own (`catalog.__version__`, kept equal to the installed
    metadata by a test): asking importlib.metadata costs a link check 2% of its start-up."""
    from catalog import __version__ as ours

    return f"{product}/{ours} (+{contact})" if contact else f"{product}/{ours}"


class Settings(NamedTuple):
    """Everything that shapes how hard and how long we knock on each host.

    A named tuple, immutable like the frozen dataclass it was (`_replace` makes a changed
    copy), and made at import for a fifth of the cost: a dataclass' methods are compiled at
    start-up, 2 ms of a link check's for this one."""

    concurrency: int = 64
    per_host: int = 6
    timeout: float = 20.0  # one connect, or one wait for bytes
    retries: int = 2
    backoff: float = 1.0
    max_redirects: int = 10
    deadline: float | None = None  # one URL's whole fetch; None: DEADLINE_FACTOR x timeout
    user_agent: str | None = None  # None: `user_agent(contact, product)`, built when used
    contact: str | None = None  # catalog.yaml's repo_url, named in the default User-Agent
    product: str = "catalog"
    policy: AddressPolicy = AddressPolicy()
    intervals: Mapping[str, float] = MappingProxyType({})  # base URL -> least seconds

    @property
    def agent(self) -> str:
        return self.user_agent or user_agent(self.contact, self.product)

    @property
    def budget(self) -> float:
        return self.deadline if self.deadline is not None else DEADLINE_FACTOR * self.timeout
