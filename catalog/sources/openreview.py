"""The OpenReview client: a note by id, from API v2 and then v1 (older venues live there).

`GET /notes?id=X` answers `{"notes": [...]}`; a note that exists but is not public gives 403
with a JSON `{"name": "ForbiddenError"}`, while a bare 403 is a wall in front of the site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

from catalog.sources.http import API_BODY_CAP, Http
from catalog.sources.service import Service
from catalog.sources.types import Fetched

# OpenReview publishes no number but throttles bursts: one request a second per API.
OPENREVIEW = Service(
    "the OpenReview API", "CATALOG_OPENREVIEW_API", "https://api2.openreview.net", 1.0
)
OPENREVIEW_V1 = Service(
    "the OpenReview API (v1)", "CATALOG_OPENREVIEW_API_V1", "https://api.openreview.net", 1.0
)
Found = Literal["found", "forbidden", "missing", "unknown"]


@dataclass
class NoteAnswer:
    fetched: Fetched
    found: Found
    note: dict[str, Any] | None = None


def note_of(url: str) -> str | None:
    """The note id of an openreview.net forum/pdf URL, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if (parts.hostname or "").lower() != "openreview.net":
        return None
    if parts.path.rstrip("/") not in ("/forum", "/pdf"):
        return None
    ids = parse_qs(parts.query).get("id")
    return ids[0].strip() if ids and ids[0].strip() else None


class OpenReviewClient:
    def __init__(self, engine: Http, env: Mapping[str, str] | None = None) -> None:
        self.engine = engine
        self.apis = [OPENREVIEW.base(env), OPENREVIEW_V1.base(env)]

    async def note(self, note_id: str) -> NoteAnswer:
        """v2 first, then v1; `unknown` when an API could not answer."""
        last: NoteAnswer | None = None
        for api in self.apis:
            fetched = await self.engine.fetch(
                f"{api}/notes?{urlencode({'id': note_id})}", method="GET", body_cap=API_BODY_CAP
            )
            response = fetched.response
            if response is None or fetched.status is not None:
                return NoteAnswer(fetched, "unknown")
            notes = fetched.json_field("notes")
            if response.status == 200 and isinstance(notes, list) and notes:
                note = notes[0] if isinstance(notes[0], dict) else None
                return NoteAnswer(fetched, "found", note)
            if response.status == 403 and fetched.json_field("name") == "ForbiddenError":
                return NoteAnswer(fetched, "forbidden")
            if response.status not in (200, 404):
                return NoteAnswer(fetched, "unknown")
            last = NoteAnswer(fetched, "missing")
        assert last is not None
        return last
