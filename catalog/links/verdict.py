"""What a check found, and how an HTTP status becomes one of six verdicts.

The verdicts separate what is really gone (`broken`) from what could not be verified
(`blocked`, `error`), so a scheduled CI job fails only for dead links.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # an annotation only: a cached run never imports the HTTP layer's types
    from catalog.sources.types import Status

STATUSES: tuple[Status, ...] = ("ok", "redirected", "broken", "blocked", "error", "skipped")

# Answers that mean "not for robots": unverifiable, never proof that a link is dead.
BLOCKED_CODES = frozenset({401, 403, 418, 451, 999})
GONE_CODES = frozenset({404, 410})
PERMANENT_REDIRECTS = frozenset({301, 308})


class Result(NamedTuple):
    """The verdict on one URL; `records` lists the ids of every record that uses it.

    A named tuple, not a frozen dataclass: the check-links process builds its classes at
    start-up, and a dataclass costs ~1.5 ms to build there (a named tuple ~0.2 ms)."""

    url: str
    status: Status
    http_status: int | None = None
    final_url: str | None = None
    message: str = ""
    attempts: int = 0
    elapsed_ms: int = 0
    suggestion: str | None = None  # the new URL of a permanent redirect or renamed repository
    warning: str | None = None  # a working link worth a look (an archived repository)
    cached: bool = False
    records: tuple[str, ...] = ()

    def with_records(self, records: tuple[str, ...]) -> Result:
        """A copy naming `records`."""
        return self._replace(records=records)

    def as_json(self) -> dict[str, Any]:
        """Every field, as JSON values (by hand: `asdict` deep-copies, 10x slower)."""
        return {
            "url": self.url,
            "status": self.status,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "message": self.message,
            "attempts": self.attempts,
            "elapsed_ms": self.elapsed_ms,
            "suggestion": self.suggestion,
            "warning": self.warning,
            "cached": self.cached,
            "records": list(self.records),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        """Rebuild a result from `as_json` output; raises ValueError on a malformed one."""
        if not isinstance(data, dict) or data.get("status") not in STATUSES:
            raise ValueError(f"not a link result: {data!r:.80}")
        known = {k: data[k] for k in cls._fields if k in data}
        if not isinstance(known.get("url"), str):
            raise ValueError(f"link result without a url: {data!r:.80}")
        known["records"] = tuple(str(r) for r in known.get("records") or ())
        return cls(**known)


def classify_status(code: int) -> Status:
    """The verdict for the final HTTP status of a check (after redirects and retries)."""
    if 200 <= code < 300 or code == 304:
        return "ok"
    if code in GONE_CODES:
        return "broken"
    if code in BLOCKED_CODES:
        return "blocked"
    return "error"


def is_failure(result: Result, *, strict: bool = False) -> bool:
    """Whether a result fails the run: broken always, error too under --strict."""
    return result.status == "broken" or (strict and result.status == "error")


EXCLUDED = "excluded by "


def is_excluded(result: Result) -> bool:
    """Skipped because the user asked (--exclude): counted, but not worth a line."""
    return result.status == "skipped" and result.message.startswith(EXCLUDED)
