"""Venue names as lists write them: canonical spellings, common aliases, and the kind a name says.

`NIPS 2021` and `NeurIPS` are one venue; `TPAMI` is a journal, `... Workshop` a workshop,
`arXiv` a preprint. Only what the name itself says is used: no lookup, no guess from memory
about a particular paper.
"""

from __future__ import annotations

import re

from catalog.model import VenueKind

# Canonical spellings of venues lists name often; a registry entry always wins over these.
_CANONICAL = [
    "AAAI",
    "ACL",
    "ACM",
    "MM",
    "AISTATS",
    "BMVC",
    "COLING",
    "COLM",
    "CoRL",
    "CVPR",
    "EACL",
    "ECCV",
    "EMNLP",
    "ICASSP",
    "ICCV",
    "ICLR",
    "ICML",
    "ICRA",
    "IJCAI",
    "IJCV",
    "Interspeech",
    "IROS",
    "JMLR",
    "KDD",
    "MICCAI",
    "NAACL",
    "NeurIPS",
    "SIGIR",
    "TACL",
    "TIP",
    "TMLR",
    "TNNLS",
    "TPAMI",
    "UAI",
    "WACV",
    "WWW",
    "arXiv",
]
_SPELLING = {name.casefold(): name for name in _CANONICAL} | {"acm mm": "ACM MM", "mm": "ACM MM"}
_ALIASES = {
    "nips": "NeurIPS",
    "neurlps": "NeurIPS",
    "neural information processing systems": "NeurIPS",
    "advances in neural information processing systems": "NeurIPS",
    "arxiv preprint": "arXiv",
    "preprint": "arXiv",
    "corr": "arXiv",
    "arxiv.org": "arXiv",
    "t-pami": "TPAMI",
    "ieee tpami": "TPAMI",
    "ieee t-pami": "TPAMI",
    "the web conference": "WWW",
    "acm multimedia": "ACM MM",
}
# Full names, as proceedings and Semantic Scholar write them (lists generated from its API
# print them on a line of their own): the name of the venue, never a guess about a paper.
_FULL_NAMES = {
    "aaai conference on artificial intelligence": "AAAI",
    "annual meeting of the association for computational linguistics": "ACL",
    "british machine vision conference": "BMVC",
    "computer vision and pattern recognition": "CVPR",
    "conference on computer vision and pattern recognition": "CVPR",
    "ieee/cvf conference on computer vision and pattern recognition": "CVPR",
    "conference on empirical methods in natural language processing": "EMNLP",
    "conference of the european chapter of the association for computational linguistics": ("EACL"),
    "european conference on computer vision": "ECCV",
    "international conference on computer vision": "ICCV",
    "ieee international conference on computer vision": "ICCV",
    "ieee/cvf international conference on computer vision": "ICCV",
    "international conference on learning representations": "ICLR",
    "international conference on machine learning": "ICML",
    "international joint conference on artificial intelligence": "IJCAI",
    "ieee international conference on acoustics, speech, and signal processing": "ICASSP",
    "ieee international conference on acoustics, speech and signal processing": "ICASSP",
    "international conference on acoustics, speech, and signal processing": "ICASSP",
    "international conference on acoustics, speech and signal processing": "ICASSP",
    "international conference on computational linguistics": "COLING",
    "north american chapter of the association for computational linguistics": "NAACL",
    "transactions of the association for computational linguistics": "TACL",
    "transactions on machine learning research": "TMLR",
    "journal of machine learning research": "JMLR",
    "ieee transactions on pattern analysis and machine intelligence": "TPAMI",
    "ieee workshop/winter conference on applications of computer vision": "WACV",
    "winter conference on applications of computer vision": "WACV",
    "conference on robot learning": "CoRL",
    "conference on uncertainty in artificial intelligence": "UAI",
    "international conference on artificial intelligence and statistics": "AISTATS",
    "knowledge discovery and data mining": "KDD",
}
_ALIASES |= _FULL_NAMES
# The longest first, so `IEEE International Conference on Computer Vision` is not read as its
# tail; whole words only, in any case; never the name of the venue's workshops.
_FULL_NAME = re.compile(
    r"(?:(?P<before>(?:19|20)\d{2})\s+)?(?<![\w/])(?P<name>"
    + "|".join(re.escape(name) for name in sorted(_FULL_NAMES, key=len, reverse=True))
    + r")(?![\w/])(?!\s+workshops?\b)"  # `... Pattern Recognition Workshops`: not CVPR
    r"(?:\s+(?P<after>(?:19|20)\d{2})(?!\d))?",
    re.IGNORECASE,
)
_JOURNAL = re.compile(
    r"\b(journal|transactions|trans\.|letters|magazine|review|tpami|tmlr|jmlr|tacl|ijcv|tip|"
    r"tnnls|nature|science|pnas|access)\b",
    re.IGNORECASE,
)
_WORKSHOP = re.compile(r"\b(workshops?|ws)\b", re.IGNORECASE)
_WORKSHOP_OF = re.compile(  # CVPRW, ICCVW, `ECCV W`: a conference's workshops
    r"^(?:cvpr|iccv|eccv|icml|neurips|nips|iclr|accv|acmmm|icpr|wacv|aaai|ijcai|icra|iros|bmvc|"
    r"acl|emnlp|naacl|kdd) ?w$",
    re.IGNORECASE,
)
_PREPRINT = re.compile(r"\b(arxiv|preprint|biorxiv|medrxiv|corr|ssrn|techrxiv)\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Words a venue's name keeps in lower case after its first: `Workshop on Efficient ML`.
_SMALL_WORDS = {"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with"}


# The ways lists name a conference's Findings: `Findings of EMNLP`, `EMNLP (Findings)`,
# `NAACL-Findings`, and the Anthology's `Findings of the Association for Computational
# Linguistics: EMNLP` (`Findings of ACL: EMNLP` is EMNLP's, not ACL's).
_FINDINGS = re.compile(
    r"^(?:findings of (?:(?:the association for computational linguistics|acl) ?: ?)?(?:the )?"
    r"(?P<of>[a-z]+)|(?P<conf>[a-z]+) ?[-(]? ?findings\)?)$"
)


def findings_of(name: str) -> str | None:
    """`Findings of EMNLP` -> `EMNLP Findings` (any spelling above), else None."""
    found = _FINDINGS.match(_SPACES.sub(" ", name.strip()).casefold())
    conference = found and _SPELLING.get(found["of"] or found["conf"])
    return f"{conference} Findings" if conference else None


def canonical_spelling(name: str) -> str:
    """`nips` -> `NeurIPS`, `iclr` -> `ICLR`, `Findings of ACL` -> `ACL Findings`; else `name`."""
    key = _SPACES.sub(" ", name.strip()).casefold()
    if key in _ALIASES:
        return _ALIASES[key]
    if findings := findings_of(key):
        return findings
    if key in _SPELLING:
        return _SPELLING[key]
    words = name.split()
    if len(words) > 1 and words[0].casefold() in _SPELLING | _ALIASES:
        first = _ALIASES.get(words[0].casefold()) or _SPELLING[words[0].casefold()]
        rest = [
            w if any(c.isupper() for c in w) or w in _SMALL_WORDS else w.capitalize()
            for w in words[1:]
        ]
        return " ".join([first, *rest])
    return " ".join(words)


def full_name_in(text: str) -> str | None:
    """The short name of a venue `text` names in full, with the year written beside it
    (`Annual Meeting of the Association for Computational Linguistics` -> `ACL`, `2018
    IEEE/CVF Conference on Computer Vision and Pattern Recognition` -> `CVPR 2018`), or None."""
    found = _FULL_NAME.search(_SPACES.sub(" ", text))
    if found is None:
        return None
    short = _FULL_NAMES[found["name"].casefold()]
    year = found["before"] or found["after"]
    return f"{short} {year}" if year else short


def is_known_venue(name: str) -> bool:
    """A name lists use for a venue (with or without a qualifier such as `Findings`)."""
    key = _SPACES.sub(" ", name.strip()).casefold()
    first = key.split(" ", 1)[0] if key else ""
    return key in _ALIASES or key in _SPELLING or first in _SPELLING or first in _ALIASES


def says_workshop(name: str) -> bool:
    """`... Workshop`, `Workshop on ...`, `CVPRW`: the name itself says it is a workshop."""
    return bool(_WORKSHOP.search(name) or _WORKSHOP_OF.match(name.strip()))


def venue_kind(name: str) -> VenueKind:
    """What the name says: preprint (arXiv), workshop, journal, else conference.

    Only the name counts, never the column or badge it came from: a list's "Conference"
    column holds its workshops too."""
    if _PREPRINT.search(name):
        return "preprint"
    if says_workshop(name):
        return "workshop"
    if _JOURNAL.search(name):
        return "journal"
    return "conference"
