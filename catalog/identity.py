"""What a paper *is*: identity keys read from its links, with its title as the last resort.

Two records are the same paper when they share a key such as ``arxiv:2106.09685`` or
``doi:10.1145/3580305.3599572``, whichever URL form they were written with (abs or pdf, a
version suffix, ``www.`` or ``export.`` hosts, a DOI's letter case). Look-alike names never
make a key: AutoLoRa and AutoLoRA differ by their ids. A code URL is no identity either, since
one repository can serve several papers; only hosts that name one paper yield a key.

Every function here is pure: strings in, strings out.
"""

from __future__ import annotations

import difflib
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, quote, unquote

from catalog.catalog import LINK_SLOTS
from catalog.lazy_regex import LazyPattern

# Kinds of id, strongest first: a group is named by its strongest shared key.
KINDS = ("arxiv", "doi", "openreview", "acl", "ieee", "neurips", "pmlr", "cvf", "title")
TITLE = "title"

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7}"
_ARXIV_ID = LazyPattern(rf"(?:arxiv:)?({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?", re.IGNORECASE)
_ARXIV_HOSTS = {"arxiv.org", "export.arxiv.org", "ar5iv.org", "ar5iv.labs.arxiv.org"}
_ARXIV_PATH = LazyPattern(
    rf"/(?:abs|pdf|html|ps|format)/((?:arxiv:)?(?:{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?)"
    r"(?:\.pdf)?/?",
    re.IGNORECASE,
)
_ARXIV_PDF_PATH = LazyPattern(
    rf"/pdf/((?:{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?)(?:\.pdf)?/?", re.IGNORECASE
)
_HF_PAPER = LazyPattern(rf"/papers/({_ARXIV_NEW})(?:v\d+)?/?")
_DOI = LazyPattern(r"10\.\d{4,9}/\S+")
_DOI_IN_PATH = LazyPattern(
    r"/doi/(?:(?:abs|full|pdf|epdf|pdfdirect|reader|book|fullhtml)/)?(10\.\d{4,9}/.+)"
)
_SPRINGER_PATH = LazyPattern(
    r"/(?:article|chapter|book|referenceworkentry|protocol|content/pdf)/(10\.\d{4,9}/.+)"
)
_ARXIV_DOI = LazyPattern(rf"10\.48550/arxiv\.({_ARXIV_NEW}|{_ARXIV_OLD})", re.IGNORECASE)
_ACL_ID = LazyPattern(r"\d{4}\.[a-z0-9-]+\.\d+|[a-z]\d{2}-\d{4}", re.IGNORECASE)
_ACL_PATH = LazyPattern(rf"/(?:anthology/)?({_ACL_ID.pattern})(?:\.pdf)?/?", re.IGNORECASE)
_IEEE_PATH = LazyPattern(r"/(?:abstract/)?document/(\d+)(?:/.*)?")
_IEEE_QUERY_PATHS = ("/stamp/stamp.jsp", "/xpl/articledetails.jsp", "/xpls/abs_all.jsp")
_NEURIPS_HOSTS = {"proceedings.neurips.cc", "papers.nips.cc", "papers.neurips.cc"}
_NEURIPS_PATH = LazyPattern(
    r"/paper(?:_files/paper)?/\d{4}/(?:file|hash)/([0-9a-f]{32})-[A-Za-z_-]+\.(?:pdf|html)"
)
# PMLR volumes, on their own host and under JMLR's older address
_PMLR_PATHS = {
    "proceedings.mlr.press": LazyPattern(
        r"/v(\d+)/([a-z0-9_-]+?)(?:\.html|\.pdf)?(?:/[^/]*)?", re.IGNORECASE
    ),
    "jmlr.org": LazyPattern(
        r"/proceedings/papers/v(\d+)/([a-z0-9_-]+?)(?:\.html|\.pdf)?(?:/.*)?", re.IGNORECASE
    ),
}
_CVF_PATH = LazyPattern(
    r"/content[^/]*/(?:[^/]+/)?(?:html|papers)/(?:[^/]+/)?([^/]+_paper)\.(?:html|pdf)"
)
# Code hosts: a repository can serve several papers, so its URL never names one.
_NO_IDENTITY_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "anonymous.4open.science"}
# scheme://[user@]host[:port] path [?query] [#fragment]; a regex, as urlsplit is the hot spot.
_URL = re.compile(
    r"\s*https?://(?:[^/?#@\s]*@)?([^/?#:\s]*)(?::[0-9]*)?([^?#\s]*)(?:\?([^#\s]*))?(?:#\S*)?\s*",
    re.IGNORECASE,
)
_COMMON_ARXIV = re.compile(rf"https://arxiv\.org/(?:abs|pdf)/({_ARXIV_NEW})(?:v\d+)?(?:\.pdf)?")
_CODE_PREFIXES = ("https://github.com/", "http://github.com/", "https://gitlab.com/")
_ASCII_LOWER = bytes.maketrans(string.ascii_uppercase.encode(), string.ascii_lowercase.encode())
_ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is exactly str.isalnum() plus the underscore
_TRAILING = ".,;:)]}>\"'"


