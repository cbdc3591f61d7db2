"""Addresses of pages on the generated site, as the README links to them.

The site (catalog/render/pages.py) and the README both name keyword, venue and year pages
through this module, so their links always agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from catalog import slug
from catalog.model import RESERVED_IDS


def slugify(text: str) -> str:
    """A page name: lower-case ASCII words joined by '-' ('LoRA+ Tuning' -> 'lora-plus-tuning')."""
    return slug.slugify(text) or "x"


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """A distinct slug per name, stable for a given set of names (sorted before numbering).

    Never a reserved id: each folder's own index page (keywords/index.md lists all keywords).
    """
    taken: set[str] = set(RESERVED_IDS)
    slugs = {}
    for name in sorted(names, key=lambda n: (slugify(n), n)):
        slugs[name] = slug.unique_slug(slugify(name), taken)
        taken.add(slugs[name])
    return slugs


def page_url(site_url: str, *parts: str) -> str:
    """site_url + 'keywords/<slug>/' and the like, whether or not site_url ends in '/'."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return base + "".join(f"{part}/" for part in parts)
