"""One table row or list item as named cells: title, venue, paper, code, project, authors.

`table_cells` reads a row whose columns are already named (a link inside the title cell fills
the paper slot); `item_cells` reads a list item: a bold title, or a title link, or the text
before the first link, then labeled links (`[[PDF](..)]`, `[code](..)`, `[NeurIPS 2024](..)`),
a venue in backticks or a fragment naming one, and authors in italics.
"""

from __future__ import annotations

import re

from catalog.importing.cells import is_none, plain_text, split_venue_year
from catalog.importing.links import find_links, slot_of, without_links
from catalog.importing.venues import is_known_venue

_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![*\w])\*([^*]+)\*(?!\*)|(?<![_\w])_([^_]+)_(?!\w)")
_BACKTICK = re.compile(r"`([^`]+)`")
_FRAGMENT = re.compile(r"\s+[-–—|]\s+|[,;]\s+|\.\s+|\s*[()\[\]]\s*")
_TITLE_END = re.compile(r"\.\s+|\s+[-–—|]\s+|\s+\(")


def table_cells(named: dict[str, str]) -> dict[str, str]:
    """A table row's cells; a link inside the title cell (or a links cell) fills link slots."""
    cells = {k: v for k, v in named.items() if not is_none(v, strict=k in ("year", "title"))}
    title = cells.get("title", "")
    links = find_links(title)
    if links:
        label = links[0].label
        cells["title"] = plain_text(label) if label else without_links(title)
        for link in links:
            slot = slot_of(link, title_link=link is links[0])
            if slot and slot not in cells and slot != "venue":
                cells[slot] = link.url
    for column in ("paper", "code", "project"):
        if column in cells:
            found = find_links(cells[column])
            labeled = [(slot_of(link), link.url) for link in found]
            if found:
                cells[column] = found[0].url
            for slot, url in labeled[1:]:
                if slot in ("paper", "code", "project") and slot not in cells:
                    cells[slot] = url
    return cells


def item_cells(text: str) -> dict[str, str] | None:
    """A list item's cells, or None when it names no paper (navigation, prose)."""
    links = [link for link in find_links(text) if not link.url.startswith("#")]
    if not links:
        return None
    cells: dict[str, str] = {}
    bold = _BOLD.search(text)
    first = links[0]
    stripped = text.lstrip()
    if bold and bold.start() < first.start:
        cells["title"] = plain_text(bold.group(1) or bold.group(2)).rstrip(" .")
        rest = text[: bold.start()] + " " + text[bold.end() :]
    elif stripped.startswith("[") and first.label and slot_of(first, title_link=True) != "label":
        cells["title"] = plain_text(first.label).rstrip(" .")
        slot = slot_of(first, title_link=True)
        cells[slot if slot in ("paper", "code", "project") else "paper"] = first.url
        links = links[1:]
        rest = text[first.end :]
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
        elif slot in ("paper", "code", "project"):
            cells.setdefault(slot, link.url)
    rest = without_links(rest)
    italic = _ITALIC.search(rest)
    if italic:
        names = italic.group(1) or italic.group(2)
        if "," in names or " and " in names:
            cells["authors"] = names
            rest = rest.replace(italic.group(0), " ")
    if "venue" not in cells:
        venue = _venue_in(rest)
        if venue:
            cells["venue"] = venue
    return cells


def _venue_in(rest: str) -> str | None:
    """The venue of an item's remaining text: backticks first, then a fragment naming one."""
    for quoted in _BACKTICK.findall(rest):
        if not is_none(quoted):
            return str(quoted)
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
