"""One link's verdict: fetch it through the shared HTTP engine, then judge the answer."""

from __future__ import annotations

import time
from typing import Any

from catalog.links.verdict import Result, classify_status
from catalog.sources.http import Http
from catalog.sources.types import Fetched, Status


async def check(engine: Http, url: str) -> Result:
    """The verdict on one URL by plain HTTP (HEAD, then GET when HEAD is refused)."""
    started = time.monotonic()
    return verdict_of(await engine.fetch(url), started)


def verdict_of(fetched: Fetched, started: float, **extra: Any) -> Result:
    """Turn a fetch outcome into a Result; `extra` overrides fields (message, status...)."""
    elapsed = int((time.monotonic() - started) * 1000)
    response = fetched.response
    suggestion = None
    if response is None or fetched.status is not None:
        status: Status = fetched.status or "error"
        message = fetched.message
        code = response.status if response is not None else None
    else:
        code = response.status
        status = classify_status(code)
        message = f"HTTP {code}"
        if code == 429:
            message += " (rate limited, after retries)"
        elif code >= 500:
            message += " (after retries)"
        elif status == "blocked":
            message += " (the site turns away scripts; not verified)"
        elif 300 <= code < 400 and code != 304:
            message += " (a redirect without a Location)"
        if status == "ok" and fetched.suggestion:
            status = "redirected"
            suggestion = fetched.suggestion
            message = f"moved permanently to {suggestion}"
    result = Result(
        fetched.url, status, code, fetched.final_url, message, fetched.attempts, elapsed, suggestion
    )
    return result._replace(**extra) if extra else result