def url_key(url: str) -> str | None:
    """The identity key one URL names, or None when it names no single paper."""
    common = _COMMON_ARXIV.fullmatch(url)  # most links: a shortcut worth 3x on large catalogs
    if common:
        return f"arxiv:{common.group(1)}"
    if url.startswith(_CODE_PREFIXES):
        return None
    parts = _URL.fullmatch(url)
    if parts is None:
        return None
    host = parts.group(1).rstrip(".").lower().removeprefix("www.")
    path = unquote(parts.group(2))
    query = parts.group(3) or ""
    if host in _NO_IDENTITY_HOSTS or host.endswith((".github.io", ".github.com")):
        return None
    if host in _ARXIV_HOSTS:
        m = _ARXIV_PATH.fullmatch(path)
        return arxiv_key(m.group(1)) if m else None
    if host == "huggingface.co":
        m = _HF_PAPER.fullmatch(path)
        return arxiv_key(m.group(1)) if m else None
    if host in ("doi.org", "dx.doi.org"):
        return doi_key(path.lstrip("/"))
    if host == "openreview.net":
        if path.rstrip("/") not in ("/forum", "/pdf"):
            return None
        ids = parse_qs(query).get("id")
        return f"openreview:{ids[0].strip()}" if ids and ids[0].strip() else None
    if host in ("aclanthology.org", "aclweb.org"):
        if host == "aclweb.org" and not path.startswith("/anthology/"):
            return None
        m = _ACL_PATH.fullmatch(path)
        return acl_key(m.group(1)) if m else None
    if host == "ieeexplore.ieee.org":
        return _ieee_key(path, query)
    if host in _NEURIPS_HOSTS:
        m = _NEURIPS_PATH.fullmatch(path)
        return f"neurips:{m.group(1).lower()}" if m else None
    if host in _PMLR_PATHS:
        m = _PMLR_PATHS[host].fullmatch(path)
        return f"pmlr:v{int(m.group(1))}/{m.group(2).lower()}" if m else None
    if host == "openaccess.thecvf.com":
        m = _CVF_PATH.fullmatch(path)
        return f"cvf:{m.group(1).lower()}" if m else None
    if host == "link.springer.com":
        m = _SPRINGER_PATH.fullmatch(path)
        return doi_key(m.group(1).removesuffix(".pdf")) if m else None
    m = _DOI_IN_PATH.fullmatch(path)  # dl.acm.org, onlinelibrary.wiley.com and alike
    if m:
        doi = m.group(1)
        return doi_key(doi.removesuffix(".pdf") if "/pdf/" in path or "/epdf/" in path else doi)
    return None


def arxiv_pdf_id(url: str) -> str | None:
    """The arXiv id, version kept, of a link to arXiv's PDF (`https://arxiv.org/pdf/2106.09685v2`
    -> `2106.09685v2`), else None: import and sync put the abstract page in its place."""
    parts = _URL.fullmatch(url)
    if parts is None:
        return None
    host = parts.group(1).rstrip(".").lower().removeprefix("www.")
    if host not in ("arxiv.org", "export.arxiv.org"):
        return None
    m = _ARXIV_PDF_PATH.fullmatch(unquote(parts.group(2)))
    return m.group(1) if m else None


def arxiv_key(identifier: str) -> str | None:
    """``arxiv:<id>`` without version; old-style ids drop their subject class (math.GT/...)."""
    m = _ARXIV_ID.fullmatch(identifier.strip())
    if not m:
        return None
    ident = m.group(1).lower()
    if "/" in ident:
        archive, number = ident.split("/")
        ident = f"{archive.split('.')[0]}/{number}"
    return f"arxiv:{ident}"


def doi_key(doi: str) -> str | None:
    """``doi:<doi>``, case-folded (DOIs are case-insensitive); arXiv's DOIs give arXiv keys."""
    doi = doi.strip().rstrip(_TRAILING).rstrip("/")
    if doi.lower().startswith("doi:"):
        doi = doi[4:].strip()
    if not _DOI.fullmatch(doi):
        return None
    arxiv = _ARXIV_DOI.fullmatch(doi)
    if arxiv:
        return arxiv_key(arxiv.group(1))
    return f"doi:{doi.lower()}"


def acl_key(identifier: str) -> str | None:
    """``acl:<anthology id>``: new-style ids are lower case, old-style ones (P19-1001) upper."""
    ident = identifier.strip().removesuffix(".pdf").rstrip("/")
    if not _ACL_ID.fullmatch(ident):
        return None
    return f"acl:{ident.lower() if '.' in ident else ident.upper()}"


def _ieee_key(path: str, query: str) -> str | None:
    m = _IEEE_PATH.fullmatch(path)
    number = m.group(1) if m else None
    if number is None and path.lower() in _IEEE_QUERY_PATHS:
        values = parse_qs(query).get("arnumber")
        number = values[0] if values and values[0].isdigit() else None
    return f"ieee:{int(number)}" if number else None


