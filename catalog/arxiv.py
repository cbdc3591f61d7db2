"""Paper metadata from the arXiv API: the id in any spelling in, title, year and authors out.

The API answers in Atom, and answers HTTP 200 even for failures: a malformed id gives one entry
titled `Error`, an unknown id gives a feed with no entry, throttling gives a plain-text body.
Each of those becomes a one-line CatalogError.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import requests

from catalog.errors import CatalogError
from catalog.identity import arxiv_key, url_key

API_ENV = "CATALOG_ARXIV_API"
DEFAULT_API = "https://export.arxiv.org/api/query"
TIMEOUT = 20.0
MAX_BYTES = 2_000_000  # one entry is a few kB; anything near this is not a real answer
_ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class ArxivPaper:
    """What a record needs from arXiv."""

    arxiv_id: str
    title: str
    year: int
    authors: list[str]

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"


def parse_arxiv_id(text: str) -> str:
    """`2106.09685`, `arXiv:2106.09685v2` or an abs/pdf URL -> `2106.09685` (no version)."""
    given = text.strip()
    key = url_key(given) if "://" in given else arxiv_key(given.rstrip("/").removesuffix(".pdf"))
    if key is None or not key.startswith("arxiv:"):
        raise CatalogError(
            f"{text!r} is not an arXiv id (expected e.g. 2106.09685 or https://arxiv.org/abs/...)"
        )
    return key.removeprefix("arxiv:")


def api_url() -> str:
    """The query endpoint: $CATALOG_ARXIV_API for tests and mirrors, else arXiv's own."""
    return os.environ.get(API_ENV) or DEFAULT_API


def fetch_arxiv(arxiv_id: str, url: str | None = None, timeout: float = TIMEOUT) -> ArxivPaper:
    """Ask the arXiv API for one paper; every failure is a CatalogError naming the cause."""
    endpoint = url or api_url()
    try:
        response = requests.get(
            endpoint,
            params={"id_list": arxiv_id, "max_results": "1"},
            headers={"User-Agent": "catalog-new (+https://github.com/yuheng2000/Awesome-LoRA)"},
            timeout=timeout,
            stream=True,
        )
        with response:
            body = response.raw.read(MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        reason = type(exc).__name__
        raise CatalogError(f"could not reach the arXiv API at {endpoint} ({reason})") from None
    if response.status_code != 200:
        later = " (try again later)" if response.status_code in (429, 503) else ""
        raise CatalogError(
            f"the arXiv API at {endpoint} answered HTTP {response.status_code}{later}"
        )
    if len(body) > MAX_BYTES:
        raise CatalogError(f"the arXiv API at {endpoint} sent more than {MAX_BYTES} bytes")
    return parse_atom(body, arxiv_id)


def parse_atom(body: bytes, arxiv_id: str) -> ArxivPaper:
    """The paper in an API answer, or a CatalogError saying why there is none."""
    if b"<!ENTITY" in body or b"<!DOCTYPE" in body:
        raise CatalogError("the arXiv API's answer declares XML entities; refusing to parse it")
    try:
        feed = ET.fromstring(body)
    except ET.ParseError:
        first = body.decode("utf-8", "replace").strip().splitlines()[:1]
        said = f": {first[0][:80]!r}" if first else ""
        raise CatalogError(f"the arXiv API did not answer with an Atom feed{said}") from None
    for entry in feed.iter(f"{_ATOM}entry"):
        entry_id = _text(entry, "id")
        if "/api/errors" in entry_id:
            message = _fold(_text(entry, "summary")) or "error"
            raise CatalogError(f"the arXiv API refused id {arxiv_id!r}: {message}")
        if url_key(entry_id) == f"arxiv:{arxiv_id}":
            return _paper(entry, arxiv_id)
    raise CatalogError(f"arXiv has no paper with id {arxiv_id}")


def _paper(entry: ET.Element, arxiv_id: str) -> ArxivPaper:
    title = _fold(_text(entry, "title"))
    published = _text(entry, "published")
    if not title or not re.match(r"\d{4}-", published):
        raise CatalogError(f"the arXiv API's entry for {arxiv_id} has no title or date")
    authors = [
        _fold(_text(author, "name"))
        for author in entry.findall(f"{_ATOM}author")
        if _text(author, "name").strip()
    ]
    return ArxivPaper(arxiv_id, title, int(published[:4]), authors)


def _text(element: ET.Element, tag: str) -> str:
    child = element.find(f"{_ATOM}{tag}")
    return (child.text or "") if child is not None else ""


def _fold(text: str) -> str:
    """arXiv hard-wraps titles: fold every run of whitespace into one space."""
    return " ".join(text.split())
