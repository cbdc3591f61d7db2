"""The polite one-call API for a source client: GET a URL, get its body or a one-line error.

Everything the engine does applies: the host's interval and slots, retries, `Retry-After`,
the deadline, the address guard on every redirect, the body cap. A failure is a `SourceError`
naming the service (`what`) and the cause; a 404 is `NotFound`, so a client can tell "no such
paper" from "could not ask".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlencode

from catalog.sources.http import API_BODY_CAP, Http, host_key
from catalog.sources.service import SourceError
from catalog.sources.types import Fetched, Snapshot


class NotFound(SourceError):
    """The service answered 404 (or its own 'no such thing')."""


def with_params(url: str, params: Mapping[str, str] | None) -> str:
    if not params:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


async def get(
    engine: Http,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    body_cap: int = API_BODY_CAP,
) -> Fetched:
    """GET `url` (redirects followed, every hop guarded); the outcome whatever it is."""
    return await engine.fetch(
        with_params(url, params), method="GET", headers=headers, body_cap=body_cap
    )


async def get_ok(
    engine: Http,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    what: str | None = None,
    accept: Collection[int] = (200,),
) -> Snapshot:
    """The response when its status is in `accept`, else a SourceError saying why not."""
    fetched = await get(engine, url, params=params, headers=headers)
    name = what or host_key(url)
    response = fetched.response
    if response is None or fetched.status is not None:
        raise SourceError(f"could not ask {name}: {fetched.message}")
    if response.status in accept:
        if response.truncated:
            raise SourceError(f"{name} answered with more than {API_BODY_CAP} bytes")
        return response
    if response.status in (404, 410):
        raise NotFound(f"{name} has no such entry (HTTP {response.status})")
    later = " (try again later)" if response.status in (429, 502, 503, 504) else ""
    raise SourceError(f"{name} answered HTTP {response.status}{later}")


async def get_json(
    engine: Http,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    what: str | None = None,
) -> Any:
    """The JSON of a 200 answer; SourceError (NotFound on 404) otherwise."""
    response = await get_ok(engine, url, params=params, headers=headers, what=what)
    try:
        return response.json()
    except (ValueError, RecursionError):
        raise SourceError(f"{what or host_key(url)} did not answer with JSON") from None


async def get_text(
    engine: Http,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    what: str | None = None,
) -> str:
    """The text of a 200 answer (UTF-8, bad bytes replaced); SourceError otherwise."""
    response = await get_ok(engine, url, params=params, headers=headers, what=what)
    return response.body.decode("utf-8", "replace")
