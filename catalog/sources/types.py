"""Plain values the HTTP layer hands back: one response (`Snapshot`), one fetch (`Fetched`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

_set = object.__setattr__

# The six verdicts a link can get; a fetch without a usable response carries one of them.
Status = Literal["ok", "redirected", "broken", "blocked", "error", "skipped"]


@dataclass(frozen=True, init=False)
class Snapshot:
    """What we keep of a response: status, headers and at most a capped, undecoded body."""

    status: int
    headers: Mapping[str, str]
    url: str
    body: bytes = b""
    truncated: bool = False

    def __init__(
        self,
        status: int,
        headers: Mapping[str, str],
        url: str,
        body: bytes = b"",
        truncated: bool = False,
    ) -> None:
        """The fields set at once (a frozen dataclass's own `__init__` sets them one by one
        through `object.__setattr__`; every response passes here)."""
        _set(
            self,
            "__dict__",
            {
                "status": status,
                "headers": headers,
                "url": url,
                "body": body,
                "truncated": truncated,
            },
        )

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not (or was cut)."""
        if self.truncated:
            raise ValueError("the answer was larger than the cap")
        return json.loads(self.body)


@dataclass
class Fetched:
    """The outcome of a fetch: a final response, or the reason there is none."""

    url: str
    response: Snapshot | None = None
    status: Status | None = None  # set when there is no usable response
    message: str = ""
    attempts: int = 0
    suggestion: str | None = None  # the target of a permanent redirect chain
    final_url: str | None = None

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
