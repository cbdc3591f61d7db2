"""arXiv's `journal_ref` read as a venue claim: evidence of publication, never the deciding word.

The journal reference is free text the authors type on arXiv ("Published at ICLR 2022", "IEEE
TPAMI 45(3), 2023"); arXiv does not check it. It is often set once and never updated, written
at acceptance ("Accepted to ..."), names a workshop held at a conference, or even a venue the
paper was only submitted to, and venues are abbreviated every which way. So it is read
cautiously: a claim only when exactly one registry venue is named, no submission words appear,
and a workshop is not passed off as its conference. Reconcile then uses it to support a venue
that DBLP, Crossref or OpenReview decided, to flag a disagreement with them (a conflict,
nothing applied), or to report an unconfirmed claim; alone it never changes a record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from catalog.registry import normalize

_NOT_PUBLISHED = re.compile(
    r"\b(submitted|submission|under review|in review|preprint|rejected|withdrawn)\b", re.I
)
_WORKSHOP = re.compile(r"\bworkshops?\b", re.I)
_YEAR = re.compile(r"(?<!\d)((?:19[89]|20[0-4])\d)(?!\d)")


def journal_venue(
    text: str, lookup: Mapping[str, str], kinds: Mapping[str, str]
) -> tuple[str, int | None] | None:
    """(canonical venue, year or None) that a journal_ref names, or None when it is unclear.

    `lookup` maps every normalized spelling of a registry venue to its canonical name (see
    `reconcile.venue_lookup`); `kinds` gives each venue's kind (preprints are no claim).
    """
    if not text or _NOT_PUBLISHED.search(text):
        return None
    spellings = tuple(
        sorted(
            (s for s, name in lookup.items() if kinds.get(name) != "preprint" and len(s) > 1),
            key=lambda s: (-len(s), s),
        )
    )
    # Longest spelling first: "findings of acl" is ACL Findings, not ACL.
    names = {lookup[m.group(1)] for m in _pattern(spellings).finditer(normalize(text))}
    if len(names) != 1:
        return None
    venue = names.pop()
    if _WORKSHOP.search(text) and kinds.get(venue) != "workshop":
        return None  # "ICML 2023 Workshop on ...": not the conference
    years = {int(y) for y in _YEAR.findall(text)}
    return venue, years.pop() if len(years) == 1 else None


@lru_cache(maxsize=8)
def _pattern(spellings: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(s) for s in spellings) or r"(?!)"
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)")
