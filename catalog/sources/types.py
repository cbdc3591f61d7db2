"""Plain values the HTTP layer hands back: one response (`Snapshot`), one fetch (`Fetched`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

# The six verdicts a link can get; a fetch without a usable response carries one of them.
Status = Literal["ok", "redirected", "broken", "blocked", "error", "skipped"]


class Snapshot(NamedTuple):
    """What we keep of a response: status, headers and at most a capped, undecoded body.

    A named tuple (and `Fetched` a plain class), not dataclasses: the check-links process
    builds these classes at start-up, where a dataclass costs ~1.5 ms to build."""

    status: int
    headers: Mapping[str, str]
    url: str
    body: bytes = b""
    truncated: bool = False

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not (or was cut)."""
        if self.truncated:
            raise ValueError("the answer was larger than the cap")
        return json.loads(self.body)


class Fetched:
    """The outcome of a fetch: a final response, or the reason there is none."""

    __slots__ = ("attempts", "final_url", "message", "response", "status", "suggestion", "url")

    def __init__(
        self,
        url: str,
        response: Snapshot | None = None,
        status: Status | None = None,  # set when there is no usable response
        message: str = "",
        attempts: int = 0,
        suggestion: str | None = None,  # the target of a permanent redirect chain
        final_url: str | None = None,
    ) -> None:
        self.url, self.response, self.status, self.message = url, response, status, message
        self.attempts, self.suggestion, self.final_url = attempts, suggestion, final_url

    def __repr__(self) -> str:
        return f"Fetched({self.url!r}, status={self.status!r}, message={self.message!r})"

    def fail(self, status: Status, message: str, final: str | None = None) -> Fetched:
        self.status = status
        self.message = message
        self.final_url = final
        return self

    @property
    def ok(self) -> bool:
        return self.response is not None and self.status is None

    def json_field(self, name: str) -> object:
        """One top-level field of a JSON object answer, or None."""
        if self.response is None:
            return None
        try:
            data = self.response.json()
        except ValueError:
            return None
        return data.get(name) if isinstance(data, dict) else None
