"""The DOI client: is a DOI registered? Asks doi.org's handle API, never the publisher.

The handle API answers `{"responseCode": 1, ...}` for a registered DOI and HTTP 404 with
`responseCode: 100` for an unknown one.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, unquote, urlsplit

from catalog.sources.http import API_BODY_CAP, Http
from catalog.sources.service import Service
from catalog.sources.types import Fetched

DOI = Service("the DOI handle API", "CATALOG_DOI_API", "https://doi.org/api/handles")
HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})


def doi_of(url: str) -> str | None:
    """The DOI a doi.org URL names, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in HOSTS or not parts.path.strip("/"):
        return None
    return unquote(parts.path.strip("/"))


class DoiClient:
    def __init__(self, engine: Http, env: Mapping[str, str] | None = None) -> None:
        self.engine = engine
        self.api = DOI.base(env)

    async def handle(self, doi: str) -> tuple[Fetched, bool | None]:
        """The answer, and whether it says the DOI is registered (None: it does not say)."""
        fetched = await self.engine.fetch(
            f"{self.api}/{quote(doi, safe='/')}", method="GET", body_cap=API_BODY_CAP
        )
        response = fetched.response
        if response is None or fetched.status is not None:
            return fetched, None
        code = fetched.json_field("responseCode")
        if response.status == 404 or code == 100:
            return fetched, False
        if response.status == 200 and code in (1, 200):
            return fetched, True
        return fetched, None