def normalize_title(title: str) -> str:
    """NFKC, case-folded, punctuation and spaces removed: only letters and digits remain."""
    if title.isascii():  # NFKC leaves ASCII alone and casefold is lower(): the fast path
        return title.encode("ascii").translate(_ASCII_LOWER, _ASCII_NOT_ALNUM).decode("ascii")
    text = unicodedata.normalize("NFKC", title)
    for _ in range(4):  # casefold or removals can un-normalize; repeat to the fixed point
        folded = _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text.casefold()))
        if folded == text:
            break
        text = folded
    return text


_HEAD = re.compile(r":|\s[-–—]\s")


def title_head(title: str) -> str:
    """The normalized short name before the first colon or dash: ``lora`` of ``LoRA: ...``."""
    return normalize_title(_HEAD.split(title, maxsplit=1)[0])


def titles_agree(first: str, second: str) -> bool:
    """Two titles name one paper: what lists and records do to one title, and no more.

    Equal when normalized; or one is the other's short name (``LoRA``); or one is the other
    cut short (a truncated cell) or without its short name (``Expressive ...`` beside
    ``LoRASC: Expressive ...``); or they differ by a typo or two. A shared id is evidence only
    when the titles agree too: a row whose arXiv link points at another paper (a "CorDA" row
    with PeriodicLoRA's id) must not be folded into that paper.
    """
    a, b = normalize_title(first), normalize_title(second)
    if not (a and b):
        return False
    if a == b:
        return True
    (short, short_title), (long, long_title) = sorted(((a, first), (b, second)), key=_by_length)
    head = title_head(long_title)
    if short == head or short == title_head(short_title) == head:
        return True
    if long.startswith(short) and len(short) >= _MIN_PREFIX:
        return True
    if head != long and long.removeprefix(head).startswith(short) and len(short) >= _MIN_PREFIX:
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= _TYPO_RATIO


_MIN_PREFIX = 20  # normalized characters: a cut-short title still says which paper it is
_TYPO_RATIO = 0.9


def _by_length(item: tuple[str, str]) -> tuple[int, str]:
    return (len(item[0]), item[0])


def title_key(title: str, year: int) -> str | None:
    """``title:<normalized title>:<year>``, the last resort; None for a title of no letters."""
    norm = normalize_title(title)
    return f"{TITLE}:{norm}:{year}" if norm else None


def key_kind(key: str) -> str:
    """The kind of a key: the part before its first colon (``arxiv``, ``doi``, ``title``...)."""
    return key.partition(":")[0]


def key_rank(key: str) -> tuple[int, str]:
    """Sort order of keys: strongest kind first, then alphabetical."""
    kind = key_kind(key)
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), key)


_KEY_URLS = {
    "arxiv": "https://arxiv.org/abs/{}",
    "doi": "https://doi.org/{}",
    "openreview": "https://openreview.net/forum?id={}",
    "acl": "https://aclanthology.org/{}/",
    "ieee": "https://ieeexplore.ieee.org/document/{}",
    "pmlr": "https://proceedings.mlr.press/{}.html",
}  # NeurIPS and CVF paths need the year or venue, which their keys leave out


def key_url(key: str) -> str | None:
    """A canonical URL for a key (its landing page), or None for a title key."""
    kind, _, value = key.partition(":")
    pattern = _KEY_URLS.get(kind)
    return pattern.format(quote(value, safe="/:;()")) if pattern else None


def link_keys(links: Any) -> dict[str, str]:
    """Link slot (``paper``, ``code``, ``project``) -> the key its URL names, for slots that do."""
    items = _link_items(links)
    found = {}
    for slot, url in items:
        key = url_key(url) if isinstance(url, str) else None
        if key is not None:
            found[slot] = key
    return found


def identity_keys(
    paper_or_links: Any, title: str | None = None, year: int | None = None
) -> tuple[str, ...]:
    """Every identity key of a paper: its links' ids (strongest first), then its title key.

    `paper_or_links` is a Record/Paper (its own title and year are used unless given), a
    Links model, a mapping of link slots to URLs, one URL, or an iterable of URLs.
    """
    links = getattr(paper_or_links, "links", paper_or_links)
    if title is None:
        title = getattr(paper_or_links, "title", None)
    if year is None:
        year = getattr(paper_or_links, "year", None)
    keys = sorted(set(link_keys(links).values()), key=key_rank)
    if title is not None and year is not None:
        tkey = title_key(title, year)
        if tkey is not None:
            keys.append(tkey)
    return tuple(keys)


def _link_items(links: Any) -> Iterable[tuple[str, Any]]:
    if links is None:
        return ()
    if isinstance(links, str):
        return (("paper", links),)
    if isinstance(links, Mapping):
        return links.items()
    if hasattr(links, "paper"):  # a Links model (not imported: the link checker has no pydantic)
        return ((slot, getattr(links, slot, None)) for slot in LINK_SLOTS)
    return ((str(i), url) for i, url in enumerate(links))
