"""Addresses of pages on the generated site, as the README links to them.

The site (catalog/render/pages.py) names its keyword pages with the same rule; both sides
must agree, so keep this module and that one in step (a test compares them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-': 'LoRA+ Tuning' -> 'lora-plus-tuning'."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("+", " plus ")).encode(
        "ascii", "ignore"
    )
    return _NON_SLUG.sub("-", ascii_text.decode().lower()).strip("-") or "x"


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """A distinct slug per name, stable for a given set of names (sorted before numbering)."""
    taken: set[str] = set()
    slugs = {}
    for name in sorted(names, key=lambda n: (slugify(n), n)):
        base = slug = slugify(name)
        n = 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs[name] = slug
    return slugs


def page_url(site_url: str, *parts: str) -> str:
    """site_url + 'keywords/<slug>/' and the like, whether or not site_url ends in '/'."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return base + "".join(f"{part}/" for part in parts)
