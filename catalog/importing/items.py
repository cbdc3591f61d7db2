"""One table row or list item as named cells: title, venue, paper, code, project, authors.

`table_cells` reads a row whose columns are already named (a link inside the title cell fills
the paper slot); `item_cells` reads a list item: a bold title, or a title link, or the text
before the first link, then labeled links (`[[PDF](..)]`, `[code](..)`, `[NeurIPS 2024](..)`),
a venue in backticks or a fragment naming one, and authors in italics.
"""

from __future__ import annotations

import re

from catalog.catalog import LINK_SLOTS
from catalog.importing.cells import is_none, plain_text, split_authors, split_venue_year
from catalog.importing.links import (
    badge_code,
    badge_venue,
    find_links,
    is_navigation,
    slot_of,
    without_links,
)
from catalog.importing.venues import full_name_in, is_known_venue

_GENERIC_LABELS = {"link", "links", "url", "here", "click", "[link]"}
TITLE_AUTHORS = "title+authors"  # a `Title & Authors` column: the title link, then names
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![*\w])\*([^*]+)\*(?!\*)|(?<![_\w])_([^_]+)_(?!\w)")
_BACKTICK = re.compile(r"`([^`]+)`")
_FRAGMENT = re.compile(r"\s+[-–—|]\s+|[,;]\s+|\.\s+|\s*[()\[\]]\s*")
_QUOTED_TITLE = re.compile(r"\s*[:：\-–—]?\s*[\"“](?P<title>[^\"“”]{3,}?)[,.]?[\"”]")
_VENUE_COMMA_YEAR = re.compile(
    r"(?:^|[,;(]\s*)(?P<venue>[A-Za-z][\w&.' -]{0,40}?),\s*(?P<year>(?:19|20)\d{2})(?!\d)"
)
_TITLE_END = re.compile(r"\.\s+|\s+[-–—|]\s+|\s+\(")
_NAMES_YEAR = re.compile(r"\s*\((?P<year>(?:19|20)\d{2})\)")
_LAST_YEAR = re.compile(r",\s*(?P<year>(?:19|20)\d{2})[\s.]*$")
# A badge: an image link `[![Star](img)](url)`, or an image alone `![Publish](img)`.
_BADGE_LINK = re.compile(r"\[\s*!\[[^\]]*\]\([^)]*\)\s*\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)(?:\(\))?")
# A person's name: two to five words, each capitalised (an initial, a hyphen, an apostrophe
# allowed) or a particle (`van der`, `de`).
_NAME = re.compile(
    r"(?:(?:[^\W\d_][\w'’.-]*|(?:van|von|der|den|de|del|della|di|da|dos|du|la|le|el|bin|al))\s+)"
    r"{1,4}[^\W\d_][\w'’.-]*"
)


def table_cells(named: dict[str, str]) -> dict[str, str]:
    """A table row's cells. Links in the Paper/Code/Project cells go to the slot their label
    or host says; then the first link of the title cell that is not a badge is the title's
    link. A `Title & Authors` cell gives the authors after the link, a venue badge the venue."""
    cells = {k: v for k, v in named.items() if not is_none(v, strict=k in ("year", "title"))}
    raw_title = cells.pop(TITLE_AUTHORS, None)
    if raw_title is not None:
        cells["title"] = raw_title
    title = cells.get("title", "")
    for column in LINK_SLOTS:
        found = find_links(cells[column]) if column in cells else []
        if not found:
            continue  # a bare value: `rows.url_of` reads (or rejects) it
        del cells[column]
        for link in found:
            slot = None if link.label.casefold() in _GENERIC_LABELS else slot_of(link)
            cells.setdefault(slot if slot in LINK_SLOTS else column, link.url)
    links = [link for link in find_links(title) if not link.image]
    if links:
        first = links[0]
        cells["title"] = plain_text(first.label) if first.label else without_links(title)
        if raw_title is not None:
            authors = _authors_after(title[first.end :])
            if authors:
                cells.setdefault("authors", authors)
        for link in links:
            slot = slot_of(link, title_link=link is first)
            if slot in LINK_SLOTS:
                cells.setdefault(slot, link.url)
        if code := badge_code(title):
            cells.setdefault("code", code)
    elif raw_title is not None:  # no link: the first piece is the title, the next the names
        pieces = [p for p in _pieces(title) if p]
        cells["title"] = pieces[0] if pieces else ""
        if len(pieces) > 1:
            cells.setdefault("authors", pieces[1])
    elif title:
        cells["title"] = without_links(title)
    if "venue" not in cells and (venue := badge_venue(title)):
        cells["venue"] = venue
    return cells


def _pieces(text: str) -> list[str]:
    """The `<br>`-separated parts of a cell as plain text (badges and links left out)."""
    parts = re.split(r"<br\s*/?>", text, flags=re.IGNORECASE)
    return [plain_text(without_links(part)).strip(" ,.;[]") for part in parts]


