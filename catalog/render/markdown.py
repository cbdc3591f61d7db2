"""Markdown building blocks that keep untrusted text inert: escaping, links, aligned tables.

Titles, venues and keywords come from contributors. Whatever they contain, they must render
as the same plain text on GitHub: no table break, no HTML, no link, emphasis, code or math.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

Align = Literal["left", "center"]

# Every ASCII punctuation character that starts or ends inline markup on GitHub: emphasis,
# strikethrough, code, links, images, math and the table's cell separator. CommonMark lets
# any ASCII punctuation be backslash-escaped, so escaping one that is harmless is still safe.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]|~$!#@])")
_AUTOLINK_SCHEME = re.compile(r"://")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ANY_SPECIAL = re.compile(r"[\\`*_\[\]|~$!#@&<>:]|(?i:www\.)")
_AUTOLINK_WWW = re.compile(r"(?i)\b(www)\.")
# Characters never valid unencoded in a URL, or that would end a link destination or a cell.
_URL_UNSAFE = re.compile(r"[\s<>\"`|\\{}^()]")
_HTTP_URL = re.compile(r"https?://[^/?#\s]", re.IGNORECASE)


def inline_text(value: str) -> str:
    """Plain text as inert inline markdown, on one line (whitespace runs become one space)."""
    text = _CONTROL.sub("", " ".join(value.split()))
    if not _ANY_SPECIAL.search(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK_SCHEME.sub(r"\\://", text)  # GitHub autolinks bare http://… and www.…
    return _AUTOLINK_WWW.sub(r"\1\\.", text)


def link_destination(url: str) -> str:
    """An http(s) URL as a link destination that cannot end early or split a table cell."""
    if not _HTTP_URL.match(url):
        raise ValueError(f"refusing to link a non-http(s) URL: {url!r}")
    if _URL_UNSAFE.search(url):
        url = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)
    return url


def link(text: str, url: str) -> str:
    """`[text](url)` with the text escaped; only http(s) URLs are accepted."""
    return f"[{inline_text(text)}]({link_destination(url)})"


def display_width(text: str) -> int:
    """Width as remark-lint measures it (UTF-16 code units), so its pipe check passes."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


Cell = tuple[str, int]  # markdown and its display width
Row = tuple[Cell, ...]


def cells(values: Sequence[str]) -> Row:
    """Measure a row's cells once, for tables rendered several times (the size budget)."""
    return tuple((value, display_width(value)) for value in values)


def table(headers: Sequence[str], aligns: Sequence[Align], rows: Sequence[Sequence[Cell]]) -> str:
    """A GFM table with aligned pipes; cells must already be escaped markdown."""
    head = cells(headers)
    widths = [max(w, 3) for _, w in head]
    for row in rows:
        for i, (_, w) in enumerate(row):
            if w > widths[i]:
                widths[i] = w
    spec = list(zip(widths, aligns, strict=True))
    lines = [_row(head, spec)]
    lines.append("|" + "|".join(_rule(w, a) for w, a in spec) + "|")
    lines.extend(_row(row, spec) for row in rows)
    return "\n".join(lines)


def _row(row: Sequence[Cell], spec: Sequence[tuple[int, Align]]) -> str:
    out = []
    for (cell, w), (width, align) in zip(row, spec, strict=True):
        gap = width - w
        left = gap // 2 if align == "center" else 0
        out.append(f"{' ' * (left + 1)}{cell}{' ' * (gap - left + 1)}")
    return "|" + "|".join(out) + "|"


def _rule(width: int, align: Align) -> str:
    if align == "center":
        return " :" + "-" * (width - 2) + ": "
    return " :" + "-" * (width - 1) + " "
