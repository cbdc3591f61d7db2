"""Counts as a reader writes them: 6097 -> "6,097".

One place for the README, the site's templates and its charts; the browser's catalog.js
writes the counts it repaints the same way (its `thousands`).
"""

from __future__ import annotations


def thousands(number: int) -> str:
    """An integer with a comma between each group of three digits (English, the site's language)."""
    return f"{number:,}"