def _authors_after(text: str) -> str | None:
    """The names after a title link: the first `<br>`-separated piece that is plain text."""
    for piece, names in zip(
        re.split(r"<br\s*/?>", text, flags=re.IGNORECASE), _pieces(text), strict=True
    ):
        if names and not find_links(piece):
            return names
    return None


def item_cells(text: str) -> dict[str, str] | None:
    """A list item's cells, or None when it names no paper (navigation, prose).

    Badges (`[![Star](img)](repo)`, `![Publish](img)`) are read first and taken out: a stars
    badge links the code, a venue badge names the venue, neither is the title."""
    listed, text = text, _BADGE_LINK.sub(" ", text)
    links = [link for link in find_links(text) if not is_navigation(link.url)]
    if not links:
        return None
    cells: dict[str, str] = {}
    if code := badge_code(listed):
        cells["code"] = code
    if venue := badge_venue(listed):
        cells["venue"] = venue
    bold = _BOLD.search(text)
    first = links[0]
    stripped = text.lstrip()
    if bold and bold.start() < first.start:
        cells["title"] = plain_text(bold.group(1) or bold.group(2)).rstrip(" .")
        rest = text[: bold.start()] + " " + text[bold.end() :]
        quoted = _QUOTED_TITLE.match(text, bold.end())  # `**ViT**: "An Image is Worth ..."`
        if quoted and quoted.end() <= first.start:
            cells["title"] = plain_text(quoted["title"]).rstrip(" .,")
            rest = text[: bold.start()] + " " + text[quoted.end() :]
    elif stripped.startswith("[") and first.label and slot_of(first, title_link=True) != "label":
        cells["title"] = plain_text(first.label).rstrip(" .")
        slot = slot_of(first, title_link=True)
        cells[slot if slot in LINK_SLOTS else "paper"] = first.url
        links = links[1:]
        rest = text[first.end :]
        if names := _names_after(rest, links[0].start - first.end if links else len(rest)):
            cells["authors"] = names
    else:
        head = _TITLE_END.split(without_links(text[: first.start]).strip(), maxsplit=1)[0]
        cells["title"] = plain_text(head).rstrip(" .:[(-–—|")
        rest = text[len(head) :]
    if not cells["title"]:
        return None
    for link in links:
        slot = slot_of(link)
        if slot == "venue":
            cells.setdefault("venue", link.label)
            cells.setdefault("paper", link.url)
        elif slot in LINK_SLOTS:
            cells.setdefault(slot, link.url)
    rest = without_links(rest)
    italic = _ITALIC.search(rest) if "authors" not in cells else None
    if italic:
        names = italic.group(1) or italic.group(2)
        if "," in names or " and " in names:
            # the paper's year, not always its venue's (rows.py weighs it): `_A. One, B. Two_
            # (2021)`, or the names' last piece, `*A. One, B. Two, 2021*`
            year = _NAMES_YEAR.match(rest, italic.end()) or _LAST_YEAR.search(names)
            if year:
                cells["listed_year"] = year["year"]
            cells["authors"] = _LAST_YEAR.sub("", names)
            rest = rest.replace(italic.group(0), " ")
    if "listed_year" not in cells and (last := _LAST_YEAR.search(plain_text(rest))):
        cells["listed_year"] = last["year"]  # `... [[PDF](url)], 2023`: the item's last word
    if "venue" not in cells:
        venue = _venue_in(rest)
        if venue:
            cells["venue"] = venue
    return cells


def _names_after(rest: str, end: int) -> str | None:
    """The authors written plainly after a title link, up to the next link: `[Title](url).
    Ann Lee, Bo Chen. [[Paper]](url)` (as lists generated from a script write them). Only a
    sentence of names counts: two or more words each, capitalised, no digits, not a venue."""
    if not rest.startswith((". ", ", ")):
        return None
    sentence = plain_text(rest[2:end]).strip().rstrip(".").strip()
    names = split_authors(sentence)
    if not names or is_known_venue(sentence) or any(not _NAME.fullmatch(n) for n in names):
        return None
    return sentence


def _venue_in(rest: str) -> str | None:
    """The venue of an item's remaining text: backticks first, then `Venue, 2024`, then a
    venue's full name, then a fragment naming one."""
    for quoted in _BACKTICK.findall(rest):
        if not is_none(quoted):
            return str(quoted)
    named = full_name_in(plain_text(rest))
    for match in _VENUE_COMMA_YEAR.finditer(plain_text(rest)):
        venue = match["venue"].strip()
        if is_known_venue(venue) or re.fullmatch(r"[A-Z][A-Za-z]*[A-Z][\w-]*", venue):
            return f"{venue} {match['year']}"
    if named:
        return named
    for fragment in _FRAGMENT.split(plain_text(rest)):
        fragment = fragment.strip(" .:-")
        if not fragment or len(fragment) > 60:
            continue
        venue, year, _ = split_venue_year(fragment)
        if year and (venue is None or is_known_venue(venue) or len(venue.split()) <= 3):
            return fragment
        if venue and is_known_venue(venue) and len(venue.split()) <= 4:
            return fragment
    return None
