"""The rules of a value that need no pydantic: URLs, lengths, invisible characters.

`model` applies them through its validators (as pydantic errors); the link checker applies
the same ones to a record's links without importing pydantic (`links.read`). A broken rule
raises `Refused`, whose code and message template are the diagnostic's.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from catalog.lazy_regex import LazyPattern

MAX_URL = 2_000
# The common URL, checked by one regex without urlsplit's cost: an ASCII host, no userinfo,
# printable ASCII after it.
_GOOD_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][!-~]*)?")
_SCHEME_TYPO = re.compile(r"^(https?)(?::/?|//)(?!/)(.+)$", re.IGNORECASE)
# What no text field may hold: controls (C0, DEL, C1), bidi embeddings, overrides, isolates
# and marks, zero-width characters, line/paragraph separators (line breaks to YAML and JS),
# surrogates and noncharacters. They hide or reorder what a reviewer sees, or break the
# outputs (XML forbids most controls).
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_BAD_CHARS = "\x7f-\x9f" + _INVISIBLE + "\ud800-\udfff" + _NONCHARACTERS
BAD_LINE = LazyPattern(f"[\x00-\x1f{_BAD_CHARS}]")  # needed only when not isprintable()
BAD_PROSE = LazyPattern(f"[\x00-\x09\x0b-\x1f{_BAD_CHARS}]")  # newlines allowed


class Refused(ValueError):
    """A value breaks a rule: `code` is the diagnostic's, `template` its message with
    `{name}` fields filled from `context` (pydantic's custom-error form)."""

    def __init__(self, code: str, template: str, context: dict[str, Any]) -> None:
        super().__init__(template.format(**context))
        self.code, self.template, self.context = code, template, context

    @property
    def message(self) -> str:
        return str(self)

    @property
    def hint(self) -> str | None:
        hint = self.context.get("hint")
        return str(hint) if hint else None


_CONTROL_NAMES = {
    0x00: "NULL",
    0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}


def describe_char(char: str) -> str:
    """A code point as people look it up: U+202E RIGHT-TO-LEFT OVERRIDE."""
    code = ord(char)
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(code, "")
    if not name:
        category = unicodedata.category(char)
        kind = {"Cc": "control character", "Cs": "surrogate"}.get(category)
        noncharacter = 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
        name = kind or ("noncharacter" if noncharacter else "unassigned")
        return f"U+{code:04X} ({name})"
    return f"U+{code:04X} {name}"


def refuse_chars(value: str, bad: LazyPattern, code: str = "bad-text") -> None:
    found = None if value.isprintable() else bad.search(value)
    if found:
        raise Refused(
            code,
            "holds {char} at character {index}; invisible and control characters are not allowed",
            {"char": describe_char(found.group()), "index": found.start() + 1},
        )


def refuse_length(value: str, limit: int) -> None:
    if len(value) > limit:
        raise Refused(
            "too-long",
            "is {length} characters long; at most {limit} are allowed",
            {"length": f"{len(value):,}", "limit": f"{limit:,}"},
        )


def fast_url(value: str) -> bool:
    """Whether `value` is a URL `check_url` accepts on its fast path (the common case)."""
    return len(value) <= MAX_URL and _GOOD_URL.fullmatch(value) is not None


def check_url(value: str) -> str:
    """Accept only absolute http(s) URLs without userinfo, spaces or controls; suggest the fix
    for a mangled scheme separator."""
    if fast_url(value):  # the common case
        return value
    refuse_length(value, MAX_URL)
    refuse_chars(value, BAD_LINE, "bad-url")
    try:
        parts = urlsplit(value)
    except ValueError:  # an unclosed [IPv6 bracket
        parts = urlsplit("")
    if "@" in parts.netloc:
        raise Refused(
            "bad-url",
            "a URL must not hold a user name or password (before '@'), got {value}",
            {"value": repr(value), "hint": None},
        )
    if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in value):
        return value
    typo = _SCHEME_TYPO.match(value)
    hint = f"{typo.group(1).lower()}://{typo.group(2)}" if typo else None
    raise Refused(
        "bad-url",
        "expected an http(s) URL, got {value}",
        {"value": repr(value), "hint": hint},
    )
