"""Links inside a list's markdown, and which slot of a record each one fills.

`[[PDF](url)]`, `[paper](url)`, `[code](url)`, `[NeurIPS 2024](url)`, badges
`[![stars](img)](url)` and bare URLs are all found; the label says the slot when it can
(`pdf` -> paper, `github` -> code, a venue name -> venue), else the URL's host does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from catalog.identity import url_key
from catalog.importing.cells import plain_text, split_venue_year
from catalog.importing.venues import is_known_venue, says_workshop

_LINK = re.compile(
    r"(?<!!)\[(?P<label>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?(?P<url>[^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)"
)
_BARE = re.compile(r"(?<![(<\w/\"'=])https?://[^\s)<>\]|\"']+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_PAPER_LABELS = {
    "pdf", "paper", "arxiv", "link", "abs", "abstract", "openreview", "doi", "acl", "html",
    "full text", "ieee", "springer", "acm", "published", "proceedings", "url", "preprint",
    "ar5iv", "semantic scholar", "paper link", "pub", "publication", "here",
}  # fmt: skip
_CODE_LABELS = {
    "code", "github", "repo", "repository", "implementation", "official", "official code",
    "source", "source code", "gitlab", "pytorch", "jax", "tensorflow", "codes", "git",
    "huggingface", "hf", "model", "models", "weights", "checkpoint", "stars", "github stars",
}  # fmt: skip
_PROJECT_LABELS = {"project", "project page", "page", "website", "homepage", "home", "demo",
                   "blog", "site", "webpage"}  # fmt: skip
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "anonymous.4open.science",
               "huggingface.co", "colab.research.google.com", "paperswithcode.com")  # fmt: skip
_HOST = re.compile(r"https?://(?:www\.)?([^/?#:\s]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """A link in the text: its label (plain), target and where it stands."""

    label: str
    url: str
    start: int
    end: int
    image: bool = False  # the label is only an image: a badge, not a title


def find_links(text: str) -> list[Link]:
    """Every markdown link and bare URL in `text`, in order."""
    found = []
    spans = []
    for match in _LINK.finditer(text):
        label = _IMAGE.sub(lambda m: m.group(1), match["label"])
        image = bool(_IMAGE.fullmatch(match["label"].strip()))
        found.append(Link(plain_text(label), match["url"], match.start(), match.end(), image))
        spans.append((match.start(), match.end()))
    for match in _BARE.finditer(text):
        if not any(a <= match.start() < b for a, b in spans):
            url = match.group(0).rstrip(".,;:")
            found.append(Link("", url, match.start(), match.start() + len(url)))
    found.sort(key=lambda link: link.start)
    return found


def host_of(url: str) -> str:
    match = _HOST.match(url)
    return match.group(1).lower() if match else ""


def slot_of(link: Link, *, title_link: bool = False) -> str | None:
    """`paper`, `code`, `project`, `venue`, or `label` (a title link whose label is a slot
    word, not a title); None for a link that is none of these."""
    label = link.label.strip(" []().:").casefold()
    for words, slot in (
        (_PAPER_LABELS, "paper"),
        (_CODE_LABELS, "code"),
        (_PROJECT_LABELS, "project"),
    ):
        if label in words or (label and label.split()[0] in words and len(label.split()) <= 2):
            return "label" if title_link else slot
    if label and not title_link:
        venue, year, _ = split_venue_year(link.label)
        if venue and (is_known_venue(venue) or (year and len(venue.split()) <= 3)):
            return "venue"
    if not link.url.startswith(("http://", "https://")):
        return "paper" if title_link else None
    host = host_of(link.url)
    if host.endswith(_CODE_HOSTS) and not (host == "huggingface.co" and "/papers/" in link.url):
        return "code"
    if host.endswith(".github.io"):
        return "project"
    if url_key(link.url) is not None or link.url.lower().split("?")[0].endswith(".pdf"):
        return "paper"
    return "paper" if title_link or label else None


def without_links(text: str) -> str:
    """The text with every link taken out (and the brackets links leave behind)."""
    out, pos = [], 0
    for link in find_links(text):
        out.append(text[pos : link.start])
        pos = link.end
    out.append(text[pos:])
    return re.sub(r"\[\s*\]|\(\s*\)", " ", "".join(out))


_BADGE = re.compile(r"img\.shields\.io/badge/(?P<path>[^)\s\"<>?]+)", re.IGNORECASE)
_VENUE_BADGES = {"conference", "journal", "venue", "publish", "published", "publication", "pub",
                 "accepted", "workshop"}  # fmt: skip


def badge_code(text: str) -> str | None:
    """The repository a badge links (`[![stars](img)](https://github.com/a/b)`), or None."""
    badges = (link for link in find_links(text) if link.image and slot_of(link) == "code")
    return next((link.url for link in badges), None)


def badge_venue(text: str) -> str | None:
    """The venue a shields.io badge states: `badge/Conference-ICML'23-blue` -> `ICML'23`.

    Only badges whose label says it is a venue (Conference, Journal, Publish, ...) count."""
    for match in _BADGE.finditer(text):
        path = unquote(match["path"]).removesuffix(".svg")
        parts = [p.replace("\0", "-") for p in path.replace("--", "\0").split("-")]
        if len(parts) < 3:
            continue
        words = [p.replace("__", "\0").replace("_", " ").replace("\0", "_") for p in parts]
        label, value = words[0].strip().casefold(), words[1].strip()
        if label in _VENUE_BADGES and value:
            if label == "workshop" and not says_workshop(value):
                return f"{value} Workshop"  # badge/Workshop-ICLR 2024: ICLR's workshop
            return value
    return None


def is_navigation(url: str) -> bool:
    """A link to a place in this list or to another file of its repository, not a paper."""
    if url.startswith("#"):
        return True
    if url.startswith(("http://", "https://", "mailto:")):
        return False
    path = url.split("#", 1)[0].split("?", 1)[0].casefold()
    return "#" in url or path.endswith((".md", ".markdown", "/")) or not path


def link_key(url: str) -> str:
    """Roughly how awesome-lint tells two URLs apart (scheme, `www.`, a final `/` aside)."""
    rest = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE)
    host, slash, path = rest.partition("/")
    return host.lower() + (slash + path).rstrip("/")
