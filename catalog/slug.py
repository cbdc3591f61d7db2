"""Paper ids from titles: the short method name when a title starts with one, else a few words.

An id is the record's file name and its address on the site, so it must be short, readable
and stable: `LoRA: Low-Rank Adaptation ...` gives `lora`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

_NON_ID = re.compile(r"[^a-z0-9]+")
_ACRONYM = re.compile(r"\(([A-Za-z][\w+-]{1,20})\)")
_STOPWORDS = {"a", "an", "the", "of", "for", "in", "on", "with", "and", "to", "via", "by", "at"}
MAX_METHOD_WORDS = 3
MAX_WORDS = 4
MAX_LENGTH = 48


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-': 'Mixture-of-LoRAs' -> 'mixture-of-loras'."""
    text = text.replace("+", " plus ").replace("'", "").replace("’", "")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_ID.sub("-", ascii_text.lower()).strip("-")


def paper_slug(title: str) -> str:
    """`LoRA: Low-Rank ...` -> `lora`, `... (QuanTA): ...` -> `quanta`, else a few words."""
    head, sep, _ = title.partition(":")
    if sep and len(head.split()) <= MAX_METHOD_WORDS and slugify(head):
        return slugify(head)[:MAX_LENGTH].strip("-")
    acronym = _ACRONYM.search(head) if sep else None
    if acronym:
        return slugify(acronym.group(1))
    words = [w for w in head.split() if w.lower() not in _STOPWORDS] or head.split()
    slug = slugify(" ".join(words[:MAX_WORDS]))[:MAX_LENGTH].strip("-")
    return slug or "paper"


def unique_slug(base: str, taken: Container[str]) -> str:
    """`base`, or `base-2`, `base-3`... the first not already taken."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
