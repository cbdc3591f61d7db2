"""Markdown building blocks that keep untrusted text inert: escaping, links, aligned tables.

Titles, venues and keywords come from contributors. Whatever they contain, they must render
as the same plain text on GitHub: no table break, no HTML, no link, emphasis, code or math.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Literal
from urllib.parse import urlsplit

Align = Literal["left", "center"]

# Every ASCII punctuation character that starts or ends inline markup on GitHub: emphasis,
# strikethrough, code, links, images, math and the table's cell separator. CommonMark lets
# any ASCII punctuation be backslash-escaped, so escaping one that is harmless is still safe.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]|~$!#@])")
_AUTOLINK_SCHEME = re.compile(r"://")
_AUTOLINK_WWW = re.compile(r"(?i)\b(www)\.")
# Characters never valid unencoded in a URL, or that would end a link destination or a cell.
_URL_UNSAFE = re.compile(r"[\s<>\"`|\\{}^]")


def inline_text(value: str) -> str:
    """Plain text as inert inline markdown, on one line (whitespace runs become one space)."""
    text = " ".join(value.split())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK_SCHEME.sub(r"\\://", text)  # GitHub autolinks bare http://… and www.…
    return _AUTOLINK_WWW.sub(r"\1\\.", text)


def link_destination(url: str) -> str:
    """An http(s) URL as a link destination that cannot end early or split a table cell."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"refusing to link a non-http(s) URL: {url!r}")
    encoded = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)
    return encoded.replace("(", "%28").replace(")", "%29")


def link(text: str, url: str) -> str:
    """`[text](url)` with the text escaped; only http(s) URLs are accepted."""
    return f"[{inline_text(text)}]({link_destination(url)})"


def display_width(text: str) -> int:
    """Width as remark-lint measures it (UTF-16 code units), so its pipe check passes."""
    return len(text.encode("utf-16-le")) // 2


def table(headers: Sequence[str], aligns: Sequence[Align], rows: Sequence[Sequence[str]]) -> str:
    """A GFM table with aligned pipes; cells must already be escaped markdown."""
    widths = [max(display_width(h), 3) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            w = display_width(cell)
            if w > widths[i]:
                widths[i] = w
    lines = [_row(headers, widths, aligns)]
    lines.append("|" + "|".join(_rule(w, a) for w, a in zip(widths, aligns, strict=True)) + "|")
    lines.extend(_row(row, widths, aligns) for row in rows)
    return "\n".join(lines)


def _row(cells: Sequence[str], widths: Sequence[int], aligns: Sequence[Align]) -> str:
    out = []
    for cell, width, align in zip(cells, widths, aligns, strict=True):
        gap = width - display_width(cell)
        left = gap // 2 if align == "center" else 0
        out.append(" " * (left + 1) + cell + " " * (gap - left + 1))
    return "|" + "|".join(out) + "|"


def _rule(width: int, align: Align) -> str:
    if align == "center":
        return " :" + "-" * (width - 2) + ": "
    return " :" + "-" * (width - 1) + " "
